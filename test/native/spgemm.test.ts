// SpGEMM (native/kernels/spgemm_csr.hpp) against the JS twin at every SIMD level: identical
// structure, bit-identical f64 values (f32 within 1e-5), identical errors for broken structures.
// Adversarial shapes cover every accumulator path: empty rows and operands, narrow outputs (the
// dense window), long and power-law rows (hash tables of every size), duplicate-heavy products,
// clustered columns (the ordered hash's fallback), unsorted and duplicate columns in B, zeros.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsBackend } from '../../src/backend/js/index.js';
import { loadNativeBackend } from '../../src/backend/native.js';
import type { CsrArrays, CsrParts } from '../../src/backend/types.js';
import { FC_SEED } from '../helpers/arbitraries.js';
import { errorOf } from '../helpers/backends.js';

const load = loadNativeBackend();
const native = load.backend;
const control = load.control;
const levels = control ? control.info().simdSupported : ['none'];
const defaultLevel = control?.info().simd;

type Dt = 'f64' | 'f32';

/** Deterministic generator (LCG), so every case is reproducible without fast-check. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** CSR from per-row column lists (kept in the given order: may be unsorted or repeat columns). */
function csr(rows: number, cols: number, rowCols: number[][], dt: Dt, value: (i: number, t: number) => number): CsrArrays {
  const rowPtr = new Int32Array(rows + 1);
  const colIdx: number[] = [];
  const vals: number[] = [];
  for (let i = 0; i < rows; i++) {
    const cs = rowCols[i] ?? [];
    cs.forEach((c, t) => {
      colIdx.push(c);
      vals.push(value(i, t));
    });
    rowPtr[i + 1] = colIdx.length;
  }
  return { rows, cols, rowPtr, colIdx: Int32Array.from(colIdx), values: dt === 'f32' ? Float32Array.from(vals) : Float64Array.from(vals) };
}

function randomCsr(rows: number, cols: number, rowLen: (i: number, r: () => number) => number, dt: Dt, seed: number, colOf?: (r: () => number) => number): CsrArrays {
  const r = rng(seed);
  const rowCols: number[][] = [];
  for (let i = 0; i < rows; i++) {
    const n = cols === 0 ? 0 : rowLen(i, r);
    const set = new Set<number>();
    for (let t = 0; t < n; t++) set.add(colOf ? colOf(r) : Math.floor(r() * cols));
    rowCols.push([...set].sort((a, b) => a - b));
  }
  return csr(rows, cols, rowCols, dt, () => Math.round((r() * 2 - 1) * 1e6) / 1e3);
}

function same(js: CsrParts, nat: CsrParts, dt: Dt): void {
  expect(nat.rowPtr).toEqual(js.rowPtr);
  expect(nat.colIdx.length).toBe(js.colIdx.length);
  let firstDiff = -1;
  for (let t = 0; t < js.colIdx.length && firstDiff < 0; t++) if (js.colIdx[t] !== nat.colIdx[t]) firstDiff = t;
  expect(firstDiff).toBe(-1);
  expect(nat.values.constructor).toBe(js.values.constructor);
  if (dt === 'f64') {
    // Bit-identical, -0 included (a loop: toEqual on big typed arrays is slow).
    const a = new BigUint64Array(js.values.buffer, js.values.byteOffset, js.values.length);
    const b = new BigUint64Array(nat.values.buffer, nat.values.byteOffset, nat.values.length);
    let firstDiff = -1;
    for (let t = 0; t < a.length && firstDiff < 0; t++) if (a[t] !== b[t]) firstDiff = t;
    expect(firstDiff === -1 ? null : [firstDiff, js.values[firstDiff], nat.values[firstDiff]]).toBeNull();
  } else {
    for (let t = 0; t < js.values.length; t++) {
      const a = js.values[t];
      const b = nat.values[t];
      if (a !== b) expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(a)));
    }
  }
}

function check(A: CsrArrays, B: CsrArrays, dt: Dt): CsrParts {
  const js = jsBackend.spgemm(A, B);
  const nat = native!.spgemm(A, B);
  same(js, nat, dt);
  return nat;
}

const dts: Dt[] = ['f64', 'f32'];

describe.skipIf(!native).each(levels)('native SpGEMM at SIMD %s matches the JS twin', (level) => {
  beforeAll(() => control?.setSimd(level));
  afterAll(() => {
    if (defaultLevel) control?.setSimd(defaultLevel);
  });

  it.each(dts)('empty operands and empty rows (%s)', (dt) => {
    const v = () => 1;
    check(csr(0, 5, [], dt, v), csr(5, 3, [[0], [1, 2]], dt, v), dt);
    check(csr(4, 0, [], dt, v), csr(0, 6, [], dt, v), dt);
    check(csr(3, 4, [[1], [], [0, 3]], dt, v), csr(4, 0, [], dt, v), dt);
    check(csr(3, 4, [[], [], []], dt, v), csr(4, 7, [[1], [2], [3], [4]], dt, v), dt);
    check(csr(3, 4, [[0, 1], [], [2, 3]], dt, v), csr(4, 7, [[], [], [], []], dt, v), dt);
    check(csr(1, 1, [[0]], dt, v), csr(1, 1, [[0]], dt, v), dt);
  });

  it.each(dts)('random products of many shapes (%s)', (dt) => {
    for (let s = 0; s < 40; s++) {
      const r = rng(1000 + s);
      const m = 1 + Math.floor(r() * 60);
      const k = 1 + Math.floor(r() * 60);
      const n = 1 + Math.floor(r() * 3000);
      const A = randomCsr(m, k, (_, q) => Math.floor(q() * 12), dt, s * 7 + 1);
      const B = randomCsr(k, n, (_, q) => Math.floor(q() * 40), dt, s * 7 + 2);
      check(A, B, dt);
    }
  });

  it.each(dts)('narrow outputs: rows with more flops than B has columns (%s)', (dt) => {
    const A = randomCsr(50, 200, () => 60, dt, 11);
    const B = randomCsr(200, 7, (_, q) => 1 + Math.floor(q() * 7), dt, 12);
    check(A, B, dt);
    const B1 = randomCsr(200, 1, () => 1, dt, 13);
    check(A, B1, dt);
  });

  it.each(dts)('window rows either side of the stamped list (at most 64 products) (%s)', (dt) => {
    // Banded A (a a row) times banded B (b a row): a*b products over a+b-1 columns, every row a
    // different window start; B's second band repeats and reverses columns (stamps of repeats).
    for (const [a, b] of [[1, 64], [8, 8], [7, 7], [5, 13], [13, 5], [9, 9], [2, 40]]) {
      const band = (rows: number, w: number, twisted: boolean) =>
        Array.from({ length: rows }, (_, i) => {
          const cs = Array.from({ length: w }, (_, t) => i + t);
          return twisted && i % 3 === 0 ? [...cs.reverse(), i] : cs;
        });
      const A = csr(300, 300 + a, band(300, a, false), dt, (i, t) => ((i * 7 + t) % 11) - 5);
      const B = csr(300 + a, 400 + a + b, band(300 + a, b, false), dt, (i, t) => ((i + 3 * t) % 13) / 4 - 1.5);
      check(A, B, dt);
      const Bt = csr(300 + a, 400 + a + b, band(300 + a, b, true), dt, (i, t) => ((i + 5 * t) % 7) - 3);
      check(A, Bt, dt);
    }
  });

  it.each(dts)('very long and power-law rows (%s)', (dt) => {
    // Row 0 of A is dense over 3000 columns; row lengths otherwise follow a power law.
    const A = randomCsr(300, 3000, (i, q) => (i === 0 ? 3000 : Math.min(3000, Math.floor(1 / (q() + 0.002)))), dt, 21);
    const B = randomCsr(3000, 20000, (i, q) => (i % 97 === 0 ? 2000 : Math.floor(q() * 8)), dt, 22);
    const C = check(A, B, dt);
    expect(C.colIdx.length).toBeGreaterThan(20000);
  });

  it.each(dts)('duplicate-heavy products and structural zeros (%s)', (dt) => {
    // Every row of B has the same columns: each entry of C sums many terms; values cancel to 0 and -0.
    const cols = [3, 50000, 99999, 7, 12345];
    const B = csr(40, 100000, Array.from({ length: 40 }, (_, i) => (i % 2 ? cols : [...cols].reverse())), dt, (i, t) => [1, -1, 0, -0, 0.5][(i + t) % 5]);
    const A = csr(30, 40, Array.from({ length: 30 }, (_, i) => Array.from({ length: 40 }, (_, t) => (t * 7 + i) % 40)), dt, (i, t) => ((i + t) % 3) - 1);
    const C = check(A, B, dt);
    expect(C.colIdx.length).toBe(30 * 5);
    // Structural zeros: -0 * 1 and 0 * -1 entries are kept (no zero dropping).
    const Z = csr(2, 2, [[0, 1], [1]], dt, (i, t) => (i + t === 0 ? -0 : 0));
    const Cz = check(Z, csr(2, 3, [[2], [0, 2]], dt, () => -1), dt);
    expect(Array.from(Cz.colIdx)).toEqual([0, 2, 0, 2]);
  });

  it.each(dts)('clustered columns (ordered-hash fallback) and wide ranges (%s)', (dt) => {
    const n = 2000000;
    // Three tight clusters far apart: the monotone hash puts each into one bucket.
    const clusters = [0, 1000000, n - 400];
    const B = csr(30, n, Array.from({ length: 30 }, (_, i) => Array.from({ length: 120 }, (_, t) => clusters[t % 3] + ((t * 13 + i * 31) % 400))), dt, (i, t) => i - t / 7);
    const A = randomCsr(20, 30, () => 25, dt, 31);
    check(A, B, dt);
    // Two far-apart single columns per row plus a dense block: range >> entries.
    const W = csr(10, n, Array.from({ length: 10 }, (_, i) => [n - 1 - i, i, 500000 + i]), dt, () => 2);
    check(randomCsr(30, 10, () => 6, dt, 32), W, dt);
  });

  it.each(dts)('unsorted and repeated columns in the operands (%s)', (dt) => {
    const B = csr(4, 9, [[8, 1, 8, 0], [3, 3, 3], [], [5, 2, 7, 2]], dt, (i, t) => i + t + 0.25);
    const A = csr(3, 4, [[3, 0, 1, 0], [2], [1, 3, 1]], dt, (i, t) => i - t + 0.5);
    check(A, B, dt);
  });

  it.each(dts)('products large enough to span several tasks (%s)', (dt) => {
    // The 2D Laplacian squared (window accumulator, sorted B) and a random square (ordered hash),
    // each with several task buffers that the output stitches together; B unsorted as well.
    const n = 250;
    const lap = csr(n * n, n * n, Array.from({ length: n * n }, (_, r) => [r - n, r - 1, r, r + 1, r + n].filter((c) => c >= 0 && c < n * n)), dt, (i, t) => (t === 2 ? 4 : -1) + (i % 7) / 8);
    check(lap, lap, dt);
    const R = randomCsr(30000, 30000, () => 10, dt, 51);
    check(R, R, dt);
    const U = csr(30000, 30000, Array.from({ length: 30000 }, (_, i) => [(i * 7919) % 30000, (i * 104729) % 30000, i]), dt, (i, t) => i - t);
    check(R, U, dt);
  });

  it.each(dts)('rows written straight into C between rows from the task buffers (%s)', (dt) => {
    // Even rows of A: three columns near the diagonal of a banded B (few products in a narrow
    // window: computed straight into C); odd rows: 12 scattered columns (a wide range: hashed into
    // the task's buffer); every fifth row empty, every seventh a single product.
    const n = 40000;
    const r = rng(61);
    const rowsA = Array.from({ length: n }, (_, i) => {
      if (i % 5 === 0) return [];
      if (i % 7 === 0) return [Math.min(n - 1, i)];
      if (i % 2 === 0) return [Math.max(0, i - 1), i, Math.min(n - 1, i + 1)].filter((c, t, a) => a.indexOf(c) === t);
      return [...new Set(Array.from({ length: 12 }, () => Math.floor(r() * n)))].sort((a, b) => a - b);
    });
    const A = csr(n, n, rowsA, dt, (i, t) => ((i + t) % 9) - 4 + 0.5);
    const B = csr(n, n, Array.from({ length: n }, (_, i) => [i - 2, i, i + 3].filter((c) => c >= 0 && c < n)), dt, (i, t) => (i % 5) - t / 4);
    check(A, B, dt);
  });

  it('mixed dtypes: values of A\'s dtype, as the JS twin', () => {
    const A64 = randomCsr(30, 40, () => 8, 'f64', 41);
    const B32 = randomCsr(40, 50, () => 8, 'f32', 42);
    same(jsBackend.spgemm(A64, B32), native!.spgemm(A64, B32), 'f64');
    const A32 = randomCsr(30, 40, () => 8, 'f32', 43);
    const B64 = randomCsr(40, 50, () => 8, 'f64', 44);
    same(jsBackend.spgemm(A32, B64), native!.spgemm(A32, B64), 'f32');
    // Rounded once from the double sums: bit-identical to the JS twin.
    const js = jsBackend.spgemm(A32, B64).values;
    expect(Array.from(native!.spgemm(A32, B64).values)).toEqual(Array.from(js));
  });

  it('fast-check: random products agree', () => {
    const mat = (rows: number, cols: number) =>
      fc.array(fc.array(fc.integer({ min: 0, max: Math.max(0, cols - 1) }), { maxLength: cols === 0 ? 0 : 12 }), { minLength: rows, maxLength: rows });
    fc.assert(
      fc.property(
        fc.record({ m: fc.integer({ min: 0, max: 25 }), k: fc.integer({ min: 0, max: 25 }), n: fc.integer({ min: 0, max: 2000 }), dt: fc.constantFrom<Dt>('f64', 'f32') }).chain((d) =>
          fc.tuple(fc.constant(d), mat(d.m, d.k), mat(d.k, d.n), fc.integer()),
        ),
        ([d, ac, bc, seed]) => {
          const r = rng(seed);
          const val = () => [0, -0, 1, -1.5, r() * 10 - 5][Math.floor(r() * 5)];
          check(csr(d.m, d.k, ac, d.dt, val), csr(d.k, d.n, bc, d.dt, val), d.dt);
        },
      ),
      { seed: FC_SEED, numRuns: 150 },
    );
  });

  it('broken structures: the same errors as the JS twin, A checked before B', () => {
    const good = csr(3, 3, [[0, 1], [2], [0]], 'f64', () => 1);
    const broken: CsrArrays[] = [
      { ...good, rowPtr: Int32Array.from([0, 2, 1, 4]) },
      { ...good, rowPtr: Int32Array.from([1, 2, 3, 4]) },
      { ...good, rowPtr: Int32Array.from([0, 2, 3]) },
      { ...good, rowPtr: Int32Array.from([0, 2, 3, 9]) },
      { ...good, colIdx: Int32Array.from([0, 3, 2, 0]) },
      { ...good, colIdx: Int32Array.from([0, -1, 2, 0]) },
      { ...good, values: new Float64Array(2) },
    ];
    for (const bad of broken) {
      for (const [A, B] of [[bad, good], [good, bad], [bad, bad]] as const) {
        const js = errorOf(() => jsBackend.spgemm(A, B));
        const nat = errorOf(() => native!.spgemm(A, B));
        expect(js).not.toBeNull();
        expect(nat).toEqual(js);
      }
    }
    // Shape mismatch.
    const wide = csr(3, 4, [[0], [1], [3]], 'f64', () => 1);
    expect(errorOf(() => native!.spgemm(wide, good))?.code).toBe('ERR_SPARSE_SHAPE');
  });
});
