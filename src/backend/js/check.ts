import { FormatError } from '../../errors.js';
import type { CsrArrays } from '../types.js';

/**
 * The JS twin of the native side's trust checks: a kernel walks rowPtr and colIdx anyway, so it
 * checks them as it goes and refuses what would read out of bounds. Messages match the addon's.
 */
export function badRowPtr(i: number): FormatError {
  return new FormatError(`rowPtr is not monotone or exceeds nnz at row ${i}`);
}

export function badColumn(k: number, j: number, cols: number): FormatError {
  return new FormatError(`column index ${j} at position ${k} is out of range [0, ${cols})`);
}

/** Checks the row pointer's ends and length once per call (O(1)); per-row checks happen in the loops. */
export function checkRowPtrEnds(A: CsrArrays): void {
  const { rowPtr, colIdx, values, rows } = A;
  if (rowPtr.length !== rows + 1) throw new FormatError(`rowPtr has length ${rowPtr.length}, expected rows + 1 = ${rows + 1}`);
  if (rowPtr[0] !== 0) throw new FormatError(`rowPtr[0] is ${rowPtr[0]}, expected 0`);
  const nnz = rowPtr[rows];
  if (nnz > colIdx.length || nnz > values.length) {
    throw new FormatError(`rowPtr[rows] = ${nnz} exceeds the length of colIdx (${colIdx.length}) or values (${values.length})`);
  }
  // Kernels size their results by nnz after this check. A negative one means the row pointer
  // decreases somewhere: the structure's first error, as the full check reports it.
  if (nnz < 0) {
    throwFirstRowError(A);
    // Only another thread writing a shared rowPtr meanwhile gets here.
    throw new FormatError(`rowPtr[rows] = ${nnz} is negative`);
  }
}

/**
 * Throws the first error in row order (a row's end before its columns), for a row pointer whose
 * ends have been checked; returns when there is none. Two tight passes: the row pointer, then one
 * flat sweep over the columns of the rows before the first bad row end (about twice as fast as
 * checking columns row by row).
 */
export function throwFirstRowError(A: CsrArrays): void {
  const { rows, cols, rowPtr, colIdx } = A;
  const limit = colIdx.length;
  let badRow = -1;
  let start = rowPtr[0];
  for (let i = 0; i < rows; i++) {
    const end = rowPtr[i + 1];
    if (end < start || end > limit) {
      badRow = i;
      break;
    }
    start = end;
  }
  // Rows before badRow are monotone, so their columns are exactly colIdx[0, start).
  for (let k = 0; k < start; k++) {
    const j = colIdx[k];
    if (j >>> 0 >= cols) throw badColumn(k, j, cols);
  }
  if (badRow >= 0) throw badRowPtr(badRow);
}
