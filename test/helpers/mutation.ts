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
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
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
