import { backendFor } from '../backend/select.js';
import type { CsrMatrix } from '../formats/csr.js';
import { type Dtype, type Values } from '../types.js';
import { checkOut, toVector } from '../util/check.js';
import { checkCsr, optionalNumber, overlaps } from './common.js';
import { zerosValues } from '../memory.js';

export interface MatvecOptions {
  /** Written in place and returned; must have the matrix's dtype. */
  out?: Values;
  /** Default 1. */
  alpha?: number;
  /** Default 0; used only with `out` (beta = 0 ignores out's old contents, NaN included). */
  beta?: number;
  /** Multiply by A^T without forming it. */
  transpose?: boolean;
}

/** out = alpha * op(A) x + beta * out, op(A) = A or A^T. */
export function matvec(A: CsrMatrix, x: ArrayLike<number>, options: MatvecOptions = {}): Values {
  const p = prepareMatvec(A, x, options);
  backendFor(A.nnz + p.y.length).spmv(A, p.x, p.y, p.alpha, p.beta, p.transpose);
  return p.y;
}

/** The checked arguments of a matvec (shared with matvecAsync, so both fail the same way). */
export interface MatvecArgs {
  x: Values;
  y: Values;
  alpha: number;
  beta: number;
  transpose: boolean;
}

export function prepareMatvec(A: CsrMatrix, x: ArrayLike<number>, options: MatvecOptions): MatvecArgs {
  checkCsr(A, 'A');
  return prepareVectorProduct(A, x, options);
}

/** The operand checks of any sparse format's matvec: only the shape and dtype of A matter. */
export function prepareVectorProduct(A: { rows: number; cols: number; dtype: Dtype }, x: ArrayLike<number>, options: MatvecOptions): MatvecArgs {
  const transpose = options.transpose === true;
  const n = transpose ? A.rows : A.cols;
  const m = transpose ? A.cols : A.rows;
  let xv = toVector(x, A.dtype, n, 'x');
  const alpha = optionalNumber(options.alpha, 'alpha', 1);
  let beta = optionalNumber(options.beta, 'beta', 0);
  let y: Values;
  if (options.out !== undefined) {
    y = checkOut(options.out, A.dtype, m);
    if (overlaps(xv, y)) xv = xv.slice();
  } else {
    y = zerosValues(A.dtype, m);
    beta = 0;
  }
  return { x: xv, y, alpha, beta, transpose };
}
