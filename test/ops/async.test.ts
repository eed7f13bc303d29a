// The async forms (matvecAsync, matmatAsync, multiplyAsync, transposeAsync) on whichever backend
// this vitest project runs (native when the addon loads, or js): same results as the sync forms,
// AbortSignal support, a responsive event loop during long products, inputs kept alive.
import fc from 'fast-check';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import {
  AbortError,
  CsrMatrix,
  DenseMatrix,
  FormatError,
  ShapeError,
  getBackend,
  matmatAsync,
  matvecAsync,
  multiplyAsync,
  transposeAsync,
  type Values,
} from '../../src/index.js';
import { jsAsync, ASYNC_BLOCK_WORK } from '../../src/backend/js/async.js';
import { jsBackend } from '../../src/backend/js/index.js';
import type { NativeAsyncAddon } from '../../src/backend/native-async.js';
import { loadNativeBackend } from '../../src/backend/native.js';
import { buildCsr, FC_SEED, matrixSpec, scalar, vectorOf } from '../helpers/arbitraries.js';

const backend = getBackend();
const native = loadNativeBackend();

function vector(n: number, dtype: 'f64' | 'f32', seed: number): Values {
  const v = dtype === 'f64' ? new Float64Array(n) : new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    v[i] = s / 2 ** 32 - 0.5;
  }
  return v;
}

/** Bit-for-bit equality of two typed arrays (NaN and -0 included). */
function expectSameBits(a: ArrayLike<number> & ArrayBufferView, b: ArrayLike<number> & ArrayBufferView): void {
  expect(a.constructor).toBe(b.constructor);
  expect(a.length).toBe(b.length);
  const ua = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const ub = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  expect(Buffer.compare(ua, ub)).toBe(0);
}

function expectSameCsr(a: CsrMatrix, b: CsrMatrix): void {
  expect([a.rows, a.cols, a.dtype]).toEqual([b.rows, b.cols, b.dtype]);
  expectSameBits(a.rowPtr, b.rowPtr);
  expectSameBits(a.colIdx, b.colIdx);
  expectSameBits(a.values, b.values);
}

/** A matrix with empty rows, one long row and random rows: block boundaries land everywhere. */
function skewed(rows: number, cols: number, dtype: 'f64' | 'f32', seed: number): CsrMatrix {
  const base = CsrMatrix.random(rows, cols, Math.min(1, 12 / cols), { seed, dtype });
  const long = CsrMatrix.random(1, cols, 0.9, { seed: seed + 1, dtype });
  const rowPtr = new Int32Array(rows + 1);
  const colIdx: number[] = [];
  const values: number[] = [];
  const longRow = rows >> 1;
  for (let i = 0; i < rows; i++) {
    if (i === longRow) {
      colIdx.push(...long.colIdx);
      values.push(...long.values);
    } else if (i % 7 !== 3) {
      for (let k = base.rowPtr[i]; k < base.rowPtr[i + 1]; k++) {
        colIdx.push(base.colIdx[k]);
        values.push(base.values[k]);
      }
    }
    rowPtr[i + 1] = colIdx.length;
  }
  const vals = dtype === 'f64' ? Float64Array.from(values) : Float32Array.from(values);
  return new CsrMatrix(rows, cols, rowPtr, Int32Array.from(colIdx), vals, { validate: false });
}

describe(`async forms on the ${backend} backend`, () => {
  it('exist on both backends and on CsrMatrix', () => {
    const backends = [jsBackend, ...(native.backend ? [native.backend] : [])];
    for (const b of backends) {
      for (const name of ['spmvAsync', 'spmmAsync', 'spgemmAsync', 'transposeAsync'] as const) expect(typeof b[name]).toBe('function');
    }
    const A = CsrMatrix.identity(2);
    for (const name of ['matvecAsync', 'matmatAsync', 'multiplyAsync', 'transposeAsync'] as const) expect(typeof A[name]).toBe('function');
  });

  for (const dtype of ['f64', 'f32'] as const) {
    it(`equal the sync forms bit for bit on large inputs (${dtype})`, async () => {
      // 150k-220k entries: above ASYNC_MIN_WORK and several JS row blocks.
      const A = skewed(16000, 5000, dtype, 11);
      const B = skewed(5000, 4000, dtype, 12);
      expect(A.nnz).toBeGreaterThan(2 * ASYNC_BLOCK_WORK);
      const x = vector(A.cols, dtype, 1);
      const xt = vector(A.rows, dtype, 2);

      expectSameBits(await matvecAsync(A, x), A.matvec(x));
      const y0 = vector(A.cols, dtype, 3);
      const out1 = y0.slice();
      const out2 = y0.slice();
      const r = await A.matvecAsync(xt, { transpose: true, alpha: 0.75, beta: -1.5, out: out1 });
      expect(r).toBe(out1);
      A.matvec(xt, { transpose: true, alpha: 0.75, beta: -1.5, out: out2 });
      expectSameBits(out1, out2);
      const y1 = vector(A.rows, dtype, 4);
      const o3 = y1.slice();
      const o4 = y1.slice();
      await matvecAsync(A, x, { alpha: 2, beta: 0.5, out: o3 });
      A.matvec(x, { alpha: 2, beta: 0.5, out: o4 });
      expectSameBits(o3, o4);

      for (const k of [1, 3, 8]) {
        const X = new DenseMatrix(A.cols, k, vector(A.cols * k, dtype, 5 + k));
        expectSameBits((await matmatAsync(A, X)).data, A.matmat(X).data);
        const Xt = new DenseMatrix(A.rows, k, vector(A.rows * k, dtype, 6 + k));
        const Y0 = vector(A.cols * k, dtype, 7 + k);
        const outA = new DenseMatrix(A.cols, k, Y0.slice());
        const outB = new DenseMatrix(A.cols, k, Y0.slice());
        expect(await A.matmatAsync(Xt, { transpose: true, alpha: -1.25, beta: 3, out: outA })).toBe(outA);
        A.matmat(Xt, { transpose: true, alpha: -1.25, beta: 3, out: outB });
        expectSameBits(outA.data, outB.data);
      }

      expectSameCsr(await multiplyAsync(A, B), A.multiply(B));
      expectSameCsr(await B.multiplyAsync(B.transpose()), B.multiply(B.transpose()));
      expectSameCsr(await transposeAsync(A), A.transpose());
      expectSameCsr(await B.transposeAsync(), B.transpose());
    });
  }

  it('equal the sync forms on small random matrices (the next-tick path)', async () => {
    await fc.assert(
      fc.asyncProperty(
        matrixSpec().chain((s) => fc.tuple(fc.constant(s), vectorOf(s.cols, s.dtype), vectorOf(s.rows, s.dtype), scalar, scalar)),
        async ([spec, x, y0, alpha, beta]) => {
          const A = buildCsr(spec);
          expectSameBits(await matvecAsync(A, x), A.matvec(x));
          const o1 = y0.slice();
          const o2 = y0.slice();
          await matvecAsync(A, x, { alpha, beta, out: o1 });
          A.matvec(x, { alpha, beta, out: o2 });
          expectSameBits(o1, o2);
          const X = new DenseMatrix(A.rows, 2, vector(A.rows * 2, spec.dtype, 9));
          expectSameBits((await matmatAsync(A, X, { transpose: true })).data, A.matmat(X, { transpose: true }).data);
          const At = await transposeAsync(A);
          expectSameCsr(At, A.transpose());
          expectSameCsr(await multiplyAsync(A, At), A.multiply(At));
        },
      ),
      { seed: FC_SEED, numRuns: 60 },
    );
  });

  it('JS row blocks equal the sync JS kernels (all block boundaries, transposes)', async () => {
    for (const dtype of ['f64', 'f32'] as const) {
      const A = skewed(9000, 7000, dtype, 21);
      const x = vector(A.cols, dtype, 1);
      const xt = vector(A.rows, dtype, 2);
      for (const [tr, xv, n] of [
        [false, x, A.rows],
        [true, xt, A.cols],
      ] as const) {
        const y0 = vector(n, dtype, 3);
        const a = y0.slice();
        const b = y0.slice();
        await jsAsync.spmvAsync(A, xv, a, 1.5, -0.5, tr);
        jsBackend.spmv(A, xv, b, 1.5, -0.5, tr);
        expectSameBits(a, b);
        const k = 5;
        const X = vector((tr ? A.rows : A.cols) * k, dtype, 4);
        const Y0 = vector(n * k, dtype, 5);
        const c = Y0.slice();
        const d = Y0.slice();
        await jsAsync.spmmAsync(A, X, k, c, 0.5, 2, tr);
        jsBackend.spmm(A, X, k, d, 0.5, 2, tr);
        expectSameBits(c, d);
      }
      const B = skewed(7000, 3000, dtype, 22);
      const p = await jsAsync.spgemmAsync(A, B);
      const q = jsBackend.spgemm(A, B);
      expectSameBits(p.rowPtr, q.rowPtr);
      expectSameBits(p.colIdx, q.colIdx);
      expectSameBits(p.values, q.values);
      const t = await jsAsync.transposeAsync(A);
      const u = jsBackend.transpose(A);
      expectSameBits(t.rowPtr, u.rowPtr);
      expectSameBits(t.colIdx, u.colIdx);
      expectSameBits(t.values, u.values);
    }
  });

  it('an already-aborted signal rejects with AbortError without starting', async () => {
    const ac = new AbortController();
    ac.abort(new Error('stop'));
    for (const A of [CsrMatrix.identity(3), skewed(3000, 3000, 'f64', 5)]) {
      const out = new Float64Array(A.rows).fill(7);
      const err = await matvecAsync(A, new Float64Array(A.cols), { out, signal: ac.signal }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AbortError);
      expect((err as AbortError).code).toBe('ABORT_ERR');
      expect((err as Error).cause).toBe(ac.signal.reason);
      expect(out.every((v) => v === 7)).toBe(true); // not started
      await expect(matmatAsync(A, new DenseMatrix(A.cols, 2), { signal: ac.signal })).rejects.toBeInstanceOf(AbortError);
      await expect(multiplyAsync(A, A, { signal: ac.signal })).rejects.toBeInstanceOf(AbortError);
      await expect(transposeAsync(A, { signal: ac.signal })).rejects.toBeInstanceOf(AbortError);
    }
  });

  it('aborting mid-way rejects with AbortError', async () => {
    // 200k x 200k, 10 per row (2M entries): A*A is ~20M flops.
    const A = CsrMatrix.random(200_000, 200_000, 10 / 200_000, { seed: 3 });
    const ac = new AbortController();
    const started = multiplyAsync(A, A, { signal: ac.signal });
    setTimeout(() => ac.abort(), 5);
    await expect(started).rejects.toBeInstanceOf(AbortError);

    const ac2 = new AbortController();
    const X = new DenseMatrix(A.cols, 16, vector(A.cols * 16, 'f64', 1));
    const p2 = matmatAsync(A, X, { signal: ac2.signal });
    setImmediate(() => ac2.abort());
    await expect(p2).rejects.toBeInstanceOf(AbortError);

    const ac3 = new AbortController();
    const p3 = transposeAsync(A, { signal: ac3.signal });
    ac3.abort(); // after the start, before any work could finish
    await expect(p3).rejects.toBeInstanceOf(AbortError);

    // An aborted signal stays aborted: later calls with it reject at once.
    await expect(matvecAsync(A, new Float64Array(A.cols), { signal: ac3.signal })).rejects.toBeInstanceOf(AbortError);
    // An operation that completes leaves no listener behind.
    const ac4 = new AbortController();
    const x = vector(A.cols, 'f64', 2);
    expectSameBits(await matvecAsync(A, x, { signal: ac4.signal }), A.matvec(x));
    ac4.abort();
  });

  it('the event loop stays responsive during a long product', async () => {
    // Size the product so the sync form takes ~0.4 s here (the assertion counts timer ticks, not time).
    let n = 40_000;
    let A = CsrMatrix.random(n, n, 10 / n, { seed: 8 });
    let t0 = performance.now();
    A.multiply(A);
    let ms = performance.now() - t0;
    if (ms < 400) {
      n = Math.min(400_000, Math.ceil((n * 400) / Math.max(ms, 1)));
      A = CsrMatrix.random(n, n, 10 / n, { seed: 8 });
      t0 = performance.now();
      A.multiply(A);
      ms = performance.now() - t0;
    }
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    try {
      const C = await multiplyAsync(A, A);
      expect(C.rows).toBe(n);
    } finally {
      clearInterval(timer);
    }
    // A blocked loop gets at most one tick; a free one about ms / 5 (~80). 10 leaves room for a
    // loaded machine, and needs the work to take at least ~50 ms, which the sizing above ensures.
    expect(ms).toBeGreaterThan(50);
    expect(ticks).toBeGreaterThanOrEqual(10);

    // The same for SpMM (a long one: k = 64).
    ticks = 0;
    const X = new DenseMatrix(n, 64, vector(n * 64, 'f64', 3));
    const timer2 = setInterval(() => ticks++, 5);
    const t1 = performance.now();
    try {
      await matmatAsync(A, X);
    } finally {
      clearInterval(timer2);
    }
    if (performance.now() - t1 > 200) expect(ticks).toBeGreaterThanOrEqual(5);
  });

  it('keeps dropped inputs alive until done (gc while pending)', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const make = (seed: number) => CsrMatrix.random(30_000, 30_000, 10 / 30_000, { seed });
    const expected = make(31).multiply(make(32));
    const expectedT = make(33).transpose();
    const xv = () => vector(30_000, 'f64', 4);
    const expectedY = make(34).matvec(xv());

    // No reference to the inputs is kept here: only the pending operations hold them.
    const pending = [multiplyAsync(make(31), make(32)), transposeAsync(make(33)), matvecAsync(make(34), xv())] as const;
    for (let i = 0; i < 3; i++) {
      gc();
      // Churn memory so freed buffers would be reused and overwritten.
      for (let j = 0; j < 8; j++) new Float64Array(1 << 18).fill(-1);
      await new Promise((r) => setImmediate(r));
    }
    const [C, T, y] = await Promise.all(pending);
    expectSameCsr(C, expected);
    expectSameCsr(T, expectedT);
    expectSameBits(y, expectedY);

    // The raw addon entry points, where nothing on the JS side refers to the arrays at all.
    if (native.control && backend === 'native') {
      const addon = native.control as unknown as NativeAsyncAddon;
      const m = make(35);
      const plain = () => ({ rows: m.rows, cols: m.cols, rowPtr: m.rowPtr.slice(), colIdx: m.colIdx.slice(), values: m.values.slice() });
      const job = addon.spgemmAsync(plain(), plain());
      const y2 = new Float64Array(m.rows);
      const job2 = addon.spmvAsync(plain(), xv(), y2, 1, 0, false);
      gc();
      for (let j = 0; j < 8; j++) new Float64Array(1 << 18).fill(-1);
      gc();
      const parts = await job.promise;
      await job2.promise;
      const ref = m.multiply(m);
      expectSameBits(parts.rowPtr, ref.rowPtr);
      expectSameBits(parts.colIdx, ref.colIdx);
      expectSameBits(parts.values, ref.values);
      expectSameBits(y2, m.matvec(xv()));
      job.cancel(); // after completion: harmless
    }
  });

  it('bad arguments reject (never throw) with the right error class', async () => {
    const A = skewed(3000, 2000, 'f64', 9);
    const call = <T>(f: () => Promise<T>) => {
      let p!: Promise<T>;
      expect(() => {
        p = f();
      }).not.toThrow();
      return expect(p).rejects;
    };
    await call(() => matvecAsync(A, new Float64Array(5))).toBeInstanceOf(ShapeError);
    await call(() => matvecAsync(A, new Float64Array(A.cols), { out: new Float32Array(A.rows) })).toBeInstanceOf(TypeError);
    await call(() => matvecAsync(A, new Float64Array(A.cols), { signal: {} as AbortSignal })).toBeInstanceOf(TypeError);
    await call(() => matvecAsync({} as CsrMatrix, new Float64Array(2))).toBeInstanceOf(TypeError);
    await call(() => matmatAsync(A, {} as DenseMatrix)).toBeInstanceOf(TypeError);
    await call(() => matmatAsync(A, new DenseMatrix(A.rows + 1, 2))).toBeInstanceOf(ShapeError);
    await call(() => multiplyAsync(A, A)).toBeInstanceOf(ShapeError);
    await call(() => transposeAsync(null as unknown as CsrMatrix)).toBeInstanceOf(TypeError);

    // A structure that lies ({ validate: false }): the same error, message included, as the sync form.
    const colIdx = A.colIdx.slice();
    colIdx[colIdx.length - 3] = A.cols + 5;
    const bad = new CsrMatrix(A.rows, A.cols, A.rowPtr, colIdx, A.values, { validate: false });
    const syncErr = (f: () => unknown): unknown => {
      try {
        f();
      } catch (e) {
        return e;
      }
      return null;
    };
    const x = new Float64Array(A.cols).fill(1);
    const xt = new Float64Array(A.rows).fill(1);
    const cases: [() => Promise<unknown>, () => unknown][] = [
      [() => matvecAsync(bad, x), () => bad.matvec(x)],
      [() => matvecAsync(bad, xt, { transpose: true }), () => bad.matvec(xt, { transpose: true })],
      [() => matmatAsync(bad, new DenseMatrix(A.cols, 2)), () => bad.matmat(new DenseMatrix(A.cols, 2))],
      [() => matmatAsync(bad, new DenseMatrix(A.rows, 2), { transpose: true }), () => bad.matmat(new DenseMatrix(A.rows, 2), { transpose: true })],
      [() => transposeAsync(bad), () => bad.transpose()],
      [() => multiplyAsync(bad, A.transpose()), () => bad.multiply(A.transpose())],
    ];
    for (const [asyncForm, syncForm] of cases) {
      const want = syncErr(syncForm);
      expect(want).toBeInstanceOf(FormatError);
      const got = await asyncForm().catch((e: unknown) => e);
      expect(got).toBeInstanceOf(FormatError);
      expect((got as Error).message).toBe((want as Error).message);
    }
  });
});
