// y = alpha*A*x + beta*y and its transpose (src/backend/js/spmv.ts is the twin).
// Lengths of x and y are the binding's job (x: cols, y: rows; swapped for the transpose).
//
// Plain product: rows cut into tasks balanced by nonzeros + rows (a power-law row of 10^5 entries
// is one task among many); each row is one dot product. The scalar level sums each row's products
// in storage order (bit-identical to the JS twin); AVX2/AVX-512 use gathers for x and two vector
// accumulators (another rounding, identical for any thread count: a row is never split).
// Transposed product: scatterTransposed (par_csr.hpp), deterministic for any thread count.
#pragma once

#include <cmath>
#include <type_traits>

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#endif

#include "csr_check.hpp"
#include "par_csr.hpp"
#include "simd_level.hpp"

namespace sparse {

// The gather variant (measured slower on Zen 4; kept for the record and other CPUs).
template <SimdLevel L, class T>
inline bool rowDotGather(const int32_t* ci, const T* v, const T* x, int64_t cols, int64_t s, int64_t e, Acc& out) {
#if defined(__x86_64__) || defined(_M_X64)
  if constexpr (L == SimdLevel::Avx512) {
    const __m256i cv = _mm256_set1_epi32(static_cast<int32_t>(cols));  // j >= cols as unsigned
    __m512d a0 = _mm512_setzero_pd(), a1 = _mm512_setzero_pd();
    int64_t k = s;
    for (; k + 16 <= e; k += 16) {
      const __m256i i0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(ci + k));
      const __m256i i1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(ci + k + 8));
      if ((_mm256_cmpge_epu32_mask(i0, cv) | _mm256_cmpge_epu32_mask(i1, cv)) != 0) return false;
      if constexpr (std::is_same_v<T, double>) {
        a0 = _mm512_fmadd_pd(_mm512_loadu_pd(v + k), _mm512_mask_i32gather_pd(_mm512_setzero_pd(), 0xFF, i0, x, 8), a0);
        a1 = _mm512_fmadd_pd(_mm512_loadu_pd(v + k + 8), _mm512_mask_i32gather_pd(_mm512_setzero_pd(), 0xFF, i1, x, 8), a1);
      } else {
        a0 = _mm512_fmadd_pd(_mm512_maskz_cvtps_pd(0xFF, _mm256_loadu_ps(v + k)), _mm512_maskz_cvtps_pd(0xFF, _mm256_mmask_i32gather_ps(_mm256_setzero_ps(), 0xFF, i0, x, 4)), a0);
        a1 = _mm512_fmadd_pd(_mm512_maskz_cvtps_pd(0xFF, _mm256_loadu_ps(v + k + 8)), _mm512_maskz_cvtps_pd(0xFF, _mm256_mmask_i32gather_ps(_mm256_setzero_ps(), 0xFF, i1, x, 4)), a1);
      }
    }
    if (k < e) {
      // Up to two masked blocks: masked-off lanes are neither loaded nor gathered.
      for (int b = 0; b < 2 && k < e; b++, k += 8) {
        const int64_t n = e - k < 8 ? e - k : 8;
        const __mmask8 m = static_cast<__mmask8>((1u << n) - 1);
        const __m256i i0 = _mm256_maskz_loadu_epi32(m, ci + k);
        if (_mm256_mask_cmpge_epu32_mask(m, i0, cv) != 0) return false;
        if constexpr (std::is_same_v<T, double>) {
          const __m512d xv = _mm512_mask_i32gather_pd(_mm512_setzero_pd(), m, i0, x, 8);
          (b == 0 ? a0 : a1) = _mm512_fmadd_pd(_mm512_maskz_loadu_pd(m, v + k), xv, b == 0 ? a0 : a1);
        } else {
          const __m256 xv = _mm256_mmask_i32gather_ps(_mm256_setzero_ps(), m, i0, x, 4);
          (b == 0 ? a0 : a1) = _mm512_fmadd_pd(_mm512_maskz_cvtps_pd(0xFF, _mm256_maskz_loadu_ps(m, v + k)), _mm512_maskz_cvtps_pd(0xFF, xv),
                                               b == 0 ? a0 : a1);
        }
      }
    }
    const __m512d a = _mm512_add_pd(a0, a1);
    const __m256d q = _mm256_add_pd(_mm512_maskz_extractf64x4_pd(0xF, a, 0), _mm512_maskz_extractf64x4_pd(0xF, a, 1));
    const __m128d h = _mm_add_pd(_mm256_castpd256_pd128(q), _mm256_extractf128_pd(q, 1));
    out = _mm_cvtsd_f64(_mm_add_sd(h, _mm_unpackhi_pd(h, h)));
    return true;
  }
  if constexpr (L == SimdLevel::Avx2) {
    const __m128i cm1 = _mm_set1_epi32(static_cast<int32_t>(cols - 1));  // cols <= INT32_MAX
    const __m128i zero = _mm_setzero_si128();
    const __m256d ones = _mm256_castsi256_pd(_mm256_set1_epi64x(-1));
    const __m128 onesf = _mm_castsi128_ps(_mm_set1_epi32(-1));
    __m256d a0 = _mm256_setzero_pd(), a1 = _mm256_setzero_pd();
    int64_t k = s;
    for (; k + 8 <= e; k += 8) {
      const __m128i i0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(ci + k));
      const __m128i i1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(ci + k + 4));
      const __m128i bad = _mm_or_si128(_mm_or_si128(_mm_cmpgt_epi32(i0, cm1), _mm_cmpgt_epi32(zero, i0)),
                                       _mm_or_si128(_mm_cmpgt_epi32(i1, cm1), _mm_cmpgt_epi32(zero, i1)));
      if (_mm_movemask_epi8(bad) != 0) return false;
      if constexpr (std::is_same_v<T, double>) {
        a0 = _mm256_fmadd_pd(_mm256_loadu_pd(v + k), _mm256_mask_i32gather_pd(_mm256_setzero_pd(), x, i0, ones, 8), a0);
        a1 = _mm256_fmadd_pd(_mm256_loadu_pd(v + k + 4), _mm256_mask_i32gather_pd(_mm256_setzero_pd(), x, i1, ones, 8), a1);
      } else {
        a0 = _mm256_fmadd_pd(_mm256_cvtps_pd(_mm_loadu_ps(v + k)), _mm256_cvtps_pd(_mm_mask_i32gather_ps(_mm_setzero_ps(), x, i0, onesf, 4)), a0);
        a1 = _mm256_fmadd_pd(_mm256_cvtps_pd(_mm_loadu_ps(v + k + 4)), _mm256_cvtps_pd(_mm_mask_i32gather_ps(_mm_setzero_ps(), x, i1, onesf, 4)), a1);
      }
    }
    const __m256d a = _mm256_add_pd(a0, a1);
    const __m128d h = _mm_add_pd(_mm256_castpd256_pd128(a), _mm256_extractf128_pd(a, 1));
    Acc sum = _mm_cvtsd_f64(_mm_add_sd(h, _mm_unpackhi_pd(h, h)));
    for (; k < e; k++) {
      const int32_t j = ci[k];
      if (outOfRange(j, cols)) return false;
      sum += static_cast<Acc>(v[k]) * static_cast<Acc>(x[j]);
    }
    out = sum;
    return true;
  }
#endif
  Acc sum = 0;
  for (int64_t k = s; k < e; k++) {
    const int32_t j = ci[k];
    if (outOfRange(j, cols)) return false;
    sum += static_cast<Acc>(v[k]) * static_cast<Acc>(x[j]);
  }
  out = sum;
  return true;
}

// sum over k in [s, e) of v[k] * x[ci[k]] into `out`; false on a column out of [0, cols).
// Generic (every level's fallback, and what Scalar runs): products summed in storage order, bit
// for bit the JS twin.
template <SimdLevel L, class T>
inline bool rowDotSerial(const int32_t* ci, const T* v, const T* x, int64_t cols, int64_t s, int64_t e, Acc& out) {
  Acc sum = 0;
  for (int64_t k = s; k < e; k++) {
    const int32_t j = ci[k];
    if (outOfRange(j, cols)) return false;
    sum += static_cast<Acc>(v[k]) * static_cast<Acc>(x[j]);
  }
  out = sum;
  return true;
}

// Internal tuning knob for the measurements (SPARSE_LINALG_SPMV_VARIANT); see spmvVariant().
template <SimdLevel L, class T>
inline bool rowDot(const int32_t* ci, const T* v, const T* x, int64_t cols, int64_t s, int64_t e, int64_t nnz,
                   int variant, Acc& out) {
#if defined(__x86_64__) || defined(_M_X64)
  if constexpr (L == SimdLevel::Avx512 || L == SimdLevel::Avx2) {
    if (variant == 1 || variant == 3) {
      // Scalar loads of x (Zen 4's gathers are slower), four independent accumulators, fused
      // multiply-adds; optionally prefetching x for the entries 64 positions ahead.
      Acc a0 = 0, a1 = 0, a2 = 0, a3 = 0;
      int64_t k = s;
      for (; k + 4 <= e; k += 4) {
        if (variant == 3 && k + 68 <= nnz) {
          _mm_prefetch(reinterpret_cast<const char*>(x + ci[k + 64]), _MM_HINT_T0);
          _mm_prefetch(reinterpret_cast<const char*>(x + ci[k + 66]), _MM_HINT_T0);
        }
        const int32_t j0 = ci[k], j1 = ci[k + 1], j2 = ci[k + 2], j3 = ci[k + 3];
        if ((outOfRange(j0, cols) | outOfRange(j1, cols)) | (outOfRange(j2, cols) | outOfRange(j3, cols))) return false;
        a0 = std::fma(static_cast<Acc>(v[k]), static_cast<Acc>(x[j0]), a0);
        a1 = std::fma(static_cast<Acc>(v[k + 1]), static_cast<Acc>(x[j1]), a1);
        a2 = std::fma(static_cast<Acc>(v[k + 2]), static_cast<Acc>(x[j2]), a2);
        a3 = std::fma(static_cast<Acc>(v[k + 3]), static_cast<Acc>(x[j3]), a3);
      }
      for (; k < e; k++) {
        const int32_t j = ci[k];
        if (outOfRange(j, cols)) return false;
        a0 = std::fma(static_cast<Acc>(v[k]), static_cast<Acc>(x[j]), a0);
      }
      out = (a0 + a1) + (a2 + a3);
      return true;
    }
  }
  if constexpr (L == SimdLevel::Avx512 || L == SimdLevel::Avx2) {
    if (variant == 2) {
      // The default: a vector multiply-add over x loaded by scalar loads (vmovsd/vmovhpd/
      // vinsertf128), eight entries a step, the eight column checks as one vector compare.
      __m256d a0 = _mm256_setzero_pd(), a1 = _mm256_setzero_pd();
      int64_t k = s;
      for (; k + 8 <= e; k += 8) {
        const __m256i idx = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(ci + k));
        if constexpr (L == SimdLevel::Avx512) {
          if (_mm256_cmpge_epu32_mask(idx, _mm256_set1_epi32(static_cast<int32_t>(cols))) != 0) return false;
        } else {  // cols <= INT32_MAX: j out of range iff j > cols - 1 or j < 0 (signed)
          const __m256i bad = _mm256_or_si256(_mm256_cmpgt_epi32(idx, _mm256_set1_epi32(static_cast<int32_t>(cols - 1))),
                                              _mm256_cmpgt_epi32(_mm256_setzero_si256(), idx));
          if (_mm256_movemask_epi8(bad) != 0) return false;
        }
        const __m256d x0 = _mm256_set_pd(static_cast<Acc>(x[ci[k + 3]]), static_cast<Acc>(x[ci[k + 2]]),
                                         static_cast<Acc>(x[ci[k + 1]]), static_cast<Acc>(x[ci[k]]));
        const __m256d x1 = _mm256_set_pd(static_cast<Acc>(x[ci[k + 7]]), static_cast<Acc>(x[ci[k + 6]]),
                                         static_cast<Acc>(x[ci[k + 5]]), static_cast<Acc>(x[ci[k + 4]]));
        __m256d v0, v1;
        if constexpr (std::is_same_v<T, double>) {
          v0 = _mm256_loadu_pd(v + k);
          v1 = _mm256_loadu_pd(v + k + 4);
        } else {
          v0 = _mm256_cvtps_pd(_mm_loadu_ps(v + k));
          v1 = _mm256_cvtps_pd(_mm_loadu_ps(v + k + 4));
        }
        a0 = _mm256_fmadd_pd(v0, x0, a0);
        a1 = _mm256_fmadd_pd(v1, x1, a1);
      }
      const __m256d a = _mm256_add_pd(a0, a1);
      const __m128d h = _mm_add_pd(_mm256_castpd256_pd128(a), _mm256_extractf128_pd(a, 1));
      Acc sum = _mm_cvtsd_f64(_mm_add_sd(h, _mm_unpackhi_pd(h, h)));
      for (; k < e; k++) {
        const int32_t j = ci[k];
        if (outOfRange(j, cols)) return false;
        sum = std::fma(static_cast<Acc>(v[k]), static_cast<Acc>(x[j]), sum);
      }
      out = sum;
      return true;
    }
  }
  if constexpr (L == SimdLevel::Avx512) {
    if (variant == 0) return rowDotGather<L>(ci, v, x, cols, s, e, out);
  }
  if constexpr (L == SimdLevel::Avx2) {
    if (variant == 0) return rowDotGather<L>(ci, v, x, cols, s, e, out);
  }
#endif
  (void)nnz;
  (void)variant;
  return rowDotSerial<L>(ci, v, x, cols, s, e, out);
}

// Rows [rowBegin, rowEnd) of the plain product. Checks are fused into the loop (a row end beyond
// nnz or a column out of range) and nothing out of bounds is read; returns false on the first bad
// row so the caller can run validateCsr for the exact message.
template <SimdLevel L, class T>
bool spmvRows(const CsrView<T>& A, const T* x, T* y, double alpha, double beta, int64_t rowBegin,
              int64_t rowEnd) {
  const int64_t nnz = A.nnz();
  const int variant = spmvVariant();
  int64_t start = A.rowPtr[rowBegin];
  if (start < 0 || start > nnz) return false;  // a range may begin mid-matrix
  for (int64_t i = rowBegin; i < rowEnd; i++) {
    const int64_t end = A.rowPtr[i + 1];
    if (end < start || end > nnz) return false;
    Acc sum = 0;
    if (!rowDot<L>(A.colIdx, A.values, x, A.cols, start, end, nnz, variant, sum)) return false;
    y[i] = static_cast<T>(beta == 0 ? alpha * sum : alpha * sum + beta * static_cast<Acc>(y[i]));
    start = end;
  }
  return true;
}

// y = beta*y over [begin, end), with beta = 0 overwriting (so NaN in y does not survive).
template <SimdLevel L, class T>
void scaleOutput(T* y, int64_t begin, int64_t end, double beta) {
  if (beta == 0) {
    for (int64_t t = begin; t < end; t++) y[t] = 0;
  } else if (beta != 1) {
    for (int64_t t = begin; t < end; t++) y[t] = static_cast<T>(static_cast<Acc>(y[t]) * beta);
  }
}

// scaleOutput over [0, n) in parallel chunks (elementwise, so any split gives the same bits).
template <SimdLevel L, class T>
void scaleOutputParallel(T* y, int64_t n, double beta) {
  if (beta == 1) return;
  const int64_t chunks = partsFor(n, int64_t{1} << 16);
  parallelFor(chunks, [&](int64_t c) { scaleOutput<L>(y, (n * c) / chunks, (n * (c + 1)) / chunks, beta); });
}

// Scatter rows [rowBegin, rowEnd) of A^T x into base[j - lo]. Needs a validated A.
template <SimdLevel L, class T>
void spmvTransposedRows(const CsrView<T>& A, const T* x, T* base, int64_t lo, double alpha, int64_t rowBegin,
                        int64_t rowEnd) {
  for (int64_t i = rowBegin; i < rowEnd; i++) {
    const Acc xi = alpha * static_cast<Acc>(x[i]);
    const int64_t end = A.rowPtr[i + 1];
    for (int64_t k = A.rowPtr[i]; k < end; k++) {
      T& yj = base[A.colIdx[k] - lo];
      yj = static_cast<T>(static_cast<Acc>(yj) + static_cast<Acc>(A.values[k]) * xi);
    }
  }
}

template <SimdLevel L, class T>
Status spmv(const CsrView<T>& A, const T* x, T* y, double alpha, double beta, bool transpose) {
  Status s = checkRowPtrEnds(A);
  if (!s.ok()) return s;
  if (!transpose) {
    Buf<int64_t> bounds;
    int64_t parts = 0;
    if (!rowPartition<L>(A.rowPtr, A.rows, A.nnz(), bounds, parts)) return Status::noMemory("the row partition");
    if (parts == 1) {
      if (spmvRows<L>(A, x, y, alpha, beta, 0, A.rows)) return Status::okay();
      return validateCsr(A);
    }
    std::atomic<bool> bad{false};
    parallelFor(parts, [&](int64_t p) {
      if (!spmvRows<L>(A, x, y, alpha, beta, bounds[p], bounds[p + 1])) bad.store(true, std::memory_order_relaxed);
    });
    return bad.load() ? validateCsr(A) : Status::okay();
  }
  // Validated before y is touched, so a bad matrix leaves y as it was.
  return scatterTransposed<L>(
      A, 1, y, [&] { scaleOutputParallel<L>(y, A.cols, beta); },
      [&](int64_t rb, int64_t re, T* base, int64_t lo) { spmvTransposedRows<L>(A, x, base, lo, alpha, rb, re); });
}

}  // namespace sparse
