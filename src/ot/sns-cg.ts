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
 * q = H p, each row's entries dealt to four partial sums in turn (entry t of the row into sum
 * t mod 4), added as (s0 + s1) + (s2 + s3): four independent add chains instead of one (the
 * native twin, otHessianRowDot in native/kernels/ot_pcg.hpp, sums the same way). H is the
 * internally built Newton matrix, so its structure is trusted.
 */
function hessianProduct(H: CsrMatrix, p: Float64Array, q: Float64Array): void {
  const { rowPtr, colIdx } = H;
  const values = H.values as Float64Array;
  for (let i = 0; i < H.rows; i++) {
    const end = rowPtr[i + 1];
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let k = rowPtr[i];
    for (; end - k >= 4; k += 4) {
      s0 += values[k] * p[colIdx[k]];
      s1 += values[k + 1] * p[colIdx[k + 1]];
      s2 += values[k + 2] * p[colIdx[k + 2]];
      s3 += values[k + 3] * p[colIdx[k + 3]];
    }
    if (k < end) s0 += values[k] * p[colIdx[k]];
    if (k + 1 < end) s1 += values[k + 1] * p[colIdx[k + 1]];
    if (k + 2 < end) s2 += values[k + 2] * p[colIdx[k + 2]];
    q[i] = s0 + s1 + (s2 + s3);
  }
}

/** sum_i a[i] b[i], dealt to four partial sums the same way (index mod 4); otDot4 is the twin. */
function dot4(a: Float64Array, b: Float64Array, N: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; N - i >= 4; i += 4) {
    s0 += a[i] * b[i];
    s1 += a[i + 1] * b[i + 1];
    s2 += a[i + 2] * b[i + 2];
    s3 += a[i + 3] * b[i + 3];
  }
  if (i < N) s0 += a[i] * b[i];
  if (i + 1 < N) s1 += a[i + 1] * b[i + 1];
  if (i + 2 < N) s2 += a[i + 2] * b[i + 2];
  return s0 + s1 + (s2 + s3);
}

/**
 * Jacobi-preconditioned CG on H x = rhs, x0 = 0, stopping at ||res|| <= rtol ||rhs|| or after
 * maxIter steps, or when H stops being positive along a search direction (then x is what it has).
 * Returns the number of iterations.
 */
export function pcg(H: CsrMatrix, diag: Float64Array, rhs: Float64Array, x: Float64Array, rtol: number, maxIter: number, solver?: Backend): number {
  const N = rhs.length;
  // The native twin (native/kernels/ot_pcg.hpp) runs the whole loop in one call.
  if (solver?.otPcg && H.values instanceof Float64Array) return solver.otPcg(H as typeof H & { values: Float64Array }, diag, rhs, x, rtol, maxIter);
  const dinv = new Float64Array(N);
  for (let i = 0; i < N; i++) dinv[i] = diag[i] > 0 ? 1 / diag[i] : 0;
  const res = rhs.slice();
  const z = new Float64Array(N);
  const p = new Float64Array(N);
  const q = new Float64Array(N);
  x.fill(0);
  const bnorm = Math.sqrt(dot4(rhs, rhs, N));
  if (bnorm === 0) return 0;
  for (let i = 0; i < N; i++) {
    z[i] = dinv[i] * res[i];
    p[i] = z[i];
  }
  let rz = dot4(res, z, N);
  let it = 0;
  while (it < maxIter) {
    hessianProduct(H, p, q);
    const pq = dot4(p, q, N);
    if (!(pq > 0)) break;
    const alpha = rz / pq;
    for (let i = 0; i < N; i++) {
      x[i] += alpha * p[i];
      res[i] -= alpha * q[i];
    }
    it++;
    if (Math.sqrt(dot4(res, res, N)) <= rtol * bnorm) break;
    for (let i = 0; i < N; i++) z[i] = dinv[i] * res[i];
    const rzNew = dot4(res, z, N);
    const beta = rzNew / rz;
    rz = rzNew;
    for (let i = 0; i < N; i++) p[i] = z[i] + beta * p[i];
  }
  return it;
}
