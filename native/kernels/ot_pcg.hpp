// Jacobi-preconditioned CG on the SNS Newton system H x = rhs (H symmetric, CSR, N x N), x0 = 0:
// src/ot/sns-cg.ts pcg is the twin, operation for operation (serial; every sum of a row or a dot
// product in four interleaved partial sums, otHessianRowDot and otDot4), so a build without FMA
// contraction gives its bits. One native
// call instead of a SpMV call and five JS vector loops per CG step.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

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

inline Status otPcg(int64_t N, const int32_t* rowPtr, const int32_t* colIdx, const double* values, const double* diag,
                    const double* rhs, double* x, double rtol, int64_t maxIter, int64_t* iterations) {
  std::vector<double> dinv(N), res(rhs, rhs + N), z(N), p(N), q(N);
  for (int64_t i = 0; i < N; i++) dinv[i] = diag[i] > 0 ? 1 / diag[i] : 0;
  for (int64_t i = 0; i < N; i++) x[i] = 0;
  *iterations = 0;
  const double bnorm = std::sqrt(otDot4(rhs, rhs, N));
  if (bnorm == 0) return Status::okay();
  for (int64_t i = 0; i < N; i++) {
    z[i] = dinv[i] * res[i];
    p[i] = z[i];
  }
  double rz = otDot4(res.data(), z.data(), N);
  // Serial: H p over 2 threads was measured slower (CSR point clouds, n = 3000: 462-480 ms against
  // 382 ms for the solve), the pool's wake-up per CG step costing more than half a product.
  int64_t it = 0;
  while (it < maxIter) {
    for (int64_t i = 0; i < N; i++) q[i] = otHessianRowDot(colIdx, values, p.data(), rowPtr[i], rowPtr[i + 1]);
    const double pq = otDot4(p.data(), q.data(), N);
    if (!(pq > 0)) break;
    const double alpha = rz / pq;
    for (int64_t i = 0; i < N; i++) {
      x[i] += alpha * p[i];
      res[i] -= alpha * q[i];
    }
    it++;
    if (std::sqrt(otDot4(res.data(), res.data(), N)) <= rtol * bnorm) break;
    for (int64_t i = 0; i < N; i++) z[i] = dinv[i] * res[i];
    const double rzNew = otDot4(res.data(), z.data(), N);
    const double beta = rzNew / rz;
    rz = rzNew;
    for (int64_t i = 0; i < N; i++) p[i] = z[i] + beta * p[i];
  }
  *iterations = it;
  return Status::okay();
}

}  // namespace sparse
