import { ShapeError } from '../errors.js';
import { backendFor } from '../backend/select.js';
import type { CsrMatrix } from '../formats/csr.js';
import { DenseMatrix } from '../formats/dense.js';
import { type Dtype, type Values } from '../types.js';
import { checkOut } from '../util/check.js';
import { checkCsr, optionalNumber, overlaps } from './common.js';
import { zerosValues } from '../memory.js';

export interface MatmatOptions {
  /** Written in place and returned; must have the matrix's dtype and the result's shape. */
  out?: DenseMatrix;
  alpha?: number;
  /** Used only with `out`. */
  beta?: number;
  /** Multiply by A^T without forming it. */
  transpose?: boolean;
}

/** SpMM: alpha * op(A) X + beta * out with X and the result dense row-major. */
export function matmat(A: CsrMatrix, X: DenseMatrix, options: MatmatOptions = {}): DenseMatrix {
  const p = prepareMatmat(A, X, options);
  backendFor((A.nnz + p.out.rows) * p.k).spmm(A, p.x, p.k, p.out.data, p.alpha, p.beta, p.transpose);
  return p.out;
}

/** The checked arguments of a matmat (shared with matmatAsync, so both fail the same way). */
export interface MatmatArgs {
  x: Values;
  k: number;
  out: DenseMatrix;
  alpha: number;
  beta: number;
  transpose: boolean;
}

export function prepareMatmat(A: CsrMatrix, X: DenseMatrix, options: MatmatOptions): MatmatArgs {
  checkCsr(A, 'A');
  return prepareDenseProduct(A, X, options);
}

/** The operand checks of any sparse format's matmat: only the shape and dtype of A matter. */
export function prepareDenseProduct(A: { rows: number; cols: number; dtype: Dtype }, X: DenseMatrix, options: MatmatOptions): MatmatArgs {
  if (!(X instanceof DenseMatrix)) throw new TypeError('X must be a DenseMatrix');
  const transpose = options.transpose === true;
  const n = transpose ? A.rows : A.cols;
  const m = transpose ? A.cols : A.rows;
  if (X.rows !== n) throw new ShapeError(`X has ${X.rows} rows, expected ${n} (A is ${A.rows}x${A.cols}${transpose ? ', transposed' : ''})`);
  const k = X.cols;
  let xdata = X.dtype === A.dtype ? X.data : zerosValues(A.dtype, X.data.length);
  if (xdata !== X.data) xdata.set(X.data);
  const alpha = optionalNumber(options.alpha, 'alpha', 1);
  let beta = optionalNumber(options.beta, 'beta', 0);
  let out: DenseMatrix;
  if (options.out !== undefined) {
    if (!(options.out instanceof DenseMatrix)) throw new TypeError('out must be a DenseMatrix');
    out = options.out;
    if (out.rows !== m || out.cols !== k) throw new ShapeError(`out is ${out.rows}x${out.cols}, expected ${m}x${k}`);
    checkOut(out.data, A.dtype, m * k, 'out.data');
    if (overlaps(xdata, out.data)) xdata = xdata.slice();
  } else {
    out = new DenseMatrix(m, k, undefined, { dtype: A.dtype });
    beta = 0;
  }
  return { x: xdata, k, out, alpha, beta, transpose };
}
