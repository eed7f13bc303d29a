// Every public operation on both backends: structure and errors identical, values within 1e-12
// (f64) or 1e-5 (f32) relative to the sum of absolute terms. Skipped when the addon is not built.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as jsModule from '../../src/backend/js/index.js';
import { loadNativeBackend } from '../../src/backend/native.js';
import { nativeAvailable, setBackend } from '../../src/backend/select.js';
import { CooBuilder, CsrMatrix, DenseMatrix, type Values } from '../../src/index.js';
import { buildCsr, FC_SEED, matrixSpec, scalar, tolFor, vectorOf, type MatrixSpec } from '../helpers/arbitraries.js';
import { expectClose } from '../helpers/reference.js';
import { onBoth, errorOf, sameErrors, absScale } from '../helpers/backends.js';

const hasNative = nativeAvailable();
// Every SIMD level this CPU runs gets the whole comparison (each is its own kernel table).
const control = loadNativeBackend().control;
const levels = control ? control.info().simdSupported : ['none'];
const defaultLevel = control?.info().simd;
const runs = { seed: FC_SEED, numRuns: 200 };

/** Values agree within the tolerance relative to the matrix/vector magnitudes involved. */
function sameValues(a: Values, b: Values, scale: number, dtype: 'f64' | 'f32'): void {
  expect(a.constructor).toBe(b.constructor);
  expectClose(a, b, Math.max(scale, 1), tolFor(dtype));
}

function sameCsr(a: CsrMatrix, b: CsrMatrix, scale: number): void {
  expect([b.rows, b.cols, b.nnz, b.dtype]).toEqual([a.rows, a.cols, a.nnz, a.dtype]);
  expect(b.rowPtr).toEqual(a.rowPtr);
  expect(b.colIdx).toEqual(a.colIdx);
  sameValues(a.values, b.values, scale, a.dtype);
}

const withVectors = matrixSpec({ maxDim: 30 }).chain((s) =>
  fc.tuple(fc.constant(s), vectorOf(s.cols, s.dtype), vectorOf(s.rows, s.dtype), fc.integer({ min: 1, max: 9 }), scalar),
);

describe.skipIf(!hasNative).each(levels)('native (SIMD %s) and JS backends agree', (level) => {
  beforeAll(() => control?.setSimd(level));
  afterAll(() => {
    if (defaultLevel) control?.setSimd(defaultLevel);
    setBackend('auto');
  });

  it('matvec, plain and transposed, with alpha/beta', () => {
    fc.assert(
      fc.property(withVectors, ([spec, x, xt, , alpha]) => {
        const A = buildCsr(spec);
        const scale = absScale(A.values) * 10 * (1 + Math.abs(alpha));
        const r = onBoth(() => A.matvec(x, { alpha }));
        sameValues(r.js, r.native, scale, spec.dtype);
        const rt = onBoth(() => A.matvec(xt, { transpose: true, alpha, beta: 0.5, out: (spec.dtype === 'f32' ? new Float32Array(A.cols) : new Float64Array(A.cols)).fill(1) }));
        sameValues(rt.js, rt.native, scale, spec.dtype);
      }),
      runs,
    );
  });

  it('matmat (SpMM), plain and transposed', () => {
    fc.assert(
      fc.property(withVectors, ([spec, , , k]) => {
        const A = buildCsr(spec);
        const X = new DenseMatrix(A.cols, k, undefined, { dtype: spec.dtype });
        const Xt = new DenseMatrix(A.rows, k, undefined, { dtype: spec.dtype });
        for (let t = 0; t < X.data.length; t++) X.data[t] = Math.sin(t + 1);
        for (let t = 0; t < Xt.data.length; t++) Xt.data[t] = Math.cos(t);
        const scale = absScale(A.values) * 10;
        const r = onBoth(() => A.matmat(X));
        sameValues(r.js.data, r.native.data, scale, spec.dtype);
        const rt = onBoth(() => A.matmat(Xt, { transpose: true }));
        sameValues(rt.js.data, rt.native.data, scale, spec.dtype);
      }),
      runs,
    );
  });

  it('multiply, add, transpose, toCsc, COO build', () => {
    fc.assert(
      fc.property(
        matrixSpec({ maxDim: 20 }).chain((s) => fc.tuple(fc.constant(s), matrixSpec({ rows: s.cols, cols: s.rows, dtype: s.dtype }), matrixSpec({ rows: s.rows, cols: s.cols, dtype: s.dtype }))),
        ([sa, sb, sc]: [MatrixSpec, MatrixSpec, MatrixSpec]) => {
          const A = buildCsr(sa);
          const B = buildCsr(sb);
          const C = buildCsr(sc);
          const scale = absScale(A.values) * absScale(B.values) + absScale(A.values) + absScale(C.values);
          const p = onBoth(() => A.multiply(B));
          sameCsr(p.js, p.native, scale);
          const s = onBoth(() => A.add(C, { alpha: 0.5, beta: -2 }));
          sameCsr(s.js, s.native, scale * 2);
          const t = onBoth(() => A.transpose());
          sameCsr(t.js, t.native, 0);
          const c = onBoth(() => A.toCsc());
          expect(c.native.colPtr).toEqual(c.js.colPtr);
          expect(c.native.rowIdx).toEqual(c.js.rowIdx);
          const coo = onBoth(() => {
            const b = new CooBuilder(sa.rows, sa.cols, { dtype: sa.dtype });
            for (const [i, j, v] of sa.entries) b.add(i, j, v);
            return b.toCsr();
          });
          sameCsr(coo.js, coo.native, absScale(sa.entries.map((e) => e[2])));
        },
      ),
      runs,
    );
  });

  it('scaling, reductions, dense conversions', () => {
    fc.assert(
      fc.property(withVectors, ([spec, dc, dr, , alpha]) => {
        const A = buildCsr(spec);
        const scale = absScale(A.values) * 10;
        sameCsr(...Object.values(onBoth(() => A.scale(alpha))) as [CsrMatrix, CsrMatrix], scale);
        sameCsr(...Object.values(onBoth(() => A.scaleRows(dr))) as [CsrMatrix, CsrMatrix], scale);
        sameCsr(...Object.values(onBoth(() => A.scaleCols(dc))) as [CsrMatrix, CsrMatrix], scale);
        for (const op of ['rowSums', 'colSums', 'diagonal'] as const) {
          const r = onBoth(() => A[op]());
          sameValues(r.js, r.native, scale, spec.dtype);
        }
        const n = onBoth(() => A.normFrobenius());
        expectClose([n.native], [n.js], n.js, 1e-12);
        const d = onBoth(() => A.toDense());
        expect(d.native.data).toEqual(d.js.data);
        const back = onBoth(() => CsrMatrix.fromDense(d.js));
        sameCsr(back.js, back.native, 0);
      }),
      runs,
    );
  });

  it('allFinite: the same answer on both backends, with NaN or +-Infinity anywhere (f64, f32)', () => {
    const native = loadNativeBackend().backend!;
    const { jsBackend } = jsModule;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 300000 }),
        fc.boolean(),
        fc.constantFrom(NaN, Infinity, -Infinity, null),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (len, f32, bad, where) => {
          const data = f32 ? new Float32Array(len) : new Float64Array(len);
          for (let k = 0; k < len; k++) data[k] = ((k * 2654435761) % 1000) - 500 + (k % 977 === 0 ? (f32 ? 3.4028234663852886e38 : Number.MAX_VALUE) : 0);
          if (bad !== null && len > 0) data[Math.min(len - 1, Math.floor(where * len))] = bad;
          const expected = bad === null || len === 0;
          expect(jsBackend.allFinite(data)).toBe(expected);
          expect(native.allFinite(data)).toBe(expected);
        },
      ),
      { seed: FC_SEED, numRuns: 40 },
    );
  });

  it('adversarial structures give the same error on both backends', () => {
    const base = { rows: 3, cols: 3, rowPtr: Int32Array.from([0, 1, 2, 3]), colIdx: Int32Array.from([0, 1, 2]), values: Float64Array.from([1, 2, 3]) };
    const broken: [string, Partial<typeof base>][] = [
      ['column too large', { colIdx: Int32Array.from([0, 7, 2]) }],
      ['negative column', { colIdx: Int32Array.from([0, -1, 2]) }],
      ['rowPtr decreasing', { rowPtr: Int32Array.from([0, 2, 1, 3]) }],
      ['rowPtr beyond nnz', { rowPtr: Int32Array.from([0, 1, 2, 9]) }],
      ['rowPtr[0] not zero', { rowPtr: Int32Array.from([1, 1, 2, 3]) }],
      ['huge rowPtr', { rowPtr: Int32Array.from([0, 1, 2147483647, 3]) }],
    ];
    const x = new Float64Array(3).fill(1);
    const good = new CsrMatrix(3, 3, base.rowPtr, base.colIdx, base.values);
    for (const [, patch] of broken) {
      // validate: false hands the library a structure it must not trust blindly.
      const A = new CsrMatrix(3, 3, patch.rowPtr ?? base.rowPtr, patch.colIdx ?? base.colIdx, base.values, { validate: false });
      const X = new DenseMatrix(3, 2);
      sameErrors(() => A.matvec(x));
      sameErrors(() => A.matvec(x, { transpose: true }));
      sameErrors(() => A.matmat(X));
      sameErrors(() => A.matmat(X, { transpose: true }));
      sameErrors(() => A.multiply(good));
      sameErrors(() => good.multiply(A));
      sameErrors(() => A.add(good));
      sameErrors(() => A.transpose());
      sameErrors(() => A.scale(2));
      sameErrors(() => A.scaleRows([1, 2, 3]));
      sameErrors(() => A.scaleCols([1, 2, 3]));
      sameErrors(() => A.rowSums());
      sameErrors(() => A.colSums());
      sameErrors(() => A.diagonal());
      sameErrors(() => A.normFrobenius());
      sameErrors(() => A.toDense());
      setBackend('js');
      expect(errorOf(() => A.transpose())?.name).toBe('FormatError');
    }
    const unsorted = new CsrMatrix(1, 3, Int32Array.from([0, 2]), Int32Array.from([2, 0]), Float64Array.from([1, 2]), { validate: false });
    const row = new CsrMatrix(1, 3, Int32Array.from([0, 1]), Int32Array.from([1]), Float64Array.from([1]));
    sameErrors(() => unsorted.add(row));
    sameErrors(() => row.add(unsorted));
  });

  it('f32 and f64 large random matrices agree', () => {
    for (const dtype of ['f64', 'f32'] as const) {
      const A = CsrMatrix.random(500, 400, 0.02, { seed: 3, dtype });
      const B = CsrMatrix.random(400, 300, 0.02, { seed: 4, dtype });
      const x = Float64Array.from({ length: 400 }, (_, i) => Math.sin(i));
      const scale = absScale(A.values) * 2;
      const r = onBoth(() => A.matvec(x));
      sameValues(r.js, r.native, scale, dtype);
      const p = onBoth(() => A.multiply(B));
      sameCsr(p.js, p.native, scale * absScale(B.values));
    }
  });

  it('f32 SpMV on long cancelling rows stays within 1e-5 of the absolute sum of each row', () => {
    // SIMD levels sum f32 rows in float blocks (spmv_csr.hpp): the bound must hold per row, on
    // rows far longer than a block, where the terms cancel.
    const rows = 6;
    const lengths = [1, 31, 32, 33, 5000, 40000];
    const cols = 40000;
    const rowPtr = new Int32Array(rows + 1);
    lengths.forEach((n, i) => (rowPtr[i + 1] = rowPtr[i] + n));
    const colIdx = new Int32Array(rowPtr[rows]);
    const values = new Float32Array(rowPtr[rows]);
    for (let i = 0, k = 0; i < rows; i++) {
      for (let t = 0; t < lengths[i]; t++, k++) {
        colIdx[k] = t;
        values[k] = (t % 2 === 0 ? 1 : -1) * (1 + Math.sin(k) * 1e-3);
      }
    }
    const A = CsrMatrix.fromArrays({ rows, cols, rowPtr, colIdx, values });
    const x = Float32Array.from({ length: cols }, (_, j) => 1 + Math.cos(j) * 1e-2);
    const y = onBoth(() => A.matvec(x));
    for (let i = 0; i < rows; i++) {
      let absSum = 0;
      for (let k = rowPtr[i]; k < rowPtr[i + 1]; k++) absSum += Math.abs(values[k] * x[colIdx[k]]);
      expect(Math.abs(y.native[i] - y.js[i])).toBeLessThanOrEqual(1e-5 * absSum);
    }
  });
});
