import { activeBackend } from '../backend/select.js';
import type { OtCost } from '../backend/types.js';
import { AbortError } from '../errors.js';
import type { CsrMatrix } from '../formats/csr.js';
import type { DenseMatrix } from '../formats/dense.js';
import { logIterations } from './log.js';
import { prepare, type Problem, type SinkhornOptions } from './options.js';
import { finish, trivialResult, type SinkhornResult } from './result.js';
import { scalingIterations } from './scaling.js';
import { snsIterations } from './sns.js';
import { stabilizedIterations } from './stabilized.js';
import { checkAbort, makeCtx, type Work } from './work.js';

function* solve(p: Problem): Work<SinkhornResult> {
  if (p.signal?.aborted) throw new AbortError();
  if (p.n === 0 || p.m === 0) return trivialResult(p);
  const ctx = makeCtx(activeBackend(), p);
  if (p.method === 'sinkhorn') yield* scalingIterations(ctx);
  else if (p.method === 'sns') yield* snsIterations(ctx);
  else if (p.stabilized) yield* stabilizedIterations(ctx, p.maxIter);
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
  return runSync(solve(prepare(a, b, C, options)));
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

function runSync<T>(gen: Work<T>): T {
  for (;;) {
    const step = gen.next();
    if (step.done) return step.value;
  }
}

/** A problem the native batch can take: log-domain, dense cost, nothing to call back, some mass. */
function batchable(p: Problem): boolean {
  return p.method === 'log' && p.cost.kind === 'dense' && p.onIteration === undefined && p.signal === undefined && p.n > 0 && p.m > 0;
}

/**
 * Many (small) problems; results in the order of `problems`, each as `sinkhorn` would return it.
 * On the native backend the log-domain problems with a dense cost (and no onIteration / signal)
 * run in parallel, one problem per thread, each start to finish in C++ (the same iteration as
 * src/ot/stabilized.ts, or src/ot/log.ts with stabilized: false); the others, and every problem on
 * the JS backend, run one after another.
 */
export function sinkhornBatch(problems: readonly SinkhornProblem[], options: SinkhornOptions = {}): SinkhornResult[] {
  if (!Array.isArray(problems)) throw new TypeError('sinkhornBatch expects an array of { a, b, C, options? }');
  const prepared: Problem[] = [];
  for (let k = 0; k < problems.length; k++) {
    const pr = problems[k];
    if (pr === null || typeof pr !== 'object') throw new TypeError(`problems[${k}] must be an object { a, b, C, options? }`);
    prepared.push(prepare(pr.a, pr.b, pr.C, { ...options, ...(pr.options ?? {}) }));
  }
  const out: SinkhornResult[] = new Array<SinkhornResult>(prepared.length);
  const be = activeBackend();
  const native = be.otLogSolveBatch ? prepared.map((p, k) => (batchable(p) ? k : -1)).filter((k) => k >= 0) : [];
  if (native.length > 1 && be.otLogSolveBatch) {
    const ctxs = native.map((k) => makeCtx(be, prepared[k]));
    const outcomes = be.otLogSolveBatch(
      ctxs.map((ctx) => ({
        rows: ctx.n,
        cols: ctx.m,
        data: (ctx.C as Extract<OtCost, { kind: 'dense' }>).data,
        a: ctx.a,
        b: ctx.b,
        eps: ctx.eps,
        tol: ctx.p.tol,
        maxIter: ctx.p.maxIter,
        blockRows: ctx.blocks.length > 2 ? ctx.blocks[1] : ctx.n,
        stabilized: ctx.p.stabilized,
        f: ctx.st.f,
        g: ctx.st.g,
      })),
    );
    for (let q = 0; q < native.length; q++) {
      const ctx = ctxs[q];
      ctx.st.iterations = outcomes[q].iterations;
      ctx.st.history = Array.from(outcomes[q].history);
      out[native[q]] = runSync(finish(ctx));
    }
  }
  for (let k = 0; k < prepared.length; k++) {
    if (out[k] === undefined) out[k] = runSync(solve(prepared[k]));
  }
  return out;
}
