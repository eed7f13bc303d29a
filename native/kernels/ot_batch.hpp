// Log-domain Sinkhorn on one small dense problem, start to finish, on the calling thread: the unit
// of sinkhornBatch, which runs one problem per pool thread (the binding's parallelFor over
// problems). The iteration is src/ot/log.ts step for step (the same guesses, the same exact
// fallbacks, the column fallback streamed in the same row blocks), or with p.stabilized the
// stored-kernel form of src/ot/stabilized.ts (same anchors, absorptions and log-domain fallbacks),
// so a batch solves each problem as sinkhorn(..., { method: 'log' }) does, up to the last bits of
// std::log / std::exp against V8's and of the sums' order.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "ot_lse.hpp"
#include "ot_plan.hpp"
#include "ot_problem.hpp"
#include "simd_level.hpp"
#include "status.hpp"

namespace sparse {

// At most `limit` log-domain iterations from the current potentials (logIterations of
// src/ot/log.ts); the starting point goes into the history only with recordStart. Returns true
// when the marginal error reached tol.
template <SimdLevel L, class T>
bool otLogSteps(const OtLogProblem<T>& p, int64_t limit, bool recordStart, OtLogOutcome& out) {
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
    if (done > 0 || recordStart) out.history.push_back(err);
    if (err <= p.tol) return true;
    if (done >= limit || out.iterations >= p.maxIter) return false;
    for (int64_t i = 0; i < n; i++) f[i] = epsLogA[i] - lr[i];
    for (int64_t j = 0; j < m; j++) colGuess[j] = epsLogB[j] - g[j];
    lseCols(f);
    for (int64_t j = 0; j < m; j++) g[j] = epsLogB[j] - lc[j];
    out.iterations++;
    columnsExact = true;
  }
}

// The stored-kernel form (stabilizedIterations of src/ot/stabilized.ts): scaling steps on
// K = exp((fa + ga - C)/eps), absorbed into the potentials when a scaling leaves [e^-50, e^50],
// log-domain steps (1, 2, 4, ... 32) where K degenerates.
template <SimdLevel L, class T>
bool otStabilizedSteps(const OtLogProblem<T>& p, OtLogOutcome& out) {
  const int64_t n = p.rows, m = p.cols;
  const double eps = p.eps, inv = 1.0 / eps;
  const double low = std::exp(-50.0), high = std::exp(50.0);
  // The anchors' floor of stabilizedIterations (KERNEL_FLOOR in src/ot/stabilized.ts): e^-600 times
  // the mass of a.
  double mass = 0;
  for (int64_t i = 0; i < n; i++) mass += p.a[i];
  const double floor = std::exp(-600.0) * mass;
  std::vector<double> K(static_cast<size_t>(n * m)), rowSum(n), colSum(m), u(n), uNext(n), v(m), vNext(m), KTu(m),
      fa(n), ga(m);
  double* f = p.f;
  double* g = p.g;
  const auto done = [&] { return out.iterations >= p.maxIter; };
  const auto absorb = [&] {
    for (int64_t i = 0; i < n; i++) f[i] = fa[i] + eps * std::log(u[i]);
    for (int64_t j = 0; j < m; j++) g[j] = ga[j] + eps * std::log(v[j]);
  };
  bool unrecorded = out.history.empty();
  int64_t logRun = 1;
  for (;;) {
    std::fill(colSum.begin(), colSum.end(), 0.0);
    double cost = 0, ent = 0, err = 0;
    for (int64_t i = 0; i < n; i++) {
      otPlanRow<L, T, false>(p.C + i * m, f[i], g, m, inv, K.data() + i * m, colSum.data(), rowSum[i], cost, ent, floor);
    }
    bool usable = true;
    for (int64_t i = 0; i < n; i++) {
      err += std::fabs(rowSum[i] - p.a[i]);
      usable = usable && rowSum[i] > 0;
    }
    for (int64_t j = 0; j < m; j++) {
      err += std::fabs(colSum[j] - p.b[j]);
      usable = usable && colSum[j] > 0;
    }
    usable = usable && std::isfinite(err);
    if (!usable) {
      if (otLogSteps<L, T>(p, std::min(logRun, p.maxIter - out.iterations), unrecorded, out)) return true;
      unrecorded = false;
      if (done()) return false;
      logRun = std::min<int64_t>(2 * logRun, 32);
      continue;
    }
    if (unrecorded) out.history.push_back(err);
    unrecorded = false;
    if (err <= p.tol) return true;
    if (done()) return false;
    std::copy(f, f + n, fa.begin());
    std::copy(g, g + m, ga.begin());
    std::fill(u.begin(), u.end(), 1.0);
    std::fill(v.begin(), v.end(), 1.0);
    bool measured = true;
    for (;;) {
      std::fill(KTu.begin(), KTu.end(), 0.0);
      double rowErr = 0;
      for (int64_t i = 0; i < n; i++) {
        const double* row = K.data() + i * m;
        const double s = otRowDot<L>(row, v.data(), m);
        rowErr += std::fabs(u[i] * s - p.a[i]);
        uNext[i] = p.a[i] / s;
        otRowAxpy<L>(row, uNext[i], m, KTu.data());
      }
      if (!measured) {
        out.history.push_back(rowErr);
        if (rowErr <= p.tol || done()) {
          absorb();
          return rowErr <= p.tol;
        }
      }
      measured = false;
      bool ok = true, far = false;
      for (int64_t i = 0; i < n && ok; i++) {
        ok = uNext[i] > 0 && uNext[i] < HUGE_VAL;
        far = far || uNext[i] < low || uNext[i] > high;
      }
      for (int64_t j = 0; j < m && ok; j++) {
        vNext[j] = p.b[j] / KTu[j];
        ok = vNext[j] > 0 && vNext[j] < HUGE_VAL;
        far = far || vNext[j] < low || vNext[j] > high;
      }
      if (!ok) {
        absorb();
        if (otLogSteps<L, T>(p, std::min(logRun, p.maxIter - out.iterations), false, out)) return true;
        if (done()) return false;
        logRun = std::min<int64_t>(2 * logRun, 32);
        break;
      }
      u.swap(uNext);
      v.swap(vNext);
      out.iterations++;
      if (far) {
        absorb();
        unrecorded = true;
        break;
      }
    }
  }
}

template <SimdLevel L, class T>
Status otLogSolve(const OtLogProblem<T>& p, OtLogOutcome& out) {
  out.converged = p.stabilized ? otStabilizedSteps<L, T>(p, out) : otLogSteps<L, T>(p, p.maxIter, true, out);
  return Status::okay();
}

}  // namespace sparse
