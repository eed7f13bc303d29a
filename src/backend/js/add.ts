import { FormatError, SparseError } from '../../errors.js';
import { allocValues, dtypeOf, MAX_INDEX } from '../../types.js';
import type { CsrArrays, CsrParts } from '../types.js';
import { validateCsr } from './validate.js';

function notCanonical(which: string, i: number): FormatError {
  return new FormatError(`add needs canonical CSR: row ${i} of ${which} has unsorted or duplicate columns`);
}

/** alpha*A + beta*B by merging sorted rows; the pattern is the union, zeros are kept. */
export function addCsr(A: CsrArrays, B: CsrArrays, alpha: number, beta: number): CsrParts {
  validateCsr(A);
  validateCsr(B);
  const { rows, rowPtr: ap, colIdx: aj, values: av } = A;
  const { rowPtr: bp, colIdx: bj, values: bv } = B;

  const rowPtr = new Int32Array(rows + 1);
  let nnz = 0;
  for (let i = 0; i < rows; i++) {
    let p = ap[i];
    let q = bp[i];
    const pe = ap[i + 1];
    const qe = bp[i + 1];
    for (let t = p + 1; t < pe; t++) if (aj[t] <= aj[t - 1]) throw notCanonical('A', i);
    for (let t = q + 1; t < qe; t++) if (bj[t] <= bj[t - 1]) throw notCanonical('B', i);
    while (p < pe && q < qe) {
      if (aj[p] < bj[q]) p++;
      else if (aj[p] > bj[q]) q++;
      else {
        p++;
        q++;
      }
      nnz++;
    }
    nnz += pe - p + (qe - q);
    if (nnz > MAX_INDEX) throw new SparseError(`the sum has more than ${MAX_INDEX} nonzeros`, 'ERR_SPARSE_TOO_LARGE');
    rowPtr[i + 1] = nnz;
  }

  const colIdx = new Int32Array(nnz);
  const values = allocValues(dtypeOf(av), nnz);
  let w = 0;
  for (let i = 0; i < rows; i++) {
    let p = ap[i];
    let q = bp[i];
    const pe = ap[i + 1];
    const qe = bp[i + 1];
    while (p < pe || q < qe) {
      if (q >= qe || (p < pe && aj[p] < bj[q])) {
        colIdx[w] = aj[p];
        values[w++] = alpha * av[p++];
      } else if (p >= pe || bj[q] < aj[p]) {
        colIdx[w] = bj[q];
        values[w++] = beta * bv[q++];
      } else {
        colIdx[w] = aj[p];
        values[w++] = alpha * av[p++] + beta * bv[q++];
      }
    }
  }
  return { rowPtr, colIdx, values };
}
