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

/**
 * The cost matrix of an optimal-transport problem as the OT kernels see it: dense row-major
 * (`data`, rows*cols values) or CSR (entries absent from the pattern are forbidden transports).
 */
export type OtCost =
  | { readonly kind: 'dense'; readonly rows: number; readonly cols: number; readonly data: Values }
  | ({ readonly kind: 'csr' } & CsrArrays);

/** The element types of Backend.zeros. */
export type ZerosKind = 'f64' | 'f32' | 'i32';
export type ZerosOf<K extends ZerosKind> = K extends 'f64' ? Float64Array : K extends 'f32' ? Float32Array : Int32Array;

/** The arrays a kernel returns when it builds a new CSR structure. */
export interface CsrParts {
  rowPtr: Int32Array;
  colIdx: Int32Array;
  values: Values;
}

/**
 * The arrays of a BSR matrix (r x c blocks, `blockSize = [r, c]`, each block row-major in `values`),
 * as the kernels see them; a `BsrMatrix` satisfies it.
 */
export interface BsrArrays {
  readonly rows: number;
  readonly cols: number;
  readonly blockSize: readonly [number, number];
  readonly blockRowPtr: Int32Array;
  readonly blockColIdx: Int32Array;
  readonly values: Values;
}

/** The arrays a conversion to BSR returns. */
export interface BsrParts {
  blockRowPtr: Int32Array;
  blockColIdx: Int32Array;
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
/** One problem of Backend.otLogSolveBatch: a reduced, validated problem (src/ot/options.ts prepare). */
export interface OtLogJob {
  rows: number;
  cols: number;
  data: Values;
  a: Float64Array;
  b: Float64Array;
  eps: number;
  tol: number;
  maxIter: number;
  /** Rows per block of the JS driver (src/ot/work.ts), so that the exact column fallback streams alike. */
  blockRows: number;
  /** The stored-kernel form of src/ot/stabilized.ts instead of the plain log-domain iteration. */
  stabilized?: boolean;
  f: Float64Array;
  g: Float64Array;
}

/**
 * Buffers for the sparsified Newton matrix, reused across Newton steps (fresh pages cost a page
 * fault each): rowPtr holds rows+cols+1 entries, colIdx and values a capacity that the caller grows.
 */
export interface OtHessianBuffers {
  rowPtr: Int32Array;
  colIdx: Int32Array;
  values: Float64Array;
}

export interface OtLogOutcome {
  iterations: number;
  converged: boolean;
  /** The marginal error at every check, as State.history. */
  history: Float64Array;
}

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

  /** Whether every value is finite (no NaN, no +-Infinity). */
  allFinite(data: Values): boolean;

  /**
   * A zeroed array of `length` elements. Native: allocated by the addon as a view that starts on a
   * 2 MiB boundary of a buffer up to 4 MiB longer, with huge pages asked for, so that its first
   * writes fault 2 MiB at a time, not 4 KiB (a large array that V8 allocates is faulted in 4 KiB
   * pages); js: the constructor. src/memory.ts decides which arrays are large enough to come from here.
   */
  zeros<K extends ZerosKind>(kind: K, length: number): ZerosOf<K>;

  // Async forms (src/ops/async.ts): the same arguments, checks, errors and results as spmv, spmm,
  // spgemm and transpose, computed off the event loop (native: an AsyncWorker; js: row blocks with
  // a yield between them). When `signal` aborts first they reject with AbortError, and an output
  // written in place (y, Y) is then unspecified, as it is after any rejection.
  spmvAsync(A: CsrArrays, x: Values, y: Values, alpha: number, beta: number, transpose: boolean, signal?: AbortSignal): Promise<void>;
  spmmAsync(A: CsrArrays, X: Values, k: number, Y: Values, alpha: number, beta: number, transpose: boolean, signal?: AbortSignal): Promise<void>;
  spgemmAsync(A: CsrArrays, B: CsrArrays, signal?: AbortSignal): Promise<CsrParts>;
  transposeAsync(A: CsrArrays, signal?: AbortSignal): Promise<CsrParts>;

  // Optimal-transport kernels (src/ot). All work on rows [r0, r1) of the cost so that the async
  // solver can yield between row blocks; the results do not depend on the blocking. Potentials and
  // outputs are Float64Array whatever the cost's dtype; sums run row by row in storage order.

  /**
   * out[i] = eps * log sum_j exp((v_j - C_ij) / eps) for i in [r0, r1) (-Infinity for an empty row).
   * With `guess` (an estimate of out, e.g. the previous Sinkhorn iteration's), a row costs one pass:
   * sum_j exp((v_j - C_ij)/eps - guess_i/eps) is accepted when it lies in [1e-100, 1e100], and the
   * max-shifted two-pass form runs otherwise. Both backends take the same branch.
   */
  otLseRows(C: OtCost, v: Float64Array, eps: number, out: Float64Array, r0: number, r1: number, guess?: Float64Array | null): void;

  /**
   * Streaming column log-sum-exp: folds rows [r0, r1) into the running state (colMax[j] = max over
   * the rows seen of (u_i - C_ij)/eps, colSum[j] = sum of exp((u_i - C_ij)/eps - colMax[j])). Start
   * with colMax = -Infinity, colSum = 0; then eps * (colMax[j] + log colSum[j]) is the column LSE.
   */
  otLseCols(C: OtCost, u: Float64Array, eps: number, colMax: Float64Array, colSum: Float64Array, r0: number, r1: number): void;

  /**
   * One-pass column exp-sums with a fixed shift (units of eps): colSum[j] += sum over rows [r0, r1)
   * of exp((u_i - C_ij)/eps - shift[j]). The caller checks the sums (see otLseRows) and falls back
   * to otLseCols for a sum outside the safe window.
   */
  otLseColsShifted(C: OtCost, u: Float64Array, eps: number, shift: Float64Array, colSum: Float64Array, r0: number, r1: number): void;

  /**
   * One pass of the plan P_ij = exp((f_i + g_j - C_ij)/eps) over rows [r0, r1): rowSums[i] = sum_j P_ij
   * (overwritten), colSums[j] += P_ij, stats[0] += P_ij C_ij, stats[1] += P_ij log P_ij unless
   * stats is null (fewer operations: the Sinkhorn anchors and Newton steps need only the sums); the
   * values go to P (indexed like C's storage) unless P is null. Entries below `floor` (default 0)
   * count as zero, in P and in the sums.
   */
  otPlanPass(C: OtCost, f: Float64Array, g: Float64Array, eps: number, P: Float64Array | null, rowSums: Float64Array, colSums: Float64Array, stats: Float64Array | null, r0: number, r1: number, floor?: number): void;

  /**
   * acc + sum over rows [r0, r1) of P_ij * (expm1(t) - t), t = scale * (df_i + dg_j) (P indexed like
   * C's storage; entries with P_ij = 0 skipped): the second-order part of the dual's change along a
   * Newton direction. expm1(t) - t is a Taylor polynomial for |t| <= ln2/2 (no cancellation).
   * Entries with P_ij < tiny (default 0) and t < 256 are skipped too (each adds less than tiny *
   * e^256; their products would be subnormal numbers, slow on Intel cores).
   */
  otExpm1Dot(C: OtCost, P: Float64Array, df: Float64Array, dg: Float64Array, scale: number, acc: number, r0: number, r1: number, tiny?: number): number;

  /**
   * Products with a kernel matrix K stored like a cost (values in K.data / K.values): y_i = sum_j
   * K_ij x_j for i in [r0, r1) (y overwritten there), or with `transpose` y_j += sum_i K_ij x_i.
   */
  otKernelMatvec(K: OtCost, x: Float64Array, y: Float64Array, transpose: boolean, r0: number, r1: number): void;

  /**
   * The row half of a scaling-form Sinkhorn iteration with K^T u fused in (K is read once): for rows
   * i in [r0, r1), s = (K v)_i, uNew_i = a_i / s, colAcc += uNew_i * (row i of K); returns the sum
   * of |uOld_i * s - a_i| over these rows (the row marginal error of the scalings (uOld, v)).
   */
  otScalingSweep(K: OtCost, v: Float64Array, a: Float64Array, uOld: Float64Array, uNew: Float64Array, colAcc: Float64Array, r0: number, r1: number): number;

  /**
   * Whole log-domain Sinkhorn solves of small dense problems, one per thread (sinkhornBatch): the
   * iteration of src/ot/log.ts on each job, f and g updated in place. Native only; absent on the
   * JS backend (which runs the problems one after another through the generator solver).
   */
  otLogSolveBatch?(jobs: OtLogJob[]): OtLogOutcome[];

  /**
   * The SNS sparsified Newton matrix of a plan P on the cost C (dense: rows x cols; CSR: indexed
   * like C's stored entries, whose rows and columns are checked): exactly what
   * sparsifiedHessian in src/ot/sns-hessian.ts builds (its JS twin), as CSR arrays written into
   * `out`. Returns the entry count nnz; rowPtr is always written, colIdx and values only when nnz
   * fits in both (else grow them and call again). Native only.
   */
  otSparsify?(C: OtCost, P: Float64Array, r: Float64Array, c: Float64Array, massDrop: number, out: OtHessianBuffers): number;

  /**
   * The SNS Newton solve: CG on the Schur complement of H = [[Dr, S], [S^T, Dc]] (H square CSR,
   * f64, as otSparsify writes it, n rows on the f-side), x0 = 0, as pcg in src/ot/sns-cg.ts (its
   * JS twin, same operations in the same order); returns the number of CG steps. Native only.
   */
  otPcg?(H: { rows: number; rowPtr: Int32Array; colIdx: Int32Array; values: Float64Array }, n: number, diag: Float64Array, rhs: Float64Array, x: Float64Array, rtol: number, maxIter: number): number;

  /**
   * BSR of a CSR with r x c blocks (1 <= r, c <= 8 dividing rows, cols): blocks holding at least
   * one entry, block columns sorted, duplicates summed in storage order.
   */
  csrToBsr(A: CsrArrays, r: number, c: number): BsrParts;

  /** CSR of a BSR (sorted block columns required); keepZeros = false drops exact zeros (NaN kept). */
  bsrToCsr(B: BsrArrays, keepZeros: boolean): CsrParts;

  /** As spmv, for BSR: each row sums blocks in storage order, then a block's columns in order. */
  bsrSpmv(B: BsrArrays, x: Values, y: Values, alpha: number, beta: number, transpose: boolean): void;

  /** As spmm, for BSR. */
  bsrSpmm(B: BsrArrays, X: Values, k: number, Y: Values, alpha: number, beta: number, transpose: boolean): void;
}
