// Optimal-transport kernels: the log-sum-exp reductions of log-domain Sinkhorn over a dense
// row-major cost C (rows x cols, f64 or f32; potentials and results in double).
//   otLseRows: out[i] = eps * log sum_j exp((v_j - C_ij)/eps), i in [r0, r1)
//   otLseCols: streaming column state over rows [r0, r1): colMax[j] = max_i (u_i - C_ij)/eps,
//              colSum[j] = sum_i exp((u_i - C_ij)/eps - colMax[j])
// Every exponent is max-shifted (<= 0), so nothing overflows. The AVX2 / AVX-512 branches use a
// vectorized exp (below); the generic branch (Scalar, NEON) uses std::exp.
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

#include "parallel.hpp"
#include "simd_level.hpp"
#include "status.hpp"

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#endif

namespace sparse {

constexpr int64_t kOtRowBlock = 16;
constexpr int64_t kOtMinColsPerTask = 256;

#if defined(__x86_64__) || defined(_M_X64)
// exp(x) for x <= 0 (x >= +0 is fine up to 709), 4 lanes. Range reduction x = k ln2 + r with
// |r| <= ln2/2 (Cody-Waite, two FMAs), Taylor polynomial of degree 13 in Horner form with FMAs
// (truncation < 5e-18 relative), scaling by 2^k through the exponent bits. Results below 2^-1022
// (x < -708) are flushed to zero, as are NaN inputs (the callers never pass NaN: costs and
// potentials are checked finite). Measured max error: see the report / test (<= 2 ulp).
template <SimdLevel L>
inline __m256d otExp4(__m256d x) {
  const __m256d lo = _mm256_set1_pd(-708.0);
  const __m256d keep = _mm256_cmp_pd(x, lo, _CMP_GE_OQ);
  x = _mm256_max_pd(x, lo);
  const __m256d shifter = _mm256_set1_pd(6755399441055744.0);  // 1.5 * 2^52: round to nearest
  const __m256d t = _mm256_fmadd_pd(x, _mm256_set1_pd(1.4426950408889634), shifter);
  const __m256d kf = _mm256_sub_pd(t, shifter);
  __m256d r = _mm256_fnmadd_pd(kf, _mm256_set1_pd(6.93147180369123816490e-01), x);
  r = _mm256_fnmadd_pd(kf, _mm256_set1_pd(1.90821492927058770002e-10), r);
  __m256d p = _mm256_set1_pd(1.0 / 6227020800.0);
  p = _mm256_fmadd_pd(p, r, _mm256_set1_pd(1.0 / 479001600.0));
  p = _mm256_fmadd_pd(p, r, _mm256_set1_pd(1.0 / 39916800.0));
  p = _mm256_fmadd_pd(p, r, _mm256_set1_pd(1.0 / 3628800.0));
  p = _mm256_fmadd_pd(p, r, _mm256_set1_pd(1.0 / 362880.0));
  p = _mm256_fmadd_pd(p, r, _mm256_set1_pd(1.0 / 40320.0));
  p = _mm256_fmadd_pd(p, r, _mm256_set1_pd(1.0 / 5040.0));
  p = _mm256_fmadd_pd(p, r, _mm256_set1_pd(1.0 / 720.0));
  p = _mm256_fmadd_pd(p, r, _mm256_set1_pd(1.0 / 120.0));
  p = _mm256_fmadd_pd(p, r, _mm256_set1_pd(1.0 / 24.0));
  p = _mm256_fmadd_pd(p, r, _mm256_set1_pd(1.0 / 6.0));
  p = _mm256_fmadd_pd(p, r, _mm256_set1_pd(0.5));
  p = _mm256_fmadd_pd(p, r, _mm256_set1_pd(1.0));
  p = _mm256_fmadd_pd(p, r, _mm256_set1_pd(1.0));
  // k sits in the low mantissa bits of t: (k + 1023) << 52 is 2^k.
  const __m256i k = _mm256_sub_epi64(_mm256_castpd_si256(t), _mm256_castpd_si256(shifter));
  const __m256i bits = _mm256_slli_epi64(_mm256_add_epi64(k, _mm256_set1_epi64x(1023)), 52);
  return _mm256_and_pd(_mm256_mul_pd(p, _mm256_castsi256_pd(bits)), keep);
}

// GCC 12 warns (-Wmaybe-uninitialized) on the unmasked AVX-512 intrinsics that pass an undefined
// vector through; the zero-masked forms with a full mask are the same instruction without it.
template <SimdLevel L>
inline __m512d otMax8(__m512d a, __m512d b) {
  return _mm512_maskz_max_pd(0xFF, a, b);
}

template <SimdLevel L>
inline __m512d otExp8(__m512d x) {
  const __m512d lo = _mm512_set1_pd(-708.0);
  const __mmask8 keep = _mm512_cmp_pd_mask(x, lo, _CMP_GE_OQ);
  x = otMax8<L>(x, lo);
  const __m512d shifter = _mm512_set1_pd(6755399441055744.0);
  const __m512d t = _mm512_fmadd_pd(x, _mm512_set1_pd(1.4426950408889634), shifter);
  const __m512d kf = _mm512_sub_pd(t, shifter);
  __m512d r = _mm512_fnmadd_pd(kf, _mm512_set1_pd(6.93147180369123816490e-01), x);
  r = _mm512_fnmadd_pd(kf, _mm512_set1_pd(1.90821492927058770002e-10), r);
  __m512d p = _mm512_set1_pd(1.0 / 6227020800.0);
  p = _mm512_fmadd_pd(p, r, _mm512_set1_pd(1.0 / 479001600.0));
  p = _mm512_fmadd_pd(p, r, _mm512_set1_pd(1.0 / 39916800.0));
  p = _mm512_fmadd_pd(p, r, _mm512_set1_pd(1.0 / 3628800.0));
  p = _mm512_fmadd_pd(p, r, _mm512_set1_pd(1.0 / 362880.0));
  p = _mm512_fmadd_pd(p, r, _mm512_set1_pd(1.0 / 40320.0));
  p = _mm512_fmadd_pd(p, r, _mm512_set1_pd(1.0 / 5040.0));
  p = _mm512_fmadd_pd(p, r, _mm512_set1_pd(1.0 / 720.0));
  p = _mm512_fmadd_pd(p, r, _mm512_set1_pd(1.0 / 120.0));
  p = _mm512_fmadd_pd(p, r, _mm512_set1_pd(1.0 / 24.0));
  p = _mm512_fmadd_pd(p, r, _mm512_set1_pd(1.0 / 6.0));
  p = _mm512_fmadd_pd(p, r, _mm512_set1_pd(0.5));
  p = _mm512_fmadd_pd(p, r, _mm512_set1_pd(1.0));
  p = _mm512_fmadd_pd(p, r, _mm512_set1_pd(1.0));
  const __m512i k = _mm512_sub_epi64(_mm512_castpd_si512(t), _mm512_castpd_si512(shifter));
  const __m512i bits = _mm512_maskz_slli_epi64(0xFF, _mm512_add_epi64(k, _mm512_set1_epi64(1023)), 52);
  return _mm512_maskz_mov_pd(keep, _mm512_mul_pd(p, _mm512_castsi512_pd(bits)));
}

template <SimdLevel L, class T>
inline __m256d otLoad4(const T* p) {
  if constexpr (sizeof(T) == 8) return _mm256_loadu_pd(reinterpret_cast<const double*>(p));
  else return _mm256_cvtps_pd(_mm_loadu_ps(reinterpret_cast<const float*>(p)));
}

template <SimdLevel L, class T>
inline __m512d otLoad8(const T* p) {
  if constexpr (sizeof(T) == 8) return _mm512_loadu_pd(reinterpret_cast<const double*>(p));
  else return _mm512_maskz_cvtps_pd(0xFF, _mm256_loadu_ps(reinterpret_cast<const float*>(p)));
}
#endif

// The vectorized exp on one value (tests and tails): the same arithmetic as the vector lanes.
template <SimdLevel L>
inline double otExp1(double x) {
#if defined(__x86_64__) || defined(_M_X64)
  if constexpr (L == SimdLevel::Avx512 || L == SimdLevel::Avx2) {
    alignas(32) double lanes[4];
    _mm256_store_pd(lanes, otExp4<L>(_mm256_set1_pd(x)));
    return lanes[0];
  }
#endif
  return std::exp(x);
}

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

template <SimdLevel L, class T>
Status otLseRows(int64_t rows, int64_t cols, const T* C, const double* v, double eps, double* out, int64_t r0,
                 int64_t r1) {
  const int64_t count = r1 - r0;
  if (count <= 0) return Status::okay();
  const int64_t tasks = std::min(partsFor(count * std::max<int64_t>(cols, 1)), count);
  (void)rows;
  parallelFor(tasks, [&](int64_t t) {
    const int64_t b = r0 + count * t / tasks;
    const int64_t e = r0 + count * (t + 1) / tasks;
    for (int64_t i = b; i < e; i++) out[i] = otLseRow<L, T>(C + i * cols, v, cols, eps);
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
