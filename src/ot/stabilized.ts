import type { OtCost } from '../backend/types.js';
import { logIterations } from './log.js';
import { massOf, planPass, record, scalingSweep, type Ctx, type Work } from './work.js';
import { zerosF64 } from '../memory.js';

/**
 * Scalings beyond e^+-ABSORB are folded into the potentials and the kernel is rebuilt. At 50 a
 * plan entry u_i K_ij v_j can only lose what K lost to underflow (entries below ~1e-308 at the
 * anchor) times e^100: below 1e-265, far under any tolerance. A larger bound means fewer rebuilds
 * (one exp pass each); POT's sinkhorn_stabilized uses e^6.9.
 */
const ABSORB = 50;
const LOW = Math.exp(-ABSORB);
const HIGH = Math.exp(ABSORB);
/**
 * The kernel's entries below e^-600 times the mass are stored as zero (the anchors' plan pass
 * floor): the sweeps multiply K by scalings down to e^-ABSORB, and an entry near the exp's own flush
 * (e^-708) then made a subnormal product, which costs Intel cores a microcode assist (the sweeps of a
 * 2D-densities solve: 101 -> 81 ms with those entries zeroed, random costs 71 -> 64 ms). A dropped
 * entry's products stay below e^-550 times the mass.
 */
const KERNEL_FLOOR = Math.exp(-600);
/** Log-domain steps between tries of the kernel after it degenerated (doubling from 1). */
const MAX_LOG_RUN = 32;
/** The stored kernel is used by default up to this many entries (1 GiB of float64). */
export const STORED_KERNEL_MAX_ENTRIES = 1 << 27;

export function kernelEntries(C: OtCost): number {
  return C.kind === 'dense' ? C.rows * C.cols : C.rowPtr[C.rows];
}

/**
 * Log-stabilized scaling-form Sinkhorn (absorption, as in Schmitzer 2019): the same iteration as
 * logIterations, f_i = eps log a_i - eps LSE_j((g_j - C_ij)/eps) and then the g-step, computed as
 * scalings (u, v) of a kernel K_ij = exp((fa_i + ga_j - C_ij)/eps) anchored on the potentials
 * (fa, ga): f = fa + eps log u, g = ga + eps log v. An iteration is one fused pass over K (no exp,
 * see Backend.otScalingSweep) instead of two exp passes over C. When a scaling leaves
 * [e^-50, e^50] the scalings are absorbed into the potentials and K is rebuilt (one exp pass).
 * When K degenerates (a row or column of K v or K^T u is zero or not finite) the state goes back
 * to the last good scalings and log-domain iterations run for a while (1, 2, 4, ... up to 32)
 * before K is tried again, so the result stays as safe as the log domain at any epsilon.
 *
 * Costs n*m (or nnz) float64 of memory for K (`buffer` when given, e.g. the Newton stage's plan
 * array; its contents are overwritten). Same contract as logIterations: at most `limit`
 * iterations in this call, never past maxIter; true when the marginal error reached tol. With
 * `until`, the call also ends (false) once the error is at most until.error after at least
 * until.after iterations (SNS's switch to Newton).
 */
export function* stabilizedIterations(
  ctx: Ctx,
  limit: number,
  phase: 'sinkhorn' | 'newton' = 'sinkhorn',
  buffer: Float64Array | null = null,
  until: { error: number; after: number } | null = null,
): Work<boolean> {
  const { n, m, eps, a, b, st, C } = ctx;
  const { tol, maxIter } = ctx.p;
  let values = buffer;
  if (values === null) {
    try {
      values = zerosF64(kernelEntries(C));
    } catch {
      // No room for K (a RangeError from the allocator): the log domain needs no n*m memory.
      return yield* logIterations(ctx, limit, phase);
    }
  }
  const K: OtCost = C.kind === 'dense' ? { kind: 'dense', rows: n, cols: m, data: values } : { ...C, values };
  const rowSum = new Float64Array(n);
  const colSum = new Float64Array(m);
  let u = new Float64Array(n);
  let uNext = new Float64Array(n);
  let v = new Float64Array(m);
  let vNext = new Float64Array(m);
  const KTu = new Float64Array(m);
  const fa = new Float64Array(n);
  const ga = new Float64Array(m);
  const floor = KERNEL_FLOOR * massOf(ctx);
  const start = st.iterations;
  const done = (): boolean => st.iterations - start >= limit || st.iterations >= maxIter;
  const switched = (err: number): boolean => until !== null && err <= until.error && st.iterations - start >= until.after;
  const absorb = (): void => {
    for (let i = 0; i < n; i++) st.f[i] = fa[i] + eps * Math.log(u[i]);
    for (let j = 0; j < m; j++) st.g[j] = ga[j] + eps * Math.log(v[j]);
  };
  // Whether the error of the current potentials still has to go into the history.
  let unrecorded = st.history.length === 0;
  let logRun = 1;
  for (;;) {
    // Anchor K on the current potentials: the plan itself, u = v = 1.
    yield* planPass(ctx, st.f, st.g, values, rowSum, colSum, null, floor);
    let err = 0;
    let usable = true;
    for (let i = 0; i < n; i++) {
      err += Math.abs(rowSum[i] - a[i]);
      usable &&= rowSum[i] > 0;
    }
    for (let j = 0; j < m; j++) {
      err += Math.abs(colSum[j] - b[j]);
      usable &&= colSum[j] > 0;
    }
    usable &&= Number.isFinite(err);
    if (!usable) {
      if (yield* logIterations(ctx, Math.min(logRun, limit - (st.iterations - start)), phase, unrecorded)) return true;
      unrecorded = false;
      if (done()) return false;
      logRun = Math.min(2 * logRun, MAX_LOG_RUN);
      continue;
    }
    if (unrecorded) record(ctx, err, phase);
    unrecorded = false;
    if (err <= tol) return true;
    if (done() || switched(err)) return false;
    fa.set(st.f);
    ga.set(st.g);
    u.fill(1);
    v.fill(1);
    // The anchor pass measured the first state (with its column error); later states have exact
    // columns up to rounding, as in logIterations, so the sweep's row error is the whole error.
    let measured = true;
    for (;;) {
      const rowErr = yield* scalingSweep(ctx, K, v, u, uNext, KTu);
      if (!measured) {
        record(ctx, rowErr, phase);
        if (rowErr <= tol || done() || switched(rowErr)) {
          absorb();
          return rowErr <= tol;
        }
      }
      measured = false;
      let ok = true;
      let far = false;
      for (let i = 0; i < n && ok; i++) {
        const x = uNext[i];
        ok = x > 0 && x < Infinity;
        far ||= x < LOW || x > HIGH;
      }
      for (let j = 0; j < m && ok; j++) {
        const x = b[j] / KTu[j];
        vNext[j] = x;
        ok = x > 0 && x < Infinity;
        far ||= x < LOW || x > HIGH;
      }
      if (!ok) {
        // K lost a whole row or column: keep the last good state, go on in log domain a while.
        absorb();
        if (yield* logIterations(ctx, Math.min(logRun, limit - (st.iterations - start)), phase, false)) return true;
        if (done()) return false;
        logRun = Math.min(2 * logRun, MAX_LOG_RUN);
        break;
      }
      [u, uNext] = [uNext, u];
      [v, vNext] = [vNext, v];
      st.iterations++;
      if (far) {
        absorb();
        unrecorded = true;
        break;
      }
    }
  }
}
