import { FormatError, SparseError } from '../../errors.js';
import { MAX_INDEX, allocValues, dtypeOf, type Dtype, type Values } from '../../types.js';
import { throwIfAborted, yieldToEventLoop } from '../../util/abort.js';
import { csrBuffers, pinBuffers } from '../../util/pin.js';
import type { Backend, CsrArrays, CsrParts } from '../types.js';
import { checkRowPtrEnds } from './check.js';
import { newSpgemmWorkspace, spgemmRowRange } from './spgemm.js';
import { spmmCsr, spmmCsrTransposed } from './spmm.js';
import { spmvCsr, spmvCsrTransposed } from './spmv.js';
import { validateCsr } from './validate.js';

/**
 * Work per block between two yields to the event loop, in multiply-adds (plus one per row): at
 * 1-5 ns each in V8 a block takes well under a millisecond, so timers and I/O callbacks wait at
 * most about that long, while the yield itself (setImmediate, ~5-20 us with the abort check)
 * stays a few percent of the block.
 */
export const ASYNC_BLOCK_WORK = 1 << 16;

/**
 * The async forms of the JS backend: the same kernels as the sync forms, run over row blocks of
 * about ASYNC_BLOCK_WORK work with a yield (and an abort check) between blocks. Rows are never
 * split and blocks run in row order, so every output entry gets the same terms in the same order
 * as in the sync kernel: results are bit-identical to it.
 */
export const jsAsync: Pick<Backend, 'spmvAsync' | 'spmmAsync' | 'spgemmAsync' | 'transposeAsync'> = {
  async spmvAsync(A, x, y, alpha, beta, transpose, signal) {
    pinBuffers(...csrBuffers(A), x, y);
    if (!transpose) {
      await inRowBlocks(A, ASYNC_BLOCK_WORK, signal, (v, r0, r1) => spmvCsr(v, x, y.subarray(r0, r1), alpha, beta), () =>
        spmvCsr(A, x, y, alpha, beta),
      );
    } else {
      // The first block applies beta to all of y; later blocks only add their rows' scatter.
      await inRowBlocks(
        A,
        ASYNC_BLOCK_WORK,
        signal,
        (v, r0, r1) => spmvCsrTransposed(v, x.subarray(r0, r1), y, alpha, r0 === 0 ? beta : 1),
        () => spmvCsrTransposed(A, x, y, alpha, beta),
      );
    }
  },

  async spmmAsync(A, X, k, Y, alpha, beta, transpose, signal) {
    pinBuffers(...csrBuffers(A), X, Y);
    const budget = Math.max(1, Math.floor(ASYNC_BLOCK_WORK / Math.max(k, 1)));
    if (!transpose) {
      await inRowBlocks(A, budget, signal, (v, r0, r1) => spmmCsr(v, X, k, Y.subarray(r0 * k, r1 * k), alpha, beta), () =>
        spmmCsr(A, X, k, Y, alpha, beta),
      );
    } else {
      await inRowBlocks(
        A,
        budget,
        signal,
        (v, r0, r1) => spmmCsrTransposed(v, X.subarray(r0 * k, r1 * k), k, Y, alpha, r0 === 0 ? beta : 1),
        () => spmmCsrTransposed(A, X, k, Y, alpha, beta),
      );
    }
  },

  async spgemmAsync(A, B, signal) {
    pinBuffers(...csrBuffers(A), ...csrBuffers(B));
    validateCsr(A);
    validateCsr(B);
    const { rows, rowPtr: ap, colIdx: aj } = A;
    const bp = B.rowPtr;
    const ws = newSpgemmWorkspace(B.cols);
    const parts: (CsrParts | null)[] = [];
    const starts: number[] = [];
    let nnz = 0;
    for (let r0 = 0; r0 < rows; ) {
      // Rows until the block's flops (plus one per row) reach the budget.
      let r1 = r0;
      let flops = 0;
      while (r1 < rows && flops < ASYNC_BLOCK_WORK) {
        for (let e = ap[r1]; e < ap[r1 + 1]; e++) flops += bp[aj[e] + 1] - bp[aj[e]];
        flops++;
        r1++;
      }
      const p = spgemmRowRange(A, B, r0, r1, ws, nnz);
      parts.push(p);
      starts.push(r0);
      nnz += p.colIdx.length;
      r0 = r1;
      if (r0 < rows) await pause(signal);
    }
    return concatRowBlocks(rows, nnz, dtypeOf(A.values), parts, starts, signal);
  },

  async transposeAsync(A, signal) {
    pinBuffers(...csrBuffers(A));
    validateCsr(A);
    const { rows, cols, rowPtr: ap, colIdx: aj, values: av } = A;
    const nnz = ap[rows];
    // The stable counting sort of transposeCsr, phase by phase.
    const rowPtr = new Int32Array(cols + 1);
    for (let k0 = 0; k0 < nnz; k0 += ASYNC_BLOCK_WORK) {
      const k1 = Math.min(nnz, k0 + ASYNC_BLOCK_WORK);
      for (let k = k0; k < k1; k++) rowPtr[aj[k] + 1]++;
      if (k1 < nnz) await pause(signal);
    }
    for (let j = 0; j < cols; j++) rowPtr[j + 1] += rowPtr[j];
    await pause(signal);
    const next = rowPtr.slice(0, cols);
    const colIdx = new Int32Array(nnz);
    const values = allocValues(dtypeOf(av), nnz);
    for (let r0 = 0; r0 < rows; ) {
      const r1 = blockEnd(ap, r0, rows, ASYNC_BLOCK_WORK);
      for (let i = r0; i < r1; i++) {
        for (let k = ap[i]; k < ap[i + 1]; k++) {
          const dst = next[aj[k]]++;
          colIdx[dst] = i;
          values[dst] = av[k];
        }
      }
      r0 = r1;
      if (r0 < rows) await pause(signal);
    }
    return { rowPtr, colIdx, values };
  },
};

async function pause(signal: AbortSignal | undefined): Promise<void> {
  await yieldToEventLoop();
  throwIfAborted(signal);
}

/**
 * The end of the row block starting at r0: the last r with (rowPtr[r] + r) - (rowPtr[r0] + r0)
 * within `budget`, at least r0 + 1 (a row is never split). rowPtr is not trusted: on a broken one
 * this is still some row in (r0, rows], and the block's kernel reports the damage.
 */
function blockEnd(rowPtr: Int32Array, r0: number, rows: number, budget: number): number {
  const target = rowPtr[r0] + r0 + budget;
  if (rowPtr[rows] + rows <= target) return rows;
  let lo = r0 + 1;
  let hi = rows - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (rowPtr[mid] + mid <= target) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Rows [r0, r1) as a CSR of their own: a rebased row pointer, colIdx/values as subarray views. */
function rowView(A: CsrArrays, r0: number, r1: number): CsrArrays {
  const { rowPtr: ap, colIdx, values } = A;
  const s = ap[r0];
  const e = ap[r1];
  if (!(s >= 0 && s <= e && e <= colIdx.length && e <= values.length)) throw new FormatError('broken row block');
  const rowPtr = new Int32Array(r1 - r0 + 1);
  for (let i = r0; i <= r1; i++) rowPtr[i - r0] = ap[i] - s;
  return { rows: r1 - r0, cols: A.cols, rowPtr, colIdx: colIdx.subarray(s, e), values: values.subarray(s, e) };
}

/**
 * Runs `block` over consecutive row blocks of A, yielding between them. A structure error seen by
 * a block is reported exactly as the sync kernel reports it: `whole` (the sync kernel on all of A)
 * runs and throws that error. An empty matrix still gets one (empty) block, so beta is applied.
 */
async function inRowBlocks(
  A: CsrArrays,
  budget: number,
  signal: AbortSignal | undefined,
  block: (view: CsrArrays, r0: number, r1: number) => void,
  whole: () => void,
): Promise<void> {
  checkRowPtrEnds(A);
  const { rows, rowPtr } = A;
  let r0 = 0;
  try {
    do {
      const r1 = rows === 0 ? 0 : blockEnd(rowPtr, r0, rows, budget);
      block(rowView(A, r0, r1), r0, r1);
      r0 = r1;
      if (r0 < rows) await pause(signal);
    } while (r0 < rows);
  } catch (err) {
    if (!(err instanceof FormatError)) throw err;
    whole();
    throw err;
  }
}

/** One CSR from the row blocks' parts (each with a rebased row pointer), yielding every ~1M entries. */
async function concatRowBlocks(
  rows: number,
  nnz: number,
  dtype: Dtype,
  parts: (CsrParts | null)[],
  starts: number[],
  signal: AbortSignal | undefined,
): Promise<CsrParts> {
  if (nnz > MAX_INDEX) throw new SparseError(`the product has more than ${MAX_INDEX} nonzeros`, 'ERR_SPARSE_TOO_LARGE');
  const rowPtr = new Int32Array(rows + 1);
  const colIdx = new Int32Array(nnz);
  const values: Values = allocValues(dtype, nnz);
  let offset = 0;
  let sinceYield = 0;
  for (let b = 0; b < parts.length; b++) {
    const p = parts[b] as CsrParts;
    parts[b] = null; // let the block's arrays go as soon as they are copied
    const r0 = starts[b];
    const n = p.rowPtr.length - 1;
    for (let i = 1; i <= n; i++) rowPtr[r0 + i] = p.rowPtr[i] + offset;
    colIdx.set(p.colIdx, offset);
    values.set(p.values, offset);
    offset += p.colIdx.length;
    sinceYield += p.colIdx.length + n;
    if (sinceYield >= 1 << 20 && b + 1 < parts.length) {
      sinceYield = 0;
      await pause(signal);
    }
  }
  return { rowPtr, colIdx, values };
}
