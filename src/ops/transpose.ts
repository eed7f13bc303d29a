import { activeBackend } from '../backend/select.js';
import { CscMatrix } from '../formats/csc.js';
import type { CsrMatrix } from '../formats/csr.js';
import { checkCsr } from './common.js';
import { csrFromParts } from './result.js';

/** A^T as a new CSR matrix (parallel counting sort in the native backend's next version). */
export function transpose(A: CsrMatrix): CsrMatrix {
  checkCsr(A, 'A');
  return csrFromParts(A.cols, A.rows, activeBackend().transpose(A));
}

/** The same matrix in compressed sparse column form (the CSR arrays of A^T). */
export function toCsc(A: CsrMatrix): CscMatrix {
  checkCsr(A, 'A');
  const p = activeBackend().transpose(A);
  return new CscMatrix(A.rows, A.cols, p.rowPtr, p.colIdx, p.values, { validate: false });
}
