import type { CsrArrays } from '../types.js';
import { checkRowPtrEnds, throwFirstRowError } from './check.js';

/**
 * Full O(nnz) structure check for kernels that index by rowPtr in several passes. Reports the
 * first error in row order (a row's end before its columns), like the native validateCsr.
 */
export function validateCsr(A: CsrArrays): void {
  checkRowPtrEnds(A);
  throwFirstRowError(A);
}
