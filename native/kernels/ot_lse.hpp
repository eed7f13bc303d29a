// Optimal-transport kernels: the log-sum-exp reductions of log-domain Sinkhorn over a dense
// row-major cost C (rows x cols, f64 or f32; potentials and results in double).
//   otLseRows: out[i] = eps * log sum_j exp((v_j - C_ij)/eps), i in [r0, r1)
//              (one pass per row when a guess of out[i] is given, two otherwise)
//   otLseCols: streaming column state over rows [r0, r1): colMax[j] = max_i (u_i - C_ij)/eps,
//              colSum[j] = sum_i exp((u_i - C_ij)/eps - colMax[j])
//   otLseColsShifted: colSum[j] += sum_i exp((u_i - C_ij)/eps - shift[j]), one pass
// Sinkhorn knows each LSE up to O(1) from its previous iteration; shifting by that guess instead
// of the exact max saves the max pass, and a sum outside a safe window falls back to the exact
// max-shifted form, so nothing overflows and no mass underflows. The AVX2 / AVX-512 branches use a
// vectorized exp (ot_exp.hpp); the generic branch (Scalar, NEON) uses std::exp.
//
// Threads: rows (otLseRows) or column ranges (otLseCols) are cut by the input size only, and each
// output element is computed by one task in a fixed order, so results are identical for any thread
// count. The column kernel processes rows in blocks of kOtRowBlock: per block, the column max is
// updated once (one rescaling exp per column and block), then one exp per entry.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "ot_exp.hpp"
#include "ot_rows.hpp"
#include "parallel.hpp"
#include "simd_level.hpp"
#include "status.hpp"

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#endif

namespace sparse {

constexpr int64_t kOtRowBlock = 16;
constexpr int64_t kOtMinColsPerTask = 256;

// eps * LSE of one row: max pass, then exp-sum pass (the row stays in cache).
template <SimdLevel L, class T>
inline double otLseRow(const T* row, const double* v, int64_t cols, double eps) {
  const double inv = 1.0 / eps;
  int64_t j = 0;
  double mx = -std::numeric_limits<double>::infinity();
#if defined(__x86_64__) || defined(_M_X64)
  if constexpr (L == SimdLevel::Avx512) {
    __m512d m0 = _mm512_set1_pd(mx), m1 = m0;
    for (; j + 16 <= cols; j += 16) {
      m0 = otMax8<L>(m0, _mm512_sub_pd(_mm512_loadu_pd(v + j), otLoad8<L, T>(row + j)));
      m1 = otMax8<L>(m1, _mm512_sub_pd(_mm512_loadu_pd(v + j + 8), otLoad8<L, T>(row + j + 8)));
    }
    alignas(64) double lanes[8];
    _mm512_store_pd(lanes, otMax8<L>(m0, m1));
    for (int u = 0; u < 8; u++) mx = std::max(mx, lanes[u]);
  } else if constexpr (L == SimdLevel::Avx2) {
    __m256d m0 = _mm256_set1_pd(mx), m1 = m0;
    for (; j + 8 <= cols; j += 8) {
      m0 = _mm256_max_pd(m0, _mm256_sub_pd(_mm256_loadu_pd(v + j), otLoad4<L, T>(row + j)));
      m1 = _mm256_max_pd(m1, _mm256_sub_pd(_mm256_loadu_pd(v + j + 4), otLoad4<L, T>(row + j + 4)));
    }
    alignas(32) double lanes[4];
    _mm256_store_pd(lanes, _mm256_max_pd(m0, m1));
    mx = std::max(std::max(lanes[0], lanes[1]), std::max(lanes[2], lanes[3]));
  }
#endif
  for (; j < cols; j++) mx = std::max(mx, v[j] - static_cast<double>(row[j]));
  if (!(mx > -std::numeric_limits<double>::infinity())) return mx;  // empty row

  double s = 0;
  j = 0;
#if defined(__x86_64__) || defined(_M_X64)
  if constexpr (L == SimdLevel::Avx512) {
    const __m512d vm = _mm512_set1_pd(mx), vi = _mm512_set1_pd(inv);
    __m512d s0 = _mm512_setzero_pd(), s1 = s0;
    for (; j + 16 <= cols; j += 16) {
      const __m512d x0 = _mm512_mul_pd(_mm512_sub_pd(_mm512_sub_pd(_mm512_loadu_pd(v + j), otLoad8<L, T>(row + j)), vm), vi);
      const __m512d x1 = _mm512_mul_pd(_mm512_sub_pd(_mm512_sub_pd(_mm512_loadu_pd(v + j + 8), otLoad8<L, T>(row + j + 8)), vm), vi);
      s0 = _mm512_add_pd(s0, otExp8<L>(x0));
      s1 = _mm512_add_pd(s1, otExp8<L>(x1));
    }
    alignas(64) double lanes[8];
    _mm512_store_pd(lanes, _mm512_add_pd(s0, s1));
    s = ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
  } else if constexpr (L == SimdLevel::Avx2) {
    const __m256d vm = _mm256_set1_pd(mx), vi = _mm256_set1_pd(inv);
    __m256d s0 = _mm256_setzero_pd(), s1 = s0;
    for (; j + 8 <= cols; j += 8) {
      const __m256d x0 = _mm256_mul_pd(_mm256_sub_pd(_mm256_sub_pd(_mm256_loadu_pd(v + j), otLoad4<L, T>(row + j)), vm), vi);
      const __m256d x1 = _mm256_mul_pd(_mm256_sub_pd(_mm256_sub_pd(_mm256_loadu_pd(v + j + 4), otLoad4<L, T>(row + j + 4)), vm), vi);
      s0 = _mm256_add_pd(s0, otExp4<L>(x0));
      s1 = _mm256_add_pd(s1, otExp4<L>(x1));
    }
    alignas(32) double lanes[4];
    _mm256_store_pd(lanes, _mm256_add_pd(s0, s1));
    s = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
  }
#endif
  for (; j < cols; j++) s += otExp1<L>((v[j] - static_cast<double>(row[j]) - mx) * inv);
  return mx + eps * std::log(s);
}

// A shifted exp-sum is trusted when it lies in [1e-100, 1e100]: then nothing overflowed, the terms
// that exp flushed to zero (below e^-708 times the shift) weigh < m e^-477 of the sum, and
// |log(sum)| <= 231 adds at most ~2.6e-14 eps of rounding. Otherwise the exact two-pass LSE runs.
// The JS twin (src/backend/js/ot.ts, otSumTrusted) uses the same window.
constexpr double kOtSumLow = 1e-100;
constexpr double kOtSumHigh = 1e100;
// Shifted exponents are clamped to [kOtShiftedMin, kOtShiftedMax]: the vector exp is only valid
// there; e^709 is far outside the trusted window, so an overflowing term always sends the sum to
// the exact form, and a term below e^-708 adds at most 3.1e-308, nothing next to a trusted sum
// (>= 1e-100), so the sums skip the flush to zero that otExp4 does.
constexpr double kOtShiftedMax = 709.0;
constexpr double kOtShiftedMin = -708.0;

#if defined(__x86_64__) || defined(_M_X64)
template <SimdLevel L>
inline __m256d otShiftedExp4(__m256d x) {
  return otExp4Core<L>(_mm256_min_pd(_mm256_max_pd(x, _mm256_set1_pd(kOtShiftedMin)), _mm256_set1_pd(kOtShiftedMax)));
}
#endif

template <SimdLevel L>
inline double otShiftedExp1(double x) {
#if defined(__x86_64__) || defined(_M_X64)
  if constexpr (L == SimdLevel::Avx512 || L == SimdLevel::Avx2) {
    alignas(32) double lanes[4];
    _mm256_store_pd(lanes, otShiftedExp4<L>(_mm256_set1_pd(x)));
    return lanes[0];
  }
#endif
  return std::exp(std::min(x, kOtShiftedMax));
}

inline bool otSumTrusted(double s) { return s >= kOtSumLow && s <= kOtSumHigh; }

// sum_j exp((v_j - C_ij)/eps - shift) in one pass (no max pass): the caller's shift is a guess of
// the LSE (the previous iteration's value), so the terms are plan entries of order <= 1.
template <SimdLevel L, class T>
inline double otExpSumRow(const T* row, const double* v, int64_t cols, double inv, double shift) {
  int64_t j = 0;
  double s = 0;
#if defined(__x86_64__) || defined(_M_X64)
  if constexpr (L == SimdLevel::Avx512 || L == SimdLevel::Avx2) {
    const __m256d vi = _mm256_set1_pd(inv), vs = _mm256_set1_pd(shift);
    __m256d s0 = _mm256_setzero_pd(), s1 = s0;
    for (; j + 8 <= cols; j += 8) {
      const __m256d x0 = _mm256_fmsub_pd(_mm256_sub_pd(_mm256_loadu_pd(v + j), otLoad4<L, T>(row + j)), vi, vs);
      const __m256d x1 = _mm256_fmsub_pd(_mm256_sub_pd(_mm256_loadu_pd(v + j + 4), otLoad4<L, T>(row + j + 4)), vi, vs);
      s0 = _mm256_add_pd(s0, otShiftedExp4<L>(x0));
      s1 = _mm256_add_pd(s1, otShiftedExp4<L>(x1));
    }
    alignas(32) double lanes[4];
    _mm256_store_pd(lanes, _mm256_add_pd(s0, s1));
    s = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
  }
#endif
  for (; j < cols; j++) s += otShiftedExp1<L>((v[j] - static_cast<double>(row[j])) * inv - shift);
  return s;
}

// One row's LSE: shifted by *guess when given, finite and trusted; the exact two-pass form otherwise.
template <SimdLevel L, class T>
inline double otLseRowGuessed(const T* row, const double* v, int64_t cols, double eps, const double* guess) {
  if (guess != nullptr && std::isfinite(*guess) && cols > 0) {
    const double inv = 1.0 / eps;
    const double s = otExpSumRow<L, T>(row, v, cols, inv, *guess * inv);
    if (otSumTrusted(s)) return *guess + eps * std::log(s);
  }
  return otLseRow<L, T>(row, v, cols, eps);
}

// guess (may be null): guess[i] approximates out[i]; rows whose shifted sum is trusted cost one
// pass over C instead of two.
template <SimdLevel L, class T>
Status otLseRows(int64_t rows, int64_t cols, const T* C, const double* v, double eps, const double* guess, double* out,
                 int64_t r0, int64_t r1) {
  const int64_t count = r1 - r0;
  if (count <= 0) return Status::okay();
  const int64_t tasks = std::min(partsFor(count * std::max<int64_t>(cols, 1)), count);
  (void)rows;
  parallelFor(tasks, [&](int64_t t) {
    const int64_t b = r0 + count * t / tasks;
    const int64_t e = r0 + count * (t + 1) / tasks;
    for (int64_t i = b; i < e; i++) {
      out[i] = otLseRowGuessed<L, T>(C + i * cols, v, cols, eps, guess == nullptr ? nullptr : guess + i);
    }
  });
  return Status::okay();
}

// colSum[j] += sum_i exp((u_i - C_ij)/eps - shift[j]) for rows [r0, r1), columns [c0, c1).
template <SimdLevel L, class T>
inline void otShiftedColsRange(int64_t cols, const T* C, const double* u, double inv, const double* shift,
                               double* colSum, int64_t r0, int64_t r1, int64_t c0, int64_t c1) {
  for (int64_t i = r0; i < r1; i++) {
    const T* row = C + i * cols;
    const double ui = u[i];
    int64_t j = c0;
#if defined(__x86_64__) || defined(_M_X64)
    if constexpr (L == SimdLevel::Avx512 || L == SimdLevel::Avx2) {
      const __m256d vu = _mm256_set1_pd(ui), vi = _mm256_set1_pd(inv);
      for (; j + 8 <= c1; j += 8) {
        const __m256d x0 = _mm256_fmsub_pd(_mm256_sub_pd(vu, otLoad4<L, T>(row + j)), vi, _mm256_loadu_pd(shift + j));
        const __m256d x1 = _mm256_fmsub_pd(_mm256_sub_pd(vu, otLoad4<L, T>(row + j + 4)), vi, _mm256_loadu_pd(shift + j + 4));
        _mm256_storeu_pd(colSum + j, _mm256_add_pd(_mm256_loadu_pd(colSum + j), otShiftedExp4<L>(x0)));
        _mm256_storeu_pd(colSum + j + 4, _mm256_add_pd(_mm256_loadu_pd(colSum + j + 4), otShiftedExp4<L>(x1)));
      }
    }
#endif
    for (; j < c1; j++) colSum[j] += otShiftedExp1<L>((ui - static_cast<double>(row[j])) * inv - shift[j]);
  }
}

// colSum[j] += sum_i exp((u_i - C_ij)/eps - shift[j]) over rows [r0, r1): one pass streaming whole
// rows; each row task sums into its own partial column vector, merged in task order (ot_rows.hpp).
template <SimdLevel L, class T>
Status otLseColsShifted(int64_t rows, int64_t cols, const T* C, const double* u, double eps, const double* shift,
                        double* colSum, int64_t r0, int64_t r1) {
  (void)rows;
  const double inv = 1.0 / eps;
  otRowsIntoColumns(r0, r1, cols, colSum, [&](int64_t i, double* part) {
    otShiftedColsRange<L, T>(cols, C, u, inv, shift, part, i, i + 1, 0, cols);
  });
  return Status::okay();
}

// Columns [c0, c1) over rows [r0, r1), in row blocks.
template <SimdLevel L, class T>
inline void otLseColsRange(int64_t cols, const T* C, const double* u, double inv, double* colMax, double* colSum,
                           int64_t r0, int64_t r1, int64_t c0, int64_t c1) {
  for (int64_t b = r0; b < r1; b += kOtRowBlock) {
    const int64_t e = std::min(r1, b + kOtRowBlock);
    // 1. block max per column -> new running max, rescale the running sums once.
    int64_t j = c0;
#if defined(__x86_64__) || defined(_M_X64)
    if constexpr (L == SimdLevel::Avx512) {
      const __m512d vi = _mm512_set1_pd(inv);
      for (; j + 8 <= c1; j += 8) {
        __m512d bm = _mm512_loadu_pd(colMax + j);
        const __m512d old = bm;
        for (int64_t i = b; i < e; i++) {
          bm = otMax8<L>(bm, _mm512_mul_pd(_mm512_sub_pd(_mm512_set1_pd(u[i]), otLoad8<L, T>(C + i * cols + j)), vi));
        }
        // old == -inf (first rows): the sum is 0 and exp(-inf) flushes to 0.
        _mm512_storeu_pd(colSum + j, _mm512_mul_pd(_mm512_loadu_pd(colSum + j), otExp8<L>(_mm512_sub_pd(old, bm))));
        _mm512_storeu_pd(colMax + j, bm);
        __m512d s = _mm512_loadu_pd(colSum + j);
        for (int64_t i = b; i < e; i++) {
          const __m512d x = _mm512_mul_pd(_mm512_sub_pd(_mm512_set1_pd(u[i]), otLoad8<L, T>(C + i * cols + j)), vi);
          s = _mm512_add_pd(s, otExp8<L>(_mm512_sub_pd(x, bm)));
        }
        _mm512_storeu_pd(colSum + j, s);
      }
    } else if constexpr (L == SimdLevel::Avx2) {
      const __m256d vi = _mm256_set1_pd(inv);
      for (; j + 4 <= c1; j += 4) {
        __m256d bm = _mm256_loadu_pd(colMax + j);
        const __m256d old = bm;
        for (int64_t i = b; i < e; i++) {
          bm = _mm256_max_pd(bm, _mm256_mul_pd(_mm256_sub_pd(_mm256_set1_pd(u[i]), otLoad4<L, T>(C + i * cols + j)), vi));
        }
        _mm256_storeu_pd(colSum + j, _mm256_mul_pd(_mm256_loadu_pd(colSum + j), otExp4<L>(_mm256_sub_pd(old, bm))));
        _mm256_storeu_pd(colMax + j, bm);
        __m256d s = _mm256_loadu_pd(colSum + j);
        for (int64_t i = b; i < e; i++) {
          const __m256d x = _mm256_mul_pd(_mm256_sub_pd(_mm256_set1_pd(u[i]), otLoad4<L, T>(C + i * cols + j)), vi);
          s = _mm256_add_pd(s, otExp4<L>(_mm256_sub_pd(x, bm)));
        }
        _mm256_storeu_pd(colSum + j, s);
      }
    }
#endif
    for (; j < c1; j++) {
      double bm = colMax[j];
      const double old = bm;
      for (int64_t i = b; i < e; i++) bm = std::max(bm, (u[i] - static_cast<double>(C[i * cols + j])) * inv);
      double s = old == -std::numeric_limits<double>::infinity() ? 0.0 : colSum[j] * otExp1<L>(old - bm);
      for (int64_t i = b; i < e; i++) s += otExp1<L>((u[i] - static_cast<double>(C[i * cols + j])) * inv - bm);
      colMax[j] = bm;
      colSum[j] = s;
    }
  }
}

template <SimdLevel L, class T>
Status otLseCols(int64_t rows, int64_t cols, const T* C, const double* u, double eps, double* colMax, double* colSum,
                 int64_t r0, int64_t r1) {
  (void)rows;
  if (r1 <= r0 || cols <= 0) return Status::okay();
  const double inv = 1.0 / eps;
  const int64_t maxTasks = std::max<int64_t>(1, cols / kOtMinColsPerTask);
  const int64_t tasks = std::min(partsFor((r1 - r0) * cols), maxTasks);
  parallelFor(tasks, [&](int64_t t) {
    // Column ranges aligned to 8 so the vector loops cover the same columns at any task count.
    const int64_t c0 = std::min(cols, (cols * t / tasks) & ~int64_t{7});
    const int64_t c1 = t + 1 == tasks ? cols : std::min(cols, (cols * (t + 1) / tasks) & ~int64_t{7});
    otLseColsRange<L, T>(cols, C, u, inv, colMax, colSum, r0, r1, c0, c1);
  });
  return Status::okay();
}

// out[k] = the vectorized exp of x[k] (the lanes the kernels use at this level; std::exp in the
// generic branch). For the accuracy tests; x <= 0 is the range the kernels use.
template <SimdLevel L>
Status otExpProbe(const double* x, double* out, int64_t n) {
  int64_t k = 0;
#if defined(__x86_64__) || defined(_M_X64)
  if constexpr (L == SimdLevel::Avx512) {
    for (; k + 8 <= n; k += 8) _mm512_storeu_pd(out + k, otExp8<L>(_mm512_loadu_pd(x + k)));
  } else if constexpr (L == SimdLevel::Avx2) {
    for (; k + 4 <= n; k += 4) _mm256_storeu_pd(out + k, otExp4<L>(_mm256_loadu_pd(x + k)));
  }
#endif
  for (; k < n; k++) out[k] = otExp1<L>(x[k]);
  return Status::okay();
}

}  // namespace sparse
