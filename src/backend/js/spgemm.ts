import { SparseError } from '../../errors.js';
import { allocValues, dtypeOf, MAX_INDEX } from '../../types.js';
import type { CsrArrays, CsrParts } from '../types.js';
import { validateCsr } from './validate.js';

/**
 * C = A*B, Gustavson's row-by-row product with a dense marker and accumulator over B's columns.
 * Symbolic pass sizes C exactly; numeric pass sums a_ik*b_kj in A's then B's storage order (the
 * first term is assigned, later terms added), then each row's columns are sorted.
 */
export function spgemmCsr(A: CsrArrays, B: CsrArrays): CsrParts {
  validateCsr(A);
  validateCsr(B);
  const { rows, rowPtr: ap, colIdx: aj, values: av } = A;
  const { cols, rowPtr: bp, colIdx: bj, values: bv } = B;
  const marker = new Int32Array(cols).fill(-1);

  const rowPtr = new Int32Array(rows + 1);
  let nnz = 0;
  for (let i = 0; i < rows; i++) {
    for (let e = ap[i]; e < ap[i + 1]; e++) {
      const k = aj[e];
      for (let f = bp[k]; f < bp[k + 1]; f++) {
        const j = bj[f];
        if (marker[j] !== i) {
          marker[j] = i;
          nnz++;
        }
      }
    }
    if (nnz > MAX_INDEX) throw new SparseError(`the product has more than ${MAX_INDEX} nonzeros`, 'ERR_SPARSE_TOO_LARGE');
    rowPtr[i + 1] = nnz;
  }

  const colIdx = new Int32Array(nnz);
  const values = allocValues(dtypeOf(av), nnz);
  const acc = new Float64Array(cols);
  marker.fill(-1);
  for (let i = 0; i < rows; i++) {
    const start = rowPtr[i];
    let w = start;
    for (let e = ap[i]; e < ap[i + 1]; e++) {
      const k = aj[e];
      const a = av[e];
      for (let f = bp[k]; f < bp[k + 1]; f++) {
        const j = bj[f];
        if (marker[j] !== i) {
          marker[j] = i;
          colIdx[w++] = j;
          acc[j] = a * bv[f];
        } else {
          acc[j] += a * bv[f];
        }
      }
    }
    const row = colIdx.subarray(start, w);
    row.sort();
    for (let t = start; t < w; t++) values[t] = acc[colIdx[t]];
  }
  return { rowPtr, colIdx, values };
}
