import type { OtCost } from '../backend/types.js';
import { SparseError } from '../errors.js';
import { kernelEntries } from './stabilized.js';
import { kernelMatvec, planPass, record, scalingSweep, type Ctx, type Work } from './work.js';
import { zerosF64 } from '../memory.js';

function underflow(ctx: Ctx, what: string): SparseError {
  return new SparseError(
    `method 'sinkhorn' broke down at epsilon = ${ctx.eps}: ${what} (exp(-C/epsilon) under- or overflows in double precision). ` +
      "Use method 'log' (log-domain, stable at any epsilon) or 'sns', or a larger epsilon.",
    'ERR_SPARSE_NUMERIC',
  );
}

/** K = exp(-C/eps) with C's structure: the plan pass at zero potentials. */
function* buildKernel(ctx: Ctx): Work<OtCost> {
  const C = ctx.C;
  const K = zerosF64(kernelEntries(C));
  const rowSum = new Float64Array(ctx.n);
  const colSum = new Float64Array(ctx.m);
  yield* planPass(ctx, new Float64Array(ctx.n), new Float64Array(ctx.m), K, rowSum, colSum, null);
  return C.kind === 'dense' ? { kind: 'dense', rows: C.rows, cols: C.cols, data: K } : { ...C, values: K };
}

/**
 * Scaling-form Sinkhorn (Knopp): u = a / (K v), v = b / (K^T u), K = exp(-C/eps). One fused pass
 * over K per iteration (Backend.otScalingSweep) and no exp, so fast; but K underflows once C/eps
 * exceeds ~745 and the scalings overflow. Every breakdown (a zero row or column of K, a zero
 * product, a non-finite scaling) raises a SparseError with code 'ERR_SPARSE_NUMERIC'; it never
 * returns NaN. On return the potentials st.f, st.g are eps log u, eps log v.
 */
export function* scalingIterations(ctx: Ctx): Work<boolean> {
  const { n, m, eps, b, st } = ctx;
  const { tol, maxIter } = ctx.p;
  const K = yield* buildKernel(ctx);
  let u = new Float64Array(n);
  let uNext = new Float64Array(n);
  const v = new Float64Array(m);
  for (let i = 0; i < n; i++) {
    u[i] = Math.exp(st.f[i] / eps);
    if (!(u[i] > 0 && u[i] < Infinity)) throw underflow(ctx, `the warm-start scaling exp(f0[${i}]/epsilon) is ${u[i]}`);
  }
  for (let j = 0; j < m; j++) {
    v[j] = Math.exp(st.g[j] / eps);
    if (!(v[j] > 0 && v[j] < Infinity)) throw underflow(ctx, `the warm-start scaling exp(g0[${j}]/epsilon) is ${v[j]}`);
  }
  const KTu = new Float64Array(m);
  // The column error of the starting point (later ones are exact up to rounding after each v-step).
  yield* kernelMatvec(ctx, K, u, KTu, true);
  let colErr = 0;
  for (let j = 0; j < m; j++) colErr += Math.abs(v[j] * KTu[j] - ctx.b[j]);
  let converged = false;
  for (;;) {
    // uNext = a / (K v) and KTu = K^T uNext, with the row error of (u, v).
    const err = (yield* scalingSweep(ctx, K, v, u, uNext, KTu)) + colErr;
    colErr = 0;
    if (!Number.isFinite(err)) throw underflow(ctx, 'the plan is not finite');
    record(ctx, err, 'sinkhorn');
    if (err <= tol) {
      converged = true;
      break;
    }
    if (st.iterations >= maxIter) break;
    for (let i = 0; i < n; i++) {
      if (!(uNext[i] > 0 && uNext[i] < Infinity)) throw underflow(ctx, `row ${i} of K v is ${ctx.a[i] / uNext[i]}`);
    }
    for (let j = 0; j < m; j++) {
      const vj = b[j] / KTu[j];
      if (!(vj > 0 && vj < Infinity)) throw underflow(ctx, `column ${j} of K^T u is ${KTu[j]}`);
      v[j] = vj;
    }
    [u, uNext] = [uNext, u];
    st.iterations++;
  }
  for (let i = 0; i < n; i++) st.f[i] = eps * Math.log(u[i]);
  for (let j = 0; j < m; j++) st.g[j] = eps * Math.log(v[j]);
  return converged;
}
