import type { OtCost } from '../backend/types.js';
import { SparseError } from '../errors.js';
import { kernelMatvec, record, type Ctx, type Work } from './work.js';

function underflow(ctx: Ctx, what: string): SparseError {
  return new SparseError(
    `method 'sinkhorn' broke down at epsilon = ${ctx.eps}: ${what} (exp(-C/epsilon) under- or overflows in double precision). ` +
      "Use method 'log' (log-domain, stable at any epsilon) or 'sns', or a larger epsilon.",
    'ERR_SPARSE_NUMERIC',
  );
}

/** K = exp(-C/eps) with C's structure. */
function* buildKernel(ctx: Ctx): Work<OtCost> {
  const C = ctx.C;
  const inv = 1 / ctx.eps;
  const src = C.kind === 'dense' ? C.data : C.values;
  const len = C.kind === 'dense' ? C.rows * C.cols : C.rowPtr[C.rows];
  const K = new Float64Array(len);
  const step = 1 << 16;
  for (let s = 0; s < len; s += step) {
    const e = Math.min(len, s + step);
    for (let k = s; k < e; k++) K[k] = Math.exp(-src[k] * inv);
    yield;
  }
  return C.kind === 'dense' ? { kind: 'dense', rows: C.rows, cols: C.cols, data: K } : { kind: 'csr', rows: C.rows, cols: C.cols, rowPtr: C.rowPtr, colIdx: C.colIdx, values: K };
}

/**
 * Scaling-form Sinkhorn (Knopp): u = a / (K v), v = b / (K^T u), K = exp(-C/eps). Two products per
 * iteration and no exp, so fast; but K underflows once C/eps exceeds ~745 and the scalings
 * overflow. Every breakdown (a zero row or column of K, a zero product, a non-finite scaling)
 * raises a SparseError with code 'ERR_SPARSE_NUMERIC'; it never returns NaN.
 * On return the potentials st.f, st.g are eps log u, eps log v.
 */
export function* scalingIterations(ctx: Ctx): Work<boolean> {
  const { n, m, eps, a, b, st } = ctx;
  const { tol, maxIter } = ctx.p;
  const K = yield* buildKernel(ctx);
  const u = new Float64Array(n);
  const v = new Float64Array(m);
  for (let i = 0; i < n; i++) {
    u[i] = Math.exp(st.f[i] / eps);
    if (!(u[i] > 0 && u[i] < Infinity)) throw underflow(ctx, `the warm-start scaling exp(f0[${i}]/epsilon) is ${u[i]}`);
  }
  for (let j = 0; j < m; j++) {
    v[j] = Math.exp(st.g[j] / eps);
    if (!(v[j] > 0 && v[j] < Infinity)) throw underflow(ctx, `the warm-start scaling exp(g0[${j}]/epsilon) is ${v[j]}`);
  }
  const Kv = new Float64Array(n);
  const KTu = new Float64Array(m);
  let columnsExact = false;
  let converged = false;
  for (let done = 0; ; done++) {
    yield* kernelMatvec(ctx, K, v, Kv, false);
    let err = 0;
    for (let i = 0; i < n; i++) err += Math.abs(u[i] * Kv[i] - a[i]);
    if (!columnsExact) {
      yield* kernelMatvec(ctx, K, u, KTu, true);
      for (let j = 0; j < m; j++) err += Math.abs(v[j] * KTu[j] - b[j]);
    }
    if (!Number.isFinite(err)) throw underflow(ctx, 'the plan is not finite');
    record(ctx, err, 'sinkhorn');
    if (err <= tol) {
      converged = true;
      break;
    }
    if (st.iterations >= maxIter) break;
    for (let i = 0; i < n; i++) {
      const ui = a[i] / Kv[i];
      if (!(ui > 0 && ui < Infinity)) throw underflow(ctx, `row ${i} of K v is ${Kv[i]}`);
      u[i] = ui;
    }
    yield* kernelMatvec(ctx, K, u, KTu, true);
    for (let j = 0; j < m; j++) {
      const vj = b[j] / KTu[j];
      if (!(vj > 0 && vj < Infinity)) throw underflow(ctx, `column ${j} of K^T u is ${KTu[j]}`);
      v[j] = vj;
    }
    st.iterations++;
    columnsExact = true;
  }
  for (let i = 0; i < n; i++) st.f[i] = eps * Math.log(u[i]);
  for (let j = 0; j < m; j++) st.g[j] = eps * Math.log(v[j]);
  return converged;
}
