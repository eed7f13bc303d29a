import { FormatError, ShapeError } from '../../errors.js';
import type { BsrArrays } from '../types.js';

/**
 * Trust checks for BSR operands, the twin of native/kernels/bsr_view.hpp: same checks, same order,
 * same messages, so both backends report the same first error for a broken structure.
 */

/** Largest supported block dimension. */
export const MAX_BLOCK = 8;

/** r and c integers in [1, 8] that divide rows and cols (scipy's rule: no padding). */
export function checkBlockShape(rows: number, cols: number, r: number, c: number): void {
  if (!Number.isInteger(r) || !Number.isInteger(c) || r < 1 || c < 1 || r > MAX_BLOCK || c > MAX_BLOCK) {
    throw new ShapeError(`block size ${r}x${c} is not supported: r and c must be integers in [1, ${MAX_BLOCK}]`);
  }
  if (rows % r !== 0 || cols % c !== 0) {
    throw new ShapeError(`a ${rows}x${cols} matrix cannot be cut into ${r}x${c} blocks: rows must be a multiple of r and cols a multiple of c`);
  }
}

export function badBlockRowPtr(I: number): FormatError {
  return new FormatError(`blockRowPtr is not monotone or exceeds nnzBlocks at block row ${I}`);
}

export function badBlockColumn(k: number, J: number, blockCols: number): FormatError {
  return new FormatError(`block column index ${J} at position ${k} is out of range [0, ${blockCols})`);
}

export function unsortedBlocks(I: number, k: number): FormatError {
  return new FormatError(`blockColIdx is not sorted and unique in block row ${I} (position ${k})`);
}

/** Block shape, then the block row pointer's length and ends (O(1)). Returns nnzBlocks. */
export function checkBsrEnds(B: BsrArrays): number {
  const { rows, cols, blockRowPtr, blockColIdx, values } = B;
  const r = B.blockSize[0];
  const c = B.blockSize[1];
  checkBlockShape(rows, cols, r, c);
  const blockRows = rows / r;
  if (blockRowPtr.length !== blockRows + 1) {
    throw new FormatError(`blockRowPtr has length ${blockRowPtr.length}, expected blockRows + 1 = ${blockRows + 1}`);
  }
  if (blockRowPtr[0] !== 0) throw new FormatError(`blockRowPtr[0] is ${blockRowPtr[0]}, expected 0`);
  const nnzb = blockRowPtr[blockRows];
  const valueBlocks = Math.floor(values.length / (r * c));
  if (nnzb > blockColIdx.length || nnzb > valueBlocks) {
    throw new FormatError(`blockRowPtr[blockRows] = ${nnzb} exceeds the length of blockColIdx (${blockColIdx.length}) or the blocks in values (${valueBlocks})`);
  }
  // Callers size results by nnzb after this check. validateBsr's walk would stop at block row 0,
  // whose end is either below its start (0) or above a negative nnzb.
  if (nnzb < 0) throw badBlockRowPtr(0);
  return nnzb;
}

/** Full O(nnzBlocks) check: monotone pointer, block columns in range, and (if asked) sorted unique. */
export function validateBsr(B: BsrArrays, requireSorted: boolean): number {
  const nnzb = checkBsrEnds(B);
  const { blockRowPtr, blockColIdx } = B;
  const blockRows = B.rows / B.blockSize[0];
  const blockCols = B.cols / B.blockSize[1];
  let start = blockRowPtr[0];
  for (let I = 0; I < blockRows; I++) {
    const end = blockRowPtr[I + 1];
    if (end < start || end > nnzb) throw badBlockRowPtr(I);
    let prev = -1;
    for (let k = start; k < end; k++) {
      const J = blockColIdx[k];
      if (J >>> 0 >= blockCols) throw badBlockColumn(k, J, blockCols);
      if (requireSorted && J <= prev) throw unsortedBlocks(I, k);
      prev = J;
    }
    start = end;
  }
  return nnzb;
}
