import { Worker } from 'node:worker_threads';
import { FormatError } from '../../src/index.js';

/**
 * Runs `ops` over and over for `ms` milliseconds while a worker (CommonJS `source`, run with
 * `workerData` plus a `stop` Int32Array buffer) rewrites shared arrays. The worker posts one message
 * when it is ready and loops until `stop[0]` is set. Each op either returns or throws FormatError
 * (counted); any other error is rethrown.
 */
export async function underMutation(source: string, workerData: Record<string, unknown>, ms: number, ops: (() => unknown)[]): Promise<{ returned: number; refused: number }> {
  const stop = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(source, { eval: true, workerData: { ...workerData, stop: stop.buffer } });
  await new Promise((resolve) => worker.once('message', resolve));
  let returned = 0;
  let refused = 0;
  try {
    // Past `ms`, go on (up to 4 ms in all) until some call was refused: a slow build (ASan) makes
    // few calls in `ms`, and a run where none met the broken state proves nothing.
    const deadline = Date.now() + ms;
    const lastChance = Date.now() + 4 * ms;
    while (Date.now() < deadline || (refused === 0 && Date.now() < lastChance)) {
      for (const op of ops) {
        try {
          op();
          returned++;
        } catch (err) {
          if (!(err instanceof FormatError)) throw err;
          refused++;
        }
      }
    }
  } finally {
    Atomics.store(stop, 0, 1);
    await worker.terminate();
  }
  return { returned, refused };
}

/**
 * A mutator for underMutation (workerData: colIdx and rowPtr buffers, cols, and optionally `broken`,
 * the share of the time an entry is broken, 0.09 if not given): breaks a column or a row pointer
 * for a moment (out of range, or past every array), then puts it back, until told to stop. Most
 * calls see a valid matrix at their check, and some of those meet the broken entry later in the
 * call. Every state it leaves is the original or an invalid one.
 */
export const breakAndRestore = `
const { workerData, parentPort } = require('node:worker_threads');
const colIdx = new Int32Array(workerData.colIdx);
const rowPtr = new Int32Array(workerData.rowPtr);
const stop = new Int32Array(workerData.stop);
const { cols } = workerData;
const hold = Math.round(220000 * (workerData.broken ?? 0.09));
let s = 12345;
let sink = 0;
parentPort.postMessage('ready');
while (Atomics.load(stop, 0) === 0) {
  s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
  const k = s % colIdx.length;
  const i = 1 + ((s >>> 4) % (rowPtr.length - 2));
  const oldCol = colIdx[k];
  const oldPtr = rowPtr[i];
  if (s & 1) colIdx[k] = (s & 2) ? cols + 3 : -5;
  else rowPtr[i] = 0x7ffffff0;
  for (let t = 0; t < hold; t++) sink += t;
  colIdx[k] = oldCol;
  rowPtr[i] = oldPtr;
  for (let t = hold; t < 220000; t++) sink += t;
}
`;
