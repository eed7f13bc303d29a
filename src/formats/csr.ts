import { FormatError, ShapeError } from '../errors.js';
import { activeBackend } from '../backend/select.js';
import type { CsrArrays } from '../backend/types.js';
import { add, type AddOptions } from '../ops/add.js';
import { matmatAsync, matvecAsync, multiplyAsync, transposeAsync, type AsyncOptions, type MatmatAsyncOptions, type MatvecAsyncOptions } from '../ops/async.js';
import { matmat, type MatmatOptions } from '../ops/matmat.js';
import { matvec, type MatvecOptions } from '../ops/matvec.js';
import { multiply } from '../ops/multiply.js';
import { colSums, diagonal, normFrobenius, rowSums } from '../ops/reductions.js';
import { scale, scaleCols, scaleRows } from '../ops/scale.js';
import { toCsc, transpose } from '../ops/transpose.js';
import { dtypeOf, type Dtype, type Values } from '../types.js';
import { checkDim, checkDtype, checkFiniteNonNegative, checkInt32Array, isValues } from '../util/check.js';
import { Rng } from '../util/rng.js';
import { BsrMatrix } from './bsr.js';
import type { CscMatrix } from './csc.js';
import { DenseMatrix } from './dense.js';
import { checkCsrStructure } from './validate.js';
import { badRowPtr } from '../backend/js/check.js';
import { zerosValues } from '../memory.js';

export interface CsrInput {
  rows: number;
  cols: number;
  rowPtr: Int32Array;
  colIdx: Int32Array;
  values: Values;
}

export interface CsrOptions {
  /** Copy the arrays (default true). With false the matrix adopts the caller's arrays. */
  copy?: boolean;
  /**
   * Check the structure (default true): FormatError on a broken row pointer or an index out of
   * range; unsorted columns or duplicates are put in canonical form (new arrays). With false the
   * caller promises a valid canonical structure.
   */
  validate?: boolean;
}

/**
 * Compressed sparse row matrix in canonical form: row pointer `rowPtr` (rows + 1), column indices
 * `colIdx` sorted and unique within each row, `values` Float64Array ('f64') or Float32Array ('f32').
 */
export class CsrMatrix implements CsrArrays {
  readonly rows: number;
  readonly cols: number;
  readonly rowPtr: Int32Array;
  readonly colIdx: Int32Array;
  readonly values: Values;

  constructor(rows: number, cols: number, rowPtr: Int32Array, colIdx: Int32Array, values: Values, options: { validate?: boolean } = {}) {
    this.rows = checkDim(rows, 'rows');
    this.cols = checkDim(cols, 'cols');
    checkInt32Array(rowPtr, 'rowPtr');
    checkInt32Array(colIdx, 'colIdx');
    if (!isValues(values)) throw new TypeError('values must be a Float64Array or Float32Array');
    if (options.validate !== false && !checkCsrStructure(rows, cols, rowPtr, colIdx, values)) {
      const parts = canonicalize(rows, cols, rowPtr, colIdx, values);
      rowPtr = parts.rowPtr;
      colIdx = parts.colIdx;
      values = parts.values;
    }
    this.rowPtr = rowPtr;
    this.colIdx = colIdx;
    this.values = values;
  }

  /** Number of stored entries. */
  get nnz(): number {
    return this.rowPtr[this.rows];
  }

  get dtype(): Dtype {
    return dtypeOf(this.values);
  }

  get shape(): [number, number] {
    return [this.rows, this.cols];
  }

  static fromArrays(input: CsrInput, options: CsrOptions = {}): CsrMatrix {
    if (input === null || typeof input !== 'object') throw new TypeError('fromArrays expects { rows, cols, rowPtr, colIdx, values }');
    const { rows, cols } = input;
    const rowPtr = checkInt32Array(input.rowPtr, 'rowPtr');
    const colIdx = checkInt32Array(input.colIdx, 'colIdx');
    if (!isValues(input.values)) throw new TypeError('values must be a Float64Array or Float32Array');
    const copy = options.copy !== false;
    return new CsrMatrix(
      rows,
      cols,
      copy ? rowPtr.slice() : rowPtr,
      copy ? colIdx.slice() : colIdx,
      copy ? input.values.slice() : input.values,
      { validate: options.validate },
    );
  }

  /** The nonzeros of a dense matrix (exact zeros are dropped; NaN is kept). */
  static fromDense(dense: DenseMatrix): CsrMatrix {
    if (!(dense instanceof DenseMatrix)) throw new TypeError('fromDense expects a DenseMatrix');
    const p = activeBackend().fromDense(dense.rows, dense.cols, dense.data);
    return new CsrMatrix(dense.rows, dense.cols, p.rowPtr, p.colIdx, p.values, { validate: false });
  }

  static identity(n: number, options: { dtype?: Dtype } = {}): CsrMatrix {
    checkDim(n, 'n');
    const values = zerosValues(checkDtype(options.dtype), n).fill(1);
    return CsrMatrix.diagonalMatrix(n, values);
  }

  /** Square diagonal matrix with the given diagonal (zeros are stored too). */
  static diag(diagonal: ArrayLike<number>, options: { dtype?: Dtype } = {}): CsrMatrix {
    if (diagonal === null || typeof diagonal !== 'object' || typeof diagonal.length !== 'number') {
      throw new TypeError('diag expects an array or typed array of numbers');
    }
    const dtype = options.dtype ?? (diagonal instanceof Float32Array ? 'f32' : 'f64');
    const n = checkDim(diagonal.length, 'diagonal length');
    const values = zerosValues(checkDtype(dtype), n);
    for (let i = 0; i < n; i++) {
      const v = diagonal[i];
      if (typeof v !== 'number') throw new TypeError(`diagonal[${i}] must be a number`);
      values[i] = v;
    }
    return CsrMatrix.diagonalMatrix(n, values);
  }

  private static diagonalMatrix(n: number, values: Values): CsrMatrix {
    const rowPtr = new Int32Array(n + 1);
    const colIdx = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      rowPtr[i + 1] = i + 1;
      colIdx[i] = i;
    }
    return new CsrMatrix(n, n, rowPtr, colIdx, values, { validate: false });
  }

  /**
   * Each entry present independently with probability `density` (geometric skips, O(nnz) time),
   * values uniform in [0, 1); reproducible for a given seed on every platform.
   */
  static random(rows: number, cols: number, density: number, options: { seed?: number; dtype?: Dtype } = {}): CsrMatrix {
    checkDim(rows, 'rows');
    checkDim(cols, 'cols');
    checkFiniteNonNegative(density, 'density');
    if (density > 1) throw new FormatError(`density must be in [0, 1], got ${density}`);
    const dtype = checkDtype(options.dtype);
    if (rows * cols * density > 2147483647) throw new ShapeError(`a ${rows}x${cols} matrix of density ${density} would exceed 2147483647 nonzeros`);
    const rng = new Rng(options.seed ?? 0);
    const rowPtr = new Int32Array(rows + 1);
    let cap = Math.max(16, Math.min(rows * cols, Math.ceil(rows * cols * density * 1.1) + 16));
    let colIdx = new Int32Array(cap);
    let values = new Float64Array(cap);
    let nnz = 0;
    const total = rows * cols;
    const logq = Math.log1p(-density);
    let pos = -1;
    let row = 0;
    if (density > 0) {
      for (;;) {
        const skip = density >= 1 ? 0 : Math.floor(Math.log(1 - rng.next()) / logq);
        pos += skip + 1;
        if (pos >= total) break;
        const i = Math.floor(pos / cols);
        while (row < i) rowPtr[++row] = nnz;
        if (nnz === cap) {
          cap *= 2;
          const c2 = new Int32Array(cap);
          c2.set(colIdx);
          colIdx = c2;
          const v2 = new Float64Array(cap);
          v2.set(values);
          values = v2;
        }
        colIdx[nnz] = pos - i * cols;
        values[nnz++] = rng.next();
      }
    }
    while (row < rows) rowPtr[++row] = nnz;
    const vals = zerosValues(dtype, nnz);
    vals.set(values.subarray(0, nnz));
    return new CsrMatrix(rows, cols, rowPtr, colIdx.slice(0, nnz), vals, { validate: false });
  }

  /** A[i, j] (0 when not stored). */
  get(i: number, j: number): number {
    this.checkIndex(i, j);
    this.checkRowBounds(i);
    let lo = this.rowPtr[i];
    let hi = this.rowPtr[i + 1] - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const c = this.colIdx[mid];
      if (c === j) return this.values[mid];
      if (c < j) lo = mid + 1;
      else hi = mid - 1;
    }
    return 0;
  }

  /** Row i as copies of its column indices and values. */
  row(i: number): { indices: Int32Array; values: Values } {
    this.checkIndex(i, 0, true);
    this.checkRowBounds(i);
    const s = this.rowPtr[i];
    const e = this.rowPtr[i + 1];
    return { indices: this.colIdx.slice(s, e), values: this.values.slice(s, e) };
  }

  /** Rows [rowStart, rowEnd) as a new matrix. */
  slice(rowStart: number, rowEnd: number = this.rows): CsrMatrix {
    if (!Number.isInteger(rowStart) || !Number.isInteger(rowEnd) || rowStart < 0 || rowEnd > this.rows || rowStart > rowEnd) {
      throw new ShapeError(`slice [${rowStart}, ${rowEnd}) is not a row range of a matrix with ${this.rows} rows`);
    }
    const s = this.rowPtr[rowStart];
    const e = this.rowPtr[rowEnd];
    const rowPtr = new Int32Array(rowEnd - rowStart + 1);
    for (let i = rowStart; i <= rowEnd; i++) rowPtr[i - rowStart] = this.rowPtr[i] - s;
    return new CsrMatrix(rowEnd - rowStart, this.cols, rowPtr, this.colIdx.slice(s, e), this.values.slice(s, e), { validate: false });
  }

  /** The rows listed in `idx` (in that order, repeats allowed) as a new matrix. */
  selectRows(idx: ArrayLike<number>): CsrMatrix {
    if (idx === null || typeof idx !== 'object' || typeof idx.length !== 'number') throw new TypeError('selectRows expects an array of row indices');
    const m = idx.length;
    const rowPtr = new Int32Array(m + 1);
    let nnz = 0;
    for (let t = 0; t < m; t++) {
      const i = idx[t];
      if (typeof i !== 'number') throw new TypeError(`idx[${t}] must be a number`);
      if (!Number.isInteger(i) || i < 0 || i >= this.rows) throw new ShapeError(`row index ${i} at idx[${t}] is out of range [0, ${this.rows})`);
      nnz += this.rowPtr[i + 1] - this.rowPtr[i];
      if (nnz > 2147483647) throw new FormatError('the selection has more than 2147483647 nonzeros');
      rowPtr[t + 1] = nnz;
    }
    const colIdx = new Int32Array(nnz);
    const values = zerosValues(this.dtype, nnz);
    for (let t = 0; t < m; t++) {
      const i = idx[t];
      const s = this.rowPtr[i];
      const e = this.rowPtr[i + 1];
      colIdx.set(this.colIdx.subarray(s, e), rowPtr[t]);
      values.set(this.values.subarray(s, e), rowPtr[t]);
    }
    return new CsrMatrix(m, this.cols, rowPtr, colIdx, values, { validate: false });
  }

  /** A copy with values converted to `dtype` (a copy even when the dtype is unchanged). */
  astype(dtype: Dtype): CsrMatrix {
    const d = checkDtype(dtype);
    const values = zerosValues(d, this.nnz);
    values.set(this.values.subarray(0, this.nnz));
    return new CsrMatrix(this.rows, this.cols, this.rowPtr.slice(), this.colIdx.slice(), values, { validate: false });
  }

  clone(): CsrMatrix {
    return this.astype(this.dtype);
  }

  toDense(): DenseMatrix {
    const size = this.rows * this.cols;
    if (size > 2147483647) throw new ShapeError(`a dense ${this.rows}x${this.cols} matrix is too large (${size} entries)`);
    const out = new DenseMatrix(this.rows, this.cols, undefined, { dtype: this.dtype });
    activeBackend().toDense(this, out.data);
    return out;
  }

  matvec(x: ArrayLike<number>, options?: MatvecOptions): Values {
    return matvec(this, x, options);
  }

  matmat(X: DenseMatrix, options?: MatmatOptions): DenseMatrix {
    return matmat(this, X, options);
  }

  multiply(B: CsrMatrix): CsrMatrix {
    return multiply(this, B);
  }

  add(B: CsrMatrix, options?: AddOptions): CsrMatrix {
    return add(this, B, options);
  }

  scale(s: number): CsrMatrix {
    return scale(this, s);
  }

  scaleRows(d: ArrayLike<number>): CsrMatrix {
    return scaleRows(this, d);
  }

  scaleCols(d: ArrayLike<number>): CsrMatrix {
    return scaleCols(this, d);
  }

  rowSums(): Values {
    return rowSums(this);
  }

  colSums(): Values {
    return colSums(this);
  }

  diagonal(): Values {
    return diagonal(this);
  }

  normFrobenius(): number {
    return normFrobenius(this);
  }

  transpose(): CsrMatrix {
    return transpose(this);
  }

  /** matvec off the event loop (see matvecAsync). */
  matvecAsync(x: ArrayLike<number>, options?: MatvecAsyncOptions): Promise<Values> {
    return matvecAsync(this, x, options);
  }

  /** matmat off the event loop (see matmatAsync). */
  matmatAsync(X: DenseMatrix, options?: MatmatAsyncOptions): Promise<DenseMatrix> {
    return matmatAsync(this, X, options);
  }

  /** multiply off the event loop (see multiplyAsync). */
  multiplyAsync(B: CsrMatrix, options?: AsyncOptions): Promise<CsrMatrix> {
    return multiplyAsync(this, B, options);
  }

  /** transpose off the event loop (see transposeAsync). */
  transposeAsync(options?: AsyncOptions): Promise<CsrMatrix> {
    return transposeAsync(this, options);
  }

  toCsc(): CscMatrix {
    return toCsc(this);
  }

  /**
   * Block-sparse form with r x c blocks (c defaults to r; 1 <= r, c <= 8, dividing rows and cols).
   * Entries missing inside a stored block become explicit zeros; `toCsr()` drops them again.
   */
  toBsr(r: number, c: number = r): BsrMatrix {
    return BsrMatrix.fromCsr(this, r, c);
  }

  /** Row i's bounds, which arrays written since construction may have broken: inside colIdx, in order. */
  private checkRowBounds(i: number): void {
    const start = this.rowPtr[i];
    const end = this.rowPtr[i + 1];
    if (!(start >= 0 && start <= end && end <= this.colIdx.length && end <= this.values.length)) throw badRowPtr(i);
  }

  private checkIndex(i: number, j: number, rowOnly = false): void {
    const badRow = !Number.isInteger(i) || i < 0 || i >= this.rows;
    const badCol = !rowOnly && (!Number.isInteger(j) || j < 0 || j >= this.cols);
    if (badRow || badCol) {
      throw new ShapeError(rowOnly ? `row ${i} is out of range [0, ${this.rows})` : `index (${i}, ${j}) is out of range for a ${this.rows}x${this.cols} matrix`);
    }
  }
}

/** Sorts columns and sums duplicates of a structurally valid CSR by going through the COO kernel. */
function canonicalize(rows: number, cols: number, rowPtr: Int32Array, colIdx: Int32Array, values: Values) {
  const nnz = rowPtr[rows];
  const rowIdx = new Int32Array(nnz);
  for (let i = 0; i < rows; i++) rowIdx.fill(i, rowPtr[i], rowPtr[i + 1]);
  return activeBackend().cooToCsr(rows, cols, rowIdx, colIdx, values);
}
