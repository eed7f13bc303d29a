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
}
