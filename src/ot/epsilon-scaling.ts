import { stabilizedIterations } from './stabilized.js';
import { withEpsilon, type Ctx, type Work } from './work.js';

/** The coarse multiples of epsilon: start, start / sqrt(10), ... while above 1. */
function epsilonStages(start: number): number[] {
  const stages: number[] = [];
  for (let s = start; s > 1 + 1e-9; s /= Math.sqrt(10)) stages.push(s);
  return stages;
}

/**
 * SNS's epsilon scaling (see SnsOptions.epsilonScaling): stabilized Sinkhorn at each coarse
 * epsilon until its own marginal error is at most switchError, at most maxWarmup iterations for
 * all stages; the potentials carry over. At a small epsilon each cold Sinkhorn step moves the
 * potentials by about epsilon, so far from the optimum a larger epsilon covers the distance in
 * fewer steps, and the potentials it leaves are close at the target epsilon too (Schmitzer 2019).
 * A stage done within one sweep ends the scaling: the start was already close (squared-Euclidean
 * point clouds, random costs), and a further stage would cost one more exp pass for nothing.
 * `buffer` holds the stored kernel (n*m or nnz float64, overwritten).
 */
export function* epsilonScaling(ctx: Ctx, buffer: Float64Array): Work<void> {
  const { p, st } = ctx;
  const start = st.iterations;
  for (const multiple of epsilonStages(p.epsilonScaling)) {
    const left = p.maxWarmup - (st.iterations - start);
    if (left <= 0) return;
    const before = st.iterations;
    yield* stabilizedIterations(withEpsilon(ctx, multiple * ctx.eps), left, 'sinkhorn', buffer, { error: p.switchError, after: 0 });
    if (st.iterations - before <= 1) return;
  }
}
