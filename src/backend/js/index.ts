import type { Backend } from '../types.js';
import { addCsr } from './add.js';
import { jsAsync } from './async.js';
import { bsrToCsr, csrToBsr } from './bsr-convert.js';
import { bsrSpmm, bsrSpmmTransposed } from './bsr-spmm.js';
import { bsrSpmv, bsrSpmvTransposed } from './bsr-spmv.js';
import { cooToCsr } from './coo.js';
import { allFinite, csrToDense, denseToCsr } from './dense.js';
import { scaleColsCsr, scaleCsr, scaleRowsCsr } from './elementwise.js';
import { colSumsCsr, diagonalCsr, normFrobeniusCsr, rowSumsCsr } from './reductions.js';
import { spgemmCsr } from './spgemm.js';
import { spmmCsr, spmmCsrTransposed } from './spmm.js';
import { spmvCsr, spmvCsrTransposed } from './spmv.js';
import { otExpm1Dot, otKernelMatvec, otLseCols, otLseColsShifted, otLseRows, otPlanPass, otScalingSweep } from './ot.js';
import { transposeCsr } from './transpose.js';
import { zeros } from './zeros.js';

/** The pure-TypeScript backend: the reference the native kernels are tested against. */
export const jsBackend: Backend = {
  name: 'js',
  spmv(A, x, y, alpha, beta, transpose) {
    if (transpose) spmvCsrTransposed(A, x, y, alpha, beta);
    else spmvCsr(A, x, y, alpha, beta);
  },
  spmm(A, X, k, Y, alpha, beta, transpose) {
    if (transpose) spmmCsrTransposed(A, X, k, Y, alpha, beta);
    else spmmCsr(A, X, k, Y, alpha, beta);
  },
  spgemm: spgemmCsr,
  transpose: transposeCsr,
  cooToCsr,
  add: addCsr,
  scale: scaleCsr,
  scaleRows: scaleRowsCsr,
  scaleCols: scaleColsCsr,
  rowSums: rowSumsCsr,
  colSums: colSumsCsr,
  diagonal: diagonalCsr,
  normFrobenius: normFrobeniusCsr,
  toDense: csrToDense,
  fromDense: denseToCsr,
  allFinite,
  zeros,
  ...jsAsync,
  otLseRows,
  otLseCols,
  otLseColsShifted,
  otPlanPass,
  otExpm1Dot,
  otKernelMatvec,
  otScalingSweep,
  csrToBsr,
  bsrToCsr,
  bsrSpmv(B, x, y, alpha, beta, transpose) {
    if (transpose) bsrSpmvTransposed(B, x, y, alpha, beta);
    else bsrSpmv(B, x, y, alpha, beta);
  },
  bsrSpmm(B, X, k, Y, alpha, beta, transpose) {
    if (transpose) bsrSpmmTransposed(B, X, k, Y, alpha, beta);
    else bsrSpmm(B, X, k, Y, alpha, beta);
  },
};
