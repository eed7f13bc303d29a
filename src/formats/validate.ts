import { FormatError, ShapeError } from '../errors.js';
import { MAX_INDEX, type Values } from '../types.js';

/**
 * Checks a CSR structure before the library trusts it. Returns whether it is canonical (columns
 * strictly increasing within each row). Throws FormatError naming the first problem.
 */
export function checkCsrStructure(rows: number, cols: number, rowPtr: Int32Array, colIdx: Int32Array, values: Values): boolean {
  if (rowPtr.length !== rows + 1) throw new ShapeError(`rowPtr has length ${rowPtr.length}, expected rows + 1 = ${rows + 1}`);
  if (rowPtr[0] !== 0) throw new FormatError(`rowPtr[0] is ${rowPtr[0]}, expected 0`);
  const nnz = rowPtr[rows];
  if (colIdx.length !== nnz) throw new FormatError(`colIdx has length ${colIdx.length}, but rowPtr[rows] = ${nnz}`);
  if (values.length !== nnz) throw new FormatError(`values has length ${values.length}, but rowPtr[rows] = ${nnz}`);
  let canonical = true;
  for (let i = 0; i < rows; i++) {
    const start = rowPtr[i];
    const end = rowPtr[i + 1];
    if (end < start) throw new FormatError(`rowPtr decreases at row ${i} (${start} > ${end})`);
    let prev = -1;
    for (let k = start; k < end; k++) {
      const j = colIdx[k];
      if (j < 0 || j >= cols) throw new FormatError(`column index ${j} at position ${k} (row ${i}) is out of range [0, ${cols})`);
      if (j <= prev) canonical = false;
      prev = j;
    }
  }
  return canonical;
}

export function checkNnz(nnz: number): void {
  if (nnz > MAX_INDEX) throw new FormatError(`${nnz} nonzeros exceed ${MAX_INDEX}, the most int32 indices can address`);
}
