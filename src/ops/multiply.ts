import { ShapeError } from '../errors.js';
import { backendFor } from '../backend/select.js';
import type { CsrMatrix } from '../formats/csr.js';
import { checkCsr, commonDtype } from './common.js';
import { csrFromParts } from './result.js';

/** SpGEMM C = A B; canonical result that keeps every structural entry (no zero dropping). */
export function multiply(A: CsrMatrix, B: CsrMatrix): CsrMatrix {
  checkCsr(A, 'A');
  checkCsr(B, 'B');
  if (A.cols !== B.rows) throw new ShapeError(`multiply: A is ${A.rows}x${A.cols} but B is ${B.rows}x${B.cols}`);
  const [a, b] = commonDtype(A, B);
  return csrFromParts(A.rows, B.cols, backendFor(a.nnz + b.nnz).spgemm(a, b));
}
