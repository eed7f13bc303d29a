import { ShapeError } from '../errors.js';
import { activeBackend } from '../backend/select.js';
import type { BsrMatrix } from '../formats/bsr.js';
import { DenseMatrix } from '../formats/dense.js';
import { allocValues, type Values } from '../types.js';
import { checkOut, toVector } from '../util/check.js';
import { optionalNumber, overlaps } from './common.js';
import type { MatmatOptions } from './matmat.js';
import type { MatvecOptions } from './matvec.js';

function checkBsr(A: unknown, name: string): asserts A is BsrMatrix {
  const m = A as BsrMatrix | null;
  if (m === null || typeof m !== 'object' || !(m.blockRowPtr instanceof Int32Array) || !(m.blockColIdx instanceof Int32Array) || typeof m.rows !== 'number') {
    throw new TypeError(`${name} must be a BsrMatrix`);
  }
}

/** out = alpha * op(A) x + beta * out for a BSR matrix, op(A) = A or A^T. */
export function bsrMatvec(A: BsrMatrix, x: ArrayLike<number>, options: MatvecOptions = {}): Values {
  checkBsr(A, 'A');
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
    y = allocValues(A.dtype, m);
    beta = 0;
  }
  activeBackend().bsrSpmv(A, xv, y, alpha, beta, transpose);
  return y;
}

/** SpMM for a BSR matrix: alpha * op(A) X + beta * out with X and the result dense row-major. */
export function bsrMatmat(A: BsrMatrix, X: DenseMatrix, options: MatmatOptions = {}): DenseMatrix {
  checkBsr(A, 'A');
  if (!(X instanceof DenseMatrix)) throw new TypeError('X must be a DenseMatrix');
  const transpose = options.transpose === true;
  const n = transpose ? A.rows : A.cols;
  const m = transpose ? A.cols : A.rows;
  if (X.rows !== n) throw new ShapeError(`X has ${X.rows} rows, expected ${n} (A is ${A.rows}x${A.cols}${transpose ? ', transposed' : ''})`);
  const k = X.cols;
  let xdata = X.dtype === A.dtype ? X.data : allocValues(A.dtype, X.data.length);
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
  activeBackend().bsrSpmm(A, xdata, k, out.data, alpha, beta, transpose);
  return out;
}
