import { SparseError } from '../../errors.js';
import { allocValues, dtypeOf, MAX_INDEX } from '../../types.js';
import type { BsrArrays, BsrParts, CsrArrays, CsrParts } from '../types.js';
import { checkBlockShape, validateBsr } from './bsr-check.js';
import { validateCsr } from './validate.js';

function tooLarge(what: string, n: number): SparseError {
  return new SparseError(`${what} would hold ${n} values, more than ${MAX_INDEX}`, 'ERR_SPARSE_TOO_LARGE');
}

/**
 * BSR arrays of a CSR matrix with r x c blocks: a block is stored when any entry of the CSR falls in
 * it; block columns sorted per block row; entries not in the CSR are explicit zeros inside their
 * block; duplicates (a non-canonical CSR) are summed in storage order.
 */
export function csrToBsr(A: CsrArrays, r: number, c: number): BsrParts {
  checkBlockShape(A.rows, A.cols, r, c);
  validateCsr(A);
  const { rowPtr, colIdx, values } = A;
  const blockRows = A.rows / r;
  const blockCols = A.cols / c;
  const rc = r * c;
  const stamp = new Int32Array(blockCols).fill(-1);
  const blockRowPtr = new Int32Array(blockRows + 1);
  let nnzb = 0;
  for (let I = 0; I < blockRows; I++) {
    const end = rowPtr[(I + 1) * r];
    for (let k = rowPtr[I * r]; k < end; k++) {
      const J = (colIdx[k] / c) | 0;
      if (stamp[J] !== I) {
        stamp[J] = I;
        nnzb++;
      }
    }
    if (nnzb * rc > MAX_INDEX) throw tooLarge('the BSR form', nnzb * rc);
    blockRowPtr[I + 1] = nnzb;
  }
  const blockColIdx = new Int32Array(nnzb);
  const out = allocValues(dtypeOf(values), nnzb * rc);
  const pos = new Int32Array(blockCols);
  stamp.fill(-1);
  for (let I = 0; I < blockRows; I++) {
    const p0 = blockRowPtr[I];
    let p = p0;
    const s = rowPtr[I * r];
    const end = rowPtr[(I + 1) * r];
    for (let k = s; k < end; k++) {
      const J = (colIdx[k] / c) | 0;
      if (stamp[J] !== I) {
        stamp[J] = I;
        blockColIdx[p++] = J;
      }
    }
    blockColIdx.subarray(p0, p).sort();
    for (let q = p0; q < p; q++) pos[blockColIdx[q]] = q;
    for (let ii = 0; ii < r; ii++) {
      const i = I * r + ii;
      const e = rowPtr[i + 1];
      for (let k = rowPtr[i]; k < e; k++) {
        const j = colIdx[k];
        const J = (j / c) | 0;
        out[pos[J] * rc + ii * c + (j - J * c)] += values[k];
      }
    }
  }
  return { blockRowPtr, blockColIdx, values: out };
}

/**
 * CSR arrays of a BSR matrix (sorted block columns required). keepZeros = false drops entries that
 * are exactly zero (either sign; NaN is kept), so a canonical CSR without explicit zeros comes back
 * unchanged from toBsr(r, c).toCsr(); keepZeros = true keeps all r*c entries of every block.
 */
export function bsrToCsr(B: BsrArrays, keepZeros: boolean): CsrParts {
  const nnzb = validateBsr(B, true);
  const { blockRowPtr, blockColIdx, values } = B;
  const r = B.blockSize[0];
  const c = B.blockSize[1];
  const rc = r * c;
  const blockRows = B.rows / r;
  const rowPtr = new Int32Array(B.rows + 1);
  let nnz = 0;
  if (keepZeros) {
    if (nnzb * rc > MAX_INDEX) throw tooLarge('the CSR form', nnzb * rc);
    for (let I = 0; I < blockRows; I++) {
      const w = (blockRowPtr[I + 1] - blockRowPtr[I]) * c;
      for (let ii = 0; ii < r; ii++) {
        nnz += w;
        rowPtr[I * r + ii + 1] = nnz;
      }
    }
  } else {
    for (let I = 0; I < blockRows; I++) {
      const s = blockRowPtr[I];
      const e = blockRowPtr[I + 1];
      for (let ii = 0; ii < r; ii++) {
        for (let k = s; k < e; k++) {
          const o = k * rc + ii * c;
          for (let jj = 0; jj < c; jj++) if (values[o + jj] !== 0) nnz++;
        }
        if (nnz > MAX_INDEX) throw tooLarge('the CSR form', nnz);
        rowPtr[I * r + ii + 1] = nnz;
      }
    }
  }
  const colIdx = new Int32Array(nnz);
  const out = allocValues(dtypeOf(values), nnz);
  let q = 0;
  for (let I = 0; I < blockRows; I++) {
    const s = blockRowPtr[I];
    const e = blockRowPtr[I + 1];
    for (let ii = 0; ii < r; ii++) {
      for (let k = s; k < e; k++) {
        const o = k * rc + ii * c;
        const j0 = blockColIdx[k] * c;
        for (let jj = 0; jj < c; jj++) {
          const v = values[o + jj];
          if (keepZeros || v !== 0) {
            colIdx[q] = j0 + jj;
            out[q++] = v;
          }
        }
      }
    }
  }
  return { rowPtr, colIdx, values: out };
}
