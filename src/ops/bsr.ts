import { activeBackend } from '../backend/select.js';
import type { BsrMatrix } from '../formats/bsr.js';
import type { DenseMatrix } from '../formats/dense.js';
import type { Values } from '../types.js';
import { prepareDenseProduct, type MatmatOptions } from './matmat.js';
import { prepareVectorProduct, type MatvecOptions } from './matvec.js';

function checkBsr(A: unknown, name: string): asserts A is BsrMatrix {
  const m = A as BsrMatrix | null;
  if (m === null || typeof m !== 'object' || !(m.blockRowPtr instanceof Int32Array) || !(m.blockColIdx instanceof Int32Array) || typeof m.rows !== 'number') {
    throw new TypeError(`${name} must be a BsrMatrix`);
  }
}

/** out = alpha * op(A) x + beta * out for a BSR matrix, op(A) = A or A^T. */
export function bsrMatvec(A: BsrMatrix, x: ArrayLike<number>, options: MatvecOptions = {}): Values {
  checkBsr(A, 'A');
  const p = prepareVectorProduct(A, x, options);
  activeBackend().bsrSpmv(A, p.x, p.y, p.alpha, p.beta, p.transpose);
  return p.y;
}

/** SpMM for a BSR matrix: alpha * op(A) X + beta * out with X and the result dense row-major. */
export function bsrMatmat(A: BsrMatrix, X: DenseMatrix, options: MatmatOptions = {}): DenseMatrix {
  checkBsr(A, 'A');
  const p = prepareDenseProduct(A, X, options);
  activeBackend().bsrSpmm(A, p.x, p.k, p.out.data, p.alpha, p.beta, p.transpose);
  return p.out;
}
