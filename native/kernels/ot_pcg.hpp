// Jacobi-preconditioned CG on the SNS Newton system H x = rhs (H symmetric, CSR, N x N), x0 = 0:
// src/ot/sns-cg.ts pcg is the twin, operation for operation (serial, every sum in index order, the
// products row by row in storage order), so a build without FMA contraction gives its bits. One
// native call instead of a SpMV call and five JS vector loops per CG step.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

#include "status.hpp"

namespace sparse {

inline Status otPcg(int64_t N, const int32_t* rowPtr, const int32_t* colIdx, const double* values, const double* diag,
                    const double* rhs, double* x, double rtol, int64_t maxIter, int64_t* iterations) {
  std::vector<double> dinv(N), res(rhs, rhs + N), z(N), p(N), q(N);
  for (int64_t i = 0; i < N; i++) dinv[i] = diag[i] > 0 ? 1 / diag[i] : 0;
  for (int64_t i = 0; i < N; i++) x[i] = 0;
  *iterations = 0;
  double bnorm = 0;
  for (int64_t i = 0; i < N; i++) bnorm += rhs[i] * rhs[i];
  bnorm = std::sqrt(bnorm);
  if (bnorm == 0) return Status::okay();
  double rz = 0;
  for (int64_t i = 0; i < N; i++) {
    z[i] = dinv[i] * res[i];
    p[i] = z[i];
    rz += res[i] * z[i];
  }
  int64_t it = 0;
  while (it < maxIter) {
    for (int64_t i = 0; i < N; i++) {
      double s = 0;
      for (int32_t k = rowPtr[i]; k < rowPtr[i + 1]; k++) s += values[k] * p[colIdx[k]];
      q[i] = s;
    }
    double pq = 0;
    for (int64_t i = 0; i < N; i++) pq += p[i] * q[i];
    if (!(pq > 0)) break;
    const double alpha = rz / pq;
    double rr = 0;
    for (int64_t i = 0; i < N; i++) {
      x[i] += alpha * p[i];
      res[i] -= alpha * q[i];
      rr += res[i] * res[i];
    }
    it++;
    if (std::sqrt(rr) <= rtol * bnorm) break;
    double rzNew = 0;
    for (int64_t i = 0; i < N; i++) {
      z[i] = dinv[i] * res[i];
      rzNew += res[i] * z[i];
    }
    const double beta = rzNew / rz;
    rz = rzNew;
    for (int64_t i = 0; i < N; i++) p[i] = z[i] + beta * p[i];
  }
  *iterations = it;
  return Status::okay();
}

}  // namespace sparse
