import type { Values } from '../../types.js';
import type { CsrArrays } from '../types.js';
import { checkRowPtrEnds } from './check.js';
import { validateCsr } from './validate.js';

export function rowSumsCsr(A: CsrArrays, out: Values): void {
  validateCsr(A);
  const { rows, rowPtr, values } = A;
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let k = rowPtr[i]; k < rowPtr[i + 1]; k++) s += values[k];
    out[i] = s;
  }
}

export function colSumsCsr(A: CsrArrays, out: Values): void {
  validateCsr(A);
  const { rowPtr, colIdx, values, rows } = A;
  const sums = new Float64Array(A.cols);
  const nnz = rowPtr[rows];
  for (let k = 0; k < nnz; k++) sums[colIdx[k]] += values[k];
  out.set(sums);
}

/** Sum of the stored (i, i) entries, so a non-canonical matrix with duplicates still gives its value. */
export function diagonalCsr(A: CsrArrays, out: Values): void {
  validateCsr(A);
  const { rows, cols, rowPtr, colIdx, values } = A;
  const n = Math.min(rows, cols);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = rowPtr[i]; k < rowPtr[i + 1]; k++) if (colIdx[k] === i) s += values[k];
    out[i] = s;
  }
}

export function normFrobeniusCsr(A: CsrArrays): number {
  checkRowPtrEnds(A);
  const { values } = A;
  const nnz = A.rowPtr[A.rows];
  let m = 0;
  for (let k = 0; k < nnz; k++) {
    const a = Math.abs(values[k]);
    if (a !== a) return NaN;
    if (a > m) m = a;
  }
  if (m === 0 || m === Infinity) return m;
  let ssq = 0;
  for (let k = 0; k < nnz; k++) {
    const r = values[k] / m;
    ssq += r * r;
  }
  return m * Math.sqrt(ssq);
}
