import { FormatError, ShapeError } from '../errors.js';
import { activeBackend } from '../backend/select.js';
import type { BsrArrays } from '../backend/types.js';
import { badBlockRowPtr, checkBlockShape, validateBsr } from '../backend/js/bsr-check.js';
import { bsrMatmat, bsrMatvec } from '../ops/bsr.js';
import { checkCsr } from '../ops/common.js';
import type { MatmatOptions } from '../ops/matmat.js';
import type { MatvecOptions } from '../ops/matvec.js';
import { dtypeOf, type Dtype, type Values } from '../types.js';
import { checkDim, checkDtype, checkInt32Array, isValues } from '../util/check.js';
import { CsrMatrix } from './csr.js';
import { DenseMatrix } from './dense.js';
import { zerosValues } from '../memory.js';

export interface BsrInput {
  rows: number;
  cols: number;
  /** [r, c]: block rows and columns, integers in [1, 8] dividing rows and cols. */
  blockSize: readonly [number, number];
  blockRowPtr: Int32Array;
  blockColIdx: Int32Array;
  values: Values;
}

export interface BsrOptions {
  /** Copy the arrays (default true). With false the matrix adopts the caller's arrays. */
  copy?: boolean;
  /**
   * Check the structure (default true): FormatError on a broken block row pointer, a block column
   * out of range, unsorted or repeated block columns in a block row, or arrays of the wrong length.
   * With false the caller promises a valid canonical structure (kernels still refuse indices they
   * cannot trust, so a broken one gives a FormatError, never a crash). The block size and its
   * divisibility are always checked.
   */
  validate?: boolean;
}

export interface ToCsrOptions {
  /** Keep every entry of every block, zeros included (scipy's tocsr). Default false: exact zeros are dropped. */
  keepZeros?: boolean;
}

function checkBlockSizeArg(r: unknown, c: unknown): [number, number] {
  if (typeof r !== 'number') throw new TypeError(`block rows r must be a number, got ${typeof r}`);
  if (typeof c !== 'number') throw new TypeError(`block cols c must be a number, got ${typeof c}`);
  return [r, c];
}

/**
 * Block compressed sparse row matrix: dense r x c blocks (1 <= r, c <= 8; rows and cols must be
 * multiples of r and c, as in scipy) on a CSR pattern of blocks. `blockRowPtr` (blockRows + 1),
 * `blockColIdx` (sorted and unique within each block row), `values` (r*c per block, each block
 * row-major, Float64Array 'f64' or Float32Array 'f32').
 */
export class BsrMatrix implements BsrArrays {
  readonly rows: number;
  readonly cols: number;
  readonly blockSize: readonly [number, number];
  readonly blockRowPtr: Int32Array;
  readonly blockColIdx: Int32Array;
  readonly values: Values;

  constructor(
    rows: number,
    cols: number,
    blockSize: readonly [number, number],
    blockRowPtr: Int32Array,
    blockColIdx: Int32Array,
    values: Values,
    options: { validate?: boolean } = {},
  ) {
    this.rows = checkDim(rows, 'rows');
    this.cols = checkDim(cols, 'cols');
    if (blockSize === null || typeof blockSize !== 'object' || typeof blockSize.length !== 'number' || blockSize.length !== 2) {
      throw new TypeError('blockSize must be an array [r, c]');
    }
    const [r, c] = checkBlockSizeArg(blockSize[0], blockSize[1]);
    checkBlockShape(rows, cols, r, c);
    checkInt32Array(blockRowPtr, 'blockRowPtr');
    checkInt32Array(blockColIdx, 'blockColIdx');
    if (!isValues(values)) throw new TypeError('values must be a Float64Array or Float32Array');
    this.blockSize = Object.freeze([r, c]) as readonly [number, number];
    this.blockRowPtr = blockRowPtr;
    this.blockColIdx = blockColIdx;
    this.values = values;
    if (options.validate !== false) {
      const nnzb = validateBsr(this, true);
      if (blockColIdx.length !== nnzb) throw new FormatError(`blockColIdx has length ${blockColIdx.length}, but blockRowPtr[blockRows] = ${nnzb}`);
      if (values.length !== nnzb * r * c) throw new FormatError(`values has length ${values.length}, expected nnzBlocks*r*c = ${nnzb * r * c}`);
    }
  }

  static fromArrays(input: BsrInput, options: BsrOptions = {}): BsrMatrix {
    if (input === null || typeof input !== 'object') throw new TypeError('fromArrays expects { rows, cols, blockSize, blockRowPtr, blockColIdx, values }');
    const blockRowPtr = checkInt32Array(input.blockRowPtr, 'blockRowPtr');
    const blockColIdx = checkInt32Array(input.blockColIdx, 'blockColIdx');
    if (!isValues(input.values)) throw new TypeError('values must be a Float64Array or Float32Array');
    const copy = options.copy !== false;
    return new BsrMatrix(
      input.rows,
      input.cols,
      input.blockSize,
      copy ? blockRowPtr.slice() : blockRowPtr,
      copy ? blockColIdx.slice() : blockColIdx,
      copy ? input.values.slice() : input.values,
      { validate: options.validate },
    );
  }

  /** The BSR form of a CSR matrix with r x c blocks (c defaults to r); same as `A.toBsr(r, c)`. */
  static fromCsr(A: CsrMatrix, r: number, c: number = r): BsrMatrix {
    checkCsr(A, 'A');
    checkBlockSizeArg(r, c);
    checkBlockShape(A.rows, A.cols, r, c);
    const p = activeBackend().csrToBsr(A, r, c);
    return new BsrMatrix(A.rows, A.cols, [r, c], p.blockRowPtr, p.blockColIdx, p.values, { validate: false });
  }

  get blockRows(): number {
    return this.rows / this.blockSize[0];
  }

  get blockCols(): number {
    return this.cols / this.blockSize[1];
  }

  /** Number of stored blocks. */
  get nnzBlocks(): number {
    return this.blockRowPtr[this.blockRows];
  }

  /** Number of stored scalars (nnzBlocks * r * c, zeros inside blocks included). */
  get nnz(): number {
    return this.nnzBlocks * this.blockSize[0] * this.blockSize[1];
  }

  get dtype(): Dtype {
    return dtypeOf(this.values);
  }

  get shape(): [number, number] {
    return [this.rows, this.cols];
  }

  /**
   * CSR of the same matrix. By default entries that are exactly zero (either sign) are dropped, so
   * a canonical CSR without explicit zeros survives `A.toBsr(r, c).toCsr()` unchanged; with
   * `{ keepZeros: true }` every entry of every block is kept (the block pattern, as scipy does).
   */
  toCsr(options: ToCsrOptions = {}): CsrMatrix {
    const p = activeBackend().bsrToCsr(this, options.keepZeros === true);
    return new CsrMatrix(this.rows, this.cols, p.rowPtr, p.colIdx, p.values, { validate: false });
  }

  toDense(): DenseMatrix {
    const size = this.rows * this.cols;
    if (size > 2147483647) throw new ShapeError(`a dense ${this.rows}x${this.cols} matrix is too large (${size} entries)`);
    validateBsr(this, false);
    const out = new DenseMatrix(this.rows, this.cols, undefined, { dtype: this.dtype });
    const [r, c] = this.blockSize;
    const d = out.data;
    const n = this.cols;
    for (let I = 0; I < this.blockRows; I++) {
      const end = this.blockRowPtr[I + 1];
      for (let k = this.blockRowPtr[I]; k < end; k++) {
        const j0 = this.blockColIdx[k] * c;
        for (let ii = 0; ii < r; ii++) {
          const o = (I * r + ii) * n + j0;
          const vo = (k * r + ii) * c;
          for (let jj = 0; jj < c; jj++) d[o + jj] += this.values[vo + jj];
        }
      }
    }
    return out;
  }

  /** A[i, j] (0 when its block is not stored). */
  get(i: number, j: number): number {
    if (!Number.isInteger(i) || i < 0 || i >= this.rows || !Number.isInteger(j) || j < 0 || j >= this.cols) {
      throw new ShapeError(`index (${i}, ${j}) is out of range for a ${this.rows}x${this.cols} matrix`);
    }
    const [r, c] = this.blockSize;
    const I = Math.floor(i / r);
    const J = Math.floor(j / c);
    let lo = this.blockRowPtr[I];
    let hi = this.blockRowPtr[I + 1] - 1;
    // Arrays written since construction must not send the search astray (a bound of -2^31 runs
    // for billions of steps).
    if (!(lo >= 0 && lo <= hi + 1 && hi < this.blockColIdx.length && (hi + 1) * r * c <= this.values.length)) throw badBlockRowPtr(I);
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const b = this.blockColIdx[mid];
      if (b === J) return this.values[(mid * r + (i - I * r)) * c + (j - J * c)];
      if (b < J) lo = mid + 1;
      else hi = mid - 1;
    }
    return 0;
  }

  /** A copy with values converted to `dtype` (a copy even when the dtype is unchanged). */
  astype(dtype: Dtype): BsrMatrix {
    const d = checkDtype(dtype);
    const values = zerosValues(d, this.values.length);
    values.set(this.values);
    return new BsrMatrix(this.rows, this.cols, this.blockSize, this.blockRowPtr.slice(), this.blockColIdx.slice(), values, { validate: false });
  }

  clone(): BsrMatrix {
    return this.astype(this.dtype);
  }

  /** out = alpha * op(A) x + beta * out, op(A) = A or A^T (options as CsrMatrix.matvec). */
  matvec(x: ArrayLike<number>, options?: MatvecOptions): Values {
    return bsrMatvec(this, x, options);
  }

  /** SpMM with a dense row-major X: alpha * op(A) X + beta * out. */
  matmat(X: DenseMatrix, options?: MatmatOptions): DenseMatrix {
    return bsrMatmat(this, X, options);
  }
}
