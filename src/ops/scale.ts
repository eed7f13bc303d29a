import { activeBackend } from '../backend/select.js';
import type { CsrArrays } from '../backend/types.js';
import type { CsrMatrix } from '../formats/csr.js';
import { checkNumber, toVector } from '../util/check.js';
import { checkCsr } from './common.js';
import { csrFromParts } from './result.js';
import { zerosValues } from '../memory.js';

// The result's pattern is a copy of A's, taken before the kernel runs on it: arrays on a
// SharedArrayBuffer that another thread writes then give a result whose values and pattern match
// (or a FormatError from the kernel's check), never a pattern copied after the check.
function patternCopy(A: CsrMatrix): CsrArrays {
  return { rows: A.rows, cols: A.cols, rowPtr: A.rowPtr.slice(), colIdx: A.colIdx.slice(), values: A.values };
}

// The output's length: the copy's nnz when it is in range, else 0 (the kernel's check then reports
// the bad row pointer as a FormatError, before it looks at the output).
function outLength(P: CsrArrays): number {
  const nnz = P.rowPtr[P.rows];
  return nnz >= 0 && nnz <= P.colIdx.length ? nnz : 0;
}

/** s * A (same pattern, new arrays). */
export function scale(A: CsrMatrix, s: number): CsrMatrix {
  checkCsr(A, 'A');
  checkNumber(s, 's');
  const P = patternCopy(A);
  const values = zerosValues(A.dtype, outLength(P));
  activeBackend().scale(P, s, values);
  return csrFromParts(A.rows, A.cols, { rowPtr: P.rowPtr, colIdx: P.colIdx, values });
}

/** diag(d) * A. */
export function scaleRows(A: CsrMatrix, d: ArrayLike<number>): CsrMatrix {
  checkCsr(A, 'A');
  const dv = toVector(d, A.dtype, A.rows, 'd');
  const P = patternCopy(A);
  const values = zerosValues(A.dtype, outLength(P));
  activeBackend().scaleRows(P, dv, values);
  return csrFromParts(A.rows, A.cols, { rowPtr: P.rowPtr, colIdx: P.colIdx, values });
}

/** A * diag(d). */
export function scaleCols(A: CsrMatrix, d: ArrayLike<number>): CsrMatrix {
  checkCsr(A, 'A');
  const dv = toVector(d, A.dtype, A.cols, 'd');
  const P = patternCopy(A);
  const values = zerosValues(A.dtype, outLength(P));
  activeBackend().scaleCols(P, dv, values);
  return csrFromParts(A.rows, A.cols, { rowPtr: P.rowPtr, colIdx: P.colIdx, values });
}
