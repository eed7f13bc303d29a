import { describe, expect, it } from 'vitest';
import { spmvCsr } from '../../src/backend/js/spmv.js';
import { spmvRowsSource } from '../../src/backend/js/spmv-source.js';
import type { Values } from '../../src/types.js';
import { Rng } from '../../src/util/rng.js';

type RowsKernel = (rowPtr: Int32Array, colIdx: Int32Array, values: Values, x: Values, y: Values, rows: number, alpha: number, beta: number, from: number) => number;

// The generated source itself, not a fallback the library may have chosen.
const generated = new Function(spmvRowsSource())() as RowsKernel;

/** Rows of 0-12 entries, now and then 13-70 (the blocks of eight); columns may repeat. */
function matrix(rows: number, cols: number, V: typeof Float64Array | typeof Float32Array, seed: number) {
  const rng = new Rng(seed);
  const rowPtr = new Int32Array(rows + 1);
  for (let i = 0; i < rows; i++) {
    const u = rng.next();
    rowPtr[i + 1] = rowPtr[i] + (u < 0.85 ? Math.floor(rng.next() * 13) : 13 + Math.floor(rng.next() * 58));
  }
  const nnz = rowPtr[rows];
  const colIdx = Int32Array.from({ length: nnz }, () => Math.floor(rng.next() * cols));
  const values = V.from(Array.from({ length: nnz }, () => (rng.next() - 0.5) * 10 ** Math.floor(rng.next() * 6 - 3)));
  return { rows, cols, rowPtr, colIdx, values };
}

/** The contract of the row kernels, one entry at a time in storage order. */
function reference(rowPtr: Int32Array, colIdx: Int32Array, values: Values, x: Values, y: Values, rows: number, alpha: number, beta: number, from: number): number {
  let start = rowPtr[from];
  for (let i = from; i < rows; i++) {
    const end = rowPtr[i + 1];
    if (end < start || end > colIdx.length) return -2 - i;
    let sum = 0;
    for (let k = start; k < end; k++) sum += values[k] * x[colIdx[k]];
    if (sum !== sum) return i;
    y[i] = alpha === 1 && beta === 0 ? sum : beta === 0 ? alpha * sum : alpha * sum + beta * y[i];
    start = end;
  }
  return -1;
}

describe('generated JS SpMV rows (four a step)', () => {
  it('gives the storage-order bits from every starting row, for y = A x and the general update, both dtypes', () => {
    for (const V of [Float64Array, Float32Array]) {
      for (const rows of [0, 1, 3, 4, 5, 8, 37]) {
        const A = matrix(rows, 29, V, rows + 1);
        const rng = new Rng(rows + 100);
        const x = V.from(Array.from({ length: A.cols }, () => rng.next() * 4 - 2));
        for (const [alpha, beta] of [
          [1, 0],
          [-0.7, 0],
          [-0.7, 0.3],
        ]) {
          for (const from of [0, 1, 2, 3].filter((f) => f <= rows)) {
            const y0 = V.from(Array.from({ length: rows }, () => rng.next() - 0.5));
            const want = y0.slice();
            const got = y0.slice();
            const a = reference(A.rowPtr, A.colIdx, A.values, x, want, rows, alpha, beta, from);
            const b = generated(A.rowPtr, A.colIdx, A.values, x, got, rows, alpha, beta, from);
            expect(b, `${V.name} rows=${rows} from=${from}`).toBe(a);
            expect(got, `${V.name} rows=${rows} from=${from} beta=${beta}`).toEqual(want);
          }
        }
      }
    }
  });

  it('stops at the first NaN row, and at the first row whose end is out of order or past colIdx', () => {
    const A = matrix(23, 17, Float64Array, 9);
    const x = Float64Array.from({ length: A.cols }, (_, j) => 1 / (j + 1));
    for (let bad = 0; bad < A.rows; bad++) {
      // A NaN in x under row `bad`'s first entry (a row without entries cannot be NaN).
      if (A.rowPtr[bad + 1] > A.rowPtr[bad]) {
        const nanX = x.slice();
        nanX[A.colIdx[A.rowPtr[bad]]] = NaN;
        const want = new Float64Array(A.rows);
        const got = new Float64Array(A.rows);
        const a = reference(A.rowPtr, A.colIdx, A.values, nanX, want, A.rows, 1, 0, 0);
        expect(generated(A.rowPtr, A.colIdx, A.values, nanX, got, A.rows, 1, 0, 0)).toBe(a);
        expect(got).toEqual(want);
      }
      for (const end of [A.rowPtr[bad] - 1, A.colIdx.length + 1]) {
        const rowPtr = A.rowPtr.slice();
        rowPtr[bad + 1] = end;
        const want = new Float64Array(A.rows);
        const got = new Float64Array(A.rows);
        const a = reference(rowPtr, A.colIdx, A.values, x, want, A.rows, 1, 0, 0);
        expect(a).toBeLessThan(-1);
        expect(generated(rowPtr, A.colIdx, A.values, x, got, A.rows, 1, 0, 0), `row ${bad} end ${end}`).toBe(a);
        expect(got).toEqual(want);
      }
    }
  });

  it('is the kernel spmvCsr runs: the same bits as the reference on a larger matrix', () => {
    const A = matrix(501, 300, Float64Array, 3);
    const x = Float64Array.from({ length: A.cols }, (_, j) => Math.sin(j));
    const want = new Float64Array(A.rows);
    reference(A.rowPtr, A.colIdx, A.values, x, want, A.rows, 1, 0, 0);
    const got = new Float64Array(A.rows);
    spmvCsr(A, x, got, 1, 0);
    expect(got).toEqual(want);
  });
});
