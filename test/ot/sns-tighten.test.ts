// SNS drops 100 times less of the plan's mass from the Hessian once a full Newton step has cut the
// marginal error less than 10 times (src/ot/sns.ts, SLOW_STEP). On these 2D-histogram problems the
// steps without it crawl at a tenth of the error or worse per step (each CG solve long); the counts
// below were 217 and 258 CG steps without it, 144 and 193 with it (the same on both backends).
import { describe, expect, it } from 'vitest';
import { sinkhorn } from '../../src/index.js';
import { gridHistograms } from '../helpers/ot.js';

describe('SNS: the Hessian tightens after a slow full step', () => {
  it.each([
    [16, 4, 180],
    [10, 2, 225],
  ])('grid k = %i, seed %i: converges to 1e-9 in at most %i CG steps', (k, seed, maxCg) => {
    const { a, b, C } = gridHistograms(k, seed);
    const r = sinkhorn(a, b, C, { epsilonRelative: 1e-3, method: 'sns', tol: 1e-9, maxIter: 5000 });
    expect(r.converged).toBe(true);
    expect(r.marginalError).toBeLessThanOrEqual(1e-9);
    expect(r.cgIterations).toBeLessThanOrEqual(maxCg);
  });
});
