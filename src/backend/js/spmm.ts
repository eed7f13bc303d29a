import type { Values } from '../../types.js';
import type { CsrArrays } from '../types.js';
import { badColumn, badRowPtr, checkRowPtrEnds } from './check.js';

/** Y = alpha*A*X + beta*Y, X (cols x k) and Y (rows x k) dense row-major. */
export function spmmCsr(A: CsrArrays, X: Values, k: number, Y: Values, alpha: number, beta: number): void {
  checkRowPtrEnds(A);
  const { rows, cols, rowPtr, colIdx, values } = A;
  const acc = new Float64Array(k);
  let start = rowPtr[0];
  for (let i = 0; i < rows; i++) {
    const end = rowPtr[i + 1];
    if (end < start || end > colIdx.length) throw badRowPtr(i);
    acc.fill(0);
    for (let e = start; e < end; e++) {
      const j = colIdx[e];
      if (j >>> 0 >= cols) throw badColumn(e, j, cols);
      const a = values[e];
      const xo = j * k;
      for (let c = 0; c < k; c++) acc[c] += a * X[xo + c];
    }
    const yo = i * k;
    if (beta === 0) for (let c = 0; c < k; c++) Y[yo + c] = alpha * acc[c];
    else for (let c = 0; c < k; c++) Y[yo + c] = alpha * acc[c] + beta * Y[yo + c];
    start = end;
  }
}

/** Y = alpha*A^T*X + beta*Y, X (rows x k), Y (cols x k); scatter in storage order. */
export function spmmCsrTransposed(A: CsrArrays, X: Values, k: number, Y: Values, alpha: number, beta: number): void {
  checkRowPtrEnds(A);
  const { rows, cols, rowPtr, colIdx, values } = A;
  let start = rowPtr[0];
  for (let i = 0; i < rows; i++) {
    const end = rowPtr[i + 1];
    if (end < start || end > colIdx.length) throw badRowPtr(i);
    for (let e = start; e < end; e++) {
      const j = colIdx[e];
      if (j >>> 0 >= cols) throw badColumn(e, j, cols);
    }
    start = end;
  }
  const n = cols * k;
  if (beta === 0) Y.fill(0, 0, n);
  else if (beta !== 1) for (let t = 0; t < n; t++) Y[t] *= beta;
  for (let i = 0; i < rows; i++) {
    const xo = i * k;
    const end = rowPtr[i + 1];
    for (let e = rowPtr[i]; e < end; e++) {
      const a = values[e];
      const yo = colIdx[e] * k;
      for (let c = 0; c < k; c++) Y[yo + c] += a * (alpha * X[xo + c]);
    }
  }
}
