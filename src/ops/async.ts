import { ShapeError } from '../errors.js';
import { activeBackend, backendFor } from '../backend/select.js';
import type { CsrMatrix } from '../formats/csr.js';
import type { DenseMatrix } from '../formats/dense.js';
import type { Values } from '../types.js';
import { checkSignal, throwIfAborted } from '../util/abort.js';
import { checkCsr, commonDtype } from './common.js';
import { prepareMatmat, type MatmatOptions } from './matmat.js';
import { prepareMatvec, type MatvecOptions } from './matvec.js';
import { csrFromParts } from './result.js';

/*
 * The async forms of the products. Contract (README "Async"):
 * - Same arguments, checks, errors and results as the sync forms; an error, a bad argument
 *   included, rejects the promise (nothing is thrown synchronously).
 * - `signal`: already aborted -> rejects with AbortError without starting; aborted while running ->
 *   rejects with AbortError (abort wins even if the work had just finished). After any rejection the
 *   contents of `out` are unspecified.
 * - Inputs (matrices, x, X, out) are kept alive until the promise settles but must not be mutated
 *   or transferred meanwhile.
 * - The backend is the one the sync form would use (backendFor), so results are bit-identical to
 *   the sync form: native runs the same kernel in an AsyncWorker, js runs it in row blocks with a
 *   yield to the event loop between blocks.
 */

/**
 * Below this much work (multiply-adds plus rows touched) the async machinery costs more than the
 * work: the product runs synchronously (on the backend the sync form would use) and the promise
 * resolves with its result on the next microtask. Measured on the 2-core dev VM, heavily loaded
 * (load average ~12, so only the order of magnitude is reliable), native f64 SpMV with 8 entries
 * a row, sync vs spmvAsync: 4k entries 34 vs 56 us (the AsyncWorker round trip -- queue on the
 * libuv pool, thread wake-up, completion callback, promise -- is ~25-80 us, a setImmediate alone
 * ~50 us there), 16k: 132 vs 67 us, 32k: 124 vs 101 us. They cross near 2^14-2^15; above that
 * the async form also keeps the loop free. A JS row block is 2^16 work anyway (ASYNC_BLOCK_WORK),
 * so on the JS backend a call this small is a single block either way.
 */
export const ASYNC_MIN_WORK = 1 << 15;

export interface AsyncOptions {
  /** Cancels the operation: the promise rejects with AbortError. */
  signal?: AbortSignal;
}

export interface MatvecAsyncOptions extends MatvecOptions, AsyncOptions {}
export interface MatmatAsyncOptions extends MatmatOptions, AsyncOptions {}

/** matvec off the event loop: resolves with `out` (or a new vector). */
export async function matvecAsync(A: CsrMatrix, x: ArrayLike<number>, options: MatvecAsyncOptions = {}): Promise<Values> {
  const signal = checkSignal(options.signal);
  const p = prepareMatvec(A, x, options);
  throwIfAborted(signal);
  const work = A.nnz + p.y.length;
  const b = backendFor(work);
  if (work < ASYNC_MIN_WORK) b.spmv(A, p.x, p.y, p.alpha, p.beta, p.transpose);
  else await b.spmvAsync(A, p.x, p.y, p.alpha, p.beta, p.transpose, signal);
  throwIfAborted(signal);
  return p.y;
}

/** matmat (SpMM) off the event loop: resolves with `out` (or a new DenseMatrix). */
export async function matmatAsync(A: CsrMatrix, X: DenseMatrix, options: MatmatAsyncOptions = {}): Promise<DenseMatrix> {
  const signal = checkSignal(options.signal);
  const p = prepareMatmat(A, X, options);
  throwIfAborted(signal);
  const work = (A.nnz + p.out.rows) * p.k;
  const b = backendFor(work);
  if (work < ASYNC_MIN_WORK) b.spmm(A, p.x, p.k, p.out.data, p.alpha, p.beta, p.transpose);
  else await b.spmmAsync(A, p.x, p.k, p.out.data, p.alpha, p.beta, p.transpose, signal);
  throwIfAborted(signal);
  return p.out;
}

/** multiply (SpGEMM) off the event loop. */
export async function multiplyAsync(A: CsrMatrix, B: CsrMatrix, options: AsyncOptions = {}): Promise<CsrMatrix> {
  const signal = checkSignal(options.signal);
  checkCsr(A, 'A');
  checkCsr(B, 'B');
  if (A.cols !== B.rows) throw new ShapeError(`multiply: A is ${A.rows}x${A.cols} but B is ${B.rows}x${B.cols}`);
  throwIfAborted(signal);
  const [a, b] = commonDtype(A, B);
  const backend = backendFor(a.nnz + b.nnz);
  const parts = isSmallProduct(a, b) ? backend.spgemm(a, b) : await backend.spgemmAsync(a, b, signal);
  throwIfAborted(signal);
  return csrFromParts(A.rows, B.cols, parts);
}

/** transpose off the event loop. */
export async function transposeAsync(A: CsrMatrix, options: AsyncOptions = {}): Promise<CsrMatrix> {
  const signal = checkSignal(options.signal);
  checkCsr(A, 'A');
  throwIfAborted(signal);
  const work = A.nnz + A.rows + A.cols;
  const b = activeBackend(); // as the sync transpose (no arithmetic: every backend gives the same arrays)
  const parts = work < ASYNC_MIN_WORK ? b.transpose(A) : await b.transposeAsync(A, signal);
  throwIfAborted(signal);
  return csrFromParts(A.cols, A.rows, parts);
}

/**
 * The product's work is its flop count (sum over A's entries of the length of B's matching row),
 * which costs a pass over A; it is only computed when A is small enough for that to be cheap. A
 * broken structure is left for the kernel to report (the count stops at the first bad index).
 */
function isSmallProduct(A: CsrMatrix, B: CsrMatrix): boolean {
  if (A.nnz + A.rows + B.nnz >= ASYNC_MIN_WORK) return false;
  const { rowPtr: bp, rows: brows } = B;
  const { colIdx: aj } = A;
  const nnz = Math.min(A.nnz, aj.length);
  let flops = A.rows;
  for (let e = 0; e < nnz; e++) {
    const k = aj[e];
    if (k >>> 0 >= brows) break;
    flops += bp[k + 1] - bp[k];
    if (flops >= ASYNC_MIN_WORK) return false;
  }
  return true;
}
