// The sinkhorn API: inputs and typed errors, warm starts, sparse costs, plans, async, batches,
// determinism, and the scaling form's breakdown error.
import { describe, expect, it } from 'vitest';
import {
  AbortError,
  CsrMatrix,
  DenseMatrix,
  FormatError,
  getBackend,
  ShapeError,
  SparseError,
  sinkhorn,
  sinkhornAsync,
  sinkhornBatch,
  type SinkhornMethod,
  type SinkhornResult,
} from '../../src/index.js';
import { gridHistograms, pointCloudCost, randomCost, uniform } from '../helpers/ot.js';

const methods: SinkhornMethod[] = ['log', 'sinkhorn', 'sns'];
const n = 20;
const C = pointCloudCost(n, n, 'sq', 31);
const a = uniform(n);

function bits(v: Float64Array): string {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex');
}

function sameResult(x: SinkhornResult, y: SinkhornResult): void {
  expect(bits(x.f)).toBe(bits(y.f));
  expect(bits(x.g)).toBe(bits(y.g));
  expect(Object.is(x.cost, y.cost)).toBe(true);
  expect(Object.is(x.regularizedCost, y.regularizedCost)).toBe(true);
  expect(x.iterations).toBe(y.iterations);
  expect(x.cgIterations).toBe(y.cgIterations);
  expect(x.history).toEqual(y.history);
}

function marginals(P: DenseMatrix): { r: Float64Array; c: Float64Array } {
  const r = new Float64Array(P.rows);
  const c = new Float64Array(P.cols);
  for (let i = 0; i < P.rows; i++) {
    for (let j = 0; j < P.cols; j++) {
      r[i] += P.data[i * P.cols + j];
      c[j] += P.data[i * P.cols + j];
    }
  }
  return { r, c };
}

describe('sinkhorn results', () => {
  for (const method of methods) {
    it(`${method}: result fields, dense plan with the marginals, history`, () => {
      const seen: number[] = [];
      const r = sinkhorn(a, a, C, { epsilonRelative: 0.02, method, onIteration: (info) => seen.push(info.marginalError) });
      expect(r.converged).toBe(true);
      expect(r.f).toBeInstanceOf(Float64Array);
      expect(r.f.length).toBe(n);
      expect(r.g.length).toBe(n);
      expect(r.history).toEqual(seen);
      expect(r.history.length).toBeGreaterThan(0);
      expect(r.newtonIterations).toBe(method === 'sns' ? r.newtonIterations : 0);
      if (method !== 'sns') expect(r.cgIterations).toBe(0);
      const P = r.plan();
      expect(P).toBeInstanceOf(DenseMatrix);
      const { r: rows, c: cols } = marginals(P);
      let err = 0;
      for (let i = 0; i < n; i++) err += Math.abs(rows[i] - a[i]) + Math.abs(cols[i] - a[i]);
      expect(err).toBeLessThanOrEqual(1e-9);
      let cost = 0;
      for (let k = 0; k < n * n; k++) cost += P.data[k] * C.data[k];
      expect(cost).toBeCloseTo(r.cost, 12);
    });

    it(`${method}: warm start from converged potentials converges at once`, () => {
      const r = sinkhorn(a, a, C, { epsilonRelative: 0.02, method });
      const w = sinkhorn(a, a, C, { epsilonRelative: 0.02, method, f0: r.f, g0: r.g });
      expect(w.converged).toBe(true);
      expect(w.iterations).toBeLessThanOrEqual(1);
      expect(w.cost).toBeCloseTo(r.cost, 10);
    });

    it(`${method}: deterministic (same bits twice) and async equals sync`, async () => {
      const opts = { epsilonRelative: 0.01, method };
      const r1 = sinkhorn(a, a, C, opts);
      const r2 = sinkhorn(a, a, C, opts);
      sameResult(r1, r2);
      const r3 = await sinkhornAsync(a, a, C, opts);
      sameResult(r1, r3);
    });
  }

  it('plan({ threshold }) keeps exactly the entries above it', () => {
    const r = sinkhorn(a, a, C, { epsilonRelative: 0.01 });
    const P = r.plan();
    const t = 1e-4;
    const S = r.plan({ threshold: t });
    expect(S).toBeInstanceOf(CsrMatrix);
    expect(S.rows).toBe(n);
    expect(S.cols).toBe(n);
    let count = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const v = P.data[i * n + j];
        if (v > t) {
          count++;
          expect(S.get(i, j)).toBe(v);
        } else expect(S.get(i, j)).toBe(0);
      }
    }
    expect(S.nnz).toBe(count);
    expect(r.plan({ threshold: 0 }).nnz).toBeLessThanOrEqual(n * n);
    expect(() => r.plan({ threshold: -1 })).toThrow(FormatError);
  });

  it('f32 costs give the f64 answer to f32 accuracy', () => {
    const C32 = new DenseMatrix(n, n, Float32Array.from(C.data));
    const C64 = new DenseMatrix(n, n, Float64Array.from(C32.data));
    for (const method of methods) {
      const r32 = sinkhorn(a, a, C32, { epsilonRelative: 0.02, method });
      const r64 = sinkhorn(a, a, C64, { epsilonRelative: 0.02, method });
      expect(r32.converged).toBe(true);
      expect(Math.abs(r32.cost - r64.cost)).toBeLessThan(1e-9);
    }
  });

  it('zero masses: no transport there, -Infinity potentials, marginals met', () => {
    const m = 12;
    const Cz = randomCost(m, m, 5);
    const az = uniform(m);
    const bz = uniform(m);
    az[3] = 0;
    az[0] *= 2;
    bz[7] = 0;
    bz[8] *= 2;
    for (const method of methods) {
      const r = sinkhorn(az, bz, Cz, { epsilonRelative: 0.05, method });
      expect(r.converged).toBe(true);
      expect(r.f[3]).toBe(-Infinity);
      expect(r.g[7]).toBe(-Infinity);
      const P = r.plan();
      const { r: rows, c: cols } = marginals(P);
      for (let i = 0; i < m; i++) expect(Math.abs(rows[i] - az[i])).toBeLessThan(1e-9);
      for (let j = 0; j < m; j++) expect(Math.abs(cols[j] - bz[j])).toBeLessThan(1e-9);
      expect(rows[3]).toBe(0);
      expect(cols[7]).toBe(0);
    }
  });

  it('sinkhornBatch returns the results of each problem in order', () => {
    const problems = [1, 2, 3, 4].map((seed) => ({ a: uniform(8), b: uniform(8), C: randomCost(8, 8, seed) }));
    problems[2] = { ...problems[2], options: { epsilonRelative: 0.2 } } as (typeof problems)[number];
    const out = sinkhornBatch(problems, { epsilonRelative: 0.05, method: 'sns' });
    expect(out.length).toBe(4);
    problems.forEach((p, k) => {
      const one = sinkhorn(p.a, p.b, p.C, { epsilonRelative: k === 2 ? 0.2 : 0.05, method: 'sns' });
      sameResult(out[k], one);
    });
  });
});

describe('sparse (CSR) costs: absent entries are forbidden', () => {
  // A band of width 3 around the diagonal plus a few far entries; every row and column has entries.
  const m = 16;
  const dense = pointCloudCost(m, m, 'l1', 41);
  const rows: number[] = [];
  const cols: number[] = [];
  const vals: number[] = [];
  const rowPtr = new Int32Array(m + 1);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      if (Math.abs(i - j) <= 2 || (i * 7 + j * 3) % 11 === 0) {
        rows.push(i);
        cols.push(j);
        vals.push(dense.data[i * m + j]);
      }
    }
    rowPtr[i + 1] = cols.length;
  }
  const Cs = CsrMatrix.fromArrays({ rows: m, cols: m, rowPtr, colIdx: Int32Array.from(cols), values: Float64Array.from(vals) });
  const allowed = new Set(rows.map((i, k) => i * m + cols[k]));

  for (const method of methods) {
    it(`${method}: plan is zero off the pattern, marginals met`, () => {
      const r = sinkhorn(uniform(m), uniform(m), Cs, { epsilonRelative: 0.05, method });
      expect(r.converged).toBe(true);
      const P = r.plan();
      for (let k = 0; k < m * m; k++) if (!allowed.has(k)) expect(P.data[k]).toBe(0);
      const { r: rs, c: cs } = marginals(P);
      for (let i = 0; i < m; i++) {
        expect(Math.abs(rs[i] - 1 / m)).toBeLessThan(1e-9);
        expect(Math.abs(cs[i] - 1 / m)).toBeLessThan(1e-9);
      }
      const S = r.plan({ threshold: 0 });
      for (let i = 0; i < m; i++) for (let k = S.rowPtr[i]; k < S.rowPtr[i + 1]; k++) expect(allowed.has(i * m + S.colIdx[k])).toBe(true);
    });
  }

  it('a CSR cost equals the dense cost with the same entries when the pattern is full', () => {
    const Cfull = CsrMatrix.fromDense(dense);
    const r1 = sinkhorn(uniform(m), uniform(m), Cfull, { epsilonRelative: 0.05 });
    const r2 = sinkhorn(uniform(m), uniform(m), dense, { epsilonRelative: 0.05 });
    expect(r1.cost).toBeCloseTo(r2.cost, 12);
  });

  it('a row with mass but no allowed entry is refused', () => {
    const E = CsrMatrix.fromArrays({ rows: 2, cols: 2, rowPtr: Int32Array.from([0, 2, 2]), colIdx: Int32Array.from([0, 1]), values: Float64Array.from([1, 2]) });
    expect(() => sinkhorn([0.5, 0.5], [0.5, 0.5], E, { epsilon: 0.1 })).toThrow(FormatError);
  });
});

describe("method 'log' on a stored, re-anchored kernel (stabilized) is the log-domain iteration", () => {
  const band = (m: number): CsrMatrix => {
    const dense = pointCloudCost(m, m, 'l1', 43);
    const rowPtr = new Int32Array(m + 1);
    const cols: number[] = [];
    const vals: number[] = [];
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < m; j++) {
        if (Math.abs(i - j) <= 3 || (i * 5 + j) % 7 === 0) {
          cols.push(j);
          vals.push(dense.data[i * m + j]);
        }
      }
      rowPtr[i + 1] = cols.length;
    }
    return CsrMatrix.fromArrays({ rows: m, cols: m, rowPtr, colIdx: Int32Array.from(cols), values: Float64Array.from(vals) });
  };
  const f32 = new DenseMatrix(n, n, Float32Array.from(C.data));
  const cases: [string, DenseMatrix | CsrMatrix, number][] = [
    ['dense f64', C, 0.05],
    ['dense f64, small epsilon (absorptions)', C, 2e-3],
    ['dense f32', f32, 0.01],
    ['CSR', band(n), 0.01],
  ];
  for (const [name, cost, rel] of cases) {
    it(`${name}: same iterations, history and potentials as the pure log iteration`, () => {
      // Converged or not within maxIter: the two must walk the same path.
      const opts = { epsilonRelative: rel, method: 'log' as const, maxIter: 3000 };
      const x = sinkhorn(a, a, cost, { ...opts, stabilized: false });
      const y = sinkhorn(a, a, cost, { ...opts, stabilized: true });
      expect(y.converged).toBe(x.converged);
      expect(y.iterations).toBe(x.iterations);
      expect(y.history.length).toBe(x.history.length);
      for (let k = 0; k < x.history.length; k++) expect(Math.abs(y.history[k] - x.history[k])).toBeLessThanOrEqual(1e-9 * x.history[0] + 1e-12);
      for (let i = 0; i < n; i++) {
        expect(Math.abs(y.f[i] - x.f[i])).toBeLessThan(1e-9);
        expect(Math.abs(y.g[i] - x.g[i])).toBeLessThan(1e-9);
      }
      expect(Math.abs(y.cost - x.cost)).toBeLessThan(1e-9 * Math.abs(x.cost));
    });
  }

  for (const shift of [-1000, 1000]) {
    it(`a warm start whose kernel ${shift < 0 ? 'underflows' : 'overflows'} everywhere falls back to log-domain steps`, () => {
      const eps = 0.01;
      const opts = { epsilon: eps, method: 'log' as const, f0: new Float64Array(n).fill(shift * eps), g0: new Float64Array(n) };
      const x = sinkhorn(a, a, C, { ...opts, stabilized: false });
      const y = sinkhorn(a, a, C, { ...opts, stabilized: true });
      expect(y.converged).toBe(true);
      expect(y.iterations).toBe(x.iterations);
      expect(y.history.length).toBe(x.history.length);
      // The starting point's error is Infinity for the overflowing start in both.
      expect(y.history.slice(1).every(Number.isFinite)).toBe(true);
      for (let i = 0; i < n; i++) expect(Math.abs(y.f[i] - x.f[i])).toBeLessThan(1e-9);
    });
  }

  it('a row of tiny mass (1e-250) walks the same path', () => {
    const w = uniform(n);
    w[3] = 1e-250;
    const R = randomCost(n, n, 5);
    const opts = { epsilonRelative: 0.05, method: 'log' as const, maxIter: 3000 };
    const x = sinkhorn(w, w.slice(), R, { ...opts, stabilized: false });
    const y = sinkhorn(w, w.slice(), R, { ...opts, stabilized: true });
    expect(y.converged).toBe(true);
    expect(y.iterations).toBe(x.iterations);
    for (let i = 0; i < n; i++) expect(Math.abs(y.f[i] - x.f[i])).toBeLessThan(1e-9);
  });

  it('stabilized must be a boolean', () => {
    expect(() => sinkhorn(a, a, C, { epsilon: 0.1, stabilized: 1 as unknown as boolean })).toThrow(TypeError);
  });
});

describe("the scaling form's breakdown", () => {
  it("raises ERR_SPARSE_NUMERIC suggesting 'log' instead of returning NaN", () => {
    // Every cost is at least 0.5, so exp(-C/epsilon) is exactly zero at epsilon = 1e-4.
    const Cf = new DenseMatrix(6, 6, Float64Array.from({ length: 36 }, (_, k) => 0.5 + (k % 7) / 10));
    let err: unknown = null;
    try {
      sinkhorn(uniform(6), uniform(6), Cf, { epsilon: 1e-4, method: 'sinkhorn' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SparseError);
    expect((err as SparseError).code).toBe('ERR_SPARSE_NUMERIC');
    expect((err as Error).message).toMatch(/method 'log'/);
    const r = sinkhorn(uniform(6), uniform(6), Cf, { epsilon: 1e-4, method: 'log' });
    expect(r.converged).toBe(true);
  });

  it('raises on partial underflow at small epsilon as well (point clouds)', () => {
    const Cp = pointCloudCost(30, 30, 'sq', 3);
    expect(() => sinkhorn(uniform(30), uniform(30), Cp, { epsilonRelative: 1e-4, method: 'sinkhorn', maxIter: 5000 })).toThrow(/method 'log'/);
  });
});

describe('bad inputs give typed errors', () => {
  const opts = { epsilon: 0.1 };
  it('marginals', () => {
    expect(() => sinkhorn([0.5, 0.5], [0.5, 0.6], randomCost(2, 2, 1), opts)).toThrow(FormatError);
    expect(() => sinkhorn([1.5, -0.5], [0.5, 0.5], randomCost(2, 2, 1), opts)).toThrow(FormatError);
    expect(() => sinkhorn([NaN, 1], [0.5, 0.5], randomCost(2, 2, 1), opts)).toThrow(FormatError);
    expect(() => sinkhorn([0.5, 0.5, 0], [0.5, 0.5], randomCost(2, 2, 1), opts)).toThrow(ShapeError);
    expect(() => sinkhorn('ab' as unknown as number[], [0.5, 0.5], randomCost(2, 2, 1), opts)).toThrow(TypeError);
  });
  it('costs', () => {
    const bad = randomCost(2, 2, 1);
    bad.data[3] = NaN;
    expect(() => sinkhorn([0.5, 0.5], [0.5, 0.5], bad, opts)).toThrow(FormatError);
    bad.data[3] = Infinity;
    expect(() => sinkhorn([0.5, 0.5], [0.5, 0.5], bad, opts)).toThrow(FormatError);
    // Every position (the four-way sums of the check and its tail), both dtypes, each non-finite
    // value: the error names the entry.
    for (const Ctor of [Float64Array, Float32Array]) {
      for (const value of [NaN, Infinity, -Infinity]) {
        for (let k = 0; k < 15; k++) {
          const data = new Ctor(15).fill(0.25);
          data[k] = value;
          const u = [1 / 3, 1 / 3, 1 / 3];
          expect(() => sinkhorn(u, [0.2, 0.2, 0.2, 0.2, 0.2], new DenseMatrix(3, 5, data), opts)).toThrow(
            `C[${Math.floor(k / 5)}, ${k % 5}] = ${data[k]}: costs must be finite`,
          );
        }
      }
    }
    const badCsr = CsrMatrix.fromArrays({ rows: 2, cols: 2, rowPtr: Int32Array.from([0, 1, 2]), colIdx: Int32Array.from([0, 5]), values: Float64Array.from([1, 2]) }, { validate: false });
    expect(() => sinkhorn([0.5, 0.5], [0.5, 0.5], badCsr, opts)).toThrow(FormatError);
    expect(() => sinkhorn([0.5, 0.5], [0.5, 0.5], [[1, 2], [3, 4]] as unknown as DenseMatrix, opts)).toThrow(TypeError);
  });
  it('epsilon and options', () => {
    const Cb = randomCost(2, 2, 1);
    const ab = [0.5, 0.5];
    expect(() => sinkhorn(ab, ab, Cb, { epsilon: 0 })).toThrow(FormatError);
    expect(() => sinkhorn(ab, ab, Cb, { epsilon: -1 })).toThrow(FormatError);
    expect(() => sinkhorn(ab, ab, Cb, { epsilonRelative: NaN })).toThrow(FormatError);
    expect(() => sinkhorn(ab, ab, Cb, {})).toThrow(TypeError);
    expect(() => sinkhorn(ab, ab, Cb, { epsilon: 0.1, epsilonRelative: 0.1 })).toThrow(TypeError);
    expect(() => sinkhorn(ab, ab, Cb, { epsilon: 0.1, method: 'exact' as SinkhornMethod })).toThrow(TypeError);
    expect(() => sinkhorn(ab, ab, Cb, { epsilon: 0.1, f0: [0, 0, 0] })).toThrow(ShapeError);
    expect(() => sinkhorn(ab, ab, Cb, { epsilon: 0.1, tol: -1 })).toThrow(FormatError);
  });
  it('async: yields to the event loop while it runs', async () => {
    // Long enough (tens of ms: the native kernels run an iteration here in about 30 us on 2 cores)
    // that the driver must yield several times.
    const big = pointCloudCost(400, 400, 'sq', 8);
    const iterations = getBackend() === 'native' ? 3000 : 300;
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const r = await sinkhornAsync(uniform(400), uniform(400), big, { epsilonRelative: 1e-3, maxIter: iterations, tol: 0 });
    clearInterval(timer);
    expect(r.iterations).toBe(iterations);
    expect(ticks).toBeGreaterThan(0);
  });
  it('async: validation errors and aborts reject', async () => {
    await expect(sinkhornAsync([0.5, 0.5], [0.5, 0.6], randomCost(2, 2, 1), opts)).rejects.toThrow(FormatError);
    const ac = new AbortController();
    ac.abort();
    await expect(sinkhornAsync(a, a, C, { epsilonRelative: 0.01, signal: ac.signal })).rejects.toThrow(AbortError);
    expect(() => sinkhorn(a, a, C, { epsilonRelative: 0.01, signal: ac.signal })).toThrow(AbortError);
    // aborted while running (from the progress callback)
    const ac2 = new AbortController();
    await expect(
      sinkhornAsync(a, a, C, { epsilonRelative: 0.001, signal: ac2.signal, onIteration: (info) => info.iteration >= 3 && ac2.abort() }),
    ).rejects.toThrow(AbortError);
  });
});

describe('SNS stage 1: a minimum count, then on until the switch error', () => {
  const { a: ga, b: gb, C: gC } = gridHistograms(7, 5);
  // The Sinkhorn iterations run before the first Newton step (no epsilon scaling ahead of them).
  const warmupOf = (sns: object): { warm: number; firstNewtonFrom: number; r: SinkhornResult } => {
    const seen: { iteration: number; marginalError: number; phase: string }[] = [];
    const r = sinkhorn(ga, gb, gC, { epsilonRelative: 1e-3, method: 'sns', maxIter: 5000, sns: { epsilonScaling: 1, ...sns }, onIteration: (x) => seen.push({ ...x }) });
    const first = seen.findIndex((x) => x.phase === 'newton');
    expect(first).toBeGreaterThan(0);
    return { warm: seen[first - 1].iteration, firstNewtonFrom: seen[first - 1].marginalError, r };
  };
  it('default: at least 8 Sinkhorn steps, then until the error is at most 0.1 (or 300 steps)', () => {
    const { warm, firstNewtonFrom, r } = warmupOf({});
    expect(r.converged).toBe(true);
    expect(warm).toBeGreaterThanOrEqual(8);
    expect(warm === 300 || firstNewtonFrom <= 0.1).toBe(true);
    // This problem is far from converged after 8 steps: the switch rule is what stopped stage 1.
    const fixed = warmupOf({ maxWarmupIterations: 8 });
    expect(fixed.warm).toBe(8);
    expect(fixed.firstNewtonFrom).toBeGreaterThan(0.1);
    expect(fixed.r.converged).toBe(true);
    expect(warm).toBeGreaterThan(8);
  });
  it('switchError, warmupIterations and maxWarmupIterations bound stage 1', () => {
    expect(warmupOf({ switchError: 10 }).warm).toBe(8);
    expect(warmupOf({ warmupIterations: 3, switchError: 10 }).warm).toBe(3);
    expect(warmupOf({ switchError: 0, maxWarmupIterations: 40 }).warm).toBe(40);
    // maxWarmupIterations below warmupIterations is raised to it.
    expect(warmupOf({ warmupIterations: 12, maxWarmupIterations: 5 }).warm).toBe(12);
  });
  it('bad values are typed errors', () => {
    for (const switchError of [-1, NaN, Infinity]) expect(() => sinkhorn(ga, gb, gC, { epsilonRelative: 0.1, method: 'sns', sns: { switchError } })).toThrow(FormatError);
    expect(() => sinkhorn(ga, gb, gC, { epsilonRelative: 0.1, method: 'sns', sns: { switchError: '0.1' as unknown as number } })).toThrow(TypeError);
    for (const maxWarmupIterations of [1.5, -3, NaN]) expect(() => sinkhorn(ga, gb, gC, { epsilonRelative: 0.1, method: 'sns', sns: { maxWarmupIterations } })).toThrow(FormatError);
  });
});

describe("SNS's result reuses its last plan pass", () => {
  it('cost, regularized cost and marginal error are those of a fresh pass at the returned potentials', () => {
    for (const { a, b, C: cost } of [gridHistograms(7, 5), { a: uniform(50), b: uniform(50), C: pointCloudCost(50, 50, 'sq', 9) }]) {
      const r = sinkhorn(a, b, cost, { epsilonRelative: 1e-3, method: 'sns', tol: 1e-9, maxIter: 5000 });
      expect(r.converged).toBe(true);
      expect(r.newtonIterations).toBeGreaterThan(0);
      // No iterations from a warm start: the result is one plan pass at (f0, g0).
      const fresh = sinkhorn(a, b, cost, { epsilonRelative: 1e-3, method: 'log', f0: r.f, g0: r.g, maxIter: 0 });
      expect(fresh.iterations).toBe(0);
      expect([r.cost, r.regularizedCost, r.marginalError]).toEqual([fresh.cost, fresh.regularizedCost, fresh.marginalError]);
    }
  });
});

describe('SNS epsilon scaling', () => {
  const { a: ga, b: gb, C: gC } = gridHistograms(7, 5);
  const eps = 1e-3 * Math.max(...gC.data);
  type Seen = { iteration: number; marginalError: number; phase: string; epsilon: number };
  const run = (extra: object): { seen: Seen[]; r: SinkhornResult } => {
    const seen: Seen[] = [];
    const r = sinkhorn(ga, gb, gC, { epsilon: eps, method: 'sns', maxIter: 5000, ...extra, onIteration: (x) => seen.push({ ...x }) });
    return { seen, r };
  };
  // The epsilons in the order they ran, with the last error reported at each.
  const stagesOf = (seen: Seen[]): { epsilon: number; lastError: number; count: number }[] => {
    const out: { epsilon: number; lastError: number; count: number }[] = [];
    for (const x of seen) {
      if (out.length === 0 || out[out.length - 1].epsilon !== x.epsilon) out.push({ epsilon: x.epsilon, lastError: x.marginalError, count: 0 });
      out[out.length - 1].lastError = x.marginalError;
      out[out.length - 1].count++;
    }
    return out;
  };
  it('default: stages at 10 and 3.16 times epsilon, each to the switch error, then the problem at epsilon', () => {
    const { seen, r } = run({});
    expect(r.converged).toBe(true);
    const stages = stagesOf(seen);
    expect(stages.map((x) => x.epsilon / eps)).toEqual([10, 10 / Math.sqrt(10), 1].map((x) => expect.closeTo(x, 12)));
    // Far from the optimum at the start (this problem needs many Sinkhorn steps), and each coarse
    // stage ends at the switch error of its own epsilon, in Sinkhorn steps only.
    for (const st of stages.slice(0, 2)) {
      expect(st.lastError).toBeLessThanOrEqual(0.1);
      expect(st.count).toBeGreaterThan(1);
    }
    expect(seen.filter((x) => x.epsilon !== eps).every((x) => x.phase === 'sinkhorn')).toBe(true);
    expect(seen.filter((x) => x.phase === 'newton').every((x) => x.epsilon === eps)).toBe(true);
    // Fewer iterations than without it, and the same optimum.
    const off = run({ sns: { epsilonScaling: 1 } });
    expect(off.r.converged).toBe(true);
    expect(stagesOf(off.seen).map((x) => x.epsilon)).toEqual([eps]);
    expect(r.iterations).toBeLessThan(off.r.iterations);
    expect(Math.abs(r.cost - off.r.cost)).toBeLessThanOrEqual(1e-6 * off.r.cost);
    expect(r.history.length).toBe(seen.length);
  });
  it('other starting multiples; none on a warm start; maxWarmupIterations bounds the stages together', () => {
    const stages100 = stagesOf(run({ sns: { epsilonScaling: 100 } }).seen).map((x) => x.epsilon / eps);
    // 100, 31.6, 10, 3.16 (a stage within one sweep ends the scaling, so maybe fewer), then 1.
    const expected = [100, 100 / Math.sqrt(10), 10, 10 / Math.sqrt(10)];
    expect(stages100[stages100.length - 1]).toBe(1);
    stages100.slice(0, -1).forEach((x, k) => expect(x).toBeCloseTo(expected[k], 10));
    expect(stagesOf(run({ sns: { epsilonScaling: 2 } }).seen).map((x) => x.epsilon / eps)).toEqual([2, 1]);
    const cold = run({});
    const warm = run({ f0: cold.r.f, g0: cold.r.g });
    expect(stagesOf(warm.seen).map((x) => x.epsilon)).toEqual([eps]);
    const capped = run({ sns: { maxWarmupIterations: 8 } });
    expect(capped.seen.filter((x) => x.epsilon !== eps && x.iteration > 0).length).toBeLessThanOrEqual(8);
    expect(capped.r.converged).toBe(true);
  });
  it('a stage done within one sweep ends the scaling', () => {
    // After one sweep at 10 epsilon this cloud is at 0.26, under a switch error of 0.5.
    const Cq = pointCloudCost(80, 80, 'sq', 5);
    const u = uniform(80);
    const seen: Seen[] = [];
    const sq = 1e-3 * Math.max(...Cq.data);
    const r = sinkhorn(u, u, Cq, { epsilon: sq, method: 'sns', sns: { switchError: 0.5 }, onIteration: (x) => seen.push({ ...x }) });
    expect(r.converged).toBe(true);
    const stages = stagesOf(seen);
    expect(stages.map((x) => x.epsilon / sq)).toEqual([expect.closeTo(10, 12), 1]);
    expect(stages[0].count).toBe(2); // the starting point and one sweep
  });
  it('bad values are typed errors', () => {
    for (const epsilonScaling of [0.5, 0, -1, NaN, Infinity]) expect(() => sinkhorn(ga, gb, gC, { epsilon: eps, method: 'sns', sns: { epsilonScaling } })).toThrow(FormatError);
    expect(() => sinkhorn(ga, gb, gC, { epsilon: eps, method: 'sns', sns: { epsilonScaling: '10' as unknown as number } })).toThrow(TypeError);
  });
});
