import { FormatError, ShapeError } from '../errors.js';
import { activeBackend } from '../backend/select.js';
import { MAX_INDEX, type Dtype, type Values } from '../types.js';
import { checkDim, checkDtype } from '../util/check.js';
import { CsrMatrix } from './csr.js';
import { zerosI32, zerosValues } from '../memory.js';

/**
 * Coordinate-format builder: collect (i, j, v) triplets in any order, then `toCsr()` sorts them by a
 * counting sort in O(nnz + rows + cols) and sums duplicates.
 */
export class CooBuilder {
  readonly rows: number;
  readonly cols: number;
  readonly dtype: Dtype;
  private rowIdx: Int32Array;
  private colIdx: Int32Array;
  private vals: Values;
  private n = 0;

  constructor(rows: number, cols: number, options: { dtype?: Dtype; capacity?: number } = {}) {
    this.rows = checkDim(rows, 'rows');
    this.cols = checkDim(cols, 'cols');
    this.dtype = checkDtype(options.dtype);
    const cap = Math.max(16, options.capacity ?? 16);
    this.rowIdx = zerosI32(cap);
    this.colIdx = zerosI32(cap);
    this.vals = zerosValues(this.dtype, cap);
  }

  /** Number of triplets added so far (duplicates counted separately). */
  get length(): number {
    return this.n;
  }

  add(i: number, j: number, v: number): this {
    this.checkEntry(i, j, v, this.n);
    this.reserve(1);
    this.rowIdx[this.n] = i;
    this.colIdx[this.n] = j;
    this.vals[this.n++] = v;
    return this;
  }

  addMany(is: ArrayLike<number>, js: ArrayLike<number>, vs: ArrayLike<number>): this {
    for (const [a, name] of [[is, 'is'], [js, 'js'], [vs, 'vs']] as const) {
      if (a === null || typeof a !== 'object' || typeof a.length !== 'number') throw new TypeError(`${name} must be an array or typed array`);
    }
    const m = is.length;
    if (js.length !== m || vs.length !== m) throw new ShapeError(`addMany: lengths differ (${is.length}, ${js.length}, ${vs.length})`);
    for (let t = 0; t < m; t++) this.checkEntry(is[t], js[t], vs[t], this.n + t);
    this.reserve(m);
    for (let t = 0; t < m; t++) {
      this.rowIdx[this.n] = is[t];
      this.colIdx[this.n] = js[t];
      this.vals[this.n++] = vs[t];
    }
    return this;
  }

  toCsr(): CsrMatrix {
    const n = this.n;
    const p = activeBackend().cooToCsr(this.rows, this.cols, this.rowIdx.subarray(0, n), this.colIdx.subarray(0, n), this.vals.subarray(0, n));
    return new CsrMatrix(this.rows, this.cols, p.rowPtr, p.colIdx, p.values, { validate: false });
  }

  private checkEntry(i: unknown, j: unknown, v: unknown, at: number): void {
    if (typeof i !== 'number' || typeof j !== 'number' || typeof v !== 'number') {
      throw new TypeError(`entry ${at}: row, column and value must be numbers`);
    }
    if (!Number.isInteger(i) || i < 0 || i >= this.rows) throw new FormatError(`entry ${at}: row index ${i} is out of range [0, ${this.rows})`);
    if (!Number.isInteger(j) || j < 0 || j >= this.cols) throw new FormatError(`entry ${at}: column index ${j} is out of range [0, ${this.cols})`);
  }

  private reserve(extra: number): void {
    const need = this.n + extra;
    if (need > MAX_INDEX) throw new FormatError(`more than ${MAX_INDEX} entries`);
    if (need <= this.rowIdx.length) return;
    const cap = Math.min(MAX_INDEX, Math.max(need, this.rowIdx.length * 2));
    const r = zerosI32(cap);
    r.set(this.rowIdx.subarray(0, this.n));
    const c = zerosI32(cap);
    c.set(this.colIdx.subarray(0, this.n));
    const v = zerosValues(this.dtype, cap);
    v.set(this.vals.subarray(0, this.n));
    this.rowIdx = r;
    this.colIdx = c;
    this.vals = v;
  }
}

/**
 * Canonical CSR from trusted coordinate arrays (indices are still checked by the kernel), without
 * CooBuilder's per-entry checks: the path for readers that already validated each triplet.
 */
export function csrFromCoordinates(rows: number, cols: number, rowIdx: Int32Array, colIdx: Int32Array, values: Values): CsrMatrix {
  const p = activeBackend().cooToCsr(rows, cols, rowIdx, colIdx, values);
  return new CsrMatrix(rows, cols, p.rowPtr, p.colIdx, p.values, { validate: false });
}
