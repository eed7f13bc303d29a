// Kernels that check a structure once and then index with it (transpose, SpGEMM, add, scaling, the
// conversions) meet a structure that another thread changes during the call in two ways: arrays on
// a SharedArrayBuffer written from a worker, and any arrays written by the main thread while an
// async call runs. Either way the call must return the answer for the matrix as it was or raise a
// FormatError, never index out of place (before the binding copied such structures, transpose,
// SpGEMM, scaleRows/scaleCols and the BSR conversion crashed the process here). Entries stay broken
// half the time, so that some calls copy a broken structure and refuse it.
import { afterAll, describe, expect, it } from 'vitest';
import { loadNativeBackend } from '../../src/backend/native.js';
import { nativeAvailable, setBackend } from '../../src/backend/select.js';
import { BsrMatrix, CsrMatrix, DenseMatrix, FormatError, getThreads, setThreads } from '../../src/index.js';
import { breakAndRestore, underMutation } from '../helpers/mutation.js';

function sharedInt32(source: Int32Array): Int32Array {
  const out = new Int32Array(new SharedArrayBuffer(4 * source.length));
  out.set(source);
  return out;
}

// The arrays of a result, to compare with the answer computed before any mutation.
function partsOf(M: CsrMatrix | BsrMatrix): Int32Array[] | Float64Array[] {
  if (M instanceof BsrMatrix) return [M.blockRowPtr, M.blockColIdx, new Int32Array(new Float64Array(M.values).buffer)];
  return [M.rowPtr, M.colIdx, new Int32Array(new Float64Array(M.values).buffer)];
}

function same(got: ArrayLike<number>[], want: ArrayLike<number>[]): boolean {
  return got.length === want.length && got.every((a, t) => a.length === want[t].length && Array.prototype.every.call(a, (v: number, k: number) => v === want[t][k]));
}

describe.skipIf(!nativeAvailable())('structure kernels while the structure changes', () => {
  const initialThreads = nativeAvailable() ? getThreads() : 1;
  afterAll(() => {
    setThreads(initialThreads);
    setBackend('auto');
  });

  it('sync calls on shared arrays give the unchanged answer or FormatError', async () => {
    setBackend('native');
    setThreads(2);
    const plain = CsrMatrix.random(8_000, 12_000, 0.001, { seed: 5 });
    const rowPtr = sharedInt32(plain.rowPtr);
    const colIdx = sharedInt32(plain.colIdx);
    const A = new CsrMatrix(plain.rows, plain.cols, rowPtr, colIdx, plain.values, { validate: false });
    const B = CsrMatrix.random(plain.cols, 300, 0.02, { seed: 6 });
    const L = CsrMatrix.random(500, plain.rows, 0.01, { seed: 7 });
    const C = CsrMatrix.random(plain.rows, plain.cols, 0.0005, { seed: 8 });
    const d = Float64Array.from({ length: plain.rows }, (_, i) => 1 + (i % 7));
    const e = Float64Array.from({ length: plain.cols }, (_, j) => 1 + (j % 5));
    const cases: [string, (M: CsrMatrix) => CsrMatrix | BsrMatrix][] = [
      ['transpose', (M) => M.transpose()],
      ['A*B', (M) => M.multiply(B)],
      ['L*A', (M) => L.multiply(M)],
      ['A+C', (M) => M.add(C)],
      ['C+A', (M) => C.add(M)],
      ['scaleRows', (M) => M.scaleRows(d)],
      ['scaleCols', (M) => M.scaleCols(e)],
      ['toBsr(4, 2)', (M) => M.toBsr(4, 2)],
      ['toBsr(2) -> toCsr', (M) => M.toBsr(2).toCsr()],
    ];
    const expected = cases.map(([, op]) => partsOf(op(plain)));
    const wrong: string[] = [];
    const { returned, refused } = await underMutation(
      breakAndRestore,
      { colIdx: colIdx.buffer, rowPtr: rowPtr.buffer, cols: plain.cols, broken: 0.5 },
      600,
      cases.map(([name, op], c) => () => {
        const got = partsOf(op(A));
        if (!same(got, expected[c])) wrong.push(name);
      }),
    );
    expect(wrong).toEqual([]);
    expect(returned).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  });

  it('a shared BSR structure converts to CSR unchanged or raises FormatError', async () => {
    setBackend('native');
    const plain = CsrMatrix.random(4_000, 4_000, 0.003, { seed: 9 }).toBsr(2);
    const blockRowPtr = sharedInt32(plain.blockRowPtr);
    const blockColIdx = sharedInt32(plain.blockColIdx);
    const S = new BsrMatrix(plain.rows, plain.cols, plain.blockSize, blockRowPtr, blockColIdx, plain.values, { validate: false });
    const expected = partsOf(plain.toCsr());
    let wrong = 0;
    const { refused } = await underMutation(breakAndRestore, { colIdx: blockColIdx.buffer, rowPtr: blockRowPtr.buffer, cols: plain.cols / 2, broken: 0.5 }, 300, [
      () => {
        const got = partsOf(S.toCsr());
        if (!same(got, expected)) wrong++;
      },
    ]);
    expect(wrong).toBe(0);
    expect(refused).toBeGreaterThan(0);
  });

  it('COO -> CSR of shared coordinates gives the unchanged answer or FormatError', async () => {
    const native = loadNativeBackend().backend!;
    const n = 50_000;
    const rows = 3_000;
    const cols = 4_000;
    const ri = new Int32Array(new SharedArrayBuffer(4 * n));
    const ci = new Int32Array(new SharedArrayBuffer(4 * n));
    for (let k = 0; k < n; k++) {
      ri[k] = (k * 7919) % rows;
      ci[k] = (k * 104729) % cols;
    }
    const vals = Float64Array.from({ length: n }, (_, k) => (k % 13) - 6);
    const expected = native.cooToCsr(rows, cols, ri.slice(), ci.slice(), vals);
    let wrong = 0;
    const { refused } = await underMutation(breakAndRestore, { colIdx: ci.buffer, rowPtr: ri.buffer, cols, broken: 0.5 }, 300, [
      () => {
        const got = native.cooToCsr(rows, cols, ri, ci, vals);
        if (!same([got.rowPtr, got.colIdx, got.values], [expected.rowPtr, expected.colIdx, expected.values])) wrong++;
      },
    ]);
    expect(wrong).toBe(0);
    expect(refused).toBeGreaterThan(0);
  });

  it('conversions whose counts depend on the values give a valid matrix or FormatError while the values change', async () => {
    setBackend('native');
    setThreads(2);
    // Flips values between zero and not, so the zero-dropping conversions count one thing and find
    // another when they fill.
    const flipper = `
const { workerData, parentPort } = require('node:worker_threads');
const v = new Float64Array(workerData.values);
const stop = new Int32Array(workerData.stop);
let s = 99;
parentPort.postMessage('ready');
while (Atomics.load(stop, 0) === 0) {
  for (let t = 0; t < 256; t++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const k = s % v.length;
    v[k] = v[k] === 0 ? 1 + (s & 7) : 0;
  }
}
`;
    const rows = 600;
    const cols = 800;
    const data = new Float64Array(new SharedArrayBuffer(8 * rows * cols));
    for (let t = 0; t < data.length; t += 3) data[t] = 1 + (t % 5);
    const D = new DenseMatrix(rows, cols, data);
    const plain = CsrMatrix.random(4_000, 4_000, 0.003, { seed: 15 }).toBsr(2);
    const bsrValues = new Float64Array(new SharedArrayBuffer(8 * plain.values.length));
    bsrValues.set(plain.values);
    for (let t = 0; t < bsrValues.length; t += 4) bsrValues[t] = 0;
    const S = new BsrMatrix(plain.rows, plain.cols, plain.blockSize, plain.blockRowPtr, plain.blockColIdx, bsrValues);
    const check = (M: CsrMatrix) => {
      // Throws FormatError (failing the test) if the structure is not valid and canonical.
      new CsrMatrix(M.rows, M.cols, M.rowPtr, M.colIdx, M.values);
    };
    for (const [values, op] of [
      [data, () => check(CsrMatrix.fromDense(D))],
      [bsrValues, () => check(S.toCsr())],
    ] as const) {
      let invalid = 0;
      const { returned, refused } = await underMutation(flipper, { values: values.buffer }, 300, [
        () => {
          try {
            op();
          } catch (err) {
            if (err instanceof FormatError && !/changed during the call/.test(String(err))) invalid++;
            throw err;
          }
        },
      ]);
      expect(invalid).toBe(0);
      expect(returned + refused).toBeGreaterThan(3);
    }
  });

  it('async transpose and product while the main thread writes the structure', async () => {
    setBackend('native');
    setThreads(2);
    const A = CsrMatrix.random(200_000, 200_000, 4e-5, { seed: 11 });
    const B = CsrMatrix.random(200_000, 2_000, 2e-4, { seed: 12 });
    const expectT = partsOf(A.transpose());
    const expectAB = partsOf(A.multiply(B));
    let returned = 0;
    let refused = 0;
    for (let round = 0; round < 24; round++) {
      const pending = round % 2 === 0 ? A.transposeAsync() : A.multiplyAsync(B);
      // Break and restore entries until the worker has had time to read them (it copies first).
      // Windows of 2 to 22 ms: when the worker starts its copy depends on the build (ASan) and load.
      const until = Date.now() + 2 + (round % 6) * 4;
      for (let s = round + 1; Date.now() < until; s++) {
        const k = (s * 2654435761) % A.colIdx.length;
        const old = A.colIdx[k];
        A.colIdx[k] = s % 2 === 0 ? A.cols + 9 : -1;
        for (let t = 0; t < 2000; t++) A.values[k] += 0;
        A.colIdx[k] = old;
      }
      try {
        const got = partsOf(await pending);
        const want = round % 2 === 0 ? expectT : expectAB;
        expect(same(got, want)).toBe(true);
        returned++;
      } catch (err) {
        if (!(err instanceof FormatError)) throw err;
        refused++;
      }
    }
    expect(returned + refused).toBe(24);
    expect(refused).toBeGreaterThan(0);
  });

  it('async calls accept matrices on a SharedArrayBuffer', async () => {
    setBackend('native');
    const plain = CsrMatrix.random(40_000, 30_000, 5e-4, { seed: 13 });
    const A = new CsrMatrix(plain.rows, plain.cols, sharedInt32(plain.rowPtr), sharedInt32(plain.colIdx), plain.values);
    expect(same(partsOf(await A.transposeAsync()), partsOf(plain.transpose()))).toBe(true);
    const x = Float64Array.from({ length: plain.cols }, (_, j) => j % 3);
    expect(same([await A.matvecAsync(x)], [plain.matvec(x)])).toBe(true);
  });
});
