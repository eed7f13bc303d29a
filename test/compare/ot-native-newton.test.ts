// The optimal-transport kernels added for speed: guess-shifted log-sum-exp (rows, columns), and the
// Newton stage / scaling-form passes (plan, expm1 line-search sum, kernel products). Native at every
// SIMD level against the JS twins (1e-12 relative on f64), bits independent of the thread count,
// typed errors on bad arguments. Skipped when the addon is not built.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsBackend } from '../../src/backend/js/index.js';
import { otSumTrusted } from '../../src/backend/js/ot.js';
import { loadNativeBackend } from '../../src/backend/native.js';
import { nativeAvailable, setBackend } from '../../src/backend/select.js';
import type { Backend, OtCost } from '../../src/backend/types.js';
import { FormatError, ShapeError } from '../../src/index.js';
import { pcg, projectGauge } from '../../src/ot/sns-cg.js';
import { hessianBuffers, sparsifiedHessian } from '../../src/ot/sns-hessian.js';
import { FC_SEED } from '../helpers/arbitraries.js';

type NativeOt = { otPlanPassDense?: unknown };
const load = loadNativeBackend();
const control = load.control;
const hasNative = nativeAvailable() && typeof (control as NativeOt | null)?.otPlanPassDense === 'function';
const levels = control ? control.info().simdSupported : ['none'];
const defaultLevel = control?.info().simd;
const runs = { seed: FC_SEED, numRuns: 50 };

function lcg(seed: number): () => number {
  let s = seed + 1;
  return () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  };
}

/** a and b agree to 1e-12 relative to `scale` (default |a|), or are the same non-finite value. */
function close(a: number, b: number, scale = Math.abs(a), tiny = 0): void {
  if (!Number.isFinite(a) || !Number.isFinite(b)) {
    expect(Number.isNaN(a) ? Number.isNaN(b) : Object.is(a, b)).toBe(true);
    return;
  }
  expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-12 * scale + tiny);
}

const problem = fc
  .record({
    rows: fc.integer({ min: 1, max: 30 }),
    cols: fc.integer({ min: 1, max: 70 }),
    f32: fc.boolean(),
    eps: fc.constantFrom(1, 0.1, 1e-3),
    seed: fc.integer({ min: 0, max: 1e6 }),
  })
  .map(({ rows, cols, f32, eps, seed }) => {
    const rnd = lcg(seed);
    const data = f32 ? new Float32Array(rows * cols) : new Float64Array(rows * cols);
    for (let k = 0; k < data.length; k++) data[k] = rnd();
    const u = Float64Array.from({ length: rows }, () => rnd() - 0.5);
    const v = Float64Array.from({ length: cols }, () => rnd() - 0.5);
    const C: OtCost = { kind: 'dense', rows, cols, data };
    return { C, u, v, eps, rnd };
  });

function planOf(be: Backend, C: OtCost, f: Float64Array, g: Float64Array, eps: number, withP: boolean, cut: number) {
  const P = withP ? new Float64Array(C.rows * C.cols) : null;
  const r = new Float64Array(C.rows);
  const c = new Float64Array(C.cols).fill(0.25);
  const stats = Float64Array.from([1, -1]);
  const k = Math.min(cut, C.rows);
  be.otPlanPass(C, f, g, eps, P, r, c, stats, 0, k);
  be.otPlanPass(C, f, g, eps, P, r, c, stats, k, C.rows);
  return { P, r, c, stats };
}

describe.skipIf(!hasNative).each(levels)('OT Newton-stage kernels: native (SIMD %s) and JS agree', (level) => {
  beforeAll(() => control?.setSimd(level));
  afterAll(() => {
    if (defaultLevel) control?.setSimd(defaultLevel);
    setBackend('auto');
  });

  it('row log-sum-exp with a guess: good, far-off and non-finite guesses', () => {
    const native = load.backend!;
    fc.assert(
      fc.property(problem, fc.constantFrom(0, 1, 50, -400, 600, NaN), ({ C, v, eps, rnd }, off) => {
        const exact = new Float64Array(C.rows);
        jsBackend.otLseRows(C, v, eps, exact, 0, C.rows);
        // A guess off by `off` epsilons (plus noise): 0/1/50 take the one-pass branch, -400/600 the fallback.
        const guess = exact.map((x) => x + eps * (off + rnd() - 0.5));
        const a = new Float64Array(C.rows);
        const b = new Float64Array(C.rows);
        jsBackend.otLseRows(C, v, eps, a, 0, C.rows, guess);
        native.otLseRows(C, v, eps, b, 0, C.rows, guess);
        for (let i = 0; i < C.rows; i++) {
          close(a[i], b[i], Math.abs(a[i]) + eps);
          close(exact[i], a[i], Math.abs(exact[i]) + 1e3 * eps);
        }
      }),
      runs,
    );
  });

  it('shifted column exp-sums, streamed over row blocks', () => {
    const native = load.backend!;
    fc.assert(
      fc.property(problem, fc.integer({ min: 1, max: 30 }), ({ C, u, eps, rnd }, cut) => {
        const shift = Float64Array.from({ length: C.cols }, () => (rnd() - 0.5) / eps);
        const run = (be: Backend): Float64Array => {
          const sum = new Float64Array(C.cols);
          const k = Math.min(cut, C.rows);
          be.otLseColsShifted(C, u, eps, shift, sum, 0, k);
          be.otLseColsShifted(C, u, eps, shift, sum, k, C.rows);
          return sum;
        };
        const a = run(jsBackend);
        const b = run(native);
        // Sums outside the trusted window only have to be untrusted on both sides (native clamps
        // overflowing exponents at 709, JS gives Infinity); the caller then recomputes exactly.
        for (let j = 0; j < C.cols; j++) {
          if (otSumTrusted(a[j])) close(a[j], b[j]);
          else expect(otSumTrusted(b[j])).toBe(false);
        }
      }),
      runs,
    );
  });

  it('plan pass: P, row and column sums, <C,P> and sum P log P (overflowing entries included)', () => {
    const native = load.backend!;
    fc.assert(
      fc.property(problem, fc.boolean(), fc.integer({ min: 1, max: 30 }), ({ C, u, v, eps }, withP, cut) => {
        const a = planOf(jsBackend, C, u, v, eps, withP, cut);
        const b = planOf(native, C, u, v, eps, withP, cut);
        const full = planOf(jsBackend, C, u, v, eps, true, cut).P!;
        let entMag = 1;
        const d = (C as Extract<OtCost, { kind: 'dense' }>).data;
        for (let i = 0; i < C.rows; i++) {
          for (let j = 0; j < C.cols; j++) entMag += Math.abs(full[i * C.cols + j] * ((u[i] + v[j] - d[i * C.cols + j]) / eps));
        }
        // Entries below e^-708 are 0 natively and subnormal in JS: absolute slack 1e-300.
        for (let i = 0; i < C.rows; i++) close(a.r[i], b.r[i], Math.abs(a.r[i]), 1e-300);
        for (let j = 0; j < C.cols; j++) close(a.c[j], b.c[j], Math.abs(a.c[j]), 1e-300);
        close(a.stats[0], b.stats[0], Math.abs(a.stats[0]), 1e-300);
        close(a.stats[1], b.stats[1], entMag);
        if (withP) for (let k = 0; k < a.P!.length; k++) close(a.P![k], b.P![k], Math.abs(a.P![k]), 1e-300);
      }),
      runs,
    );
  });

  it('plan pass without stats (null): the same P, row and column sums, bit for bit, on both backends, dense and CSR', () => {
    const native = load.backend!;
    fc.assert(
      fc.property(problem, fc.integer({ min: 1, max: 30 }), fc.boolean(), ({ C, u, v, eps, rnd }, cut, sparse) => {
        const S = sparse ? csrOf(C, rnd, 0.5) : C;
        const len = S.kind === 'dense' ? S.rows * S.cols : S.rowPtr[S.rows];
        for (const be of [jsBackend, native]) {
          const run = (stats: Float64Array | null) => {
            const P = new Float64Array(len);
            const r = new Float64Array(S.rows);
            const c = new Float64Array(S.cols).fill(0.25);
            const k = Math.min(cut, S.rows);
            be.otPlanPass(S, u, v, eps, P, r, c, stats, 0, k);
            be.otPlanPass(S, u, v, eps, P, r, c, stats, k, S.rows);
            return [P, r, c].map((x) => Buffer.from(x.buffer, x.byteOffset, x.byteLength).toString('hex'));
          };
          expect(run(null)).toEqual(run(Float64Array.from([1, -1])));
        }
      }),
      runs,
    );
  });

  it('expm1 line-search sum, from tiny steps (no cancellation) to overflowing ones', () => {
    const native = load.backend!;
    fc.assert(
      fc.property(problem, fc.constantFrom(1e-9, 1e-3, 0.3, 1, 30, 3000), ({ C, u, v, rnd }, scale) => {
        const P = Float64Array.from({ length: C.rows * C.cols }, () => (rnd() < 0.2 ? 0 : rnd()));
        const cut = 1 + Math.floor(rnd() * C.rows);
        const run = (be: Backend): number => {
          const k = Math.min(cut, C.rows);
          return be.otExpm1Dot(C, P, u, v, scale, be.otExpm1Dot(C, P, u, v, scale, 0.5, 0, k), k, C.rows);
        };
        close(run(jsBackend), run(native));
      }),
      runs,
    );
  });

  it('plan pass floor: entries below it are zero, in P and in the sums (dense and CSR)', () => {
    const native = load.backend!;
    fc.assert(
      fc.property(problem, fc.boolean(), ({ C, u, v, eps, rnd }, sparse) => {
        const S = sparse ? csrOf(C, rnd, 0.5) : C;
        const len = S.kind === 'dense' ? S.rows * S.cols : S.rowPtr[S.rows];
        for (const be of [jsBackend, native]) {
          const run = (floor: number) => {
            const P = new Float64Array(len);
            const r = new Float64Array(S.rows);
            const c = new Float64Array(S.cols);
            be.otPlanPass(S, u, v, eps, P, r, c, null, 0, S.rows, floor);
            return { P, r, c };
          };
          const full = run(0);
          const sorted = Array.from(full.P).sort((x, y) => x - y);
          const floor = sorted[Math.floor(rnd() * len)];
          const cut = run(floor);
          expect(Array.from(cut.P)).toEqual(Array.from(full.P, (p) => (p < floor ? 0 : p)));
          const r = new Float64Array(S.rows);
          const c = new Float64Array(S.cols);
          for (let i = 0; i < S.rows; i++) {
            const b = S.kind === 'dense' ? i * S.cols : S.rowPtr[i];
            const e = S.kind === 'dense' ? b + S.cols : S.rowPtr[i + 1];
            for (let k = b; k < e; k++) {
              r[i] += cut.P[k];
              c[S.kind === 'dense' ? k - b : S.colIdx[k]] += cut.P[k];
            }
          }
          r.forEach((x, i) => close(x, cut.r[i], Math.max(x, 1e-300)));
          c.forEach((x, j) => close(x, cut.c[j], Math.max(x, 1e-300)));
        }
      }),
      runs,
    );
  });

  it('expm1 line-search sum skips exactly the entries below tiny with t < 256 (dense and CSR)', () => {
    const native = load.backend!;
    fc.assert(
      fc.property(problem, fc.constantFrom(1e-3, 1, 300), fc.boolean(), fc.boolean(), ({ C, u, v, rnd }, scale, sparse, onlySmall) => {
        const S = sparse ? csrOf(C, rnd, 0.5) : C;
        const len = S.kind === 'dense' ? S.rows * S.cols : S.rowPtr[S.rows];
        const tiny = 1e-200;
        // Entries below tiny (subnormal products when t is moderate), zeros and, unless onlySmall
        // (where a skipped entry would show in the sum), normal ones.
        const P = Float64Array.from({ length: len }, () => {
          const x = rnd();
          return x < 0.2 ? 0 : x < 0.5 ? rnd() * 1e-300 : x < 0.6 || onlySmall ? 1e-210 : rnd();
        });
        // The same sum with tiny = 0 over P with those entries zeroed: the rule, not an approximation.
        const zeroed = P.slice();
        for (let i = 0; i < S.rows; i++) {
          const b = S.kind === 'dense' ? i * S.cols : S.rowPtr[i];
          const e = S.kind === 'dense' ? b + S.cols : S.rowPtr[i + 1];
          for (let k = b; k < e; k++) {
            const j = S.kind === 'dense' ? k - b : S.colIdx[k];
            if (P[k] < tiny && scale * (u[i] + v[j]) < 256) zeroed[k] = 0;
          }
        }
        const k = Math.max(1, S.rows >> 1);
        const run = (be: Backend, Q: Float64Array, t: number): number =>
          be.otExpm1Dot(S, Q, u, v, scale, be.otExpm1Dot(S, Q, u, v, scale, 0, 0, k, t), k, S.rows, t);
        for (const be of [jsBackend, native]) expect(Object.is(run(be, P, tiny), run(be, zeroed, 0))).toBe(true);
        close(run(jsBackend, P, tiny), run(native, P, tiny));
      }),
      runs,
    );
    // An entry below tiny still counts where t >= 256 (its term is not small), and a zero entry
    // whose t overflows exp adds nothing (no 0 * Infinity).
    const C: OtCost = { kind: 'dense', rows: 1, cols: 9, data: new Float64Array(9) };
    const P = Float64Array.of(1e-300, 0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5);
    const dg = Float64Array.of(300, 800, 1e-3, 1e-3, 1e-3, 1e-3, 1e-3, 1e-3, 1e-3);
    for (const be of [jsBackend, native]) {
      const got = be.otExpm1Dot(C, P, new Float64Array(1), dg, 1, 0, 0, 1, 1e-200);
      expect(got).toBeGreaterThan(1e-300 * Math.exp(299));
      expect(Number.isFinite(got)).toBe(true);
    }
  });

  it('kernel products K x and K^T x', () => {
    const native = load.backend!;
    fc.assert(
      fc.property(problem, fc.boolean(), ({ C, rnd }, transpose) => {
        const K: OtCost = { kind: 'dense', rows: C.rows, cols: C.cols, data: Float64Array.from({ length: C.rows * C.cols }, rnd) };
        const x = Float64Array.from({ length: transpose ? C.rows : C.cols }, rnd);
        const y0 = Float64Array.from({ length: transpose ? C.cols : C.rows }, rnd);
        const run = (be: Backend): Float64Array => {
          const y = y0.slice();
          const k = Math.min(1 + Math.floor(C.rows / 2), C.rows);
          be.otKernelMatvec(K, x, y, transpose, 0, k);
          be.otKernelMatvec(K, x, y, transpose, k, C.rows);
          return y;
        };
        const a = run(jsBackend);
        const b = run(native);
        for (let k = 0; k < a.length; k++) close(a[k], b[k]);
      }),
      runs,
    );
  });
  it('fused scaling sweep: row error, a / (K v) and K^T u, streamed over row blocks', () => {
    const native = load.backend!;
    fc.assert(
      fc.property(problem, fc.integer({ min: 1, max: 30 }), fc.boolean(), ({ C, rnd }, cut, zeroRow) => {
        const K: OtCost = { kind: 'dense', rows: C.rows, cols: C.cols, data: Float64Array.from({ length: C.rows * C.cols }, rnd) };
        // A row of zeros gives 1/0 = Infinity in both (the solver's degeneracy signal).
        if (zeroRow) (K.data as Float64Array).fill(0, 0, C.cols);
        const v = Float64Array.from({ length: C.cols }, () => rnd() + 0.1);
        const a = Float64Array.from({ length: C.rows }, () => rnd() + 0.1);
        const uOld = Float64Array.from({ length: C.rows }, () => rnd() + 0.1);
        const col0 = Float64Array.from({ length: C.cols }, rnd);
        const run = (be: Backend) => {
          const uNew = new Float64Array(C.rows);
          const col = col0.slice();
          const k = Math.min(cut, C.rows);
          const err = be.otScalingSweep(K, v, a, uOld, uNew, col, 0, k) + be.otScalingSweep(K, v, a, uOld, uNew, col, k, C.rows);
          return { err, uNew, col };
        };
        const x = run(jsBackend);
        const y = run(native);
        close(x.err, y.err);
        for (let i = 0; i < C.rows; i++) close(x.uNew[i], y.uNew[i]);
        for (let j = 0; j < C.cols; j++) {
          if (zeroRow) expect(Number.isNaN(y.col[j])).toBe(Number.isNaN(x.col[j]));
          else close(x.col[j], y.col[j]);
        }
      }),
      runs,
    );
  });
});

/** A CSR cost with a random pattern (empty rows allowed) over the dense problem's values. */
function csrOf(C: OtCost, rnd: () => number, density: number): Extract<OtCost, { kind: 'csr' }> {
  const d = (C as Extract<OtCost, { kind: 'dense' }>).data;
  const rowPtr = new Int32Array(C.rows + 1);
  const cols: number[] = [];
  const vals: number[] = [];
  for (let i = 0; i < C.rows; i++) {
    for (let j = 0; j < C.cols; j++) {
      if (rnd() < density) {
        cols.push(j);
        vals.push(d[i * C.cols + j]);
      }
    }
    rowPtr[i + 1] = cols.length;
  }
  const values = d instanceof Float32Array ? Float32Array.from(vals) : Float64Array.from(vals);
  return { kind: 'csr', rows: C.rows, cols: C.cols, rowPtr, colIdx: Int32Array.from(cols), values };
}

describe.skipIf(!hasNative).each(levels)('OT CSR-cost kernels: native (SIMD %s) and JS agree', (level) => {
  beforeAll(() => control?.setSimd(level));
  afterAll(() => {
    if (defaultLevel) control?.setSimd(defaultLevel);
  });

  it('plan pass over the stored entries (overflowing ones included)', () => {
    const native = load.backend!;
    fc.assert(
      fc.property(problem, fc.constantFrom(0.1, 0.5, 1), fc.boolean(), fc.integer({ min: 1, max: 30 }), ({ C, u, v, eps, rnd }, density, withP, cut) => {
        const S = csrOf(C, rnd, density);
        const run = (be: Backend) => {
          const P = withP ? new Float64Array(S.rowPtr[S.rows]) : null;
          const r = new Float64Array(S.rows);
          const c = new Float64Array(S.cols).fill(0.25);
          const stats = Float64Array.from([1, -1]);
          const k = Math.min(cut, S.rows);
          be.otPlanPass(S, u, v, eps, P, r, c, stats, 0, k);
          be.otPlanPass(S, u, v, eps, P, r, c, stats, k, S.rows);
          return { P, r, c, stats };
        };
        const a = run(jsBackend);
        const b = run(native);
        let entMag = 1;
        for (let i = 0; i < S.rows; i++) for (let k = S.rowPtr[i]; k < S.rowPtr[i + 1]; k++) entMag += Math.abs(Math.exp((u[i] + v[S.colIdx[k]] - S.values[k]) / eps) * ((u[i] + v[S.colIdx[k]] - S.values[k]) / eps));
        for (let i = 0; i < S.rows; i++) close(a.r[i], b.r[i], Math.abs(a.r[i]), 1e-300);
        for (let j = 0; j < S.cols; j++) close(a.c[j], b.c[j], Math.abs(a.c[j]), 1e-300);
        close(a.stats[0], b.stats[0], Math.abs(a.stats[0]), 1e-300);
        close(a.stats[1], b.stats[1], entMag);
        if (withP) for (let k = 0; k < a.P!.length; k++) close(a.P![k], b.P![k], Math.abs(a.P![k]), 1e-300);
      }),
      runs,
    );
  });

  it('expm1 line-search sum and the fused scaling sweep', () => {
    const native = load.backend!;
    fc.assert(
      fc.property(problem, fc.constantFrom(0.2, 1), fc.constantFrom(1e-6, 0.3, 30), ({ C, u, v, rnd }, density, scale) => {
        const S = csrOf(C, rnd, density);
        const nnz = S.rowPtr[S.rows];
        const P = Float64Array.from({ length: nnz }, () => (rnd() < 0.2 ? 0 : rnd()));
        const k = Math.min(1 + Math.floor(S.rows / 2), S.rows);
        const dot = (be: Backend) => be.otExpm1Dot(S, P, u, v, scale, be.otExpm1Dot(S, P, u, v, scale, 0.5, 0, k), k, S.rows);
        close(dot(jsBackend), dot(native));
        const K = { ...S, values: P };
        const a = Float64Array.from({ length: S.rows }, () => rnd() + 0.1);
        const w = Float64Array.from({ length: S.cols }, () => rnd() + 0.1);
        const sweep = (be: Backend) => {
          const uNew = new Float64Array(S.rows);
          const col = new Float64Array(S.cols);
          const err = be.otScalingSweep(K, w, a, a, uNew, col, 0, k) + be.otScalingSweep(K, w, a, a, uNew, col, k, S.rows);
          return { err, uNew, col };
        };
        const x = sweep(jsBackend);
        const y = sweep(native);
        close(x.err, y.err);
        // Empty rows give a / 0 = Infinity on both sides, and NaN column sums.
        for (let i = 0; i < S.rows; i++) close(x.uNew[i], y.uNew[i]);
        for (let j = 0; j < S.cols; j++) close(x.col[j], y.col[j]);
      }),
      runs,
    );
  });

  it('log-sum-exp passes: rows with good, far-off and non-finite guesses; shifted and streaming columns', () => {
    const native = load.backend!;
    fc.assert(
      fc.property(problem, fc.constantFrom(0.1, 0.6, 1), fc.constantFrom(0, 1, -400, 600, NaN), fc.integer({ min: 1, max: 30 }), ({ C, u, v, eps, rnd }, density, off, cut) => {
        const S = csrOf(C, rnd, density);
        const k = Math.min(cut, S.rows);
        const exact = new Float64Array(S.rows);
        jsBackend.otLseRows(S, v, eps, exact, 0, S.rows);
        const guess = exact.map((x) => x + eps * (off + rnd() - 0.5));
        const rowsOf = (be: Backend, g: Float64Array | null) => {
          const out = new Float64Array(S.rows);
          be.otLseRows(S, v, eps, out, 0, k, g);
          be.otLseRows(S, v, eps, out, k, S.rows, g);
          return out;
        };
        for (const g of [null, guess]) {
          const a = rowsOf(jsBackend, g);
          const b = rowsOf(native, g);
          for (let i = 0; i < S.rows; i++) close(a[i], b[i], Math.abs(a[i]) + eps);
        }
        const shift = Float64Array.from({ length: S.cols }, () => (rnd() - 0.5) / eps);
        const shifted = (be: Backend) => {
          const sum = new Float64Array(S.cols);
          be.otLseColsShifted(S, u, eps, shift, sum, 0, k);
          be.otLseColsShifted(S, u, eps, shift, sum, k, S.rows);
          return sum;
        };
        const sa = shifted(jsBackend);
        const sb = shifted(native);
        for (let j = 0; j < S.cols; j++) {
          if (otSumTrusted(sa[j])) close(sa[j], sb[j]);
          else expect(otSumTrusted(sb[j])).toBe(false);
        }
        const streamed = (be: Backend) => {
          const mx = new Float64Array(S.cols).fill(-Infinity);
          const sum = new Float64Array(S.cols);
          be.otLseCols(S, u, eps, mx, sum, 0, k);
          be.otLseCols(S, u, eps, mx, sum, k, S.rows);
          return Float64Array.from(mx, (m, j) => eps * (m + Math.log(sum[j])));
        };
        const ca = streamed(jsBackend);
        const cb = streamed(native);
        for (let j = 0; j < S.cols; j++) close(ca[j], cb[j], Math.abs(ca[j]) + eps);
      }),
      runs,
    );
  });

  it('bad structures raise typed errors, never crash', () => {
    const native = load.backend!;
    const f3 = new Float64Array(3);
    const f4 = new Float64Array(4);
    const S: OtCost = { kind: 'csr', rows: 3, cols: 4, rowPtr: Int32Array.from([0, 2, 3, 4]), colIdx: Int32Array.from([0, 3, 1, 2]), values: Float64Array.from([1, 2, 3, 4]) };
    const stats = new Float64Array(2);
    expect(() => native.otPlanPass(S, f3, f4, 0.1, null, f3, f4, stats, 0, 3)).not.toThrow();
    const badCol = { ...S, colIdx: Int32Array.from([0, 4, 1, 2]) };
    expect(() => native.otPlanPass(badCol, f3, f4, 0.1, null, f3, f4, stats, 0, 3)).toThrow(FormatError);
    expect(() => native.otExpm1Dot(badCol, f4, f3, f4, 1, 0, 0, 3)).toThrow(FormatError);
    expect(() => native.otScalingSweep(badCol, f4, f3, f3, f3, f4, 0, 3)).toThrow(FormatError);
    expect(() => native.otLseRows(badCol, f4, 0.1, f3, 0, 3, null)).toThrow(FormatError);
    expect(() => native.otLseRows(badCol, f4, 0.1, f3, 0, 3, f3)).toThrow(FormatError);
    expect(() => native.otLseCols(badCol, f3, 0.1, f4, f4, 0, 3)).toThrow(FormatError);
    expect(() => native.otLseColsShifted(badCol, f3, 0.1, f4, f4, 0, 3)).toThrow(FormatError);
    expect(() => native.otLseRows(S, f3, 0.1, f3, 0, 3, null)).toThrow(ShapeError);
    expect(() => native.otLseCols(S, f3, 0.1, f3, f4, 0, 3)).toThrow(ShapeError);
    const negCol = { ...S, colIdx: Int32Array.from([0, 1, -1, 2]) };
    expect(() => native.otScalingSweep(negCol, f4, f3, f3, f3, f4, 0, 3)).toThrow(FormatError);
    const badPtr = { ...S, rowPtr: Int32Array.from([0, 3, 2, 4]) };
    expect(() => native.otPlanPass(badPtr, f3, f4, 0.1, null, f3, f4, stats, 0, 3)).toThrow(FormatError);
    const longPtr = { ...S, rowPtr: Int32Array.from([0, 2, 3, 9]) };
    expect(() => native.otExpm1Dot(longPtr, f4, f3, f4, 1, 0, 0, 3)).toThrow(FormatError);
    expect(() => native.otPlanPass(S, f3, f4, 0.1, new Float64Array(3), f3, f4, stats, 0, 3)).toThrow(ShapeError);
    expect(() => native.otPlanPass(S, f3, f3, 0.1, null, f3, f4, stats, 0, 3)).toThrow(ShapeError);
    expect(() => native.otScalingSweep(S, f4, f3, f3, f3, f4, 2, 4)).toThrow(ShapeError);
  });
});

// The bytes of a typed array's own window (the Hessian's arrays are views of larger buffers).
const bytesOf = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe.skipIf(!hasNative).each(levels)('SNS sparsified Hessian: native build (SIMD %s) equals the JS twin exactly', (level) => {
  beforeAll(() => control?.setSimd(level));
  afterAll(() => {
    if (defaultLevel) control?.setSimd(defaultLevel);
  });

  it('plans spanning the whole exponent range: the floor, the cut and the masked blocks of 8', () => {
    // Entries 2^-k (times 1 to 2) with k over [0, 1100] (subnormals included), zeros, a few negatives, in rows
    // whose lengths are not multiples of 8; r the row sums (the floor scales with their total)
    // or an unrelated vector. Native passes read P eight entries at a time against bounds.
    const native = load.backend!;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 70 }),
        fc.integer({ min: 0, max: 1e6 }),
        fc.constantFrom(0, 1e-12, 1e-3, 0.2),
        fc.constantFrom(0, 2, 40, 1100),
        fc.boolean(),
        (rows, cols, seed, massDrop, spread, rowSums) => {
          const rnd = lcg(seed);
          const P = new Float64Array(rows * cols);
          for (let k = 0; k < P.length; k++) {
            const u = rnd();
            // Exact powers of two sit on the bounds the compares test.
            const mantissa = u < 0.3 ? 1 : 1 + rnd();
            P[k] = u < 0.05 ? 0 : u < 0.07 ? -rnd() : mantissa * 2 ** -Math.floor(rnd() * (spread + 1));
          }
          const C: OtCost = { kind: 'dense', rows, cols, data: new Float64Array(rows * cols) };
          const r = new Float64Array(rows);
          const c = new Float64Array(cols);
          for (let i = 0; i < rows; i++) {
            for (let j = 0; j < cols; j++) {
              r[i] += rowSums ? P[i * cols + j] : rnd() * 1e6;
              c[j] += P[i * cols + j];
            }
          }
          const js = sparsifiedHessian(C, P, r, c, massDrop);
          const nat = sparsifiedHessian(C, P, r, c, massDrop, native);
          expect(nat.kept).toBe(js.kept);
          expect(bytesOf(nat.H.rowPtr).equals(bytesOf(js.H.rowPtr))).toBe(true);
          expect(bytesOf(nat.H.colIdx).equals(bytesOf(js.H.colIdx))).toBe(true);
          expect(bytesOf(nat.H.values).equals(bytesOf(js.H.values))).toBe(true);
          if (rowSums) {
            // The rule's promise: the dropped (non-negative) entries hold at most massDrop of the
            // total, up to the histogram's 2^-20 weights and the floor's 2^-40.
            let total = 0;
            let kept = 0;
            for (const p of P) if (p > 0) total += p;
            const S = js.H;
            for (let i = 0; i < rows; i++) {
              for (let q = S.rowPtr[i] + 1; q < S.rowPtr[i + 1]; q++) if (S.values[q] > 0) kept += S.values[q];
            }
            expect(total - kept).toBeLessThanOrEqual(massDrop * total * (1 + 2 ** -19) + 1e-300);
          }
        },
      ),
      runs,
    );
  });

  it('same kept set, structure and values, for every drop share', () => {
    const native = load.backend!;
    fc.assert(
      fc.property(problem, fc.constantFrom(0, 1e-9, 1e-3, 0.1, 0.9, 1), ({ C, u, v, eps }, massDrop) => {
        const { P, r, c } = planOf(jsBackend, C, u, v, Math.max(eps, 0.05), true, C.rows);
        // Exact zeros and ties (equal values are kept or dropped together).
        P![0] = 0;
        if (P!.length > 3) P![3] = P![1];
        const js = sparsifiedHessian(C, P!, r, c, massDrop);
        const nat = sparsifiedHessian(C, P!, r, c, massDrop, native);
        expect(nat.kept).toBe(js.kept);
        expect(Array.from(nat.H.rowPtr)).toEqual(Array.from(js.H.rowPtr));
        expect(Array.from(nat.H.colIdx)).toEqual(Array.from(js.H.colIdx));
        expect(Array.from(nat.H.values)).toEqual(Array.from(js.H.values));
        expect(Array.from(nat.diag)).toEqual(Array.from(js.diag));
      }),
      runs,
    );
  });

  it('a plan of several histogram blocks (150k entries): same structure as the twin at 1, 2 and 3 threads', () => {
    const native = load.backend!;
    const before = control!.getThreads();
    const rows = 300;
    const cols = 500;
    const rnd = lcg(11);
    const C: OtCost = { kind: 'dense', rows, cols, data: Float64Array.from({ length: rows * cols }, rnd) };
    const f = Float64Array.from({ length: rows }, () => rnd() * 0.01);
    const g = Float64Array.from({ length: cols }, () => rnd() * 0.01);
    const { P, r, c } = planOf(jsBackend, C, f, g, 0.02, true, rows);
    try {
      for (const massDrop of [1e-3, 0.3]) {
        const js = sparsifiedHessian(C, P!, r, c, massDrop);
        expect(js.kept).toBeGreaterThan(0);
        expect(js.kept).toBeLessThan(rows * cols);
        for (const t of [1, 2, 3]) {
          control!.setThreads(t);
          const nat = sparsifiedHessian(C, P!, r, c, massDrop, native);
          expect(nat.kept).toBe(js.kept);
          expect(bytesOf(nat.H.rowPtr).equals(bytesOf(js.H.rowPtr))).toBe(true);
          expect(bytesOf(nat.H.colIdx).equals(bytesOf(js.H.colIdx))).toBe(true);
          expect(bytesOf(nat.H.values).equals(bytesOf(js.H.values))).toBe(true);
        }
      }
    } finally {
      control!.setThreads(before);
    }
  });

  it('buffers reused across calls (the kept set shrinking and growing) give what fresh ones give', () => {
    const native = load.backend!;
    fc.assert(
      fc.property(problem, ({ C, u, v, eps }) => {
        const { P, r, c } = planOf(jsBackend, C, u, v, Math.max(eps, 0.05), true, C.rows);
        const bufJs = hessianBuffers(C.rows, C.cols, 0);
        const bufNative = hessianBuffers(C.rows, C.cols, 0);
        for (const massDrop of [0.9, 0, 0.5, 1e-3, 1]) {
          const fresh = sparsifiedHessian(C, P!, r, c, massDrop);
          for (const [be, buf] of [[undefined, bufJs], [native, bufNative]] as const) {
            const h = sparsifiedHessian(C, P!, r, c, massDrop, be, buf);
            expect(h.kept).toBe(fresh.kept);
            expect(bytesOf(h.H.rowPtr).equals(bytesOf(fresh.H.rowPtr))).toBe(true);
            expect(bytesOf(h.H.colIdx).equals(bytesOf(fresh.H.colIdx))).toBe(true);
            expect(bytesOf(h.H.values).equals(bytesOf(fresh.H.values))).toBe(true);
          }
        }
      }),
      runs,
    );
  });

  it('CSR costs (random patterns, empty rows, unsorted and repeated columns): the native build equals the twin', () => {
    const native = load.backend!;
    fc.assert(
      fc.property(problem, fc.constantFrom(0, 0.1, 0.4, 1), fc.constantFrom(0, 1e-3, 0.3), fc.boolean(), ({ C, u, v, eps, rnd }, density, massDrop, shuffle) => {
        const S = csrOf(C, rnd, density);
        if (shuffle) {
          // Reverse each row and repeat its first column once more: the twins keep storage order.
          for (let i = 0; i < S.rows; i++) S.colIdx.subarray(S.rowPtr[i], S.rowPtr[i + 1]).reverse();
          if (S.colIdx.length > 1 && S.rowPtr[1] >= 2) S.colIdx[1] = S.colIdx[0];
        }
        const P = new Float64Array(S.rowPtr[S.rows]);
        const r = new Float64Array(S.rows);
        const c = new Float64Array(S.cols);
        jsBackend.otPlanPass(S, u, v, Math.max(eps, 0.05), P, r, c, new Float64Array(2), 0, S.rows);
        const js = sparsifiedHessian(S, P, r, c, massDrop);
        const nat = sparsifiedHessian(S, P, r, c, massDrop, native, hessianBuffers(S.rows, S.cols, 0));
        expect(nat.kept).toBe(js.kept);
        expect(bytesOf(nat.H.rowPtr).equals(bytesOf(js.H.rowPtr))).toBe(true);
        expect(bytesOf(nat.H.colIdx).equals(bytesOf(js.H.colIdx))).toBe(true);
        expect(bytesOf(nat.H.values).equals(bytesOf(js.H.values))).toBe(true);
      }),
      runs,
    );
  });

  it('CSR costs: a bad row pointer or column, or outputs aliasing the cost, are typed errors', () => {
    const native = load.backend!;
    const S = { kind: 'csr' as const, rows: 3, cols: 4, rowPtr: Int32Array.from([0, 2, 3, 4]), colIdx: Int32Array.from([0, 3, 1, 2]), values: Float64Array.from([1, 2, 3, 4]) };
    const P = Float64Array.from([0.25, 0.25, 0.25, 0.25]);
    const r3 = new Float64Array(3).fill(1 / 3);
    const c4 = new Float64Array(4).fill(0.25);
    const buf = hessianBuffers(3, 4, 4);
    expect(native.otSparsify!(S, P, r3, c4, 0, buf)).toBe(7 + 2 * 4);
    expect(() => native.otSparsify!({ ...S, colIdx: Int32Array.from([0, 4, 1, 2]) }, P, r3, c4, 0, buf)).toThrow(FormatError);
    expect(() => native.otSparsify!({ ...S, colIdx: Int32Array.from([0, 3, -1, 2]) }, P, r3, c4, 0, buf)).toThrow(FormatError);
    expect(() => native.otSparsify!({ ...S, rowPtr: Int32Array.from([0, 3, 2, 4]) }, P, r3, c4, 0, buf)).toThrow(FormatError);
    expect(() => native.otSparsify!({ ...S, rowPtr: Int32Array.from([0, 2, 3, 5]) }, P, r3, c4, 0, buf)).toThrow(FormatError);
    expect(() => native.otSparsify!(S, new Float64Array(3), r3, c4, 0, buf)).toThrow(ShapeError);
    expect(() => native.otSparsify!(S, P, r3, c4, 0, { ...buf, colIdx: S.colIdx })).toThrow(ShapeError);
    const shared = new Int32Array(16);
    shared.set(S.rowPtr);
    const S2 = { ...S, rowPtr: shared.subarray(0, 4) };
    expect(native.otSparsify!(S2, P, r3, c4, 0, buf)).toBe(7 + 2 * 4);
    expect(() => native.otSparsify!(S2, P, r3, c4, 0, { ...buf, rowPtr: shared.subarray(2, 10) })).toThrow(ShapeError);
  });

  it('the native Schur-complement CG gives the bits and step count of the JS twin, and solves H x = rhs to the tolerance', () => {
    const native = load.backend!;
    fc.assert(
      fc.property(problem, fc.constantFrom(1e-3, 0.1), fc.constantFrom(1e-3, 1e-10), ({ C, u, v, eps, rnd }, massDrop, rtol) => {
        const { P, r, c } = planOf(jsBackend, C, u, v, Math.max(eps, 0.05), true, C.rows);
        const { H, diag } = sparsifiedHessian(C, P!, r, c, massDrop);
        const N = C.rows + C.cols;
        const rhs = Float64Array.from({ length: N }, () => rnd() - 0.5);
        const xj = new Float64Array(N);
        const xn = new Float64Array(N);
        // Orthogonal to H's null direction (1_n, -1_m) when nothing is dropped: a consistent system.
        projectGauge(rhs, C.rows);
        setBackend('js');
        const itJs = pcg(H, C.rows, diag, rhs, xj, rtol, 10 * N);
        setBackend('auto');
        const itNative = pcg(H, C.rows, diag, rhs, xn, rtol, 10 * N, native);
        expect(itNative).toBe(itJs);
        expect(Buffer.from(xn.buffer, xn.byteOffset, xn.byteLength).equals(Buffer.from(xj.buffer, xj.byteOffset, xj.byteLength))).toBe(true);
        // The Schur-complement solve solves the full system: ||H x - rhs|| within the tolerance.
        if (itJs < 10 * N) {
          const Hx = H.matvec(xj);
          let res = 0;
          let b = 0;
          for (let k = 0; k < N; k++) {
            res += (Hx[k] - rhs[k]) ** 2;
            b += rhs[k] ** 2;
          }
          expect(Math.sqrt(res)).toBeLessThanOrEqual(rtol * Math.sqrt(b) * (1 + 1e-6) + 1e-14);
        }
      }),
      runs,
    );
  });

  it('the native CG splits a large system into row tasks and gives the JS bits at 1, 2 and 3 threads', () => {
    // 200 x 180, nothing dropped: 36,000 entries a side, above the 2^14 a task where the products split.
    const native = load.backend!;
    const rnd = lcg(11);
    const rows = 200;
    const cols = 180;
    const C: OtCost = { kind: 'dense', rows, cols, data: Float64Array.from({ length: rows * cols }, rnd) };
    const f = Float64Array.from({ length: rows }, () => rnd() * 0.1);
    const g = Float64Array.from({ length: cols }, () => rnd() * 0.1);
    const { P, r, c } = planOf(jsBackend, C, f, g, 0.3, true, rows);
    const { H, diag, kept } = sparsifiedHessian(C, P!, r, c, 0);
    expect(kept).toBe(rows * cols);
    const N = rows + cols;
    const rhs = Float64Array.from({ length: N }, () => rnd() - 0.5);
    projectGauge(rhs, rows);
    const xj = new Float64Array(N);
    setBackend('js');
    const itJs = pcg(H, rows, diag, rhs, xj, 1e-10, 10 * N);
    setBackend('auto');
    expect(itJs).toBeGreaterThan(3);
    const before = control!.getThreads();
    try {
      for (const t of [1, 2, 3]) {
        control!.setThreads(t);
        const xn = new Float64Array(N);
        expect(pcg(H, rows, diag, rhs, xn, 1e-10, 10 * N, native)).toBe(itJs);
        expect(bytesOf(xn).equals(bytesOf(xj))).toBe(true);
      }
    } finally {
      control!.setThreads(before);
    }
  });

  it('bad arguments raise typed errors', () => {
    const native = load.backend!;
    const f3 = new Float64Array(3);
    // n = 1, m = 2: H = [[2, 0.5, 0.5], [0.5, 1, 0], [0.5, 0, 1]] in otSparsify's layout.
    const H = { rows: 3, rowPtr: Int32Array.from([0, 3, 5, 7]), colIdx: Int32Array.from([0, 1, 2, 0, 1, 0, 2]), values: Float64Array.from([2, 0.5, 0.5, 0.5, 1, 0.5, 1]) };
    const diag3 = Float64Array.from([2, 1, 1]);
    const x = new Float64Array(3);
    expect(native.otPcg!(H, 1, diag3, Float64Array.from([1, 2, 3]), x, 1e-14, 10)).toBeLessThanOrEqual(2);
    // Exact solution (-1, 2.5, 3.5).
    expect(Array.from(x).map((t) => Math.round(t * 1e9) / 1e9)).toEqual([-1, 2.5, 3.5]);
    const bad = (patch: Partial<typeof H>, n = 1) => () => native.otPcg!({ ...H, ...patch }, n, diag3, f3, f3, 1e-3, 10);
    expect(bad({ colIdx: Int32Array.from([0, 1, 3, 0, 1, 0, 2]) })).toThrow(FormatError); // column past N
    expect(bad({ colIdx: Int32Array.from([1, 0, 2, 0, 1, 0, 2]) })).toThrow(FormatError); // row 0 not led by its diagonal
    expect(bad({ colIdx: Int32Array.from([0, 1, 2, 1, 0, 0, 2]) })).toThrow(FormatError); // row 1 not ended by its diagonal
    expect(bad({ colIdx: Int32Array.from([0, 0, 2, 0, 1, 0, 2]) })).toThrow(FormatError); // row 0 reaching its own block
    expect(bad({ colIdx: Int32Array.from([0, 1, 2, 2, 1, 0, 2]) })).toThrow(FormatError); // row 1 reaching its own block
    expect(bad({ rowPtr: Int32Array.from([0, 3, 3, 7]) })).toThrow(FormatError); // row 1 empty
    expect(bad({ rowPtr: Int32Array.from([0, 5, 3, 7]) })).toThrow(FormatError);
    expect(bad({ values: Float64Array.from([1, 1]) })).toThrow(ShapeError);
    expect(bad({}, 4)).toThrow(ShapeError);
    expect(() => native.otPcg!(H, 1, f3, f3, new Float64Array(2), 1e-3, 10)).toThrow(ShapeError);
    const buf = hessianBuffers(3, 4, 12);
    const D: OtCost = { kind: 'dense', rows: 3, cols: 4, data: new Float64Array(12) };
    expect(() => native.otSparsify!(D, new Float64Array(11), f3, new Float64Array(4), 0.1, buf)).toThrow(ShapeError);
    expect(() => native.otSparsify!(D, new Float64Array(12), f3, f3, 0.1, buf)).toThrow(ShapeError);
    expect(() => native.otSparsify!(D, new Float32Array(12) as unknown as Float64Array, f3, new Float64Array(4), 0.1, buf)).toThrow(TypeError);
    const P = new Float64Array(12).fill(1 / 12);
    const c4 = new Float64Array(4).fill(0.25);
    expect(() => native.otSparsify!(D, P, f3, c4, 0.1, { ...buf, rowPtr: new Int32Array(7) })).toThrow(ShapeError);
    // Short buffers: the count comes back, nothing past rowPtr is written.
    const short = { rowPtr: new Int32Array(8), colIdx: new Int32Array(5), values: new Float64Array(5) };
    expect(native.otSparsify!(D, P, f3, c4, 0, short)).toBe(7 + 2 * 12);
    expect(Array.from(short.rowPtr)).toEqual([0, 5, 10, 15, 19, 23, 27, 31]);
    expect(Array.from(short.colIdx)).toEqual([0, 0, 0, 0, 0]);
    // Aliased outputs would let the fill write out of bounds: refused.
    const shared = new ArrayBuffer(8 * 64);
    const aliased = { rowPtr: new Int32Array(shared, 0, 8), colIdx: new Int32Array(shared, 16, 40), values: new Float64Array(shared, 256, 32) };
    expect(() => native.otSparsify!(D, P, f3, c4, 0, aliased)).toThrow(ShapeError);
    const intoP = { rowPtr: new Int32Array(8), colIdx: new Int32Array(40), values: P };
    expect(() => native.otSparsify!(D, P, f3, c4, 0, intoP)).toThrow(ShapeError);
  });
});

describe.skipIf(!hasNative)('OT kernels: bits do not depend on the thread count', () => {
  it('every dense OT kernel gives the same bits on 1, 2 and 3 threads', () => {
    const native = load.backend!;
    const before = control!.getThreads();
    const rows = 157;
    const cols = 1303;
    const rnd = lcg(7);
    const C: OtCost = { kind: 'dense', rows, cols, data: Float64Array.from({ length: rows * cols }, rnd) };
    const f = Float64Array.from({ length: rows }, () => rnd() * 0.01 - 0.005);
    const g = Float64Array.from({ length: cols }, () => rnd() * 0.01 - 0.005);
    const eps = 0.05;
    const outputs = (): Float64Array[] => {
      const lse = new Float64Array(rows);
      const guess = new Float64Array(rows).fill(-0.01);
      native.otLseRows(C, g, eps, lse, 0, rows, guess);
      const colSum = new Float64Array(cols);
      native.otLseColsShifted(C, f, eps, new Float64Array(cols), colSum, 0, rows);
      const plan = planOf(native, C, f, g, eps, true, 50);
      const dot = native.otExpm1Dot(C, plan.P!, f, g, 3, 0, 0, rows);
      const y = new Float64Array(cols);
      native.otKernelMatvec({ ...C, data: plan.P! } as OtCost, f, y, true, 0, rows);
      const z = new Float64Array(rows);
      native.otKernelMatvec({ ...C, data: plan.P! } as OtCost, g, z, false, 0, rows);
      const uNew = new Float64Array(rows);
      const col = new Float64Array(cols);
      const a = new Float64Array(rows).fill(1 / rows);
      const err = native.otScalingSweep({ ...C, data: plan.P! } as OtCost, g.map(Math.exp), a, a, uNew, col, 0, rows);
      const S = csrOf(C, lcg(3), 0.3);
      const Ps = new Float64Array(S.rowPtr[rows]);
      const rs = new Float64Array(rows);
      const cs = new Float64Array(cols);
      const st = new Float64Array(2);
      native.otPlanPass(S, f, g, eps, Ps, rs, cs, st, 0, rows);
      const dotS = native.otExpm1Dot(S, Ps, f, g, 3, 0, 0, rows);
      const uS = new Float64Array(rows);
      const colS = new Float64Array(cols);
      const errS = native.otScalingSweep({ ...S, values: Ps }, g.map(Math.exp), a, a, uS, colS, 0, rows);
      const lseS = new Float64Array(rows);
      native.otLseRows(S, g, eps, lseS, 0, rows, new Float64Array(rows).fill(-0.01));
      const cmS = new Float64Array(cols).fill(-Infinity);
      const csS = new Float64Array(cols);
      native.otLseCols(S, f, eps, cmS, csS, 0, rows);
      const shS = new Float64Array(cols);
      native.otLseColsShifted(S, f, eps, new Float64Array(cols), shS, 0, rows);
      return [lseS, cmS, csS, shS, lse, colSum, plan.P!, plan.r, plan.c, plan.stats, Float64Array.of(dot), y, z, uNew, col, Float64Array.of(err), Ps, rs, cs, st, Float64Array.of(dotS, errS), uS, colS];
    };
    try {
      control!.setThreads(1);
      const one = outputs();
      for (const t of [2, 3]) {
        control!.setThreads(t);
        const many = outputs();
        for (let k = 0; k < one.length; k++) expect(Buffer.from(many[k].buffer, many[k].byteOffset, many[k].byteLength).equals(Buffer.from(one[k].buffer, one[k].byteOffset, one[k].byteLength))).toBe(true);
      }
    } finally {
      control!.setThreads(before);
    }
  });

  it('bad arguments raise typed errors, never crash', () => {
    const native = load.backend!;
    const C: OtCost = { kind: 'dense', rows: 3, cols: 4, data: new Float64Array(12) };
    const f3 = new Float64Array(3);
    const f4 = new Float64Array(4);
    expect(() => native.otLseRows(C, f4, 0.1, f3, 0, 3, new Float64Array(2))).toThrow(ShapeError);
    expect(() => native.otLseColsShifted(C, f3, 0.1, new Float64Array(3), f4, 0, 3)).toThrow(ShapeError);
    expect(() => native.otPlanPass(C, f3, f4, 0.1, new Float64Array(11), f3, f4, new Float64Array(2), 0, 3)).toThrow(ShapeError);
    expect(() => native.otPlanPass(C, f3, f4, 0.1, null, f3, f4, new Float64Array(1), 0, 3)).toThrow(ShapeError);
    expect(() => native.otPlanPass(C, f3, f4, 0.1, null, f3, f4, new Float64Array(2), 2, 5)).toThrow(ShapeError);
    expect(() => native.otExpm1Dot(C, new Float64Array(12), f3, f3, 1, 0, 0, 3)).toThrow(ShapeError);
    expect(() => native.otKernelMatvec(C, f3, f3, false, 0, 3)).toThrow(ShapeError);
    expect(() => native.otKernelMatvec(C, f3, f3, true, 0, 3)).toThrow(ShapeError);
    expect(() => native.otScalingSweep(C, f3, f3, f3, f3, f4, 0, 3)).toThrow(ShapeError);
    expect(() => native.otScalingSweep(C, f4, f3, f3, f3, f3, 0, 3)).toThrow(ShapeError);
    expect(() => native.otScalingSweep(C, f4, new Float64Array(2), f3, f3, f4, 0, 3)).toThrow(ShapeError);
    expect(() => native.otScalingSweep(C, f4, f3, f3, f3, f4, 1, 4)).toThrow(ShapeError);
    expect(() => native.otScalingSweep({ ...C, data: new Float32Array(12) }, f4, f3, f3, f3, f4, 0, 3)).not.toThrow();
  });
});
