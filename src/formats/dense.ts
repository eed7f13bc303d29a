import { ShapeError } from '../errors.js';
import { checkDim, checkDtype, isValues } from '../util/check.js';
import { dtypeOf, type Dtype, type Values } from '../types.js';
import { zerosValues } from '../memory.js';

/** A dense row-major matrix; `data` (rows*cols values) is adopted, not copied. */
export class DenseMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Values;

  constructor(rows: number, cols: number, data?: Values, options: { dtype?: Dtype } = {}) {
    this.rows = checkDim(rows, 'rows');
    this.cols = checkDim(cols, 'cols');
    const size = rows * cols;
    if (data === undefined) {
      this.data = zerosValues(checkDtype(options.dtype), size);
    } else {
      if (!isValues(data)) throw new TypeError('data must be a Float64Array or Float32Array');
      if (data.length !== size) throw new ShapeError(`data has length ${data.length}, expected rows*cols = ${size}`);
      this.data = data;
    }
  }

  get dtype(): Dtype {
    return dtypeOf(this.data);
  }

  /** From nested arrays (rows of equal length). */
  static fromArray(rows: ArrayLike<ArrayLike<number>>, options: { dtype?: Dtype } = {}): DenseMatrix {
    const m = rows.length;
    const n = m > 0 ? rows[0].length : 0;
    const out = new DenseMatrix(m, n, undefined, options);
    for (let i = 0; i < m; i++) {
      const r = rows[i];
      if (r.length !== n) throw new ShapeError(`row ${i} has length ${r.length}, expected ${n}`);
      for (let j = 0; j < n; j++) out.data[i * n + j] = r[j];
    }
    return out;
  }

  get(i: number, j: number): number {
    this.checkIndex(i, j);
    return this.data[i * this.cols + j];
  }

  set(i: number, j: number, v: number): void {
    this.checkIndex(i, j);
    this.data[i * this.cols + j] = v;
  }

  toArray(): number[][] {
    const out: number[][] = [];
    for (let i = 0; i < this.rows; i++) out.push(Array.from(this.data.subarray(i * this.cols, (i + 1) * this.cols)));
    return out;
  }

  private checkIndex(i: number, j: number): void {
    if (!Number.isInteger(i) || i < 0 || i >= this.rows || !Number.isInteger(j) || j < 0 || j >= this.cols) {
      throw new ShapeError(`index (${i}, ${j}) is out of range for a ${this.rows}x${this.cols} matrix`);
    }
  }
}
