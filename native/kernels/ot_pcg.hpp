// CG on the SNS Newton system H x = rhs (H symmetric, CSR, N x N), x0 = 0, through its Schur
// complement (otPcg below): src/ot/sns-cg.ts pcg is the twin, operation for operation (every sum
// of a row or a dot product in four interleaved partial sums, otHessianRowDot and otDot4), so a
// build without FMA contraction gives its bits. One native call instead of two products and
// several JS vector loops per CG step. The products run their rows in parallel (each row's sum is
// its own, so the bits do not depend on the threads); the dot products stay serial.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "parallel.hpp"
#include "status.hpp"

namespace sparse {

// Row i of H times p: the row's entries dealt to four partial sums in turn (entry t of the row into
// sum t mod 4), added as (s0 + s1) + (s2 + s3). The Newton rows hold tens to thousands of entries,
// and one running sum made each product wait on the previous add: measured 4.5 ms of CG per Newton
// step at n = 1000 (bench/ot.mjs point clouds), most of it that chain.
inline double otHessianRowDot(const int32_t* colIdx, const double* values, const double* p, int32_t start,
                              int32_t end) {
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  int32_t k = start;
  for (; end - k >= 4; k += 4) {
    s0 += values[k] * p[colIdx[k]];
    s1 += values[k + 1] * p[colIdx[k + 1]];
    s2 += values[k + 2] * p[colIdx[k + 2]];
    s3 += values[k + 3] * p[colIdx[k + 3]];
  }
  if (k < end) s0 += values[k] * p[colIdx[k]];
  if (k + 1 < end) s1 += values[k + 1] * p[colIdx[k + 1]];
  if (k + 2 < end) s2 += values[k + 2] * p[colIdx[k + 2]];
  return (s0 + s1) + (s2 + s3);
}

// sum_i a[i] b[i] over [0, N), dealt to four partial sums the same way (index mod 4).
inline double otDot4(const double* a, const double* b, int64_t N) {
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  int64_t i = 0;
  for (; N - i >= 4; i += 4) {
    s0 += a[i] * b[i];
    s1 += a[i + 1] * b[i + 1];
    s2 += a[i + 2] * b[i + 2];
    s3 += a[i + 3] * b[i + 3];
  }
  if (i < N) s0 += a[i] * b[i];
  if (i + 1 < N) s1 += a[i + 1] * b[i + 1];
  if (i + 2 < N) s2 += a[i + 2] * b[i + 2];
  return (s0 + s1) + (s2 + s3);
}

// 1 / K_jj for K = Dc - S^T Dr^-1 S: K_jj = c_j - sum_i S_ij^2 / r_i (column j of S is row n + j of
// H without its diagonal; dinvF holds 1 / r_i), summed in storage order. Jacobi on K's own diagonal
// rather than on Dc: where a column's mass sits on a few rows K_jj is far below c_j, and Dc let
// the solves on random costs at n = 500 take 350 CG steps where this takes 69 (L1 point clouds
// 4397 -> 2469; squared Euclidean 173 -> 189). A diagonal that rounding leaves at or below 2^-40 c_j
// (S holding all of the column's mass on rows it owns) falls back to c_j.
inline double otSchurJacobi(const int32_t* colIdx, const double* values, const double* dinvF, double c, int32_t start,
                            int32_t end) {
  double s = 0;
  for (int32_t k = start; k < end; k++) s += values[k] * values[k] * dinvF[colIdx[k]];
  const double d = c - s;
  if (d > c * 0x1p-40) return 1 / d;
  return c > 0 ? 1 / c : 0;
}

// The Newton system H x = rhs with H = [[Dr, S], [S^T, Dc]] (Dr = diag(r), Dc = diag(c), S the kept
// plan, N = n + m) solved through its Schur complement: CG on K y = rhs_g - S^T Dr^-1 rhs_f,
// K = Dc - S^T Dr^-1 S (m x m), Jacobi-preconditioned (otSchurJacobi), then x_f = Dr^-1 (rhs_f - S y), x_g = y.
// Jacobi-CG on H itself needs twice the steps for the same residual: its preconditioned matrix is
// [[I, B], [B^T, I]], whose eigenvalues come in pairs 1 +- s (Property A), and CG on it advances
// like CG on I - B^T B every other step (Reid 1972). A step here costs what a step on H did (one
// product with S and one with S^T), so the solve takes half the time: bench/ot.mjs point clouds at
// n = 500, 347 -> 173 CG steps over a solve; L1 8790 -> 4410, with the same Newton steps.
// With x_f recovered that way H x - rhs is (0, K y - rhs_K), so stopping at ||rhs_K - K y|| <=
// rtol ||rhs|| is the full system's test. Vectors are N long, the y-side in [n, N) and the f-side
// in [0, n), so S and S^T read them by H's own column indices.
//
// H comes from otSparsify: row i < n is (i, i) then its kept columns in [n, N); row n + j is its
// kept columns in [0, n) then (n + j, n + j). The binding checks that shape before the call.
inline Status otPcg(int64_t n, int64_t N, const int32_t* rowPtr, const int32_t* colIdx, const double* values,
                    const double* diag, const double* rhs, double* x, double rtol, int64_t maxIter, int64_t* iterations) {
  const int64_t m = N - n;
  std::vector<double> dinv(N), w(N), res(N), z(N), p(N), q(N);
  for (int64_t i = 0; i < n; i++) dinv[i] = diag[i] > 0 ? 1 / diag[i] : 0;
  for (int64_t j = n; j < N; j++) dinv[j] = otSchurJacobi(colIdx, values, dinv.data(), diag[j], rowPtr[j], rowPtr[j + 1] - 1);
  // q[n + j] = (S^T w)_j and w[i] = (S v)_i for v in [n, N) and w in [0, n): H's rows without the diagonal.
  // Row tasks of about equal entries; below 2^14 entries a side (a few microseconds) one task.
  std::vector<int64_t> sBounds, tBounds;
  auto rowTasks = [&](int64_t r0, int64_t r1, std::vector<int64_t>& bounds) {
    const int64_t parts = std::min<int64_t>(partsFor(static_cast<int64_t>(rowPtr[r1]) - rowPtr[r0], int64_t{1} << 14, 64), std::max<int64_t>(1, r1 - r0));
    bounds.assign(static_cast<size_t>(parts) + 1, 0);
    splitByPrefix(rowPtr + r0, r1 - r0, parts, bounds.data());
    for (int64_t& b : bounds) b += r0;
  };
  rowTasks(0, n, sBounds);
  rowTasks(n, N, tBounds);
  auto rowsOf = [](const std::vector<int64_t>& bounds, auto&& row) {
    const int64_t parts = static_cast<int64_t>(bounds.size()) - 1;
    auto task = [&](int64_t t) {
      for (int64_t i = bounds[static_cast<size_t>(t)]; i < bounds[static_cast<size_t>(t) + 1]; i++) row(i);
    };
    if (parts == 1) task(0);
    else parallelFor(parts, task);
  };
  auto sTimes = [&](const double* v, double* out) {
    rowsOf(sBounds, [&](int64_t i) { out[i] = otHessianRowDot(colIdx, values, v, rowPtr[i] + 1, rowPtr[i + 1]); });
  };
  auto stTimes = [&](const double* v, double* out) {
    rowsOf(tBounds, [&](int64_t j) { out[j] = otHessianRowDot(colIdx, values, v, rowPtr[j], rowPtr[j + 1] - 1); });
  };
  for (int64_t i = 0; i < N; i++) x[i] = 0;
  *iterations = 0;
  const double bnorm = std::sqrt(otDot4(rhs, rhs, N));
  if (bnorm == 0) return Status::okay();
  for (int64_t i = 0; i < n; i++) w[i] = dinv[i] * rhs[i];
  stTimes(w.data(), res.data());
  for (int64_t j = n; j < N; j++) res[j] = rhs[j] - res[j];
  for (int64_t j = n; j < N; j++) {
    z[j] = dinv[j] * res[j];
    p[j] = z[j];
  }
  double rz = otDot4(res.data() + n, z.data() + n, m);
  int64_t it = 0;
  double rnorm = std::sqrt(otDot4(res.data() + n, res.data() + n, m));
  while (it < maxIter && rnorm > rtol * bnorm) {
    sTimes(p.data(), w.data());
    for (int64_t i = 0; i < n; i++) w[i] *= dinv[i];
    stTimes(w.data(), q.data());
    for (int64_t j = n; j < N; j++) q[j] = diag[j] * p[j] - q[j];
    const double pq = otDot4(p.data() + n, q.data() + n, m);
    if (!(pq > 0)) break;
    const double alpha = rz / pq;
    for (int64_t j = n; j < N; j++) {
      x[j] += alpha * p[j];
      res[j] -= alpha * q[j];
    }
    it++;
    rnorm = std::sqrt(otDot4(res.data() + n, res.data() + n, m));
    if (rnorm <= rtol * bnorm) break;
    for (int64_t j = n; j < N; j++) z[j] = dinv[j] * res[j];
    const double rzNew = otDot4(res.data() + n, z.data() + n, m);
    const double beta = rzNew / rz;
    rz = rzNew;
    for (int64_t j = n; j < N; j++) p[j] = z[j] + beta * p[j];
  }
  // x_f = Dr^-1 (rhs_f - S y): S reads y where H's columns put it, at x[n..N).
  sTimes(x, w.data());
  for (int64_t i = 0; i < n; i++) x[i] = dinv[i] * (rhs[i] - w[i]);
  *iterations = it;
  return Status::okay();
}

}  // namespace sparse
