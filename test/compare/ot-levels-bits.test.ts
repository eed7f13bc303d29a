// The plan pass and the line-search sum run their exp at 8 lanes on AVX-512 and at 4 on AVX2, and
// add the 8-lane results as two 4-lane blocks (native/kernels/ot_plan.hpp): the two levels must
// give the same bits, including rows where a block leaves the vector range (t >= 700) and the
// narrower loops take over, f32 costs, zeros in P, and row lengths that are not multiples of 8.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { loadNativeBackend } from '../../src/backend/native.js';
import { nativeAvailable } from '../../src/backend/select.js';
import type { OtCost } from '../../src/backend/types.js';
import { FC_SEED } from '../helpers/arbitraries.js';
import { parkMiller } from '../helpers/backends.js';

const load = loadNativeBackend();
const control = load.control;
const supported = control ? control.info().simdSupported : [];
const both = nativeAvailable() && supported.includes('avx2') && supported.includes('avx512');
const defaultLevel = control?.info().simd;

const bits = (v: Float64Array): string => Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');

const problem = fc.record({
  rows: fc.integer({ min: 1, max: 12 }),
  cols: fc.integer({ min: 1, max: 90 }),
  f32: fc.boolean(),
  eps: fc.constantFrom(1, 0.1, 1e-3, 1e-6),
  scale: fc.constantFrom(0.1, 1, 30, 1e4),
  seed: fc.integer({ min: 0, max: 1e6 }),
});

describe.skipIf(!both)('OT plan pass and line-search sum: AVX-512 and AVX2 give the same bits', () => {
  afterAll(() => {
    if (defaultLevel) control?.setSimd(defaultLevel);
  });

  it('on random rows, hot blocks included', () => {
    const native = load.backend!;
    fc.assert(
      fc.property(problem, ({ rows, cols, f32, eps, scale, seed }) => {
        const rnd = parkMiller(seed);
        const data = f32 ? new Float32Array(rows * cols) : new Float64Array(rows * cols);
        for (let k = 0; k < data.length; k++) data[k] = rnd() * 2 - 0.5;
        const C: OtCost = { kind: 'dense', rows, cols, data };
        const f = Float64Array.from({ length: rows }, () => rnd() - 0.5);
        const g = Float64Array.from({ length: cols }, () => rnd() - 0.5);
        const df = Float64Array.from({ length: rows }, () => rnd() - 0.5);
        const dg = Float64Array.from({ length: cols }, () => rnd() - 0.5);
        const run = (level: string): string[] => {
          control!.setSimd(level);
          const P = new Float64Array(rows * cols);
          const r = new Float64Array(rows);
          const c = new Float64Array(cols);
          const stats = new Float64Array(2);
          native.otPlanPass(C, f, g, eps, P, r, c, stats, 0, rows);
          const acc = native.otExpm1Dot(C, P, df, dg, scale, 0.25, 0, rows);
          return [bits(P), bits(r), bits(c), bits(stats), bits(Float64Array.of(acc))];
        };
        expect(run('avx512')).toEqual(run('avx2'));
      }),
      { seed: FC_SEED, numRuns: 200 },
    );
  });
});
