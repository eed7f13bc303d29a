// Optimal-transport passes over a CSR cost (entries absent from the pattern are forbidden
// transports), the sparse counterparts of ot_lse.hpp and ot_plan.hpp: the log-sum-exp reductions,
// the plan pass, the line-search expm1 sum and the fused scaling sweep. P and K are indexed like the cost's stored entries. Rows are cut into
// tasks by the input size only and every partial (column sums, scalars) is added in task order, so
// the bits do not depend on the thread count. The caller has checked the row pointer's ends
// (checkRowPtrEnds); each row's bounds and each column index are checked here as they are read, and
// the first bad one (in storage order) is reported instead of being trusted.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "csr_check.hpp"
#include "ot_exp.hpp"
#include "ot_lse.hpp"
#include "ot_plan.hpp"
#include "ot_rows.hpp"
#include "parallel.hpp"
#include "simd_level.hpp"
#include "status.hpp"

namespace sparse {

// The first structural error among rows [r0, r1) in storage order, or okay.
template <class T>
Status otCsrCheckRows(const CsrView<T>& C, int64_t r0, int64_t r1) {
  const int64_t nnz = C.nnz();
  for (int64_t i = r0; i < r1; i++) {
    const int64_t s = C.rowPtr[i], e = C.rowPtr[i + 1];
    if (s < 0 || e < s || e > nnz) return badRowPtr(i);
  }
  return Status::okay();
}

// Per-task column and scalar partials, a column-index check as each entry is read, and the merge.
// rowFn(i, part, scal) returns false at the first out-of-range column of row i.
template <class RowFn>
Status otCsrRowsIntoColumns(const int32_t* rowPtr, int64_t r0, int64_t r1, int64_t cols, int nScal, double* colOut,
                            double* scalOut, RowFn&& rowFn) {
  if (r1 <= r0) return Status::okay();
  const OtCsrTasks rt(rowPtr, r0, r1);
  const int64_t tasks = rt.count();
  std::vector<double> parts(static_cast<size_t>(colOut ? tasks * cols : 0), 0.0);
  std::vector<double> scal(static_cast<size_t>(tasks * nScal), 0.0);
  std::vector<int64_t> badRow(static_cast<size_t>(tasks), -1);
  parallelFor(tasks, [&](int64_t t) {
    double* part = colOut ? parts.data() + t * cols : nullptr;
    double* sc = scal.data() + t * nScal;
    for (int64_t i = rt.bounds[t]; i < rt.bounds[t + 1]; i++) {
      if (!rowFn(i, part, sc)) {
        badRow[static_cast<size_t>(t)] = i;
        return;
      }
    }
  });
  for (int64_t t = 0; t < tasks; t++) {
    if (badRow[static_cast<size_t>(t)] >= 0) {
      return Status::format("column index out of range [0, " + num(cols) + ") in row " + num(badRow[static_cast<size_t>(t)]));
    }
  }
  for (int64_t t = 0; t < tasks; t++) {
    for (int q = 0; q < nScal; q++) scalOut[q] += scal[static_cast<size_t>(t * nScal + q)];
  }
  if (colOut) otMergeColumnParts(parts, tasks, cols, colOut);
  return Status::okay();
}

// P_k = exp((f_i + g_j - C_k)/eps) over the stored entries of rows [r0, r1): as otPlanPass.
template <SimdLevel L, class T>
Status otPlanPassCsr(const CsrView<T>& C, const double* f, const double* g, double eps, double* P, double* rowSums,
                     double* colSums, double* stats, double floor, int64_t r0, int64_t r1) {
  Status s = otCsrCheckRows(C, r0, r1);
  if (!s.ok()) return s;
  const double inv = 1.0 / eps;
  const int64_t cols = C.cols;
  // Without stats (null) the sums go to a scratch pair: on a CSR cost the scattered column adds
  // dominate, not these two.
  double unused[2] = {0, 0};
  return otCsrRowsIntoColumns(C.rowPtr, r0, r1, cols, 2, colSums, stats != nullptr ? stats : unused,
                              [&](int64_t i, double* part, double* sc) {
    const double fi = f[i];
    double rs = 0, cost = 0, ent = 0;
    int64_t k = C.rowPtr[i];
    const int64_t e = C.rowPtr[i + 1];
    alignas(32) double t4[4], p4[4];
    for (; k < e; k += 4) {
      const int64_t w = std::min<int64_t>(4, e - k);
      bool big = false;
      for (int64_t q = 0; q < w; q++) {
        const int32_t j = C.colIdx[k + q];
        if (outOfRange(j, cols)) return false;
        t4[q] = (fi + g[j] - static_cast<double>(C.values[k + q])) * inv;
        big = big || t4[q] >= kOtExpSafe;
      }
      bool done = false;
      (void)big;  // only the vector levels look at it
#if defined(__x86_64__) || defined(_M_X64)
      if constexpr (L == SimdLevel::Avx512 || L == SimdLevel::Avx2) {
        if (w == 4 && !big) {
          _mm256_store_pd(p4, otExp4<L>(_mm256_load_pd(t4)));
          done = true;
        }
      }
#endif
      if (!done) {
        for (int64_t q = 0; q < w; q++) p4[q] = otExpAny<L>(t4[q]);
      }
      for (int64_t q = 0; q < w; q++) {
        const double p = p4[q] < floor ? 0 : p4[q];
        rs += p;
        part[C.colIdx[k + q]] += p;
        cost += p * static_cast<double>(C.values[k + q]);
        if (p > 0) ent += p * t4[q];
        if (P != nullptr) P[k + q] = p;
      }
    }
    rowSums[i] = rs;
    sc[0] += cost;
    sc[1] += ent;
    return true;
  });
}

// *acc += sum over the stored entries of rows [r0, r1) of P_k (expm1(t) - t), t = scale (df_i + dg_j),
// the tiny entries skipped as in otExpm1Dot (otExpm1Counts).
template <SimdLevel L, class T>
Status otExpm1DotCsr(const CsrView<T>& C, const double* P, const double* df, const double* dg, double scale,
                     double tiny, double* acc, int64_t r0, int64_t r1) {
  Status s = otCsrCheckRows(C, r0, r1);
  if (!s.ok()) return s;
  const int64_t cols = C.cols;
  return otCsrRowsIntoColumns(C.rowPtr, r0, r1, cols, 1, nullptr, acc, [&](int64_t i, double*, double* sc) {
    const double di = df[i];
    double sum = 0;
    for (int64_t k = C.rowPtr[i]; k < C.rowPtr[i + 1]; k++) {
      const int32_t j = C.colIdx[k];
      if (outOfRange(j, cols)) return false;
      const double p = P[k];
      const double t = scale * (di + dg[j]);
      if (otExpm1Counts(p, t, tiny)) sum += p * otEm1MinusT<L>(t);
    }
    sc[0] += sum;
    return true;
  });
}

// The fused scaling sweep of ot_plan.hpp on a CSR kernel: s = (K v)_i, *err += |uOld_i s - a_i|,
// uNew_i = a_i / s, colAcc += uNew_i K_i.
template <SimdLevel L>
Status otScalingSweepCsr(const CsrView<double>& K, const double* v, const double* a, const double* uOld, double* uNew,
                         double* colAcc, double* err, int64_t r0, int64_t r1) {
  Status s = otCsrCheckRows(K, r0, r1);
  if (!s.ok()) return s;
  const int64_t cols = K.cols;
  return otCsrRowsIntoColumns(K.rowPtr, r0, r1, cols, 1, colAcc, err, [&](int64_t i, double* part, double* sc) {
    const int64_t b = K.rowPtr[i], e = K.rowPtr[i + 1];
    double dot = 0;
    for (int64_t k = b; k < e; k++) {
      const int32_t j = K.colIdx[k];
      if (outOfRange(j, cols)) return false;
      dot += K.values[k] * v[j];
    }
    sc[0] += std::abs(uOld[i] * dot - a[i]);
    const double ui = a[i] / dot;
    uNew[i] = ui;
    for (int64_t k = b; k < e; k++) part[K.colIdx[k]] += K.values[k] * ui;
    return true;
  });
}

// out[i] = eps * LSE over row i's stored entries of (v_j - C_ij)/eps (-Infinity for an empty row):
// one pass shifted by guess[i] when that sum is trusted, the max-shifted two passes otherwise (as
// the JS twin otLseRows).
template <SimdLevel L, class T>
Status otLseRowsCsr(const CsrView<T>& C, const double* v, double eps, const double* guess, double* out, int64_t r0,
                    int64_t r1) {
  Status s = otCsrCheckRows(C, r0, r1);
  if (!s.ok()) return s;
  const double inv = 1.0 / eps;
  const int64_t cols = C.cols;
  return otCsrRowsIntoColumns(C.rowPtr, r0, r1, cols, 0, nullptr, nullptr, [&](int64_t i, double*, double*) {
    const int64_t b = C.rowPtr[i], e = C.rowPtr[i + 1];
    for (int64_t k = b; k < e; k++) {
      if (outOfRange(C.colIdx[k], cols)) return false;
    }
    if (guess != nullptr && e > b && std::isfinite(guess[i])) {
      const double shift = guess[i] * inv;
      double sum = 0;
      for (int64_t k = b; k < e; k++) sum += otExpAny<L>((v[C.colIdx[k]] - static_cast<double>(C.values[k])) * inv - shift);
      if (otSumTrusted(sum)) {
        out[i] = guess[i] + eps * std::log(sum);
        return true;
      }
    }
    double mx = -HUGE_VAL;
    for (int64_t k = b; k < e; k++) mx = std::max(mx, v[C.colIdx[k]] - static_cast<double>(C.values[k]));
    double sum = 0;
    for (int64_t k = b; k < e; k++) sum += otExpAny<L>((v[C.colIdx[k]] - static_cast<double>(C.values[k]) - mx) * inv);
    out[i] = e > b ? mx + eps * std::log(sum) : -HUGE_VAL;
    return true;
  });
}

// colSum[j] += sum over rows [r0, r1) of exp((u_i - C_ij)/eps - shift[j]), stored entries only.
template <SimdLevel L, class T>
Status otLseColsShiftedCsr(const CsrView<T>& C, const double* u, double eps, const double* shift, double* colSum,
                           int64_t r0, int64_t r1) {
  Status s = otCsrCheckRows(C, r0, r1);
  if (!s.ok()) return s;
  const double inv = 1.0 / eps;
  const int64_t cols = C.cols;
  return otCsrRowsIntoColumns(C.rowPtr, r0, r1, cols, 0, colSum, nullptr, [&](int64_t i, double* part, double*) {
    const double ui = u[i];
    for (int64_t k = C.rowPtr[i]; k < C.rowPtr[i + 1]; k++) {
      const int32_t j = C.colIdx[k];
      if (outOfRange(j, cols)) return false;
      part[j] += otExpAny<L>((ui - static_cast<double>(C.values[k])) * inv - shift[j]);
    }
    return true;
  });
}

// The streaming column state of otLseCols (ot_lse.hpp) over rows [r0, r1): each task keeps its own
// (max, sum) per column, and the task states are folded into (colMax, colSum) in task order.
template <SimdLevel L, class T>
Status otLseColsCsr(const CsrView<T>& C, const double* u, double eps, double* colMax, double* colSum, int64_t r0,
                    int64_t r1) {
  Status s = otCsrCheckRows(C, r0, r1);
  if (!s.ok()) return s;
  if (r1 <= r0 || C.cols <= 0) return Status::okay();
  const double inv = 1.0 / eps;
  const int64_t cols = C.cols;
  const OtCsrTasks rt(C.rowPtr, r0, r1);
  const int64_t tasks = rt.count();
  std::vector<double> pmax(static_cast<size_t>(tasks * cols), -HUGE_VAL);
  std::vector<double> psum(static_cast<size_t>(tasks * cols), 0.0);
  std::vector<int64_t> badRow(static_cast<size_t>(tasks), -1);
  parallelFor(tasks, [&](int64_t t) {
    double* mxs = pmax.data() + t * cols;
    double* sums = psum.data() + t * cols;
    for (int64_t i = rt.bounds[t]; i < rt.bounds[t + 1]; i++) {
      const double ui = u[i];
      for (int64_t k = C.rowPtr[i]; k < C.rowPtr[i + 1]; k++) {
        const int32_t j = C.colIdx[k];
        if (outOfRange(j, cols)) {
          badRow[static_cast<size_t>(t)] = i;
          return;
        }
        const double x = (ui - static_cast<double>(C.values[k])) * inv;
        if (x <= mxs[j]) {
          sums[j] += otExpAny<L>(x - mxs[j]);
        } else {
          // A column's first entry: nothing to rescale (and no exp of -Infinity in the vector code).
          sums[j] = (mxs[j] == -HUGE_VAL ? 0.0 : sums[j] * otExpAny<L>(mxs[j] - x)) + 1;
          mxs[j] = x;
        }
      }
    }
  });
  for (int64_t t = 0; t < tasks; t++) {
    if (badRow[static_cast<size_t>(t)] >= 0) {
      return Status::format("column index out of range [0, " + num(cols) + ") in row " + num(badRow[static_cast<size_t>(t)]));
    }
  }
  const int64_t ctasks = std::max<int64_t>(1, std::min(partsFor(tasks * cols), cols / 64));
  parallelFor(ctasks, [&](int64_t ct) {
    for (int64_t j = cols * ct / ctasks; j < cols * (ct + 1) / ctasks; j++) {
      double M = colMax[j], S = colSum[j];
      for (int64_t t = 0; t < tasks; t++) {
        const double m = pmax[static_cast<size_t>(t * cols + j)];
        const double p = psum[static_cast<size_t>(t * cols + j)];
        if (m == -HUGE_VAL) continue;
        if (m <= M) {
          S += p * std::exp(m - M);
        } else {
          S = S * std::exp(M - m) + p;
          M = m;
        }
      }
      colMax[j] = M;
      colSum[j] = S;
    }
  });
  return Status::okay();
}

}  // namespace sparse
