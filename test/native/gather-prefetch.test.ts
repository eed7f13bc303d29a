// SpMV and SpMM prefetch their gathers when x (or X's rows) is larger than a core's cache and the
// columns are scattered (native/kernels/gather_prefetch.hpp). The other suites use small x, so the
// prefetching loops run only here: they must give the bits of the plain loops (the JS twin's, for
// f64 SpMV and for SpMM) at every SIMD level and thread count, and a bad column read ahead by a
// prefetch must neither crash nor change which error is reported. The transposed SpMV prefetches
// its scatter targets the same way.
import { afterAll, describe, expect, it } from 'vitest';
import { loadNativeBackend } from '../../src/backend/native.js';
import { nativeAvailable, setBackend } from '../../src/backend/select.js';
import { CsrMatrix, DenseMatrix, getThreads, setThreads, type Values } from '../../src/index.js';
import { errorText as errorOf, mulberry32 as rng } from '../helpers/backends.js';
import { expectClose } from '../helpers/reference.js';

const hasNative = nativeAvailable();
const control = loadNativeBackend().control;
const levels = control ? control.info().simdSupported : [];
const defaultLevel = control?.info().simd;

type Dtype = 'f64' | 'f32';

function vec(n: number, dtype: Dtype, seed: number): Values {
  const r = rng(seed);
  const v = dtype === 'f32' ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = r() * 2 - 1;
  return v;
}

const bytes = (v: Values): string => Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');

/** Random columns (unsorted, repeats allowed), row lengths 0..2*perRow with a few long rows. */
function scattered(rows: number, cols: number, perRow: number, dtype: Dtype, seed: number): CsrMatrix {
  const r = rng(seed);
  const rowPtr = new Int32Array(rows + 1);
  for (let i = 0; i < rows; i++) rowPtr[i + 1] = rowPtr[i] + (i % 499 === 7 ? 3000 : Math.floor(r() * (2 * perRow + 1)));
  const nnz = rowPtr[rows];
  const colIdx = new Int32Array(nnz);
  for (let k = 0; k < nnz; k++) colIdx[k] = Math.floor(r() * cols);
  return new CsrMatrix(rows, cols, rowPtr, colIdx, vec(nnz, dtype, seed + 1), { validate: false });
}

/** Runs `run` on JS, then natively at every level and 1, 2, 3 threads: same bits across threads. */
function acrossBackends(run: () => Values, check: (native: Values, js: Values) => void): void {
  setBackend('js');
  const js = run();
  setBackend('native');
  for (const level of levels) {
    control!.setSimd(level);
    let first: string | null = null;
    for (const t of [1, 2, 3]) {
      setThreads(t);
      const v = run();
      if (first === null) {
        first = bytes(v);
        check(v, js);
      } else {
        expect(bytes(v), `${level}, ${t} threads vs 1`).toBe(first);
      }
    }
  }
}

describe.skipIf(!hasNative)('prefetching gathers (x beyond the cache, scattered columns)', () => {
  const initialThreads = hasNative ? getThreads() : 1;
  afterAll(() => {
    setThreads(initialThreads);
    if (defaultLevel) control?.setSimd(defaultLevel);
    setBackend('auto');
  });

  for (const dtype of ['f64', 'f32'] as Dtype[]) {
    it(`SpMV, ${dtype}: x of 2-4 MB`, () => {
      const A = scattered(6000, 500_000, 12, dtype, 31);
      const x = vec(A.cols, dtype, 32);
      const abs = A.values.map(Math.abs) as Values;
      const scale = new CsrMatrix(A.rows, A.cols, A.rowPtr, A.colIdx, abs).matvec(x.map(Math.abs) as Values);
      for (const [alpha, beta] of [[1, 0], [-1.5, 0.5]]) {
        acrossBackends(
          () => A.matvec(x, { alpha, beta, out: vec(A.rows, dtype, 33) }),
          (v, js) => {
            if (dtype === 'f64') expect(bytes(v)).toBe(bytes(js));
            else expectClose(v, js, Array.from(scale, (s) => 2 * s + 1), 1e-5);
          },
        );
      }
    });

    it(`transposed SpMV, ${dtype}: y of 2-4 MB (scatter targets prefetched)`, () => {
      const A = scattered(6000, 500_000, 12, dtype, 35);
      const xt = vec(A.rows, dtype, 36);
      const abs = A.values.map(Math.abs) as Values;
      const scale = new CsrMatrix(A.rows, A.cols, A.rowPtr, A.colIdx, abs).matvec(xt.map(Math.abs) as Values, { transpose: true });
      acrossBackends(
        () => A.matvec(xt, { transpose: true, alpha: 2, beta: 0.5, out: vec(A.cols, dtype, 37) }),
        (v, js) => {
          if (dtype === 'f64') expect(bytes(v)).toBe(bytes(js));
          else expectClose(v, js, Array.from(scale, (s) => 4 * s + 1), 1e-5);
        },
      );
    });

    // k = 3: single-column passes only (the first one prefetches); 12 and 40: a block pass, then
    // passes that do not.
    it(`SpMM k = 3, 8, 12, 32 and 40, ${dtype}: X of 1-25 MB`, () => {
      for (const k of [3, 8, 12, 32, 40]) {
        const A = scattered(3000, k <= 8 ? 80_000 : 20_000, 10, dtype, 40 + k);
        const X = new DenseMatrix(A.cols, k, vec(A.cols * k, dtype, 41), { dtype });
        acrossBackends(
          () => A.matmat(X).data,
          (v, js) => expect(bytes(v)).toBe(bytes(js)),
        );
      }
    });
  }

  it('a bad column ahead of the current entry is clamped by the prefetch and reported at its place', () => {
    const A = scattered(6000, 500_000, 12, 'f64', 51);
    const nnz = A.nnz;
    const x = vec(A.cols, 'f64', 52);
    const X = new DenseMatrix(A.cols, 8, vec(A.cols * 8, 'f64', 53));
    const X3 = new DenseMatrix(A.cols, 3, vec(A.cols * 3, 'f64', 55));
    const xt = vec(A.rows, 'f64', 54);
    for (const k of [200, Math.floor(nnz / 2), nnz - 50, nnz - 1]) {
      for (const j of [-1, A.cols, 0x7fffffff, -0x80000000]) {
        const c = A.colIdx.slice();
        c[k] = j;
        const bad = new CsrMatrix(A.rows, A.cols, A.rowPtr, c, A.values, { validate: false });
        for (const op of [() => bad.matvec(x), () => bad.matmat(X), () => bad.matmat(X3), () => bad.matvec(xt, { transpose: true })]) {
          setBackend('js');
          const js = errorOf(op);
          expect(js).toContain(`at position ${k} `);
          setBackend('native');
          for (const level of levels) {
            control!.setSimd(level);
            for (const t of [1, 2, 3]) {
              setThreads(t);
              expect(errorOf(op), `${level}, ${t} threads`).toBe(js);
            }
          }
        }
      }
    }
  });
});
