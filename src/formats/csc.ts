import type { MatvecOptions } from '../ops/matvec.js';
import type { Dtype, Values } from '../types.js';
import { CsrMatrix } from './csr.js';
import { DenseMatrix } from './dense.js';

/**
 * Compressed sparse column matrix. Its arrays are exactly the CSR arrays of A^T, so it is stored as
 * that CSR matrix and every operation reuses the CSR kernels.
 */
export class CscMatrix {
  readonly rows: number;
  readonly cols: number;
  /** CSR of the transpose: colPtr, rowIdx and values of this matrix. */
  private readonly t: CsrMatrix;

  constructor(rows: number, cols: number, colPtr: Int32Array, rowIdx: Int32Array, values: Values, options: { validate?: boolean } = {}) {
    this.t = new CsrMatrix(cols, rows, colPtr, rowIdx, values, options);
    this.rows = rows;
    this.cols = cols;
  }

  get colPtr(): Int32Array {
    return this.t.rowPtr;
  }

  get rowIdx(): Int32Array {
    return this.t.colIdx;
  }

  get values(): Values {
    return this.t.values;
  }

  get nnz(): number {
    return this.t.nnz;
  }

  get dtype(): Dtype {
    return this.t.dtype;
  }

  get(i: number, j: number): number {
    return this.t.get(j, i);
  }

  /** A^T as CSR (a copy). */
  transpose(): CsrMatrix {
    return this.t.clone();
  }

  toCsr(): CsrMatrix {
    return this.t.transpose();
  }

  toDense(): DenseMatrix {
    return this.toCsr().toDense();
  }

  /** out = alpha * op(A) x + beta * out, through the CSR kernels on A^T. */
  matvec(x: ArrayLike<number>, options: MatvecOptions = {}): Values {
    return this.t.matvec(x, { ...options, transpose: options.transpose !== true });
  }
}
