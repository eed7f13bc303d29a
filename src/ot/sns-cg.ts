import { backendFor } from '../backend/select.js';
import type { Backend } from '../backend/types.js';
import type { CsrMatrix } from '../formats/csr.js';

/**
 * Removes the component along the gauge direction (1_n, -1_m) in place. The dual is invariant
 * along it, the exact Hessian is singular there, and the gradient is orthogonal to it when the
 * masses are equal: projecting the right-hand side and the solution keeps CG from drifting along
 * the null direction through rounding, and keeps sum(f) - sum(g) where it was.
 */
export function projectGauge(v: Float64Array, n: number): void {
  const N = v.length;
  let t = 0;
  for (let i = 0; i < n; i++) t += v[i];
  for (let j = n; j < N; j++) t -= v[j];
  t /= N;
  for (let i = 0; i < n; i++) v[i] -= t;
  for (let j = n; j < N; j++) v[j] += t;
}

/**
 * Jacobi-preconditioned CG on H x = rhs, x0 = 0, stopping at ||res|| <= rtol ||rhs|| or after
 * maxIter steps, or when H stops being positive along a search direction (then x is what it has).
 * Products through the project's CSR SpMV. Returns the number of iterations.
 */
export function pcg(H: CsrMatrix, diag: Float64Array, rhs: Float64Array, x: Float64Array, rtol: number, maxIter: number, solver?: Backend): number {
  const N = rhs.length;
  // The native twin (native/kernels/ot_pcg.hpp) runs the whole loop in one call.
  if (solver?.otPcg && H.values instanceof Float64Array) return solver.otPcg(H as typeof H & { values: Float64Array }, diag, rhs, x, rtol, maxIter);
  const be = backendFor(H.nnz + N);
  const dinv = new Float64Array(N);
  for (let i = 0; i < N; i++) dinv[i] = diag[i] > 0 ? 1 / diag[i] : 0;
  const res = rhs.slice();
  const z = new Float64Array(N);
  const p = new Float64Array(N);
  const q = new Float64Array(N);
  x.fill(0);
  let bnorm = 0;
  for (let i = 0; i < N; i++) bnorm += rhs[i] * rhs[i];
  bnorm = Math.sqrt(bnorm);
  if (bnorm === 0) return 0;
  let rz = 0;
  for (let i = 0; i < N; i++) {
    z[i] = dinv[i] * res[i];
    p[i] = z[i];
    rz += res[i] * z[i];
  }
  let it = 0;
  while (it < maxIter) {
    be.spmv(H, p, q, 1, 0, false);
    let pq = 0;
    for (let i = 0; i < N; i++) pq += p[i] * q[i];
    if (!(pq > 0)) break;
    const alpha = rz / pq;
    let rr = 0;
    for (let i = 0; i < N; i++) {
      x[i] += alpha * p[i];
      res[i] -= alpha * q[i];
      rr += res[i] * res[i];
    }
    it++;
    if (Math.sqrt(rr) <= rtol * bnorm) break;
    let rzNew = 0;
    for (let i = 0; i < N; i++) {
      z[i] = dinv[i] * res[i];
      rzNew += res[i] * z[i];
    }
    const beta = rzNew / rz;
    rz = rzNew;
    for (let i = 0; i < N; i++) p[i] = z[i] + beta * p[i];
  }
  return it;
}
