import type { CsrArrays } from '../types.js';
import { badColumn, badRowPtr, checkRowPtrEnds } from './check.js';

/** Full O(nnz) structure check for kernels that index by rowPtr in several passes. */
export function validateCsr(A: CsrArrays): void {
  checkRowPtrEnds(A);
  const { rows, cols, rowPtr, colIdx } = A;
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
}
