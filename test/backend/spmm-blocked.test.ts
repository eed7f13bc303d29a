import { describe, expect, it } from 'vitest';
import { spmmCsr, xRowsCached } from '../../src/backend/js/spmm.js';
import { spmmBlockedSource } from '../../src/backend/js/spmm-source.js';
import type { Values } from '../../src/types.js';
import { Rng } from '../../src/util/rng.js';

/** A reproducible stream in [0, 1). */
function stream(seed: number): () => number {
  const rng = new Rng(seed);
  return () => rng.next();
}

/** Rows of length 0 (often), 1-12, and now and then 65-300 (the chunked long-row path); repeated columns allowed. */
function matrix(rows: number, cols: number, V: typeof Float64Array | typeof Float32Array, seed: number) {
  const rnd = stream(seed);
  const rowPtr = new Int32Array(rows + 1);
  for (let i = 0; i < rows; i++) {
    const u = rnd();
    const len = u < 0.25 ? 0 : u < 0.9 ? 1 + Math.floor(rnd() * 12) : 65 + Math.floor(rnd() * 236);
    rowPtr[i + 1] = rowPtr[i] + len;
  }
  const nnz = rowPtr[rows];
  const colIdx = Int32Array.from({ length: nnz }, () => Math.floor(rnd() * cols));
  const values = V.from(Array.from({ length: nnz }, () => (rnd() - 0.5) * 10 ** Math.floor(rnd() * 6 - 3)));
  return { rows, cols, rowPtr, colIdx, values };
}

/** The row's products summed in storage order, one accumulator per output entry (the native order). */
function reference(A: ReturnType<typeof matrix>, X: Values, k: number, Y: Values, alpha: number, beta: number): void {
  for (let i = 0; i < A.rows; i++) {
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let e = A.rowPtr[i]; e < A.rowPtr[i + 1]; e++) s += A.values[e] * X[A.colIdx[e] * k + c];
      Y[i * k + c] = beta === 0 ? alpha * s : alpha * s + beta * Y[i * k + c];
    }
  }
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
const compiledByTail: Function[] = [];

describe('blocked JS SpMM', () => {
  it('gives the storage-order bits for every k from 1 to 40, empty and long rows, both dtypes', () => {
    for (const V of [Float64Array, Float32Array]) {
      const A = matrix(90, 37, V, 7);
      for (let k = 1; k <= 40; k++) {
        const rnd = stream(k);
        const X = V.from(Array.from({ length: A.cols * k }, () => rnd() * 4 - 2));
        for (const [alpha, beta] of [
          [1, 0],
          [-0.7, 0.3],
        ]) {
          const Y0 = V.from(Array.from({ length: A.rows * k }, () => rnd() - 0.5));
          const want = Y0.slice();
          reference(A, X, k, want, alpha, beta);
          const got = Y0.slice();
          spmmCsr(A, X, k, got, alpha, beta);
          expect(got, `${V.name} k=${k} beta=${beta}`).toEqual(want);
          // The generated source itself (not a fallback the library may have chosen), touching
          // X ahead and not (the library does not on inputs this small).
          const kernel = (compiledByTail[k % 8] ??= new Function(spmmBlockedSource(k % 8))());
          for (const touch of [true, false]) {
            const direct = Y0.slice();
            kernel(A.rowPtr, A.colIdx, A.values, X, k, direct, A.rows, alpha, beta, 64 / V.BYTES_PER_ELEMENT, touch);
            expect(direct, `${V.name} k=${k} touch=${touch}`).toEqual(want);
          }
        }
      }
    }
  });

  it('sums one long row among empty ones, to the last entry', () => {
    const rowPtr = Int32Array.of(0, 0, 1000, 1000, 1003);
    const colIdx = Int32Array.from({ length: 1003 }, (_, e) => (e * 31) % 50);
    const values = Float64Array.from({ length: 1003 }, (_, e) => Math.cos(e) * 10 ** ((e % 7) - 3));
    const A = { rows: 4, cols: 50, rowPtr, colIdx, values };
    for (const k of [1, 3, 8, 9, 33]) {
      const X = Float64Array.from({ length: A.cols * k }, (_, t) => Math.sin(t));
      const want = new Float64Array(A.rows * k);
      reference(A, X, k, want, 1.5, 0);
      const got = new Float64Array(A.rows * k).fill(NaN);
      spmmCsr(A, X, k, got, 1.5, 0);
      expect(got, `k=${k}`).toEqual(want);
    }
  });

  it('touches X ahead for random columns over a large X, not for a band', () => {
    const rows = 200000;
    const rowPtr = Int32Array.from({ length: rows + 1 }, (_, i) => 3 * i);
    const band = Int32Array.from({ length: 3 * rows }, (_, e) => Math.min(rows - 1, Math.max(0, Math.floor(e / 3) + (e % 3) * 500 - 500)));
    const rnd = stream(5);
    const scattered = Int32Array.from({ length: 3 * rows }, () => Math.floor(rnd() * rows));
    const values = new Float64Array(3 * rows);
    expect(xRowsCached({ rows, cols: rows, rowPtr, colIdx: band, values }, 8, 8)).toBe(true);
    expect(xRowsCached({ rows, cols: rows, rowPtr, colIdx: scattered, values }, 8, 8)).toBe(false);
    expect(xRowsCached({ rows, cols: rows, rowPtr, colIdx: scattered, values }, 1, 8)).toBe(true);
  });
});
