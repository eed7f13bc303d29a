// The vectorized exp of the optimal-transport kernels (ot_lse.hpp, ot_plan.hpp): 4 lanes (AVX2)
// and 8 lanes (AVX-512), the same arithmetic on one value (otExp1), and loads that widen f32 costs
// to double. The generic levels (Scalar, NEON) use std::exp.
#pragma once

#include <cmath>
#include <cstdint>

#include "simd_level.hpp"

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#endif

namespace sparse {

#if defined(__x86_64__) || defined(_M_X64)
// Lane-width-generic arithmetic: OtLanes<L, V> for V = __m256d (4 lanes) and __m512d (8 lanes,
// AVX-512 only), so that each polynomial below is written once and gives, lane by lane, the same
// bits at both widths (the same operations in the same order; -ffp-contract=off).
template <SimdLevel L, class V>
struct OtLanes;

template <SimdLevel L>
struct OtLanes<L, __m256d> {
  static constexpr int64_t width = 4;
  static __m256d load(const double* p) { return _mm256_loadu_pd(p); }
  static void store(double* p, __m256d v) { _mm256_storeu_pd(p, v); }
  // (v0 + v1) + (v2 + v3).
  static double sum(__m256d v) {
    alignas(32) double lanes[4];
    _mm256_store_pd(lanes, v);
    return (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
  }
  static __m256d set(double v) { return _mm256_set1_pd(v); }
  static __m256d add(__m256d a, __m256d b) { return _mm256_add_pd(a, b); }
  static __m256d sub(__m256d a, __m256d b) { return _mm256_sub_pd(a, b); }
  static __m256d mul(__m256d a, __m256d b) { return _mm256_mul_pd(a, b); }
  static __m256d fma(__m256d a, __m256d b, __m256d c) { return _mm256_fmadd_pd(a, b, c); }
  static __m256d fnma(__m256d a, __m256d b, __m256d c) { return _mm256_fnmadd_pd(a, b, c); }
  static __m256d max(__m256d a, __m256d b) { return _mm256_max_pd(a, b); }
  // v where x >= lo (ordered), +0 elsewhere.
  static __m256d keepGe(__m256d v, __m256d x, __m256d lo) { return _mm256_and_pd(v, _mm256_cmp_pd(x, lo, _CMP_GE_OQ)); }
  // 2^k for t = k + shifter (k in the low mantissa bits).
  static __m256d pow2(__m256d t, __m256d shifter) {
    const __m256i k = _mm256_sub_epi64(_mm256_castpd_si256(t), _mm256_castpd_si256(shifter));
    return _mm256_castsi256_pd(_mm256_slli_epi64(_mm256_add_epi64(k, _mm256_set1_epi64x(1023)), 52));
  }
};

// GCC 12 warns (-Wmaybe-uninitialized) on the unmasked AVX-512 intrinsics that pass an undefined
// vector through; the zero-masked forms with a full mask are the same instruction without it.
template <SimdLevel L>
struct OtLanes<L, __m512d> {
  static constexpr int64_t width = 8;
  static __m512d load(const double* p) { return _mm512_loadu_pd(p); }
  static void store(double* p, __m512d v) { _mm512_storeu_pd(p, v); }
  static double sum(__m512d v) { return _mm512_reduce_add_pd(v); }
  static __m512d set(double v) { return _mm512_set1_pd(v); }
  static __m512d add(__m512d a, __m512d b) { return _mm512_add_pd(a, b); }
  static __m512d sub(__m512d a, __m512d b) { return _mm512_sub_pd(a, b); }
  static __m512d mul(__m512d a, __m512d b) { return _mm512_mul_pd(a, b); }
  static __m512d fma(__m512d a, __m512d b, __m512d c) { return _mm512_fmadd_pd(a, b, c); }
  static __m512d fnma(__m512d a, __m512d b, __m512d c) { return _mm512_fnmadd_pd(a, b, c); }
  static __m512d max(__m512d a, __m512d b) { return _mm512_maskz_max_pd(0xFF, a, b); }
  static __m512d keepGe(__m512d v, __m512d x, __m512d lo) {
    return _mm512_maskz_mov_pd(_mm512_cmp_pd_mask(x, lo, _CMP_GE_OQ), v);
  }
  static __m512d pow2(__m512d t, __m512d shifter) {
    const __m512i k = _mm512_sub_epi64(_mm512_castpd_si512(t), _mm512_castpd_si512(shifter));
    return _mm512_castsi512_pd(_mm512_maskz_slli_epi64(0xFF, _mm512_add_epi64(k, _mm512_set1_epi64(1023)), 52));
  }
};

// otExpLanes: exp(x) for x <= 0 (x >= +0 is fine up to 709), at 4 or 8 lanes. Range reduction
// x = k ln2 + r with |r| <= ln2/2 (Cody-Waite, two FMAs), then exp(r) = 1 + r (1 + r Q(r)) with Q
// the degree-9 Chebyshev fit of (e^r - 1 - r)/r^2 on [-ln2/2, ln2/2] (mpmath.chebyfit; 1.6e-17
// relative with the coefficients rounded to double: two FMAs fewer than the degree-13 Taylor form
// of otExp8, the log-sum-exp kernels' 8-lane exp), scaling by 2^k through the exponent bits. Results below 2^-1022 (x < -708) are flushed to zero,
// as are NaN inputs (the callers never pass NaN: costs and potentials are checked finite).
// Measured max error: <= 2 ulp (test/compare/ot-native.test.ts).
// otExpCore: the same for x already in [-708, 709] (no flush; the sum kernels clamp instead).
template <SimdLevel L, class V>
inline V otExpCore(V x) {
  using O = OtLanes<L, V>;
  const V shifter = O::set(6755399441055744.0);  // 1.5 * 2^52: round to nearest
  const V t = O::fma(x, O::set(1.4426950408889634), shifter);
  const V kf = O::sub(t, shifter);
  V r = O::fnma(kf, O::set(6.93147180369123816490e-01), x);
  r = O::fnma(kf, O::set(1.90821492927058770002e-10), r);
  V p = O::set(2.5100375832561234e-08);
  p = O::fma(p, r, O::set(2.7620075879983367e-07));
  p = O::fma(p, r, O::set(2.7557268480310024e-06));
  p = O::fma(p, r, O::set(2.4801521322368692e-05));
  p = O::fma(p, r, O::set(0.00019841269863040545));
  p = O::fma(p, r, O::set(0.0013888888917196719));
  p = O::fma(p, r, O::set(0.008333333333330065));
  p = O::fma(p, r, O::set(0.041666666666624164));
  p = O::fma(p, r, O::set(0.16666666666666669));
  p = O::fma(p, r, O::set(0.5000000000000001));
  p = O::fma(p, r, O::set(1.0));
  p = O::fma(p, r, O::set(1.0));
  return O::mul(p, O::pow2(t, shifter));
}

// exp(x), flushed to zero below -708 (and for NaN).
template <SimdLevel L, class V>
inline V otExpLanes(V x) {
  using O = OtLanes<L, V>;
  const V lo = O::set(-708.0);
  return O::keepGe(otExpCore<L, V>(O::max(x, lo)), x, lo);
}

template <SimdLevel L>
inline __m256d otExp4Core(__m256d x) {
  return otExpCore<L, __m256d>(x);
}

template <SimdLevel L>
inline __m256d otExp4(__m256d x) {
  return otExpLanes<L, __m256d>(x);
}

template <SimdLevel L>
inline __m512d otMax8(__m512d a, __m512d b) {
  return _mm512_maskz_max_pd(0xFF, a, b);
}

// The 8-lane exp keeps the degree-13 Taylor polynomial (same range reduction and scaling).
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

}  // namespace sparse
