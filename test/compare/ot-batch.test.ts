// sinkhornBatch: the native one-problem-per-thread path gives what sinkhorn gives on each problem
// (and what the JS backend gives), mixes with problems it cannot take, does not depend on the
// thread count, and refuses bad jobs with typed errors. Skipped when the addon is not built.
import { afterAll, describe, expect, it } from 'vitest';
import { loadNativeBackend } from '../../src/backend/native.js';
import { nativeAvailable, setBackend } from '../../src/backend/select.js';
import { CsrMatrix, DenseMatrix, FormatError, ShapeError, sinkhorn, sinkhornBatch, type SinkhornProblem, type SinkhornResult } from '../../src/index.js';
import { gridHistograms, pointCloudCost, randomCost, uniform } from '../helpers/ot.js';

const load = loadNativeBackend();
const hasBatch = nativeAvailable() && typeof load.backend?.otLogSolveBatch === 'function';

function problems(): SinkhornProblem[] {
  const out: SinkhornProblem[] = [];
  for (let k = 0; k < 24; k++) {
    const n = 5 + ((k * 7) % 30);
    const m = 4 + ((k * 11) % 33);
    const C = k % 3 === 0 ? pointCloudCost(n, m, k % 2 === 0 ? 'sq' : 'l1', k) : randomCost(n, m, 100 + k);
    const a = Float64Array.from({ length: n }, (_, i) => 1 + ((i * 13 + k) % 5));
    const b = Float64Array.from({ length: m }, (_, j) => 1 + ((j * 7 + k) % 3));
    const sa = a.reduce((s, x) => s + x, 0);
    const sb = b.reduce((s, x) => s + x, 0);
    out.push({ a: a.map((x) => x / sa), b: b.map((x) => x / sb), C: k % 4 === 1 ? new DenseMatrix(n, m, Float32Array.from(C.data)) : C, options: { epsilonRelative: [0.05, 0.01, 0.003][k % 3] } });
  }
  // The plain log-domain iteration (no stored kernel), and starts whose stored kernel under- and
  // overflows everywhere (the log-domain fallback of the stored-kernel form).
  out.push({ a: uniform(12), b: uniform(12), C: pointCloudCost(12, 12, 'sq', 5), options: { epsilonRelative: 0.01, stabilized: false } });
  out.push({ a: uniform(13), b: uniform(13), C: new DenseMatrix(13, 13, Float32Array.from(randomCost(13, 13, 6).data)), options: { epsilonRelative: 0.01, stabilized: false } });
  for (const shift of [-1000, 1000]) {
    out.push({ a: uniform(11), b: uniform(11), C: randomCost(11, 11, 7), options: { epsilon: 0.01, f0: new Float64Array(11).fill(shift * 0.01) } });
  }
  const grid = gridHistograms(5, 3);
  out.push({ ...grid, options: { epsilonRelative: 0.01, method: 'sns' } });
  out.push({ a: uniform(6), b: uniform(6), C: CsrMatrix.fromDense(randomCost(6, 6, 9)), options: { epsilonRelative: 0.02 } });
  out.push({ a: uniform(7), b: uniform(7), C: randomCost(7, 7, 10), options: { epsilonRelative: 0.02, onIteration: () => undefined } });
  // A zero-mass row and column: the reduced problem runs natively, the result is expanded.
  const z = uniform(9);
  z[2] = 0;
  out.push({ a: z.map((x) => x * (9 / 8)), b: z.map((x) => x * (9 / 8)), C: randomCost(9, 9, 11), options: { epsilonRelative: 0.02 } });
  return out;
}

function same(a: SinkhornResult, b: SinkhornResult): void {
  expect(a.converged).toBe(b.converged);
  expect(Math.abs(a.iterations - b.iterations)).toBeLessThanOrEqual(1);
  expect(Math.abs(a.cost - b.cost)).toBeLessThanOrEqual(1e-9 * (Math.abs(b.cost) + 1e-3));
  expect(a.marginalError).toBeLessThanOrEqual(Math.max(1e-9, 2 * b.marginalError));
  for (let i = 0; i < a.f.length; i++) {
    if (Number.isFinite(b.f[i])) expect(Math.abs(a.f[i] - b.f[i])).toBeLessThanOrEqual(1e-9);
    else expect(a.f[i]).toBe(b.f[i]);
  }
}

describe.skipIf(!hasBatch)('sinkhornBatch on the native backend', () => {
  afterAll(() => setBackend('auto'));

  it('each result matches sinkhorn on that problem, on both backends', () => {
    const ps = problems();
    setBackend('native');
    const batch = sinkhornBatch(ps, { tol: 1e-10 });
    expect(batch.length).toBe(ps.length);
    for (const backend of ['native', 'js'] as const) {
      setBackend(backend);
      ps.forEach((p, k) => same(batch[k], sinkhorn(p.a, p.b, p.C, { tol: 1e-10, ...p.options })));
    }
    expect(batch.filter((r) => r.converged).length).toBeGreaterThan(ps.length / 2);
  });

  it('gives the same bits on 1 and 2 threads', () => {
    const control = load.control!;
    const before = control.getThreads();
    setBackend('native');
    try {
      const ps = problems();
      control.setThreads(1);
      const one = sinkhornBatch(ps);
      control.setThreads(2);
      const two = sinkhornBatch(ps);
      for (let k = 0; k < ps.length; k++) {
        expect(Buffer.from(two[k].f.buffer, two[k].f.byteOffset, two[k].f.byteLength).equals(Buffer.from(one[k].f.buffer, one[k].f.byteOffset, one[k].f.byteLength))).toBe(true);
        expect(two[k].iterations).toBe(one[k].iterations);
        expect(two[k].cost).toBe(one[k].cost);
      }
    } finally {
      control.setThreads(before);
    }
  });

  it('bad problems and bad jobs raise typed errors', () => {
    setBackend('native');
    const ok = { a: uniform(3), b: uniform(3), C: randomCost(3, 3, 1), options: { epsilonRelative: 0.1 } };
    expect(() => sinkhornBatch([ok, { ...ok, a: uniform(4) }])).toThrow(ShapeError);
    expect(() => sinkhornBatch([ok, { ...ok, b: Float64Array.from([1, -1, 1]) }])).toThrow(FormatError);
    const be = load.backend!;
    const job = { rows: 3, cols: 3, data: new Float64Array(9), a: uniform(3), b: uniform(3), eps: 0.1, tol: 1e-9, maxIter: 10, blockRows: 3, f: new Float64Array(3), g: new Float64Array(3) };
    expect(() => be.otLogSolveBatch!([{ ...job, data: new Float64Array(8) }])).toThrow(ShapeError);
    expect(() => be.otLogSolveBatch!([{ ...job, a: Float64Array.from([0, 0.5, 0.5]) }])).toThrow(FormatError);
    expect(() => be.otLogSolveBatch!([{ ...job, eps: 0 }])).toThrow(FormatError);
    expect(() => be.otLogSolveBatch!([{ ...job, f: new Float32Array(3) as unknown as Float64Array }])).toThrow(TypeError);
    expect(() => be.otLogSolveBatch!([{ ...job, data: Float64Array.from([0, 0, 0, 0, NaN, 0, 0, 0, 0]) }])).toThrow(FormatError);
  });
});
