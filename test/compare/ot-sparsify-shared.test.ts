// The native sparsified Hessian reads P and a CSR cost's columns twice (count, then fill). Arrays on
// a SharedArrayBuffer can change between the passes from another thread: the call must then either
// return a Hessian or raise a typed error, never write out of place (run under ASan to see writes).
import { describe, expect, it } from 'vitest';
import { loadNativeBackend } from '../../src/backend/native.js';
import type { OtCost } from '../../src/backend/types.js';
import { hessianBuffers } from '../../src/ot/sns-hessian.js';
import { underMutation } from '../helpers/mutation.js';

const native = loadNativeBackend().backend;

// Flips columns between valid and out of range, and entries of P between kept and dropped sizes,
// until told to stop.
const mutator = `
const { workerData, parentPort } = require('node:worker_threads');
const colIdx = new Int32Array(workerData.colIdx);
const P = new Float64Array(workerData.P);
const stop = new Int32Array(workerData.stop);
const m = workerData.m;
let s = 12345;
parentPort.postMessage('ready');
while (Atomics.load(stop, 0) === 0) {
  for (let t = 0; t < 64; t++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const k = s % colIdx.length;
    colIdx[k] = (s & 256) ? (s >>> 9) % m : m + 3;
    P[(s >>> 3) % P.length] = (s & 512) ? 0.5 : 1e-300;
  }
}
`;

describe.skipIf(!native?.otSparsify)('native sparsified Hessian under concurrent mutation', () => {
  it('returns a count or raises FormatError while another thread rewrites P and the columns', async () => {
    const n = 120;
    const m = 150;
    const perRow = 12;
    const nnz = n * perRow;
    const colIdx = new Int32Array(new SharedArrayBuffer(4 * nnz));
    const P = new Float64Array(new SharedArrayBuffer(8 * nnz));
    const rowPtr = Int32Array.from({ length: n + 1 }, (_, i) => i * perRow);
    for (let k = 0; k < nnz; k++) {
      colIdx[k] = (k * 7) % m;
      P[k] = k % 3 === 0 ? 1e-200 : 1 / nnz;
    }
    const C: OtCost = { kind: 'csr', rows: n, cols: m, rowPtr, colIdx, values: new Float64Array(nnz) };
    const r = new Float64Array(n).fill(1 / n);
    const c = new Float64Array(m).fill(1 / m);
    const buf = hessianBuffers(n, m, nnz * 2);
    const { returned, refused } = await underMutation(mutator, { colIdx: colIdx.buffer, P: P.buffer, m }, 300, [
      () => expect(native!.otSparsify!(C, P, r, c, 1e-3, buf)).toBeGreaterThanOrEqual(n + m),
    ]);
    // Both outcomes occur: the mutation is real, and calls still complete between flips.
    expect(returned + refused).toBeGreaterThan(10);
    expect(refused).toBeGreaterThan(0);
  });
});
