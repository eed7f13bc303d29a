import type { Values } from '../../types.js';
import type { BsrArrays } from '../types.js';
import { badBlockColumn, badBlockRowPtr, checkBsrEnds, validateBsr } from './bsr-check.js';

/**
 * y = alpha*B*x + beta*y. Summation order (shared with the native scalar kernel): each row's sum runs
 * over its block row's blocks in storage order and, inside a block, over the block's columns.
 */
export function bsrSpmv(B: BsrArrays, x: Values, y: Values, alpha: number, beta: number): void {
  const nnzb = checkBsrEnds(B);
  const { blockRowPtr, blockColIdx, values } = B;
  const r = B.blockSize[0];
  const c = B.blockSize[1];
  const rc = r * c;
  const blockRows = B.rows / r;
  const blockCols = B.cols / c;
  if (r === 4 && c === 4) {
    bsrSpmv4x4(B, x, y, alpha, beta, nnzb, blockRows, blockCols);
    return;
  }
  const acc = new Float64Array(r);
  let start = blockRowPtr[0];
  for (let I = 0; I < blockRows; I++) {
    const end = blockRowPtr[I + 1];
    if (end < start || end > nnzb) throw badBlockRowPtr(I);
    acc.fill(0);
    for (let k = start; k < end; k++) {
      const J = blockColIdx[k];
      if (J >>> 0 >= blockCols) throw badBlockColumn(k, J, blockCols);
      const xo = J * c;
      let vo = k * rc;
      for (let ii = 0; ii < r; ii++) {
        let s = acc[ii];
        for (let jj = 0; jj < c; jj++) s += values[vo + jj] * x[xo + jj];
        acc[ii] = s;
        vo += c;
      }
    }
    const yo = I * r;
    if (beta === 0) for (let ii = 0; ii < r; ii++) y[yo + ii] = alpha * acc[ii];
    else for (let ii = 0; ii < r; ii++) y[yo + ii] = alpha * acc[ii] + beta * y[yo + ii];
    start = end;
  }
}

/** bsrSpmv for 4x4 blocks with the loops unrolled into locals; the same summation order. */
function bsrSpmv4x4(B: BsrArrays, x: Values, y: Values, alpha: number, beta: number, nnzb: number, blockRows: number, blockCols: number): void {
  const { blockRowPtr, blockColIdx, values } = B;
  let start = blockRowPtr[0];
  for (let I = 0; I < blockRows; I++) {
    const end = blockRowPtr[I + 1];
    if (end < start || end > nnzb) throw badBlockRowPtr(I);
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    for (let k = start; k < end; k++) {
      const J = blockColIdx[k];
      if (J >>> 0 >= blockCols) throw badBlockColumn(k, J, blockCols);
      const xo = J * 4;
      const x0 = x[xo];
      const x1 = x[xo + 1];
      const x2 = x[xo + 2];
      const x3 = x[xo + 3];
      const v = k * 16;
      a0 = a0 + values[v] * x0 + values[v + 1] * x1 + values[v + 2] * x2 + values[v + 3] * x3;
      a1 = a1 + values[v + 4] * x0 + values[v + 5] * x1 + values[v + 6] * x2 + values[v + 7] * x3;
      a2 = a2 + values[v + 8] * x0 + values[v + 9] * x1 + values[v + 10] * x2 + values[v + 11] * x3;
      a3 = a3 + values[v + 12] * x0 + values[v + 13] * x1 + values[v + 14] * x2 + values[v + 15] * x3;
    }
    const yo = I * 4;
    if (beta === 0) {
      y[yo] = alpha * a0;
      y[yo + 1] = alpha * a1;
      y[yo + 2] = alpha * a2;
      y[yo + 3] = alpha * a3;
    } else {
      y[yo] = alpha * a0 + beta * y[yo];
      y[yo + 1] = alpha * a1 + beta * y[yo + 1];
      y[yo + 2] = alpha * a2 + beta * y[yo + 2];
      y[yo + 3] = alpha * a3 + beta * y[yo + 3];
    }
    start = end;
  }
}

/**
 * y = alpha*B^T*x + beta*y: validate everything first (a bad matrix leaves y untouched), scale y,
 * then scatter block by block in storage order (rows of a block in order, then its columns).
 */
export function bsrSpmvTransposed(B: BsrArrays, x: Values, y: Values, alpha: number, beta: number): void {
  validateBsr(B, false);
  const { blockRowPtr, blockColIdx, values } = B;
  const r = B.blockSize[0];
  const c = B.blockSize[1];
  const rc = r * c;
  const blockRows = B.rows / r;
  const n = B.cols;
  if (beta === 0) y.fill(0, 0, n);
  else if (beta !== 1) for (let j = 0; j < n; j++) y[j] *= beta;
  const xs = new Float64Array(r);
  for (let I = 0; I < blockRows; I++) {
    for (let ii = 0; ii < r; ii++) xs[ii] = alpha * x[I * r + ii];
    const end = blockRowPtr[I + 1];
    for (let k = blockRowPtr[I]; k < end; k++) {
      const yo = blockColIdx[k] * c;
      let vo = k * rc;
      for (let ii = 0; ii < r; ii++) {
        const xi = xs[ii];
        for (let jj = 0; jj < c; jj++) y[yo + jj] += values[vo + jj] * xi;
        vo += c;
      }
    }
  }
}
