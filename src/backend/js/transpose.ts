import { allocValues, dtypeOf } from '../../types.js';
import type { CsrArrays, CsrParts } from '../types.js';
import { validateCsr } from './validate.js';

/** CSR of A^T by a stable counting sort on column index: rows of the result come out sorted. */
export function transposeCsr(A: CsrArrays): CsrParts {
  validateCsr(A);
  const { rows, cols, rowPtr: ap, colIdx: aj, values: av } = A;
  const nnz = ap[rows];
  const rowPtr = new Int32Array(cols + 1);
  for (let k = 0; k < nnz; k++) rowPtr[aj[k] + 1]++;
  for (let j = 0; j < cols; j++) rowPtr[j + 1] += rowPtr[j];
  const next = rowPtr.slice(0, cols);
  const colIdx = new Int32Array(nnz);
  const values = allocValues(dtypeOf(av), nnz);
  for (let i = 0; i < rows; i++) {
    for (let k = ap[i]; k < ap[i + 1]; k++) {
      const dst = next[aj[k]]++;
      colIdx[dst] = i;
      values[dst] = av[k];
    }
  }
  return { rowPtr, colIdx, values };
}
