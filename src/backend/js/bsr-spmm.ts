import type { Values } from '../../types.js';
import type { BsrArrays } from '../types.js';
import { badBlockColumn, badBlockRowPtr, checkBsrEnds, validateBsr } from './bsr-check.js';

/**
 * Y = alpha*B*X + beta*Y, X (cols x k) and Y (rows x k) dense row-major. Each output entry sums
 * over the block row's blocks in storage order, then the block's columns (as bsrSpmv).
 */
export function bsrSpmm(B: BsrArrays, X: Values, k: number, Y: Values, alpha: number, beta: number): void {
  const nnzb = checkBsrEnds(B);
  const { blockRowPtr, blockColIdx, values } = B;
  const r = B.blockSize[0];
  const c = B.blockSize[1];
  const rc = r * c;
  const blockRows = B.rows / r;
  const blockCols = B.cols / c;
  const acc = new Float64Array(r * k);
  let start = blockRowPtr[0];
  for (let I = 0; I < blockRows; I++) {
    const end = blockRowPtr[I + 1];
    if (end < start || end > nnzb) throw badBlockRowPtr(I);
    acc.fill(0);
    for (let b = start; b < end; b++) {
      const J = blockColIdx[b];
      if (J >>> 0 >= blockCols) throw badBlockColumn(b, J, blockCols);
      const vo = b * rc;
      for (let ii = 0; ii < r; ii++) {
        const ao = ii * k;
        for (let jj = 0; jj < c; jj++) {
          const a = values[vo + ii * c + jj];
          const xo = (J * c + jj) * k;
          for (let t = 0; t < k; t++) acc[ao + t] += a * X[xo + t];
        }
      }
    }
    const yo = I * r * k;
    const n = r * k;
    if (beta === 0) for (let t = 0; t < n; t++) Y[yo + t] = alpha * acc[t];
    else for (let t = 0; t < n; t++) Y[yo + t] = alpha * acc[t] + beta * Y[yo + t];
    start = end;
  }
}

/** Y = alpha*B^T*X + beta*Y, X (rows x k), Y (cols x k); scatter in storage order. */
export function bsrSpmmTransposed(B: BsrArrays, X: Values, k: number, Y: Values, alpha: number, beta: number): void {
  validateBsr(B, false);
  const { blockRowPtr, blockColIdx, values } = B;
  const r = B.blockSize[0];
  const c = B.blockSize[1];
  const rc = r * c;
  const blockRows = B.rows / r;
  const n = B.cols * k;
  if (beta === 0) Y.fill(0, 0, n);
  else if (beta !== 1) for (let t = 0; t < n; t++) Y[t] *= beta;
  for (let I = 0; I < blockRows; I++) {
    const end = blockRowPtr[I + 1];
    for (let b = blockRowPtr[I]; b < end; b++) {
      const J = blockColIdx[b];
      const vo = b * rc;
      for (let ii = 0; ii < r; ii++) {
        const xo = (I * r + ii) * k;
        for (let jj = 0; jj < c; jj++) {
          const a = values[vo + ii * c + jj];
          const yo = (J * c + jj) * k;
          for (let t = 0; t < k; t++) Y[yo + t] += a * (alpha * X[xo + t]);
        }
      }
    }
  }
}
