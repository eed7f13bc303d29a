import { backendFor } from '../backend/select.js';
import type { CsrMatrix } from '../formats/csr.js';
import { checkCsr, commonDtype, optionalNumber, sameShape } from './common.js';
import { csrFromParts } from './result.js';

export interface AddOptions {
  /** Factor on A (default 1). */
  alpha?: number;
  /** Factor on B (default 1). */
  beta?: number;
}

/** alpha*A + beta*B over the union of the two patterns. */
export function add(A: CsrMatrix, B: CsrMatrix, options: AddOptions = {}): CsrMatrix {
  checkCsr(A, 'A');
  checkCsr(B, 'B');
  sameShape(A, B, 'add');
  const alpha = optionalNumber(options.alpha, 'alpha', 1);
  const beta = optionalNumber(options.beta, 'beta', 1);
  const [a, b] = commonDtype(A, B);
  return csrFromParts(A.rows, A.cols, backendFor(a.nnz + b.nnz).add(a, b, alpha, beta));
}
