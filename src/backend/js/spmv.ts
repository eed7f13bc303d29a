import type { Values } from '../../types.js';
import type { CsrArrays } from '../types.js';
import { badColumn, badRowPtr, checkRowPtrEnds } from './check.js';
import { perDtype, perDtypeFromSource, type Probe } from './per-dtype.js';
import { spmvRowsSource } from './spmv-source.js';
import { validateCsr } from './validate.js';

/** What `spmvRows` returns when every row is done. */
const DONE = -1;

/**
 * Rows [from, rows) of y = alpha*A*x + beta*y; each row's products summed in storage order, one
 * accumulator (the native scalar kernel's order, bit for bit). Returns DONE, a row i >= 0 whose sum
 * is NaN (y[i] not written: the caller tells a bad column from a NaN in the data), or -2 - i for
 * a row whose end is below its start or beyond colIdx.
 *
 * x has exactly `cols` entries, so an out-of-range column reads undefined and makes the row NaN:
 * the column check costs one compare a row instead of one an entry. Rows longer than eight run
 * blocks of eight (more loads of x in flight, which is what bounds a row of random columns: 8 beat
 * 4 on 10-a-row random columns, 2 and 1 lost); the last 1-8 entries (all of a short row) run in
 * straight-line code picked by a tree of at most four compares on the length. Same order, one
 * accumulator. The tree against the former tail (one step each of four, two and one, after a loop
 * that a short row still entered), one process, medians of 15: 5-point Laplacian 31.8 -> 28.5 ms,
 * random 3 a row 1.25x, 6 a row 1.10x, power-law 1.03x, random 10 a row the same (Zen 5).
 * y = A x (alpha 1, beta 0) stores the sum as it is. Self-contained for perDtype. What runs is
 * the kernel generated from this row body by spmv-source.ts, four rows a step; this one-row form
 * serves where code cannot be generated from strings.
 */
function spmvRows(rowPtr: Int32Array, colIdx: Int32Array, values: Values, x: Values, y: Values, rows: number, alpha: number, beta: number, from: number): number {
  const limit = colIdx.length;
  const plain = alpha === 1 && beta === 0;
  let start = rowPtr[from];
  for (let i = from; i < rows; i++) {
    const end = rowPtr[i + 1];
    if (end < start || end > limit) return -2 - i;
    let sum = 0;
    let k = start;
    if (end - k > 8) {
      for (const end8 = end - 7; k < end8; k += 8) {
        sum += values[k] * x[colIdx[k]];
        sum += values[k + 1] * x[colIdx[k + 1]];
        sum += values[k + 2] * x[colIdx[k + 2]];
        sum += values[k + 3] * x[colIdx[k + 3]];
        sum += values[k + 4] * x[colIdx[k + 4]];
        sum += values[k + 5] * x[colIdx[k + 5]];
        sum += values[k + 6] * x[colIdx[k + 6]];
        sum += values[k + 7] * x[colIdx[k + 7]];
      }
    }
    const left = end - k;
    if (left >= 4) {
      sum += values[k] * x[colIdx[k]];
      sum += values[k + 1] * x[colIdx[k + 1]];
      sum += values[k + 2] * x[colIdx[k + 2]];
      sum += values[k + 3] * x[colIdx[k + 3]];
      if (left >= 6) {
        sum += values[k + 4] * x[colIdx[k + 4]];
        sum += values[k + 5] * x[colIdx[k + 5]];
        if (left === 8) {
          sum += values[k + 6] * x[colIdx[k + 6]];
          sum += values[k + 7] * x[colIdx[k + 7]];
        } else if (left === 7) {
          sum += values[k + 6] * x[colIdx[k + 6]];
        }
      } else if (left === 5) {
        sum += values[k + 4] * x[colIdx[k + 4]];
      }
    } else if (left >= 2) {
      sum += values[k] * x[colIdx[k]];
      sum += values[k + 1] * x[colIdx[k + 1]];
      if (left === 3) sum += values[k + 2] * x[colIdx[k + 2]];
    } else if (left === 1) {
      sum += values[k] * x[colIdx[k]];
    }
    if (sum !== sum) return i;
    y[i] = plain ? sum : beta === 0 ? alpha * sum : alpha * sum + beta * y[i];
    start = end;
  }
  return -1;
}

const probeRows: Probe<typeof spmvRows> = (f, V) => {
  const y = new V(1);
  return f(Int32Array.of(0, 2), Int32Array.of(0, 0), V.of(2, 3), V.of(5), y, 1, 1, 0, 0) === DONE && y[0] === 25;
};

/**
 * The generated kernel must return what spmvRows returns and write the same bits, here on 23 rows
 * of 0-17 entries (not a multiple of four), for y = A x and the general update, with a NaN in x
 * and with a row end below its start. spmvRows itself is the original function, so no copy's
 * feedback sees the other value type.
 */
const probeGenerated: Probe<typeof spmvRows> = (f, V) => {
  const lengths = [5, 0, 9, 1, 17, 8, 2, 3, 4, 6, 7, 16, 5, 5, 5, 5, 0, 0, 12, 1, 2, 3, 11];
  const rows = lengths.length;
  const cols = 13;
  const rowPtr = new Int32Array(rows + 1);
  lengths.forEach((n, i) => (rowPtr[i + 1] = rowPtr[i] + n));
  const nnz = rowPtr[rows];
  const colIdx = Int32Array.from({ length: nnz }, (_, k) => (k * 7) % cols);
  const values = new V(nnz).map((_, k) => (k % 3 === 0 ? -1 : 1) / (k + 3));
  const x = new V(cols).map((_, j) => 1 / (j + 2));
  const agree = (rp: Int32Array, xs: typeof x, alpha: number, beta: number): boolean => {
    const want = new V(rows).map((_, i) => i - 4.5);
    const got = want.slice();
    const a = spmvRows(rp, colIdx, values, xs, want, rows, alpha, beta, 0);
    const b = f(rp, colIdx, values, xs, got, rows, alpha, beta, 0);
    return a === b && want.every((v, i) => Object.is(v, got[i]));
  };
  const nanX = x.slice();
  nanX[colIdx[rowPtr[10]]] = NaN;
  const badRowPtr = rowPtr.slice();
  badRowPtr[7] = badRowPtr[6] - 1;
  return agree(rowPtr, x, 1, 0) && agree(rowPtr, x, 0.7, 0) && agree(rowPtr, x, 0.7, 0.9) && agree(rowPtr, nanX, 1, 0) && agree(badRowPtr, x, 1, 0);
};

const rowsKernels = perDtypeFromSource(spmvRowsSource(), perDtype(spmvRows, probeRows), probeGenerated);

/** y = alpha*A*x + beta*y, one dot product per row, entries in storage order. */
export function spmvCsr(A: CsrArrays, x: Values, y: Values, alpha: number, beta: number): void {
  checkRowPtrEnds(A);
  const { rows, cols, rowPtr, colIdx, values } = A;
  const kernel = values instanceof Float64Array ? rowsKernels.f64 : rowsKernels.f32;
  for (let from = 0; ; ) {
    const stop = kernel(rowPtr, colIdx, values, x, y, rows, alpha, beta, from);
    if (stop === DONE) return;
    if (stop < 0) throw badRowPtr(-2 - stop);
    // A NaN row: a bad column, or a NaN/infinity in the data that the result must carry.
    const start = rowPtr[stop];
    const end = rowPtr[stop + 1];
    checkRowColumns(colIdx, start, end, cols);
    let sum = 0;
    for (let k = start; k < end; k++) sum += values[k] * x[colIdx[k]];
    y[stop] = beta === 0 ? alpha * sum : alpha * sum + beta * y[stop];
    from = stop + 1;
  }
}

function checkRowColumns(colIdx: Int32Array, start: number, end: number, cols: number): void {
  for (let k = start; k < end; k++) {
    const j = colIdx[k];
    if (j >>> 0 >= cols) throw badColumn(k, j, cols);
  }
}

/**
 * Scatter of y += A^T (alpha*x) for a validated A: each row's entries times alpha*x[i] added into y
 * in storage order (the native kernel's order). Unrolled by four; the adds stay in order, so
 * repeated columns in a row still accumulate one after the other. Self-contained for perDtype.
 */
function scatterRows(rowPtr: Int32Array, colIdx: Int32Array, values: Values, x: Values, y: Values, rows: number, alpha: number): void {
  let start = rowPtr[0];
  for (let i = 0; i < rows; i++) {
    const end = rowPtr[i + 1];
    const xi = alpha * x[i];
    let k = start;
    for (const end4 = end - 3; k < end4; k += 4) {
      y[colIdx[k]] += values[k] * xi;
      y[colIdx[k + 1]] += values[k + 1] * xi;
      y[colIdx[k + 2]] += values[k + 2] * xi;
      y[colIdx[k + 3]] += values[k + 3] * xi;
    }
    for (; k < end; k++) y[colIdx[k]] += values[k] * xi;
    start = end;
  }
}

const probeScatter: Probe<typeof scatterRows> = (f, V) => {
  const y = new V(1);
  f(Int32Array.of(0, 2), Int32Array.of(0, 0), V.of(2, 3), V.of(5), y, 1, 1);
  return y[0] === 25;
};
const scatterKernels = perDtype(scatterRows, probeScatter);

/**
 * y = alpha*A^T*x + beta*y without forming A^T: scale y by beta first, then scatter each row's
 * entries times alpha*x[i] into y in storage order.
 */
export function spmvCsrTransposed(A: CsrArrays, x: Values, y: Values, alpha: number, beta: number): void {
  // Validate the whole structure before touching y, so a bad matrix leaves y as it was.
  validateCsr(A);
  const { rows, cols, rowPtr, colIdx, values } = A;
  if (beta === 0) y.fill(0);
  else if (beta !== 1) for (let j = 0; j < cols; j++) y[j] *= beta;
  (values instanceof Float64Array ? scatterKernels.f64 : scatterKernels.f32)(rowPtr, colIdx, values, x, y, rows, alpha);
}
