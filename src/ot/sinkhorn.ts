import { activeBackend } from '../backend/select.js';
import { AbortError } from '../errors.js';
import type { CsrMatrix } from '../formats/csr.js';
import type { DenseMatrix } from '../formats/dense.js';
import { logIterations } from './log.js';
import { prepare, type Problem, type SinkhornOptions } from './options.js';
import { finish, trivialResult, type SinkhornResult } from './result.js';
import { scalingIterations } from './scaling.js';
import { snsIterations } from './sns.js';
import { checkAbort, makeCtx, type Work } from './work.js';

function* solve(p: Problem): Work<SinkhornResult> {
  if (p.signal?.aborted) throw new AbortError();
  if (p.n === 0 || p.m === 0) return trivialResult(p);
  const ctx = makeCtx(activeBackend(), p);
  if (p.method === 'sinkhorn') yield* scalingIterations(ctx);
  else if (p.method === 'sns') yield* snsIterations(ctx);
  else yield* logIterations(ctx, p.maxIter);
  checkAbort(ctx);
  return yield* finish(ctx);
}

/**
 * Entropic optimal transport between histograms `a` (n) and `b` (m) with cost `C` (n x m, a
 * DenseMatrix, or a CsrMatrix whose absent entries are forbidden transports): the plan
 * P_ij = exp((f_i + g_j - C_ij)/epsilon) with marginals a and b that minimizes
 * <C,P> + epsilon sum P (log P - 1).
 *
 * Zero entries of a or b: those rows/columns carry nothing; the solver works on the others and
 * returns -Infinity potentials there. The masses must agree to 1e-9 relative; b is rescaled to a's
 * exact mass.
 */
export function sinkhorn(a: ArrayLike<number>, b: ArrayLike<number>, C: DenseMatrix | CsrMatrix, options: SinkhornOptions): SinkhornResult {
  const gen = solve(prepare(a, b, C, options));
  for (;;) {
    const step = gen.next();
    if (step.done) return step.value;
  }
}

/** How long the async solver computes before it gives the event loop a turn (ms). */
const SLICE_MS = 8;

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * `sinkhorn` in row blocks that yield to the event loop every few milliseconds; rejects with an
 * AbortError when `signal` aborts. Same arithmetic in the same order: the result equals sinkhorn's.
 */
export async function sinkhornAsync(a: ArrayLike<number>, b: ArrayLike<number>, C: DenseMatrix | CsrMatrix, options: SinkhornOptions): Promise<SinkhornResult> {
  const p = prepare(a, b, C, options);
  const gen = solve(p);
  let last = performance.now();
  for (;;) {
    const step = gen.next();
    if (step.done) return step.value;
    if (performance.now() - last >= SLICE_MS) {
      await tick();
      last = performance.now();
    }
    if (p.signal?.aborted) throw new AbortError();
  }
}

/** One problem of a batch; its `options` override the batch's shared options. */
export interface SinkhornProblem {
  a: ArrayLike<number>;
  b: ArrayLike<number>;
  C: DenseMatrix | CsrMatrix;
  options?: SinkhornOptions;
}

/**
 * Many (small) problems; results in the order of `problems`. Runs them one after another (the
 * native backend will run them in parallel, one per thread).
 */
export function sinkhornBatch(problems: readonly SinkhornProblem[], options: SinkhornOptions = {}): SinkhornResult[] {
  if (!Array.isArray(problems)) throw new TypeError('sinkhornBatch expects an array of { a, b, C, options? }');
  const out: SinkhornResult[] = [];
  for (let k = 0; k < problems.length; k++) {
    const pr = problems[k];
    if (pr === null || typeof pr !== 'object') throw new TypeError(`problems[${k}] must be an object { a, b, C, options? }`);
    out.push(sinkhorn(pr.a, pr.b, pr.C, { ...options, ...(pr.options ?? {}) }));
  }
  return out;
}
