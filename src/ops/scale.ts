import { activeBackend } from '../backend/select.js';
import type { CsrMatrix } from '../formats/csr.js';
import { allocValues } from '../types.js';
import { checkNumber, toVector } from '../util/check.js';
import { checkCsr } from './common.js';
import { csrFromParts } from './result.js';

/** s * A (same pattern, new arrays). */
export function scale(A: CsrMatrix, s: number): CsrMatrix {
  checkCsr(A, 'A');
  checkNumber(s, 's');
  const values = allocValues(A.dtype, A.nnz);
  activeBackend().scale(A, s, values);
  return csrFromParts(A.rows, A.cols, { rowPtr: A.rowPtr.slice(), colIdx: A.colIdx.slice(), values });
}

/** diag(d) * A. */
export function scaleRows(A: CsrMatrix, d: ArrayLike<number>): CsrMatrix {
  checkCsr(A, 'A');
  const dv = toVector(d, A.dtype, A.rows, 'd');
  const values = allocValues(A.dtype, A.nnz);
  activeBackend().scaleRows(A, dv, values);
  return csrFromParts(A.rows, A.cols, { rowPtr: A.rowPtr.slice(), colIdx: A.colIdx.slice(), values });
}

/** A * diag(d). */
export function scaleCols(A: CsrMatrix, d: ArrayLike<number>): CsrMatrix {
  checkCsr(A, 'A');
  const dv = toVector(d, A.dtype, A.cols, 'd');
  const values = allocValues(A.dtype, A.nnz);
  activeBackend().scaleCols(A, dv, values);
  return csrFromParts(A.rows, A.cols, { rowPtr: A.rowPtr.slice(), colIdx: A.colIdx.slice(), values });
}
