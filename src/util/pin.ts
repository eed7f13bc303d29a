import { markAsUntransferable } from 'node:worker_threads';

/**
 * An async product reads its arrays while JS runs on (natively on a pool thread, in JS between
 * yields). Transferring one of their buffers meanwhile (postMessage or structuredClone with a
 * transfer list) would move the memory to another ArrayBuffer, which may be collected and freed
 * under the running kernel: a crash natively, NaN in JS. So the buffers of every array an async
 * product is given are marked untransferable first, as Node marks its Buffer pool; a later transfer
 * copies them (Node 20) or throws a DataCloneError (Node 21 on). SharedArrayBuffers cannot be
 * detached and are left alone.
 */
export function pinBuffers(...arrays: ArrayBufferView[]): void {
  for (const a of arrays) {
    if (a.buffer instanceof ArrayBuffer) markAsUntransferable(a.buffer);
  }
}

/** The arrays of a CSR structure, for pinBuffers. */
export function csrBuffers(A: { rowPtr: Int32Array; colIdx: Int32Array; values: ArrayBufferView }): ArrayBufferView[] {
  return [A.rowPtr, A.colIdx, A.values];
}
