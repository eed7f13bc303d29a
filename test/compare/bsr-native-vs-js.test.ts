// BSR on both backends at every SIMD level the CPU runs: conversions identical, products within
// 1e-12 (f64) / 1e-5 (f32) relative to the sum of absolute terms (bit-identical on the scalar level
// and for SpMM, whose vector lanes are output columns), the same errors for broken structures, and
// results independent of the thread count. Skipped when the addon is not built.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsBackend } from '../../src/backend/js/index.js';
import { loadNativeBackend } from '../../src/backend/native.js';
import { nativeAvailable, setBackend } from '../../src/backend/select.js';
import { BsrMatrix, CsrMatrix, DenseMatrix, type Dtype, type Values } from '../../src/index.js';
import { buildCsr, FC_SEED, tolFor, type MatrixSpec } from '../helpers/arbitraries.js';
import { expectClose } from '../helpers/reference.js';
import { onBoth, errorOf, sameErrors, absScale } from '../helpers/backends.js';

const hasNative = nativeAvailable();
const native = loadNativeBackend();
const control = native.control;
const levels = control ? control.info().simdSupported : ['none'];
const defaultLevel = control?.info().simd;
const threadControl = control as unknown as { setThreads?: (n: number) => void; getThreads?: () => number } | null;
const runs = { seed: FC_SEED, numRuns: 150 };

function sameValues(a: Values, b: Values, scale: number, dtype: Dtype, exact: boolean): void {
  expect(b.constructor).toBe(a.constructor);
  if (exact) expect(b).toEqual(a);
  else expectClose(b, a, Math.max(scale, 1), tolFor(dtype));
}

const blocked = fc
  .record({
    r: fc.integer({ min: 1, max: 8 }),
    c: fc.integer({ min: 1, max: 8 }),
    square: fc.boolean(),
    br: fc.integer({ min: 0, max: 6 }),
    bc: fc.integer({ min: 0, max: 6 }),
    dtype: fc.constantFrom<Dtype>('f64', 'f32'),
    k: fc.integer({ min: 1, max: 9 }),
    alpha: fc.constantFrom(1, -0.75, 3),
    beta: fc.constantFrom(0, 1, 0.5),
  })
  .chain((p) => {
    const c = p.square ? p.r : p.c;
    const rows = p.br * p.r;
    const cols = p.bc * c;
    const entries =
      rows === 0 || cols === 0
        ? fc.constant([] as [number, number, number][])
        : fc.array(fc.tuple(fc.integer({ min: 0, max: rows - 1 }), fc.integer({ min: 0, max: cols - 1 }), fc.double({ min: -10, max: 10, noNaN: true }).map((v) => (Math.abs(v) < 1e-6 ? 0 : v))), {
            maxLength: Math.min(rows * cols, 120),
          });
    return entries.map((e) => ({ ...p, c, spec: { rows, cols, entries: e, dtype: p.dtype } as MatrixSpec }));
  });

function vec(n: number, dtype: Dtype, phase: number): Values {
  const v = dtype === 'f32' ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = Math.cos(i * 0.7 + phase) * 3;
  return v;
}

describe.skipIf(!hasNative).each(levels)('BSR: native (SIMD %s) and JS backends agree', (level) => {
  beforeAll(() => control?.setSimd(level));
  afterAll(() => {
    if (defaultLevel) control?.setSimd(defaultLevel);
    setBackend('auto');
  });
  // The scalar level sums in the JS twin's order; SIMD levels may reorder SpMV (not SpMM). The
  // transposed products add per-group partial sums (a parallel scatter): never bit-exact.
  const exactSpmv = level === 'scalar';

  it('toBsr, toCsr, matvec and matmat (k = 1..9), plain and transposed, f64/f32', () => {
    fc.assert(
      fc.property(blocked, ({ r, c, spec, k, alpha, beta, dtype }) => {
        const A = buildCsr(spec);
        const conv = onBoth(() => A.toBsr(r, c));
        expect(conv.native.blockRowPtr).toEqual(conv.js.blockRowPtr);
        expect(conv.native.blockColIdx).toEqual(conv.js.blockColIdx);
        expect(conv.native.values).toEqual(conv.js.values);
        const B = conv.js;
        for (const keepZeros of [false, true]) {
          const back = onBoth(() => B.toCsr({ keepZeros }));
          expect(back.native.rowPtr).toEqual(back.js.rowPtr);
          expect(back.native.colIdx).toEqual(back.js.colIdx);
          expect(back.native.values).toEqual(back.js.values);
        }
        const scale = absScale(B.values) * 3 * 4;
        for (const transpose of [false, true]) {
          const n = transpose ? A.rows : A.cols;
          const m = transpose ? A.cols : A.rows;
          const x = vec(n, dtype, 1);
          const y0 = vec(m, dtype, 2);
          const y = onBoth(() => B.matvec(x, { alpha, beta, transpose, out: y0.slice() }));
          sameValues(y.js, y.native, scale + absScale(y0), dtype, exactSpmv && !transpose);
          const X = new DenseMatrix(n, k, vec(n * k, dtype, 3));
          const Y0 = vec(m * k, dtype, 4);
          const Y = onBoth(() => B.matmat(X, { alpha, beta, transpose, out: new DenseMatrix(m, k, Y0.slice()) }));
          sameValues(Y.js.data, Y.native.data, scale + absScale(Y0), dtype, !transpose);
        }
      }),
      runs,
    );
  });

  it('specialized sizes on a larger matrix (several tasks), f64 within 1e-12, f32 within 1e-5', () => {
    for (const dtype of ['f64', 'f32'] as const) {
      const A = CsrMatrix.random(960, 960, 0.02, { seed: 5, dtype });
      for (const [r, c] of [[2, 2], [3, 3], [4, 4], [8, 8], [5, 5], [2, 6], [8, 1]]) {
        const B = A.toBsr(r, c);
        const x = vec(960, dtype, 0.5);
        const scale = absScale(B.values) * 3;
        const y = onBoth(() => B.matvec(x));
        sameValues(y.js, y.native, scale, dtype, exactSpmv || r !== c || ![2, 3, 4, 8].includes(r));
        const yt = onBoth(() => B.matvec(x, { transpose: true }));
        sameValues(yt.js, yt.native, scale, dtype, false);
        const X = new DenseMatrix(960, 5, vec(960 * 5, dtype, 1.5));
        const Y = onBoth(() => B.matmat(X));
        sameValues(Y.js.data, Y.native.data, scale, dtype, true);
      }
    }
  });

  it('results do not depend on the thread count', () => {
    if (!threadControl?.setThreads || !threadControl.getThreads) return;
    const before = threadControl.getThreads();
    try {
      const A = CsrMatrix.random(4000, 4000, 0.01, { seed: 9 });
      const B = A.toBsr(4);
      const x = vec(4000, 'f64', 0.25);
      const X = new DenseMatrix(4000, 7, vec(4000 * 7, 'f64', 2));
      setBackend('native');
      const results = [1, 2, 3].map((t) => {
        threadControl.setThreads!(t);
        return [B.matvec(x), B.matvec(x, { transpose: true }), B.matmat(X).data, B.matmat(X, { transpose: true }).data];
      });
      for (const r of results.slice(1)) expect(r).toEqual(results[0]);
    } finally {
      threadControl.setThreads(before);
      setBackend('auto');
    }
  });

  it('broken structures (validate: false) give the same error on both backends', () => {
    const base = { rows: 6, cols: 4, blockSize: [2, 2] as [number, number], blockRowPtr: Int32Array.from([0, 1, 3, 4]), blockColIdx: Int32Array.from([0, 0, 1, 1]), values: Float64Array.from({ length: 16 }, (_, i) => i + 1) };
    const broken: [string, Partial<typeof base>][] = [
      ['block column too large', { blockColIdx: Int32Array.from([0, 0, 2, 1]) }],
      ['negative block column', { blockColIdx: Int32Array.from([0, -1, 1, 1]) }],
      ['huge block column', { blockColIdx: Int32Array.from([0, 0, 1, 2147483647]) }],
      ['pointer decreasing', { blockRowPtr: Int32Array.from([0, 3, 1, 4]) }],
      ['pointer beyond nnzb', { blockRowPtr: Int32Array.from([0, 1, 9, 4]) }],
      ['pointer[0] not zero', { blockRowPtr: Int32Array.from([1, 1, 3, 4]) }],
      ['pointer too short', { blockRowPtr: Int32Array.from([0, 1, 4]) }],
      ['nnzb beyond blockColIdx', { blockRowPtr: Int32Array.from([0, 1, 3, 5]) }],
      ['values too short', { values: new Float64Array(15) }],
      ['huge pointer', { blockRowPtr: Int32Array.from([0, 2147483647, 3, 4]) }],
      ['unsorted blocks', { blockColIdx: Int32Array.from([0, 1, 0, 1]) }],
      ['duplicate blocks', { blockColIdx: Int32Array.from([0, 1, 1, 1]) }],
      ['column error before pointer error', { blockRowPtr: Int32Array.from([0, 1, 0, 4]), blockColIdx: Int32Array.from([5, 0, 1, 1]) }],
    ];
    for (const [, patch] of broken) {
      const B = BsrMatrix.fromArrays({ ...base, ...patch }, { validate: false });
      const x = new Float64Array(4).fill(1);
      const xt = new Float64Array(6).fill(1);
      sameErrors(() => B.matvec(x));
      sameErrors(() => B.matvec(xt, { transpose: true }));
      sameErrors(() => B.matmat(new DenseMatrix(4, 3)));
      sameErrors(() => B.matmat(new DenseMatrix(6, 3), { transpose: true }));
      sameErrors(() => B.toCsr());
      sameErrors(() => B.toCsr({ keepZeros: true }));
      setBackend('js');
      const err = errorOf(() => B.toCsr());
      expect(err === null || err.name === 'FormatError').toBe(true);
    }
    // A broken CSR handed to toBsr.
    const csr: [Int32Array, Int32Array][] = [
      [Int32Array.from([0, 1, 2, 3, 4]), Int32Array.from([0, 9, 1, 2])],
      [Int32Array.from([0, 2, 1, 3, 4]), Int32Array.from([0, 1, 1, 2])],
      [Int32Array.from([0, 1, 2, 3, 99]), Int32Array.from([0, 1, 1, 2])],
    ];
    for (const [rowPtr, colIdx] of csr) {
      const A = new CsrMatrix(4, 4, rowPtr, colIdx, new Float64Array(4).fill(1), { validate: false });
      sameErrors(() => A.toBsr(2));
      setBackend('js');
      expect(errorOf(() => A.toBsr(2))?.name).toBe('FormatError');
    }
  });

  it('the backends check block sizes themselves, with the same errors', () => {
    const A = CsrMatrix.random(12, 12, 0.3, { seed: 2 });
    const nat = native.backend!;
    for (const [r, c] of [[0, 1], [9, 2], [1.5, 2], [NaN, 1], [5, 5], [2, 8], [-1, 4]]) {
      expect(errorOf(() => nat.csrToBsr(A, r, c))).toEqual(errorOf(() => jsBackend.csrToBsr(A, r, c)));
      const B = { rows: 12, cols: 12, blockSize: [r, c] as [number, number], blockRowPtr: new Int32Array(13), blockColIdx: new Int32Array(0), values: new Float64Array(0) };
      const e = errorOf(() => jsBackend.bsrSpmv(B, new Float64Array(12), new Float64Array(12), 1, 0, false));
      expect(e?.name).toBe('ShapeError');
      expect(errorOf(() => nat.bsrSpmv(B, new Float64Array(12), new Float64Array(12), 1, 0, false))).toEqual(e);
      expect(errorOf(() => nat.bsrToCsr(B, false))).toEqual(errorOf(() => jsBackend.bsrToCsr(B, false)));
    }
  });
});
