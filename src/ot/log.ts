import { lseCols, lseRows, record, type Ctx, type Work } from './work.js';

/**
 * Log-domain Sinkhorn on the potentials (f, g): f_i = eps log a_i - eps LSE_j((g_j - C_ij)/eps),
 * then g_j = eps log b_j - eps LSE_i((f_i - C_ij)/eps). Every exponent is max-shifted, so nothing
 * overflows or underflows to zero mass at any epsilon.
 *
 * The marginal error costs no extra pass: the row LSE that the f-step needs also gives the row sums
 * of the current plan (P1_i = exp((f_i + LSE_i)/eps)), and after a g-step the column sums equal b
 * up to rounding. Only the very first check of a call makes one extra column pass.
 *
 * Runs at most `limit` iterations in this call (and never past maxIter in total); returns true when
 * the marginal error reached tol.
 */
export function* logIterations(ctx: Ctx, limit: number, phase: 'sinkhorn' | 'newton' = 'sinkhorn', recordStart = ctx.st.history.length === 0): Work<boolean> {
  const { n, m, eps, a, b, st, epsLogA, epsLogB, rowBuf: lr, colBuf: lc } = ctx;
  const { tol, maxIter } = ctx.p;
  const inv = 1 / eps;
  const f = st.f;
  const g = st.g;
  // Guesses of the LSEs from the current potentials (exact at a fixed point): they let the
  // kernels skip the max pass (see Backend.otLseRows).
  const rowGuess = new Float64Array(n);
  const colGuess = new Float64Array(m);
  let columnsExact = false;
  for (let done = 0; ; done++) {
    for (let i = 0; i < n; i++) rowGuess[i] = epsLogA[i] - f[i];
    yield* lseRows(ctx, g, lr, rowGuess);
    let err = 0;
    for (let i = 0; i < n; i++) err += Math.abs(Math.exp((f[i] + lr[i]) * inv) - a[i]);
    if (!columnsExact) {
      for (let j = 0; j < m; j++) colGuess[j] = epsLogB[j] - g[j];
      yield* lseCols(ctx, f, lc, colGuess);
      for (let j = 0; j < m; j++) err += Math.abs(Math.exp((g[j] + lc[j]) * inv) - b[j]);
    }
    // The starting point of a later stage was usually recorded by the stage before it.
    if (done > 0 || recordStart) record(ctx, err, phase);
    if (err <= tol) return true;
    if (done >= limit || st.iterations >= maxIter) return false;
    for (let i = 0; i < n; i++) f[i] = epsLogA[i] - lr[i];
    for (let j = 0; j < m; j++) colGuess[j] = epsLogB[j] - g[j];
    yield* lseCols(ctx, f, lc, colGuess);
    for (let j = 0; j < m; j++) g[j] = epsLogB[j] - lc[j];
    st.iterations++;
    columnsExact = true;
  }
}
