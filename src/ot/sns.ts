import { zerosF64 } from '../memory.js';
import { epsilonScaling } from './epsilon-scaling.js';
import { stabilizedIterations } from './stabilized.js';
import { pcg, projectGauge } from './sns-cg.js';
import { hessianBuffers, sparsifiedHessian } from './sns-hessian.js';
import { checkAbort, expm1Dot, planPass, record, tinyEntry, type Ctx, type Work } from './work.js';

const ARMIJO_C1 = 1e-4;
const MAX_HALVINGS = 40;
const RESCUE_ITERATIONS = 10;
/**
 * Two safeguards beyond the notes' specification, measured on n = 40 point clouds (sqEuclid, L1),
 * random costs and 2D histograms at epsilon 1e-2..1e-4 relative (.tmp/helperF/explore.ts in the
 * report): with neither, 4 of 12 cases stalled within 300 Newton steps (L1 at 1e-3 decreased like
 * 1/k with full steps; at 1e-4 the first directions were ~1e12 and every line search failed).
 * - The dropped share follows the error: delta_k = min(massDrop, 0.01 * marginal error) (times
 *   TIGHTEN after a slow step, below), so the Hessian's relative error shrinks with the residual
 *   (a fixed 1e-3 share disconnects the kept graph of degenerate costs and leaves the Newton steps
 *   Jacobi-slow).
 * - Each direction component is clipped to |d| <= 100 epsilon (a plan entry moves by at most e^200
 *   per step): rows far from their marginal give Newton components ~ eps * a_i / r_i that no
 *   backtracking reaches. Near the optimum |d| ~ eps * error, so the clip never binds there.
 * With both, all 12 converged to 1e-9 in 4-170 Newton steps.
 */
/**
 * The factor was 0.1 until the bench problems were counted again (bench/ot-problems.mjs: n = 500
 * and 1000 with four seeds each, n = 2000 with one): at 0.01 the 2D densities took 30 -> 27
 * iterations (9 -> 6 Newton steps) at n = 2025, 27 -> 26 at n = 1024, 27 -> 25 for one seed at
 * n = 484, the L1 clouds at n = 1000 22 -> 21 Newton steps and 1377 -> 1294 CG steps, random costs
 * up to 20% fewer CG steps, and no case took more steps. At 0.001 the squared-Euclidean and L1
 * clouds at n = 1000 took more (15 -> 16 and 1377 -> 1901 CG steps).
 */
const ADAPTIVE_DROP = 0.01;
const CLIP = 100;
/**
 * Once a full Newton step has cut the marginal error by less than SLOW_STEP, the dropped share is
 * TIGHTEN times smaller from then on: the sparsified Hessian's error, not the distance to the
 * optimum, is what limits the steps then. Measured on bench/ot.mjs (n = 500 and 1000, one thread):
 * the 2D densities at n = 484 had gone 7.1e-4 -> 7.1e-4 -> 9.9e-5 -> 1.8e-5 ... (ten Newton steps,
 * 293 CG steps) and now take 7 and 142; L1 point clouds 24 -> 21 Newton steps and 2798 -> 2187 CG
 * steps at n = 500, 1613 -> 1377 CG steps at n = 1000; the others unchanged or a few CG steps
 * fewer. Once only: tightening again on each slow step (L1's far phase has many) grew L1's kept
 * set to 2-3 times the size for no fewer steps.
 */
const SLOW_STEP = 0.1;
const TIGHTEN = 0.01;

/**
 * Sinkhorn-Newton-Sparse (Tang et al., ICLR 2024), as specified in the project notes:
 * 0. without a warm start, epsilon scaling: Sinkhorn at 10 and 3.16 times epsilon, each until its
 *    marginal error is at most `switchError` (src/ot/epsilon-scaling.ts; SnsOptions.epsilonScaling);
 * 1. log-domain Sinkhorn (the stabilized form, src/ot/stabilized.ts) for at least `warmupIterations`
 *    (8) iterations and then until the marginal error is at most `switchError` (0.1), at most
 *    `maxWarmupIterations` (300) in all, or until converged (the switch rule: see SnsOptions);
 * 2. Newton steps on the concave dual L(f, g) = a.f + b.g - eps sum P: gradient G = (a - P1, b - P^T 1),
 *    Hessian -(1/eps)[[diag(P1), P], [P^T, diag(P^T 1)]] with P sparsified by the mass rule (drop the
 *    smallest entries holding <= min(massDrop, 0.01 * error) of the mass, global over the plan, 100
 *    times less after a slow full step (SLOW_STEP); see sns-hessian.ts), solved by CG on its Schur
 *    complement (sns-cg.ts; rtol 1e-3, x0 = 0, at most 10(n+m) steps) with the gauge direction
 *    projected out; Armijo backtracking on L with the closed-form gain (c1 = 1e-4, halving up to
 *    40 times); if no step is accepted, 10 Sinkhorn steps and resume.
 * Per Newton step: one exp pass (P and its sums), integer passes for the kept set, CG on a CSR
 * matrix with about 2|kept| + n + m entries, one expm1 pass per line-search trial. O(n*m).
 */
export function* snsIterations(ctx: Ctx): Work<boolean> {
  const { n, m, eps, a, b, st, p } = ctx;
  const C = ctx.C;
  const len = C.kind === 'dense' ? n * m : C.rowPtr[n];
  const P = zerosF64(len);
  if (p.f0 === null && p.epsilonScaling > 1) yield* epsilonScaling(ctx, P);
  // The Sinkhorn steps run on a kernel stored in P's array (it is rebuilt before each Newton step).
  if (yield* stabilizedIterations(ctx, p.maxWarmup, 'sinkhorn', P, { error: p.switchError, after: p.warmup })) return true;
  const r = new Float64Array(n);
  const c = new Float64Array(m);
  const N = n + m;
  const G = new Float64Array(N);
  const x = new Float64Array(N);
  const df = x.subarray(0, n);
  const dg = x.subarray(n);
  const hessian = hessianBuffers(n, m, len);
  const tiny = tinyEntry(ctx);
  // Each Newton iteration's plan pass also sums <C,P> and P log P (free next to the exps): the one
  // that finds the tolerance met is then the result's pass too (ctx.finalPass), one exp pass less.
  const stats = new Float64Array(2);
  const f = st.f;
  const g = st.g;
  let recordNext = false;
  let tighten = 1;
  let prevErr = Infinity;
  let fullStep = false;
  for (;;) {
    checkAbort(ctx);
    yield* planPass(ctx, f, g, P, r, c, stats);
    let err = 0;
    for (let i = 0; i < n; i++) {
      G[i] = a[i] - r[i];
      err += Math.abs(G[i]);
    }
    for (let j = 0; j < m; j++) {
      G[n + j] = b[j] - c[j];
      err += Math.abs(G[n + j]);
    }
    if (recordNext) record(ctx, err, 'newton');
    if (fullStep && err > SLOW_STEP * prevErr) tighten = TIGHTEN;
    if (err <= p.tol) {
      ctx.finalPass = { r, c, stats };
      return true;
    }
    if (st.newtonIterations >= p.maxNewton || st.iterations >= p.maxIter) return false;

    const { H, diag } = sparsifiedHessian(C, P, r, c, Math.min(p.massDrop, ADAPTIVE_DROP * err) * tighten, ctx.be, hessian);
    projectGauge(G, n);
    // Newton: (H/eps) d = G, so d = eps * x with H x = G.
    st.cgIterations += pcg(H, n, diag, G, x, p.cgRtol, 10 * N, ctx.be);
    projectGauge(x, n);
    let s = 0;
    const clip = CLIP * eps;
    for (let i = 0; i < N; i++) {
      let d = x[i] * eps;
      if (d > clip) d = clip;
      else if (d < -clip) d = -clip;
      x[i] = d;
      s += G[i] * d;
    }
    let accepted = 0;
    if (s > 0 && Number.isFinite(s)) {
      // gain(alpha) = L(f + alpha df, g + alpha dg) - L(f, g)
      //             = alpha G.d - eps sum P (expm1(t) - t),  t = alpha (df_i + dg_j) / eps
      // (the first-order terms cancel analytically, not in floating point).
      let alpha = 1;
      for (let trial = 0; trial <= MAX_HALVINGS; trial++) {
        const second = yield* expm1Dot(ctx, P, df, dg, alpha / eps, tiny);
        const gain = alpha * s - eps * second;
        if (Number.isFinite(gain) && gain >= ARMIJO_C1 * alpha * s) {
          accepted = alpha;
          break;
        }
        alpha /= 2;
      }
    }
    if (accepted > 0) {
      for (let i = 0; i < n; i++) f[i] += accepted * df[i];
      for (let j = 0; j < m; j++) g[j] += accepted * dg[j];
      st.newtonIterations++;
      st.iterations++;
      recordNext = true;
      prevErr = err;
      fullStep = accepted === 1;
    } else {
      // Rescue: no step increased the dual; a few Sinkhorn steps and try Newton again.
      if (yield* stabilizedIterations(ctx, RESCUE_ITERATIONS, 'sinkhorn', P)) return true;
      recordNext = false;
      fullStep = false;
    }
  }
}
