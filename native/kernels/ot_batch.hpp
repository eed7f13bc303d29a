// Log-domain Sinkhorn on one small dense problem, start to finish, on the calling thread: the unit
// of sinkhornBatch, which runs one problem per pool thread (the binding's parallelFor over
// problems). The iteration is src/ot/log.ts step for step (the same guesses, the same exact
// fallbacks, the column fallback streamed in the same row blocks), so a batch solves each problem
// as sinkhorn(..., { method: 'log' }) does, up to the last bits of std::log / std::exp against V8's.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "ot_lse.hpp"
#include "ot_problem.hpp"
#include "simd_level.hpp"
#include "status.hpp"

namespace sparse {

template <SimdLevel L, class T>
Status otLogSolve(const OtLogProblem<T>& p, OtLogOutcome& out) {
  const int64_t n = p.rows, m = p.cols;
  const double eps = p.eps, inv = 1.0 / eps;
  std::vector<double> epsLogA(n), epsLogB(m), lr(n), lc(m), rowGuess(n), colGuess(m), colMax(m), colSum(m);
  for (int64_t i = 0; i < n; i++) epsLogA[i] = eps * std::log(p.a[i]);
  for (int64_t j = 0; j < m; j++) epsLogB[j] = eps * std::log(p.b[j]);
  double* f = p.f;
  double* g = p.g;
  // lc = eps * column LSE of (u - C)/eps, as src/ot/work.ts lseCols.
  auto lseCols = [&](const double* u) {
    for (int64_t j = 0; j < m; j++) {
      colMax[j] = colGuess[j] * inv;
      colSum[j] = 0;
    }
    otShiftedColsRange<L, T>(m, p.C, u, inv, colMax.data(), colSum.data(), 0, n, 0, m);
    bool trusted = true;
    for (int64_t j = 0; j < m && trusted; j++) trusted = otSumTrusted(colSum[j]);
    if (trusted) {
      for (int64_t j = 0; j < m; j++) lc[j] = colGuess[j] + eps * std::log(colSum[j]);
      return;
    }
    for (int64_t j = 0; j < m; j++) {
      colMax[j] = -std::numeric_limits<double>::infinity();
      colSum[j] = 0;
    }
    for (int64_t r = 0; r < n; r += p.blockRows) {
      otLseColsRange<L, T>(m, p.C, u, inv, colMax.data(), colSum.data(), r, std::min(n, r + p.blockRows), 0, m);
    }
    for (int64_t j = 0; j < m; j++) lc[j] = eps * (colMax[j] + std::log(colSum[j]));
  };
  bool columnsExact = false;
  for (int64_t done = 0;; done++) {
    for (int64_t i = 0; i < n; i++) {
      rowGuess[i] = epsLogA[i] - f[i];
      lr[i] = otLseRowGuessed<L, T>(p.C + i * m, g, m, eps, &rowGuess[i]);
    }
    double err = 0;
    for (int64_t i = 0; i < n; i++) err += std::fabs(std::exp((f[i] + lr[i]) * inv) - p.a[i]);
    if (!columnsExact) {
      for (int64_t j = 0; j < m; j++) colGuess[j] = epsLogB[j] - g[j];
      lseCols(f);
      for (int64_t j = 0; j < m; j++) err += std::fabs(std::exp((g[j] + lc[j]) * inv) - p.b[j]);
    }
    out.history.push_back(err);
    if (err <= p.tol) {
      out.converged = true;
      return Status::okay();
    }
    if (out.iterations >= p.maxIter) return Status::okay();
    for (int64_t i = 0; i < n; i++) f[i] = epsLogA[i] - lr[i];
    for (int64_t j = 0; j < m; j++) colGuess[j] = epsLogB[j] - g[j];
    lseCols(f);
    for (int64_t j = 0; j < m; j++) g[j] = epsLogB[j] - lc[j];
    out.iterations++;
    columnsExact = true;
  }
}

}  // namespace sparse
