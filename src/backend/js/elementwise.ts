import type { Values } from '../../types.js';
import type { CsrArrays } from '../types.js';
import { checkRowPtrEnds } from './check.js';
import { validateCsr } from './validate.js';

export function scaleCsr(A: CsrArrays, s: number, out: Values): void {
  checkRowPtrEnds(A);
  const { values } = A;
  const nnz = A.rowPtr[A.rows];
  for (let k = 0; k < nnz; k++) out[k] = s * values[k];
}

export function scaleRowsCsr(A: CsrArrays, d: Values, out: Values): void {
  validateCsr(A);
  const { rows, rowPtr, values } = A;
  for (let i = 0; i < rows; i++) {
    const di = d[i];
    for (let k = rowPtr[i]; k < rowPtr[i + 1]; k++) out[k] = values[k] * di;
  }
}

export function scaleColsCsr(A: CsrArrays, d: Values, out: Values): void {
  validateCsr(A);
  const { rowPtr, colIdx, values, rows } = A;
  const nnz = rowPtr[rows];
  for (let k = 0; k < nnz; k++) out[k] = values[k] * d[colIdx[k]];
}
