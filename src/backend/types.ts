import type { Values } from '../types.js';

/**
 * The arrays of a CSR matrix, as the kernels see them. Both backends take this shape; a
 * `CsrMatrix` instance satisfies it, so it can be passed without repacking.
 */
export interface CsrArrays {
  readonly rows: number;
  readonly cols: number;
  readonly rowPtr: Int32Array;
  readonly colIdx: Int32Array;
  readonly values: Values;
}

/** The arrays a kernel returns when it builds a new CSR structure. */
export interface CsrParts {
  rowPtr: Int32Array;
  colIdx: Int32Array;
  values: Values;
}

/**
 * One implementation of every kernel. `native` (the C++ addon) and `js` (pure TypeScript) implement
 * this interface and must agree: identical structure and errors, values within 1e-12 relative (f64).
 *
 * Contract shared by every method:
 * - The caller (the ops layer) has already checked shapes, dtypes and lengths, and passes `x`, `y`,
 *   `out` with the matrix's dtype. Kernels still refuse indices they cannot trust: an out-of-range
 *   column index or a broken row pointer raises a FormatError rather than reading out of bounds.
 * - Summation order is fixed (row by row, entries in storage order) so both backends add the same
 *   terms in the same order.
 * - Structural results keep every structural entry: no kernel drops values that happen to be zero,
 *   so the output pattern depends only on the input patterns.
 */
export interface Backend {
  readonly name: 'native' | 'js';

  /** y = alpha * A x + beta * y (or A^T x when `transpose`). beta = 0 ignores y's old contents (NaN too). */
  spmv(A: CsrArrays, x: Values, y: Values, alpha: number, beta: number, transpose: boolean): void;

  /**
   * Y = alpha * A X + beta * Y with X, Y dense row-major with k columns (A^T X when `transpose`).
   * beta = 0 ignores Y's old contents.
   */
  spmm(A: CsrArrays, X: Values, k: number, Y: Values, alpha: number, beta: number, transpose: boolean): void;

  /** C = A B (Gustavson, row by row): sorted columns, duplicates impossible, explicit zeros kept. */
  spgemm(A: CsrArrays, B: CsrArrays): CsrParts;

  /** CSR of A^T (equivalently the CSC arrays of A), sorted columns, stable counting sort. */
  transpose(A: CsrArrays): CsrParts;

  /**
   * Canonical CSR from coordinates: counting sort by row, then per row sorted by column with
   * duplicates summed in insertion order. Indices are checked against rows/cols.
   */
  cooToCsr(rows: number, cols: number, rowIdx: Int32Array, colIdx: Int32Array, values: Values): CsrParts;

  /** alpha*A + beta*B over the union of the patterns (both canonical). Output dtype = values dtype of A. */
  add(A: CsrArrays, B: CsrArrays, alpha: number, beta: number): CsrParts;

  /** out[k] = s * values[k]. */
  scale(A: CsrArrays, s: number, out: Values): void;

  /** out[k] = values[k] * d[row(k)] (scaleRows) or * d[col(k)] (scaleCols). */
  scaleRows(A: CsrArrays, d: Values, out: Values): void;
  scaleCols(A: CsrArrays, d: Values, out: Values): void;

  /** out[i] = sum of row i (rowSums, out length rows) / column sums (colSums, length cols). */
  rowSums(A: CsrArrays, out: Values): void;
  colSums(A: CsrArrays, out: Values): void;

  /** out[i] = A[i, i] for i < min(rows, cols); 0 where absent. */
  diagonal(A: CsrArrays, out: Values): void;

  /**
   * Frobenius norm, computed so it neither overflows nor underflows: m = max |v| (NaN if any value is
   * NaN, Infinity if any is infinite, 0 if all are zero), then m * sqrt(sum over k of (v_k / m)^2),
   * summed in storage order in double precision.
   */
  normFrobenius(A: CsrArrays): number;

  /** Dense row-major rows x cols from CSR (out pre-zeroed by the caller). */
  toDense(A: CsrArrays, out: Values): void;

  /** CSR of the nonzeros of a dense row-major matrix (NaN counts as nonzero). */
  fromDense(rows: number, cols: number, data: Values): CsrParts;
}
