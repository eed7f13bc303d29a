// The optimal-transport kernels: native (every SIMD level) against the JS twins, the vectorized
// exp's accuracy, and whole solves on both backends. Skipped when the addon is not built.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsBackend } from '../../src/backend/js/index.js';
import { loadNativeBackend } from '../../src/backend/native.js';
import { nativeAvailable, setBackend } from '../../src/backend/select.js';
import type { OtCost } from '../../src/backend/types.js';
import { ShapeError, sinkhorn } from '../../src/index.js';
import { FC_SEED } from '../helpers/arbitraries.js';
import { parkMiller } from '../helpers/backends.js';
import { pointCloudCost, uniform } from '../helpers/ot.js';

// An addon built before the OT kernels existed runs the JS twins: nothing native to compare then.
const hasNative = nativeAvailable() && typeof (loadNativeBackend().control as { otExpProbe?: unknown } | null)?.otExpProbe === 'function';
const load = loadNativeBackend();
const control = load.control;
const levels = control ? control.info().simdSupported : ['none'];
const defaultLevel = control?.info().simd;
const runs = { seed: FC_SEED, numRuns: 60 };

/** Distance in units in the last place between two positive doubles. */
function ulps(a: number, b: number): number {
  const buf = new DataView(new ArrayBuffer(16));
  buf.setFloat64(0, a);
  buf.setFloat64(8, b);
  const d = buf.getBigInt64(0) - buf.getBigInt64(8);
  return Number(d < 0n ? -d : d);
}

const problem = fc
  .record({
    rows: fc.integer({ min: 1, max: 40 }),
    cols: fc.integer({ min: 1, max: 70 }),
    f32: fc.boolean(),
    eps: fc.constantFrom(1, 0.1, 1e-3, 1e-6),
    seed: fc.integer({ min: 0, max: 1e6 }),
  })
  .map(({ rows, cols, f32, eps, seed }) => {
    const rnd = parkMiller(seed);
    const data = f32 ? new Float32Array(rows * cols) : new Float64Array(rows * cols);
    for (let k = 0; k < data.length; k++) data[k] = rnd() * 2 - 0.5;
    const u = Float64Array.from({ length: rows }, () => rnd() - 0.5);
    const v = Float64Array.from({ length: cols }, () => rnd() - 0.5);
    const C: OtCost = { kind: 'dense', rows, cols, data };
    return { C, u, v, eps };
  });

describe.skipIf(!hasNative).each(levels)('OT kernels: native (SIMD %s) and JS agree', (level) => {
  beforeAll(() => control?.setSimd(level));
  afterAll(() => {
    if (defaultLevel) control?.setSimd(defaultLevel);
    setBackend('auto');
  });

  it('row log-sum-exp', () => {
    const native = load.backend!;
    fc.assert(
      fc.property(problem, ({ C, v, eps }) => {
        const a = new Float64Array(C.rows);
        const b = new Float64Array(C.rows);
        jsBackend.otLseRows(C, v, eps, a, 0, C.rows);
        native.otLseRows(C, v, eps, b, 0, C.rows);
        for (let i = 0; i < C.rows; i++) expect(Math.abs(a[i] - b[i])).toBeLessThanOrEqual(1e-12 * (Math.abs(a[i]) + 1));
      }),
      runs,
    );
  });

  it('column log-sum-exp, streamed over row blocks', () => {
    const native = load.backend!;
    fc.assert(
      fc.property(problem, fc.integer({ min: 1, max: 40 }), ({ C, u, eps }, cut) => {
        const finish = (mx: Float64Array, sm: Float64Array): Float64Array => mx.map((m, j) => eps * (m + Math.log(sm[j])));
        const run = (be: typeof jsBackend): Float64Array => {
          const mx = new Float64Array(C.cols).fill(-Infinity);
          const sm = new Float64Array(C.cols);
          const k = Math.min(cut, C.rows);
          be.otLseCols(C, u, eps, mx, sm, 0, k);
          be.otLseCols(C, u, eps, mx, sm, k, C.rows);
          return finish(mx, sm);
        };
        const a = run(jsBackend);
        const b = run(native);
        for (let j = 0; j < C.cols; j++) expect(Math.abs(a[j] - b[j])).toBeLessThanOrEqual(1e-12 * (Math.abs(a[j]) + 1));
      }),
      runs,
    );
  });

  it('vectorized exp: within 2 ulp of Math.exp on [-708, 0], zero below', () => {
    const n = 200_000;
    const x = new Float64Array(n);
    let s = 12345;
    for (let k = 0; k < n; k++) {
      s = (s * 16807) % 2147483647;
      const r = s / 2147483647;
      x[k] = k % 2 === 0 ? -708 * r : -Math.min(708, Math.pow(10, -8 + 11 * r)); // wide and near-zero arguments
    }
    const out = new Float64Array(n);
    control!.otExpProbe(x, out);
    let worst = 0;
    for (let k = 0; k < n; k++) worst = Math.max(worst, ulps(out[k], Math.exp(x[k])));
    expect(worst).toBeLessThanOrEqual(2);
    const edge = Float64Array.from([0, -0, -1e-300, -708, -709, -745, -1e5, -Infinity]);
    const eo = new Float64Array(edge.length);
    control!.otExpProbe(edge, eo);
    expect(Array.from(eo.subarray(0, 4)).map((v, k) => ulps(v, Math.exp(edge[k])) <= 2)).toEqual([true, true, true, true]);
    // Below -708 the vector levels flush to zero (the generic level runs std::exp): no normal result.
    for (const v of eo.subarray(4)) expect(v >= 0 && v < 2.3e-308).toBe(true);
    if (level === 'avx2' || level === 'avx512') expect(Array.from(eo.subarray(4))).toEqual([0, 0, 0, 0]);
  });

  it('bad arguments raise typed errors, never crash', () => {
    const native = load.backend!;
    const C: OtCost = { kind: 'dense', rows: 3, cols: 4, data: new Float64Array(12) };
    expect(() => native.otLseRows(C, new Float64Array(4), 0.1, new Float64Array(3), 0, 4)).toThrow(ShapeError);
    expect(() => native.otLseRows(C, new Float64Array(2), 0.1, new Float64Array(3), 0, 3)).toThrow(ShapeError);
    expect(() => native.otLseCols(C, new Float64Array(3), 0.1, new Float64Array(2), new Float64Array(4), 0, 3)).toThrow(ShapeError);
    const bad: OtCost = { kind: 'dense', rows: 3, cols: 4, data: new Float64Array(5) };
    expect(() => native.otLseRows(bad, new Float64Array(4), 0.1, new Float64Array(3), 0, 3)).toThrow(ShapeError);
  });

  it('whole solves agree across backends', () => {
    const C = pointCloudCost(50, 50, 'sq', 77);
    for (const method of ['log', 'sns'] as const) {
      setBackend('js');
      const js = sinkhorn(uniform(50), uniform(50), C, { epsilonRelative: 1e-2, method });
      setBackend('native');
      const nat = sinkhorn(uniform(50), uniform(50), C, { epsilonRelative: 1e-2, method });
      expect(nat.converged && js.converged).toBe(true);
      expect(Math.abs(nat.cost - js.cost)).toBeLessThan(1e-9);
      expect(Math.abs(nat.iterations - js.iterations)).toBeLessThanOrEqual(2);
    }
  });
});
