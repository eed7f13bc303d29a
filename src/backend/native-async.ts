import { mapNativeError } from '../errors.js';
import type { Values } from '../types.js';
import { abortError } from '../util/abort.js';
import { csrBuffers, pinBuffers } from '../util/pin.js';
import type { Backend, CsrArrays, CsrParts } from './types.js';

/** The Backend methods that the addon implements as { promise, cancel } jobs. */
export type AsyncKey = 'spmvAsync' | 'spmmAsync' | 'spgemmAsync' | 'transposeAsync';

/**
 * What an async entry point of the addon returns (native/binding/async_worker.hpp): the promise of
 * an AsyncWorker, and cancel(), which sets the worker's atomic flag so the kernel's parallel loops
 * stop handing out work and the promise rejects with code ABORT_ERR. cancel() is safe to call at
 * any time, also after the promise settled.
 */
export interface NativeJob<R> {
  promise: Promise<R>;
  cancel(): void;
}

/** The addon's async entry points: the sync binding's arguments, checked the same way. */
export interface NativeAsyncAddon {
  spmvAsync(A: CsrArrays, x: Values, y: Values, alpha: number, beta: number, transpose: boolean): NativeJob<undefined>;
  spmmAsync(A: CsrArrays, X: Values, k: number, Y: Values, alpha: number, beta: number, transpose: boolean): NativeJob<undefined>;
  spgemmAsync(A: CsrArrays, B: CsrArrays): NativeJob<CsrParts>;
  transposeAsync(A: CsrArrays): NativeJob<CsrParts>;
}

/**
 * Starts a job and ties it to `signal`: an abort calls cancel(), and the promise rejects with an
 * AbortError whenever the signal has aborted by the time the job settles (even if the kernel ran to
 * completion: abort wins). Errors of the addon are mapped to the SparseError classes.
 */
async function runJob<R>(signal: AbortSignal | undefined, start: () => NativeJob<R>): Promise<R> {
  let job: NativeJob<R>;
  try {
    job = start();
  } catch (err) {
    throw mapNativeError(err);
  }
  const onAbort = () => job.cancel();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const result = await job.promise;
    if (signal?.aborted) throw abortError(signal);
    return result;
  } catch (err) {
    if (signal?.aborted) throw abortError(signal);
    throw mapNativeError(err);
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

/** The addon's jobs as Backend methods; each pins its arrays first (util/pin.ts: a buffer transferred under a running job would be freed under it). */
export function wrapAsync(addon: NativeAsyncAddon): Pick<Backend, AsyncKey> {
  return {
    async spmvAsync(A, x, y, alpha, beta, transpose, signal) {
      pinBuffers(...csrBuffers(A), x, y);
      await runJob(signal, () => addon.spmvAsync(A, x, y, alpha, beta, transpose));
    },
    async spmmAsync(A, X, k, Y, alpha, beta, transpose, signal) {
      pinBuffers(...csrBuffers(A), X, Y);
      await runJob(signal, () => addon.spmmAsync(A, X, k, Y, alpha, beta, transpose));
    },
    spgemmAsync: (A, B, signal) => {
      pinBuffers(...csrBuffers(A), ...csrBuffers(B));
      return runJob(signal, () => addon.spgemmAsync(A, B));
    },
    transposeAsync: (A, signal) => {
      pinBuffers(...csrBuffers(A));
      return runJob(signal, () => addon.transposeAsync(A));
    },
  };
}
