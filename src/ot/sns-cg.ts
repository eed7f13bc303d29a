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
 * Row dots of H over [start, end) of each row, each row's entries dealt to four partial sums in turn
 * (entry t of the range into sum t mod 4), added as (s0 + s1) + (s2 + s3): four independent add
 * chains instead of one (otHessianRowDot in native/kernels/ot_pcg.hpp sums the same way). Rows
 * [rowBegin, rowEnd) write out[i]; `skipFirst` and `skipLast` drop the entry at either end of the
 * row (its diagonal), so the products are with S or S^T alone. H is the internally built Newton
 * matrix, so its structure is trusted.
 */
function offDiagonalProduct(H: CsrMatrix, v: Float64Array, out: Float64Array, rowBegin: number, rowEnd: number, skipFirst: number, skipLast: number): void {
  const { rowPtr, colIdx } = H;
  const values = H.values as Float64Array;
  for (let i = rowBegin; i < rowEnd; i++) {
    const end = rowPtr[i + 1] - skipLast;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let k = rowPtr[i] + skipFirst;
    for (; end - k >= 4; k += 4) {
      s0 += values[k] * v[colIdx[k]];
      s1 += values[k + 1] * v[colIdx[k + 1]];
      s2 += values[k + 2] * v[colIdx[k + 2]];
      s3 += values[k + 3] * v[colIdx[k + 3]];
    }
    if (k < end) s0 += values[k] * v[colIdx[k]];
    if (k + 1 < end) s1 += values[k + 1] * v[colIdx[k + 1]];
    if (k + 2 < end) s2 += values[k + 2] * v[colIdx[k + 2]];
    out[i] = s0 + s1 + (s2 + s3);
  }
}

/** sum_i a[from + i] b[from + i] over [0, len), dealt to four partial sums the same way (index mod 4); otDot4 is the twin. */
function dot4(a: Float64Array, b: Float64Array, from: number, len: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = from;
  const N = from + len;
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
 * 1 / K_jj for the Schur complement K = Dc - S^T Dr^-1 S: c_j - sum_i S_ij^2 / r_i over row j of H
 * without its (last) diagonal entry, in storage order (dinv holds 1 / r_i on the f-side). K's own
 * diagonal is a far better Jacobi scale than c_j where a column's mass sits on a few rows (see
 * otSchurJacobi in native/kernels/ot_pcg.hpp, the twin); a diagonal that rounding leaves at or
 * below 2^-40 c_j falls back to c_j.
 */
function schurJacobi(H: CsrMatrix, dinv: Float64Array, c: number, j: number): number {
  const { rowPtr, colIdx } = H;
  const values = H.values as Float64Array;
  let s = 0;
  for (let k = rowPtr[j]; k < rowPtr[j + 1] - 1; k++) s += values[k] * values[k] * dinv[colIdx[k]];
  const d = c - s;
  if (d > c * 2 ** -40) return 1 / d;
  return c > 0 ? 1 / c : 0;
}

/**
 * Solves the Newton system H x = rhs, H = [[Dr, S], [S^T, Dc]] as sparsifiedHessian builds it
 * (n rows of the f-side, then the g-side), x0 = 0, through its Schur complement: CG on
 * K y = rhs_g - S^T Dr^-1 rhs_f with K = Dc - S^T Dr^-1 S, Jacobi-preconditioned by K's diagonal, then
 * x_f = Dr^-1 (rhs_f - S y) and x_g = y. Jacobi-CG on H itself takes twice the steps (its
 * preconditioned eigenvalues pair up as 1 +- s, so it advances like this CG every other step; see
 * native/kernels/ot_pcg.hpp) at the same cost a step. H x - rhs is then (0, K y - rhs_K), so the
 * stop ||rhs_K - K y|| <= rtol ||rhs|| (or maxIter steps, or K no longer positive along a search
 * direction) is the full system's. Returns the number of CG steps.
 */
export function pcg(H: CsrMatrix, n: number, diag: Float64Array, rhs: Float64Array, x: Float64Array, rtol: number, maxIter: number, solver?: Backend): number {
  const N = rhs.length;
  const m = N - n;
  // The native twin (native/kernels/ot_pcg.hpp) runs the whole loop in one call.
  if (solver?.otPcg && H.values instanceof Float64Array) return solver.otPcg(H as typeof H & { values: Float64Array }, n, diag, rhs, x, rtol, maxIter);
  // Vectors are N long with the g-side in [n, N) and the f-side in [0, n), so S and S^T read them
  // by H's own column indices.
  const dinv = new Float64Array(N);
  for (let i = 0; i < n; i++) dinv[i] = diag[i] > 0 ? 1 / diag[i] : 0;
  for (let j = n; j < N; j++) dinv[j] = schurJacobi(H, dinv, diag[j], j);
  const w = new Float64Array(N);
  const res = new Float64Array(N);
  const z = new Float64Array(N);
  const p = new Float64Array(N);
  const q = new Float64Array(N);
  x.fill(0);
  const bnorm = Math.sqrt(dot4(rhs, rhs, 0, N));
  if (bnorm === 0) return 0;
  for (let i = 0; i < n; i++) w[i] = dinv[i] * rhs[i];
  offDiagonalProduct(H, w, res, n, N, 0, 1);
  for (let j = n; j < N; j++) res[j] = rhs[j] - res[j];
  for (let j = n; j < N; j++) {
    z[j] = dinv[j] * res[j];
    p[j] = z[j];
  }
  let rz = dot4(res, z, n, m);
  let it = 0;
  let rnorm = Math.sqrt(dot4(res, res, n, m));
  while (it < maxIter && rnorm > rtol * bnorm) {
    offDiagonalProduct(H, p, w, 0, n, 1, 0);
    for (let i = 0; i < n; i++) w[i] *= dinv[i];
    offDiagonalProduct(H, w, q, n, N, 0, 1);
    for (let j = n; j < N; j++) q[j] = diag[j] * p[j] - q[j];
    const pq = dot4(p, q, n, m);
    if (!(pq > 0)) break;
    const alpha = rz / pq;
    for (let j = n; j < N; j++) {
      x[j] += alpha * p[j];
      res[j] -= alpha * q[j];
    }
    it++;
    rnorm = Math.sqrt(dot4(res, res, n, m));
    if (rnorm <= rtol * bnorm) break;
    for (let j = n; j < N; j++) z[j] = dinv[j] * res[j];
    const rzNew = dot4(res, z, n, m);
    const beta = rzNew / rz;
    rz = rzNew;
    for (let j = n; j < N; j++) p[j] = z[j] + beta * p[j];
  }
  offDiagonalProduct(H, x, w, 0, n, 1, 0);
  for (let i = 0; i < n; i++) x[i] = dinv[i] * (rhs[i] - w[i]);
  return it;
}
