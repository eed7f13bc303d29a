// The thread pool and the multi-threaded kernels: for every SIMD level the CPU runs and 1, 2 and 3
// threads, every kernel gives bit-identical results across thread counts and agrees with the JS
// backend; a power-law row does not break anything; worker_threads may call concurrently; the
// process exits promptly after using the pool; setThreads validates its argument.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { loadNativeBackend } from '../../src/backend/native.js';
import { nativeAvailable, setBackend } from '../../src/backend/select.js';
import { CooBuilder, CsrMatrix, DenseMatrix, getThreads, runtimeInfo, setThreads, SparseError, type Values } from '../../src/index.js';
import { errorText as errorOf, mulberry32 as rng } from '../helpers/backends.js';
import { expectClose } from '../helpers/reference.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const nodeGypBuild = createRequire(import.meta.url).resolve('node-gyp-build');
const hasNative = nativeAvailable();
const control = loadNativeBackend().control;
const levels = control ? control.info().simdSupported : [];
const defaultLevel = control?.info().simd;
const threadCounts = [1, 2, 3];

type Dtype = 'f64' | 'f32';

/** rows x cols, `perRow` random entries a row, plus (powerLaw) one row with `longRow` entries. */
function randomCsr(rows: number, cols: number, perRow: number, dtype: Dtype, seed: number, longRow = 0): CsrMatrix {
  const r = rng(seed);
  const b = new CooBuilder(rows, cols, { dtype });
  for (let i = 0; i < rows; i++) {
    const n = i === 7 && longRow > 0 ? longRow : perRow;
    for (let t = 0; t < n; t++) b.add(i, i === 7 && longRow > 0 ? t % cols : Math.floor(r() * cols), r() * 2 - 1);
  }
  return b.toCsr();
}

/** rows x rows, entries within `band` of the diagonal: the transpose's direct (in-cache) way. */
function bandedCsr(rows: number, band: number, dtype: Dtype, seed: number): CsrMatrix {
  const r = rng(seed);
  const b = new CooBuilder(rows, rows, { dtype });
  for (let i = 0; i < rows; i++) {
    for (let t = 0; t < 6; t++) b.add(i, Math.min(rows - 1, Math.max(0, i + Math.floor((r() * 2 - 1) * band))), r() * 2 - 1);
  }
  return b.toCsr();
}

function vec(n: number, dtype: Dtype, seed: number): Values {
  const r = rng(seed);
  const v = dtype === 'f32' ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = r() * 2 - 1;
  return v;
}

function bytes(v: ArrayLike<number> & { buffer: ArrayBufferLike; byteOffset: number; byteLength: number }): string {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
}

function absCsr(A: CsrMatrix): CsrMatrix {
  return new CsrMatrix(A.rows, A.cols, A.rowPtr, A.colIdx, A.values.map(Math.abs) as Values);
}

interface Results {
  [name: string]: Values | Int32Array;
}

/** Every kernel this suite covers, on the current backend and settings. */
function runAll(A: CsrMatrix, B: CsrMatrix, coo: [number, number, number][], dense: DenseMatrix): Results {
  const out: Results = {};
  const dtype = A.dtype;
  const x = vec(A.cols, dtype, 1);
  const xt = vec(A.rows, dtype, 2);
  out.spmv = A.matvec(x, { alpha: 1.5 });
  const y0 = vec(A.rows, dtype, 3);
  out.spmvBeta = A.matvec(x, { alpha: -0.5, beta: 0.25, out: y0 });
  out.spmvT = A.matvec(xt, { transpose: true, alpha: 2, beta: 0.5, out: vec(A.cols, dtype, 4) });
  for (const k of [1, 8, 11, 32]) {
    const X = new DenseMatrix(A.cols, k, vec(A.cols * k, dtype, 5 + k), { dtype });
    out[`spmm${k}`] = A.matmat(X).data;
    const Xt = new DenseMatrix(A.rows, k, vec(A.rows * k, dtype, 6 + k), { dtype });
    out[`spmmT${k}`] = A.matmat(Xt, { transpose: true }).data;
  }
  const T = A.transpose();
  out.tRowPtr = T.rowPtr;
  out.tColIdx = T.colIdx;
  out.tValues = T.values;
  // SpGEMM: short windowed rows go straight into C, the others through task buffers.
  const M = A.multiply(T);
  out.mulRowPtr = M.rowPtr;
  out.mulColIdx = M.colIdx;
  out.mulValues = M.values;
  const S = A.add(B, { alpha: 0.5, beta: -2 });
  out.addRowPtr = S.rowPtr;
  out.addColIdx = S.colIdx;
  out.addValues = S.values;
  out.scale = A.scale(3).values;
  out.scaleRows = A.scaleRows(vec(A.rows, dtype, 9)).values;
  out.scaleCols = A.scaleCols(vec(A.cols, dtype, 10)).values;
  out.rowSums = A.rowSums();
  out.colSums = A.colSums();
  out.diagonal = A.diagonal();
  out.norm = Float64Array.of(A.normFrobenius());
  const b = new CooBuilder(A.rows, A.cols, { dtype });
  for (const [i, j, v] of coo) b.add(i, j, v);
  const C = b.toCsr();
  out.cooRowPtr = C.rowPtr;
  out.cooColIdx = C.colIdx;
  out.cooValues = C.values;
  const F = CsrMatrix.fromDense(dense);
  out.fdRowPtr = F.rowPtr;
  out.fdColIdx = F.colIdx;
  out.fdValues = F.values;
  out.toDense = F.toDense().data;
  return out;
}

/** Per-entry scales (sum of absolute terms) for the products, from the JS backend. */
function scales(A: CsrMatrix): Record<string, Values> {
  setBackend('js');
  const Aa = absCsr(A);
  const dtype = A.dtype;
  const abs = (v: Values): Values => v.map(Math.abs) as Values;
  const r: Record<string, Values> = {};
  r.spmv = Aa.matvec(abs(vec(A.cols, dtype, 1)), { alpha: 1.5 });
  r.spmvBeta = Aa.matvec(abs(vec(A.cols, dtype, 1)), { alpha: 0.5, beta: 0.25, out: abs(vec(A.rows, dtype, 3)) });
  r.spmvT = Aa.matvec(abs(vec(A.rows, dtype, 2)), { transpose: true, alpha: 2, beta: 0.5, out: abs(vec(A.cols, dtype, 4)) });
  for (const k of [1, 8, 11, 32]) {
    r[`spmm${k}`] = Aa.matmat(new DenseMatrix(A.cols, k, abs(vec(A.cols * k, dtype, 5 + k)), { dtype })).data;
    r[`spmmT${k}`] = Aa.matmat(new DenseMatrix(A.rows, k, abs(vec(A.rows * k, dtype, 6 + k)), { dtype }), { transpose: true }).data;
  }
  r.colSums = Aa.colSums();
  r.rowSums = Aa.rowSums();
  return r;
}

function cooEntries(rows: number, cols: number, n: number, seed: number): [number, number, number][] {
  const r = rng(seed);
  const e: [number, number, number][] = [];
  // Few distinct positions, so most entries are duplicates summed in insertion order.
  for (let t = 0; t < n; t++) e.push([Math.floor(r() * rows), Math.floor(r() * Math.min(cols, 40)), r() * 2 - 1]);
  return e;
}

const cases: { name: string; make: (d: Dtype) => CsrMatrix; dense: number }[] = [
  { name: 'random 30000x20000, 8/row', make: (d) => randomCsr(30000, 20000, 8, d, 11), dense: 320 },
  { name: 'power-law: one 20000-long row', make: (d) => randomCsr(5000, 25000, 3, d, 12, 20000), dense: 64 },
  { name: 'banded 80000x80000, 6/row', make: (d) => bandedCsr(80000, 300, d, 15), dense: 64 },
];

describe.skipIf(!hasNative)('thread pool: bit-identical for 1, 2, 3 threads and equal to the JS backend', () => {
  const initialThreads = hasNative ? getThreads() : 1;
  afterAll(() => {
    setThreads(initialThreads);
    if (defaultLevel) control?.setSimd(defaultLevel);
    setBackend('auto');
  });

  for (const c of cases) {
    for (const dtype of ['f64', 'f32'] as const) {
      it(`${c.name}, ${dtype}`, () => {
        const A = c.make(dtype);
        const B = randomCsr(A.rows, A.cols, 4, dtype, 99);
        const coo = cooEntries(A.rows, A.cols, 150000, 13);
        const dv = vec(c.dense * c.dense, dtype, 14).map((v) => (v > 0.3 ? 0 : v)) as Values;
        const dense = new DenseMatrix(c.dense, c.dense, dv, { dtype });
        setBackend('js');
        const js = runAll(A, B, coo, dense);
        const sc = scales(A);
        setBackend('native');
        const tol = dtype === 'f32' ? 1e-5 : 1e-12;
        for (const level of levels) {
          control!.setSimd(level);
          let first: Record<string, string> | null = null;
          for (const t of threadCounts) {
            setThreads(t);
            const r = runAll(A, B, coo, dense);
            const enc: Record<string, string> = {};
            for (const [k, v] of Object.entries(r)) enc[k] = bytes(v);
            if (first === null) first = enc;
            else expect(enc, `${level}, ${t} threads vs 1`).toEqual(first);
            if (t !== 1) continue;
            for (const [k, v] of Object.entries(r)) {
              const ref = js[k];
              if (v instanceof Int32Array) {
                expect(bytes(v), `${level} ${k}`).toBe(bytes(ref));
              } else if (sc[k]) {
                expectClose(v, ref, sc[k], tol);
              } else if (k === 'norm' || k === 'rowSums' || k === 'colSums') {
                expectClose(v, ref, Math.abs(ref[0]) + 1, tol);
              } else {
                // elementwise kernels, conversions, COO sums, add: bit-identical to the twin
                expect(bytes(v), `${level} ${k}`).toBe(bytes(ref));
              }
            }
          }
        }
      });
    }
  }

  // Wider than one chunk of alpha*X (256 columns): the transposed SpMM in two chunks a row, on a
  // banded matrix whose groups write most columns straight to the output.
  it('transposed SpMM with k = 300 on a banded matrix: bit-identical for 1, 2, 3 threads, close to JS', () => {
    const A = bandedCsr(20000, 40, 'f64', 17);
    const X = new DenseMatrix(A.rows, 300, vec(A.rows * 300, 'f64', 18));
    const Y0 = vec(A.cols * 300, 'f64', 19);
    const run = () => A.matmat(X, { transpose: true, alpha: 1.5, beta: 0.5, out: new DenseMatrix(A.cols, 300, Y0.slice()) }).data;
    setBackend('js');
    const js = run();
    setBackend('native');
    const abs = (v: Values) => v.map(Math.abs) as Values;
    const Aa = absCsr(A);
    setBackend('js');
    const scale = Aa.matmat(new DenseMatrix(A.rows, 300, abs(X.data)), { transpose: true, alpha: 1.5, beta: 0.5, out: new DenseMatrix(A.cols, 300, abs(Y0)) }).data;
    setBackend('native');
    for (const level of levels) {
      control!.setSimd(level);
      let first: string | null = null;
      for (const t of threadCounts) {
        setThreads(t);
        const v = run();
        if (first === null) {
          first = bytes(v);
          expectClose(v, js, scale, 1e-12);
        } else {
          expect(bytes(v), `${level}, ${t} threads vs 1`).toBe(first);
        }
      }
    }
  });

  it('reports the same first error as the JS backend on large broken matrices', () => {
    const A = randomCsr(40000, 1000, 6, 'f64', 21);
    const colIdx = A.colIdx.slice();
    colIdx[colIdx.length - 3] = 5000; // late bad column
    colIdx[100000] = -1; // earlier bad column: this one must be reported
    const bad = new CsrMatrix(A.rows, A.cols, A.rowPtr, colIdx, A.values, { validate: false });
    const rowPtr = A.rowPtr.slice();
    rowPtr[30000] = rowPtr[29999] - 1; // row pointer decreasing late
    const badPtr = new CsrMatrix(A.rows, A.cols, rowPtr, A.colIdx, A.values, { validate: false });
    const x = new Float64Array(A.cols).fill(1);
    const xt = new Float64Array(A.rows).fill(1);
    const ops: ((M: CsrMatrix) => unknown)[] = [
      (M) => M.matvec(x),
      (M) => M.matvec(xt, { transpose: true }),
      (M) => M.matmat(new DenseMatrix(M.cols, 8)),
      (M) => M.matmat(new DenseMatrix(M.rows, 8), { transpose: true }),
      (M) => M.transpose(),
      (M) => M.rowSums(),
      (M) => M.colSums(),
      (M) => M.scaleCols(new Float64Array(M.cols).fill(2)),
      (M) => M.toDense(),
      (M) => M.add(A),
    ];
    for (const M of [bad, badPtr]) {
      for (const op of ops) {
        setBackend('js');
        const js = errorOf(() => op(M));
        setBackend('native');
        for (const t of threadCounts) {
          setThreads(t);
          expect(errorOf(() => op(M))).toBe(js);
        }
      }
    }
    setBackend('auto');
  });

  it('SpMV finds a bad column in short-row batches and in long rows, and keeps its bits under alpha/beta', () => {
    // spmv_csr.hpp checks columns a batch of rows at a time (a vector pass) and keeps the
    // per-entry check for batches of long rows: both ways must catch every position.
    const rows = 30000;
    const lengths = Array.from({ length: rows }, (_, i) => (i === 20000 ? 12000 : i % 997 === 0 ? 40 : 5));
    const rowPtr = new Int32Array(rows + 1);
    lengths.forEach((n, i) => (rowPtr[i + 1] = rowPtr[i] + n));
    const nnz = rowPtr[rows];
    const r = rng(5);
    const colIdx = new Int32Array(nnz);
    for (let i = 0; i < rows; i++) {
      const n = lengths[i];
      for (let t = 0; t < n; t++) colIdx[rowPtr[i] + t] = Math.floor((t * rows) / n + r() * (rows / n - 1));
    }
    for (const dtype of ['f64', 'f32'] as Dtype[]) {
      const values = vec(nnz, dtype, 6);
      const A = new CsrMatrix(rows, rows, rowPtr, colIdx, values, { validate: false });
      const x = vec(rows, dtype, 7);
      for (const [alpha, beta] of [[1, 0], [-0.5, 0], [1, 0.25], [2, -1]]) {
        const run = (): Values => A.matvec(x, { alpha, beta, out: vec(rows, dtype, 8) });
        setBackend('js');
        const js = run();
        setBackend('native');
        const ref = (setThreads(1), run());
        expectClose(ref, js, 2 * 12000 + 1, dtype === 'f32' ? 1e-5 : 1e-12);
        for (const t of threadCounts) {
          setThreads(t);
          expect(bytes(run())).toBe(bytes(ref));
        }
      }
      const positions = [0, 3, rowPtr[997] + 39, rowPtr[20000], rowPtr[20000] + 11999, rowPtr[25000] + 2, nnz - 1];
      for (const k of positions) {
        for (const j of [rows, -1, 0x7fffffff]) {
          const c = colIdx.slice();
          c[k] = j;
          const bad = new CsrMatrix(rows, rows, rowPtr, c, values, { validate: false });
          setBackend('js');
          const js = errorOf(() => bad.matvec(x));
          expect(js).toContain(`at position ${k} `);
          setBackend('native');
          for (const t of threadCounts) {
            setThreads(t);
            expect(errorOf(() => bad.matvec(x))).toBe(js);
            expect(errorOf(() => bad.matvec(x, { alpha: 2, beta: 1, out: vec(rows, dtype, 9) }))).toBe(js);
          }
        }
      }
    }
    setBackend('auto');
  });
});

/**
 * Block-banded like a 3D stencil: 4x4 blocks coupling each block row to 15 block columns spread over
 * +-`reach` blocks, rows past `rows * filled` empty. The transpose's direct way with long columns
 * and a wide band, and row parts that reach no column at all.
 */
function blockBandedCsr(blocks: number, reach: number, filled: number): CsrMatrix {
  const rows = 4 * blocks;
  const offsets = [-reach, -reach + 1, -reach + 2, -(reach >> 1), -3, -2, -1, 0, 1, 2, 3, reach >> 1, reach - 2, reach - 1, reach];
  const rowPtr = new Int32Array(rows + 1);
  const colIdx: number[] = [];
  for (let i = 0; i < rows; i++) {
    const b = i >> 2;
    if (i < rows * filled) {
      for (const o of offsets) {
        const c = b + o;
        if (c >= 0 && c < blocks) for (let q = 0; q < 4; q++) colIdx.push(4 * c + q);
      }
    }
    rowPtr[i + 1] = colIdx.length;
  }
  const values = Float64Array.from(colIdx, (_, k) => ((k * 7919) % 1000) / 7 - 50);
  return new CsrMatrix(rows, rows, rowPtr, Int32Array.from(colIdx), values);
}

describe.skipIf(!hasNative)('transpose: bit-identical for 1, 2, 3 threads and equal to the JS backend', () => {
  const initialThreads = hasNative ? getThreads() : 1;
  afterAll(() => {
    setThreads(initialThreads);
    setBackend('auto');
  });
  const encode = (T: CsrMatrix): string => [bytes(T.rowPtr), bytes(T.colIdx), bytes(T.values)].join('|');
  for (const [name, make] of [
    ['wide band, 60 entries a column', () => blockBandedCsr(6000, 700, 1)],
    ['rows of the second half empty', () => blockBandedCsr(6000, 700, 0.5)],
    ['rows after the first tenth empty', () => blockBandedCsr(6000, 40, 0.1)],
  ] as const) {
    it(name, () => {
      const A = make();
      setBackend('js');
      const ref = encode(A.transpose());
      setBackend('native');
      for (const t of threadCounts) {
        setThreads(t);
        expect(encode(A.transpose()), `${t} threads`).toBe(ref);
      }
    });
  }
});

describe('setThreads / getThreads', () => {
  it('validates its argument', () => {
    for (const bad of [1.5, Number.NaN, Infinity, '2', null]) {
      expect(() => setThreads(bad as number)).toThrow(TypeError);
    }
    for (const bad of [0, -1, 257]) {
      expect(() => setThreads(bad)).toThrow(SparseError);
    }
  });

  it('round-trips and is reported by runtimeInfo', () => {
    const before = getThreads();
    try {
      setThreads(3);
      expect(getThreads()).toBe(3);
      const info = runtimeInfo();
      expect(info.threads).toBe(info.backend === 'native' ? 3 : 1);
    } finally {
      setThreads(before);
    }
  });

  it.skipIf(!hasNative)('defaults to the hardware threads, or SPARSE_LINALG_THREADS', () => {
    const script = `const a = require(${JSON.stringify(nodeGypBuild)})(${JSON.stringify(root)});
      process.stdout.write(JSON.stringify({ t: a.getThreads(), hw: a.info().hardwareThreads, it: a.info().threads }));`;
    const plain = spawnSync(process.execPath, ['-e', script], { env: { ...process.env, SPARSE_LINALG_THREADS: '' }, encoding: 'utf8' });
    const p = JSON.parse(plain.stdout) as { t: number; hw: number; it: number };
    expect(p.t).toBe(p.hw);
    expect(p.it).toBe(p.t);
    const forced = spawnSync(process.execPath, ['-e', script], { env: { ...process.env, SPARSE_LINALG_THREADS: '5' }, encoding: 'utf8' });
    expect((JSON.parse(forced.stdout) as { t: number }).t).toBe(5);
  });
});

// A worker and the main thread hammer the pool at the same time.
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const addon = require(workerData.nodeGypBuild)(workerData.root);
const { A, x, rounds, k } = workerData;
const outs = [];
for (let r = 0; r < rounds; r++) {
  const y = new Float64Array(A.rows);
  addon.spmv(A, x, y, 1, 0, false);
  const yt = new Float64Array(A.cols);
  addon.spmv(A, y, yt, 1, 0, true);
  const Y = new Float64Array(A.rows * k);
  addon.spmm(A, new Float64Array(A.cols * k).fill(0.5), k, Y, 1, 0, false);
  const T = addon.transpose(A);
  outs.push([Buffer.from(y.buffer, y.byteOffset, y.byteLength).toString('base64'), Buffer.from(yt.buffer, yt.byteOffset, yt.byteLength).toString('base64'),
    Buffer.from(Y.buffer, Y.byteOffset, Y.byteLength).toString('base64'), Buffer.from(T.values.buffer, T.values.byteOffset, T.values.byteLength).toString('base64')]);
}
parentPort.postMessage(outs);
`;

describe.skipIf(!hasNative)('concurrent calls from worker_threads', () => {
  it('two workers and the main thread at once: no crash, correct results', async () => {
    const before = getThreads();
    setThreads(3);
    try {
      const A = randomCsr(60000, 60000, 10, 'f64', 31, 30000);
      const x = vec(A.cols, 'f64', 32);
      const plain = { rows: A.rows, cols: A.cols, rowPtr: A.rowPtr, colIdx: A.colIdx, values: A.values };
      const k = 8;
      const addon = createRequire(import.meta.url)(nodeGypBuild)(root) as {
        spmv: (...a: unknown[]) => void;
        spmm: (...a: unknown[]) => void;
        transpose: (a: unknown) => { values: Float64Array };
      };
      const one = (): string[] => {
        const y = new Float64Array(A.rows);
        addon.spmv(plain, x, y, 1, 0, false);
        const yt = new Float64Array(A.cols);
        addon.spmv(plain, y, yt, 1, 0, true);
        const Y = new Float64Array(A.rows * k);
        addon.spmm(plain, new Float64Array(A.cols * k).fill(0.5), k, Y, 1, 0, false);
        const T = addon.transpose(plain);
        return [bytes(y), bytes(yt), bytes(Y), bytes(T.values)];
      };
      const expected = one();
      const rounds = 6;
      const start = (): Promise<string[][]> =>
        new Promise((resolve, reject) => {
          const w = new Worker(workerSource, { eval: true, workerData: { root, nodeGypBuild, A: plain, x, rounds, k } });
          w.once('message', resolve);
          w.once('error', reject);
          w.once('exit', (code) => {
            if (code !== 0) reject(new Error(`worker exited with code ${code}`));
          });
        });
      const workers = [start(), start()];
      const mine: string[][] = [];
      for (let r = 0; r < rounds; r++) mine.push(one());
      const results = [mine, ...(await Promise.all(workers))];
      for (const res of results) {
        expect(res).toHaveLength(rounds);
        for (const r of res) expect(r).toEqual(expected);
      }
    } finally {
      setThreads(before);
    }
  });
});

describe.skipIf(!hasNative)('process exit', () => {
  it('exits promptly after the pool was used (main thread and a worker)', () => {
    const script = `
      const { Worker } = require('node:worker_threads');
      const a = require(${JSON.stringify(nodeGypBuild)})(${JSON.stringify(root)});
      a.setThreads(4);
      const n = 200000;
      const rowPtr = new Int32Array(n + 1), colIdx = new Int32Array(n * 4), values = new Float64Array(n * 4).fill(1);
      for (let i = 0; i < n; i++) { rowPtr[i + 1] = 4 * (i + 1); for (let t = 0; t < 4; t++) colIdx[4 * i + t] = (i * 7 + t * 13) % n; }
      const A = { rows: n, cols: n, rowPtr, colIdx, values };
      const y = new Float64Array(n);
      a.spmv(A, new Float64Array(n).fill(1), y, 1, 0, false);
      const w = new Worker(\`const a = require(\${JSON.stringify(${JSON.stringify(nodeGypBuild)})})(\${JSON.stringify(${JSON.stringify(root)})});
        const n = 100000; const rp = new Int32Array(n + 1); for (let i = 0; i < n; i++) rp[i + 1] = i + 1;
        const ci = new Int32Array(n).map((_, i) => i); const A = { rows: n, cols: n, rowPtr: rp, colIdx: ci, values: new Float64Array(n).fill(2) };
        a.spmv(A, new Float64Array(n).fill(1), new Float64Array(n), 1, 0, true);\`, { eval: true });
      w.on('exit', () => { process.stdout.write(String(y[0])); });
    `;
    const t0 = Date.now();
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 20000 });
    const elapsed = Date.now() - t0;
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('4');
    expect(elapsed).toBeLessThan(15000);
  });
});
