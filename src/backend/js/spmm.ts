import type { Values } from '../../types.js';
import type { CsrArrays } from '../types.js';
import { perDtype, perDtypeFromSource, type Probe } from './per-dtype.js';
import { spmmBlockedSource } from './spmm-source.js';
import { validateCsr } from './validate.js';

/**
 * Y = alpha*A*X + beta*Y for a validated A: per row, acc[c] sums the row's entries times X's rows
 * in storage order (the native order), in f64 for f32 data too. Self-contained for perDtype.
 */
function spmmRows(rowPtr: Int32Array, colIdx: Int32Array, values: Values, X: Values, k: number, Y: Values, rows: number, alpha: number, beta: number, acc: Float64Array): void {
  let start = rowPtr[0];
  for (let i = 0; i < rows; i++) {
    const end = rowPtr[i + 1];
    for (let c = 0; c < k; c++) acc[c] = 0;
    for (let e = start; e < end; e++) {
      const a = values[e];
      const xo = colIdx[e] * k;
      for (let c = 0; c < k; c++) acc[c] += a * X[xo + c];
    }
    const yo = i * k;
    if (beta === 0) for (let c = 0; c < k; c++) Y[yo + c] = alpha * acc[c];
    else for (let c = 0; c < k; c++) Y[yo + c] = alpha * acc[c] + beta * Y[yo + c];
    start = end;
  }
}

type SpmmRows = typeof spmmRows;
type BlockedKernel = (rowPtr: Int32Array, colIdx: Int32Array, values: Values, X: Values, k: number, Y: Values, rows: number, alpha: number, beta: number, line: number, touch: boolean) => number;

/** The generic kernel in the blocked kernels' signature: the fallback where they cannot be compiled. */
function genericKernel(generic: SpmmRows): BlockedKernel {
  return (rowPtr, colIdx, values, X, k, Y, rows, alpha, beta) => {
    generic(rowPtr, colIdx, values, X, k, Y, rows, alpha, beta, new Float64Array(k));
    return 0;
  };
}

const genericKernels = perDtype(spmmRows, (f, V) => {
  const Y = new V(2);
  f(Int32Array.of(0, 2), Int32Array.of(0, 0), V.of(2, 3), V.of(5, 1), 2, Y, 1, 1, 0, new Float64Array(2));
  return Y[0] === 25 && Y[1] === 5;
});

/**
 * A blocked kernel must give the generic kernel's bits, here on three rows (one empty) at
 * k = tail and k = 8 + tail. The generic kernel used for the check is the original function, so
 * no copy's feedback sees the other value type.
 */
function probeBlocked(tail: number): Probe<BlockedKernel> {
  return (f, V) => {
    for (const k of tail === 0 ? [8, 16] : [tail, 8 + tail]) {
      const rowPtr = Int32Array.of(0, 3, 3, 4);
      const colIdx = Int32Array.of(0, 1, 1, 0);
      const values = V.of(0.1, 3, -7, 0.3);
      const X = new V(2 * k).map((_, t) => 1 / (t + 3));
      const want = new V(3 * k).map((_, t) => t);
      const got = want.slice();
      spmmRows(rowPtr, colIdx, values, X, k, want, 3, 0.7, 0.9, new Float64Array(k));
      f(rowPtr, colIdx, values, X, k, got, 3, 0.7, 0.9, 64 / V.BYTES_PER_ELEMENT, true);
      if (!got.every((v, t) => Object.is(v, want[t]))) return false;
    }
    return true;
  };
}

/** Blocked kernels by k % 8, compiled when first needed. */
const blockedKernels: { f64: BlockedKernel; f32: BlockedKernel }[] = [];

function blockedKernel(k: number, f64: boolean): BlockedKernel {
  const tail = k % 8;
  blockedKernels[tail] ??= perDtypeFromSource(spmmBlockedSource(tail), { f64: genericKernel(genericKernels.f64), f32: genericKernel(genericKernels.f32) }, probeBlocked(tail));
  return f64 ? blockedKernels[tail].f64 : blockedKernels[tail].f32;
}

/** Bytes of X's rows that a run of rows reads, beyond which the blocked kernels touch X ahead. */
const CACHED_BYTES = 4 << 20;

/**
 * Whether X's rows come from the cache: the rows a stretch of A's rows reads lie within about
 * twice the 90th-percentile distance of a sampled entry's column from the row's diagonal
 * position (a band for grids and meshes, all of X for random columns).
 */
export function xRowsCached(A: CsrArrays, k: number, bytesPerValue: number): boolean {
  const { rows, cols, rowPtr, colIdx } = A;
  if (cols * k * bytesPerValue <= CACHED_BYTES) return true;
  const step = Math.max(1, Math.floor(rows / 256));
  const distances: number[] = [];
  for (let i = 0; i < rows; i += step) {
    const diagonal = Math.floor((i * cols) / rows);
    const end = Math.min(rowPtr[i + 1], rowPtr[i] + 16);
    for (let e = rowPtr[i]; e < end; e++) distances.push(Math.abs(colIdx[e] - diagonal));
  }
  if (distances.length === 0) return true;
  distances.sort((a, b) => a - b);
  const band = distances[Math.floor(0.9 * (distances.length - 1))];
  return 2 * band * k * bytesPerValue <= CACHED_BYTES;
}

/** Y = alpha*A*X + beta*Y, X (cols x k) and Y (rows x k) dense row-major. */
export function spmmCsr(A: CsrArrays, X: Values, k: number, Y: Values, alpha: number, beta: number): void {
  // The same first error as checking row by row, in a separate tight pass: the product loop then
  // trusts every index.
  validateCsr(A);
  if (k === 0) return;
  const { rows, rowPtr, colIdx, values } = A;
  const f64 = values instanceof Float64Array;
  const bytes = X.BYTES_PER_ELEMENT;
  blockedKernel(k, f64)(rowPtr, colIdx, values, X, k, Y, rows, alpha, beta, 64 / bytes, !xRowsCached(A, k, bytes));
}

/**
 * Y += A^T (alpha*X) for a validated A, scattered in storage order. alpha*X's row i is formed
 * once per row into `ax` (the same products the scatter would form per entry, so the same bits).
 * Self-contained for perDtype.
 */
function scatterRowsK(rowPtr: Int32Array, colIdx: Int32Array, values: Values, X: Values, k: number, Y: Values, rows: number, alpha: number, ax: Float64Array): void {
  let start = rowPtr[0];
  for (let i = 0; i < rows; i++) {
    const end = rowPtr[i + 1];
    const xo = i * k;
    for (let c = 0; c < k; c++) ax[c] = alpha * X[xo + c];
    for (let e = start; e < end; e++) {
      const a = values[e];
      const yo = colIdx[e] * k;
      for (let c = 0; c < k; c++) Y[yo + c] += a * ax[c];
    }
    start = end;
  }
}

const scatterKernels = perDtype(scatterRowsK, (f, V) => {
  const Y = new V(2);
  f(Int32Array.of(0, 2), Int32Array.of(0, 0), V.of(2, 3), V.of(5, 1), 2, Y, 1, 1, new Float64Array(2));
  return Y[0] === 25 && Y[1] === 5;
});

/** Y = alpha*A^T*X + beta*Y, X (rows x k), Y (cols x k); scatter in storage order. */
export function spmmCsrTransposed(A: CsrArrays, X: Values, k: number, Y: Values, alpha: number, beta: number): void {
  // Validated before Y is touched, so a bad matrix leaves Y as it was.
  validateCsr(A);
  const { rows, cols, rowPtr, colIdx, values } = A;
  const n = cols * k;
  if (beta === 0) Y.fill(0, 0, n);
  else if (beta !== 1) for (let t = 0; t < n; t++) Y[t] *= beta;
  const kernel = values instanceof Float64Array ? scatterKernels.f64 : scatterKernels.f32;
  kernel(rowPtr, colIdx, values, X, k, Y, rows, alpha, new Float64Array(k));
}
