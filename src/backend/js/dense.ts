import { SparseError } from '../../errors.js';
import { allocValues, dtypeOf, MAX_INDEX, type Values } from '../../types.js';
import type { CsrArrays, CsrParts } from '../types.js';
import { validateCsr } from './validate.js';

/** Scatter into a zeroed row-major buffer; duplicates (non-canonical input) are summed. */
export function csrToDense(A: CsrArrays, out: Values): void {
  validateCsr(A);
  const { rows, cols, rowPtr, colIdx, values } = A;
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    for (let k = rowPtr[i]; k < rowPtr[i + 1]; k++) out[o + colIdx[k]] += values[k];
  }
}

/** Keeps every entry that is not zero (NaN is kept: it is not zero). */
export function denseToCsr(rows: number, cols: number, data: Values): CsrParts {
  const total = rows * cols;
  let nnz = 0;
  for (let t = 0; t < total; t++) if (data[t] !== 0) nnz++;
  if (nnz > MAX_INDEX) throw new SparseError(`the matrix has more than ${MAX_INDEX} nonzeros`, 'ERR_SPARSE_TOO_LARGE');
  const rowPtr = new Int32Array(rows + 1);
  const colIdx = new Int32Array(nnz);
  const values = allocValues(dtypeOf(data), nnz);
  let w = 0;
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    for (let j = 0; j < cols; j++) {
      const v = data[o + j];
      if (v !== 0) {
        colIdx[w] = j;
        values[w++] = v;
      }
    }
    rowPtr[i + 1] = w;
  }
  return { rowPtr, colIdx, values };
}

/**
 * Whether every entry is finite (the dense OT cost's check, src/ot/options.ts): x * 0 is NaN exactly
 * for NaN and +-Infinity, and NaN survives any sum. Four independent sums run 2.5x faster than a
 * Number.isFinite test per entry (4M entries: 2.6 ms against 6.3 ms on a Zen VM; 7 ms on the Intel
 * one, where the native twin, native/kernels/all_finite.hpp, takes the large costs).
 */
export function allFinite(d: Values): boolean {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const n4 = d.length - (d.length % 4);
  for (let k = 0; k < n4; k += 4) {
    s0 += d[k] * 0;
    s1 += d[k + 1] * 0;
    s2 += d[k + 2] * 0;
    s3 += d[k + 3] * 0;
  }
  for (let k = n4; k < d.length; k++) s0 += d[k] * 0;
  return s0 + s1 + s2 + s3 === 0;
}
