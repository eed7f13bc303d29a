import { ParseError } from '../errors.js';
import { csrFromCoordinates } from '../formats/coo.js';
import type { CsrMatrix } from '../formats/csr.js';
import { MAX_INDEX, type Dtype, type Values } from '../types.js';
import { zerosI32, zerosValues } from '../memory.js';

const INITIAL_CAPACITY = 1 << 16;

/**
 * Collects 0-based (row, col, value) triplets in typed arrays that grow by doubling, never past
 * `bound` (the most entries the header allows, so a header that promises 2^31 entries does not
 * allocate them up front). `finish` turns them into a canonical CSR (duplicates summed, columns
 * sorted; explicit zeros kept).
 */
export class EntryCollector {
  private rowIdx: Int32Array;
  private colIdx: Int32Array;
  private vals: Values;
  private cap: number;
  private n = 0;
  private readonly bound: number;

  /**
   * `initial` is the capacity to start with (clamped to [min(bound, 65536), bound]); readers that
   * know the input size pass what that many bytes can hold, so an honest file never reallocates
   * and a lying header cannot allocate more than a few times the input size.
   */
  constructor(
    readonly dtype: Dtype,
    bound: number,
    initial = 0,
  ) {
    this.bound = Math.min(bound, MAX_INDEX);
    this.cap = Math.min(this.bound, Math.max(INITIAL_CAPACITY, Math.floor(initial)));
    this.rowIdx = zerosI32(this.cap);
    this.colIdx = zerosI32(this.cap);
    this.vals = zerosValues(dtype, this.cap);
  }

  get length(): number {
    return this.n;
  }

  /** Adds one entry; `line` is only for the error when the total would pass int32. */
  push(i: number, j: number, v: number, line: number): void {
    if (this.n === this.cap) this.grow(line);
    const n = this.n++;
    this.rowIdx[n] = i;
    this.colIdx[n] = j;
    this.vals[n] = v;
  }

  private grow(line: number): void {
    if (this.cap >= this.bound) {
      throw new ParseError(
        `the matrix has more than ${this.bound} entries${this.bound === MAX_INDEX ? ' after symmetric expansion (int32 indices cannot address more)' : ''}`,
        line,
      );
    }
    const cap = Math.min(this.bound, Math.max(16, this.cap * 2));
    const r = zerosI32(cap);
    r.set(this.rowIdx);
    this.rowIdx = r;
    const c = zerosI32(cap);
    c.set(this.colIdx);
    this.colIdx = c;
    const v = zerosValues(this.dtype, cap);
    v.set(this.vals);
    this.vals = v;
    this.cap = cap;
  }

  finish(rows: number, cols: number): CsrMatrix {
    const n = this.n;
    const A = csrFromCoordinates(rows, cols, this.rowIdx.subarray(0, n), this.colIdx.subarray(0, n), this.vals.subarray(0, n));
    // Let the collection arrays go before the caller holds the result.
    this.rowIdx = new Int32Array(0);
    this.colIdx = new Int32Array(0);
    this.vals = zerosValues(this.dtype, 0);
    this.cap = 0;
    this.n = 0;
    return A;
  }
}
