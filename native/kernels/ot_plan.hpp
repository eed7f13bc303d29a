// Optimal-transport kernels of the Newton stage (SNS) and of scaling-form Sinkhorn, over a dense
// row-major cost C (rows x cols, f64 or f32) and dense f64 plan / kernel arrays of the same shape:
//   otPlanPass:      P_ij = exp((f_i + g_j - C_ij)/eps) over rows [r0, r1): rowSums[i] = sum_j P_ij,
//                    colSums[j] += sum_i P_ij, stats[0] += sum P_ij C_ij, stats[1] += sum P_ij log P_ij
//                    unless stats is null, P stored unless null
//   otExpm1Dot:      *acc += sum_ij P_ij (expm1(t) - t), t = scale (df_i + dg_j) (tiny entries skipped)
//   otKernelMatvec:  y_i = sum_j K_ij x_j, or y_j += sum_i K_ij x_i (transpose)
//   otScalingSweep:  the row half of a scaling-form Sinkhorn iteration with K^T u fused in
// Threads: rows are cut into tasks by the input size only; a task writes partial column sums and
// partial scalars into its own slot, and the slots are added in task order, so the bits do not
// depend on the thread count (ot_rows.hpp).
// Arguments >= kOtExpSafe (exp could overflow or leave the polynomial's range) take the scalar
// std::exp / std::expm1 path for the whole vector, which is where the JS twins' Infinity comes from.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "ot_exp.hpp"
#include "ot_rows.hpp"
#include "parallel.hpp"
#include "simd_level.hpp"
#include "status.hpp"

namespace sparse {

constexpr double kOtExpSafe = 700.0;

// exp at any argument: the level's exp where it is valid, std::exp beyond (the JS twin's Infinity).
template <SimdLevel L>
inline double otExpAny(double t) {
  return t >= kOtExpSafe ? std::exp(t) : otExp1<L>(t);
}
// expm1(t) - t is a Taylor polynomial for |t| <= kOtEm1Cut (no cancellation), exp(t) - (1 + t) beyond.
constexpr double kOtEm1Cut = 0.34657359027997264;  // ln2 / 2

// expm1(t) - t for |t| <= ln2/2: t^2 (1/2! + t/3! + ... + t^12/14!), truncation < 2e-18 relative.
// The JS twin (otEm1MinusT in src/backend/js/ot.ts) evaluates the same polynomial.
inline double otEm1PolyScalar(double t) {
  double p = 1.0 / 87178291200.0;
  p = p * t + 1.0 / 6227020800.0;
  p = p * t + 1.0 / 479001600.0;
  p = p * t + 1.0 / 39916800.0;
  p = p * t + 1.0 / 3628800.0;
  p = p * t + 1.0 / 362880.0;
  p = p * t + 1.0 / 40320.0;
  p = p * t + 1.0 / 5040.0;
  p = p * t + 1.0 / 720.0;
  p = p * t + 1.0 / 120.0;
  p = p * t + 1.0 / 24.0;
  p = p * t + 1.0 / 6.0;
  p = p * t + 0.5;
  return p * (t * t);
}

template <SimdLevel L>
inline double otEm1MinusT(double t) {
  if (std::fabs(t) <= kOtEm1Cut) return otEm1PolyScalar(t);
  if (t >= kOtExpSafe) return std::expm1(t) - t;
  return otExp1<L>(t) - (1.0 + t);
}

#if defined(__x86_64__) || defined(_M_X64)
// otEm1PolyScalar at 4 or 8 lanes (OtLanes, ot_exp.hpp).
template <SimdLevel L, class V>
inline V otEm1Poly(V t) {
  using O = OtLanes<L, V>;
  V p = O::set(1.0 / 87178291200.0);
  p = O::fma(p, t, O::set(1.0 / 6227020800.0));
  p = O::fma(p, t, O::set(1.0 / 479001600.0));
  p = O::fma(p, t, O::set(1.0 / 39916800.0));
  p = O::fma(p, t, O::set(1.0 / 3628800.0));
  p = O::fma(p, t, O::set(1.0 / 362880.0));
  p = O::fma(p, t, O::set(1.0 / 40320.0));
  p = O::fma(p, t, O::set(1.0 / 5040.0));
  p = O::fma(p, t, O::set(1.0 / 720.0));
  p = O::fma(p, t, O::set(1.0 / 120.0));
  p = O::fma(p, t, O::set(1.0 / 24.0));
  p = O::fma(p, t, O::set(1.0 / 6.0));
  p = O::fma(p, t, O::set(0.5));
  return O::mul(p, O::mul(t, t));
}

template <SimdLevel L>
inline __m256d otEm1Poly4(__m256d t) {
  return otEm1Poly<L, __m256d>(t);
}

template <SimdLevel L>
inline __m256d otLow4(__m512d v) {
  return _mm512_castpd512_pd256(v);
}
template <SimdLevel L>
inline __m256d otHigh4(__m512d v) {
  return _mm512_extractf64x4_pd(v, 1);
}
#endif

// Stats: cost and ent accumulated (the caller wants <C,P> and sum P log P); without, the row and
// column sums and P only, a third fewer vector operations per entry (what the Sinkhorn anchors
// and the SNS Newton steps need). Entries below `floor` are set to zero (otPlanPass).
template <SimdLevel L, class T, bool Stats>
inline void otPlanRow(const T* row, double fi, const double* g, int64_t cols, double inv, double* Prow, double* colPart,
                      double& rowSum, double& cost, double& ent, double floor = 0) {
  int64_t j = 0;
  double rs = 0, cs = 0, es = 0;
#if defined(__x86_64__) || defined(_M_X64)
  if constexpr (L == SimdLevel::Avx512 || L == SimdLevel::Avx2) {
    const __m256d vf = _mm256_set1_pd(fi), vi = _mm256_set1_pd(inv), safe = _mm256_set1_pd(kOtExpSafe);
    const __m256d zero = _mm256_setzero_pd(), vfloor = _mm256_set1_pd(floor);
    __m256d vr = zero, vc = zero, ve = zero;
    // One block of 4 entries into the row's accumulators, in the order every x86 level keeps.
    auto add4 = [&](__m256d p, __m256d c, __m256d t) {
      vr = _mm256_add_pd(vr, p);
      if constexpr (Stats) {
        vc = _mm256_fmadd_pd(p, c, vc);
        // p = 0 contributes 0 (the JS twin skips it: 0 * -Infinity would be NaN).
        ve = _mm256_add_pd(ve, _mm256_and_pd(_mm256_cmp_pd(p, zero, _CMP_GT_OQ), _mm256_mul_pd(p, t)));
      }
    };
    if constexpr (L == SimdLevel::Avx512) {
      // The exp at 8 lanes (half the instructions where the FMA units are 512 bits wide: Zen 5,
      // Sapphire Rapids), summed as two 4-lane blocks: the AVX2 level's bits.
      const __m512d vf8 = _mm512_set1_pd(fi), vi8 = _mm512_set1_pd(inv), safe8 = _mm512_set1_pd(kOtExpSafe);
      const __m512d floor8 = _mm512_set1_pd(floor);
      for (; j + 8 <= cols; j += 8) {
        const __m512d c = otLoad8<L, T>(row + j);
        const __m512d t = _mm512_mul_pd(_mm512_sub_pd(_mm512_add_pd(vf8, _mm512_loadu_pd(g + j)), c), vi8);
        if (_mm512_cmp_pd_mask(t, safe8, _CMP_GE_OQ) != 0) break;  // the 4-lane loop takes over
        const __m512d e = otExpLanes<L, __m512d>(t);
        const __m512d p = _mm512_maskz_mov_pd(_mm512_cmp_pd_mask(e, floor8, _CMP_NLT_UQ), e);
        _mm512_storeu_pd(colPart + j, _mm512_add_pd(_mm512_loadu_pd(colPart + j), p));
        if (Prow != nullptr) _mm512_storeu_pd(Prow + j, p);
        add4(otLow4<L>(p), otLow4<L>(c), otLow4<L>(t));
        add4(otHigh4<L>(p), otHigh4<L>(c), otHigh4<L>(t));
      }
    }
    for (; j + 4 <= cols; j += 4) {
      const __m256d c = otLoad4<L, T>(row + j);
      const __m256d t = _mm256_mul_pd(_mm256_sub_pd(_mm256_add_pd(vf, _mm256_loadu_pd(g + j)), c), vi);
      if (_mm256_movemask_pd(_mm256_cmp_pd(t, safe, _CMP_GE_OQ)) != 0) break;  // the scalar loop takes over
      const __m256d e = otExp4<L>(t);
      const __m256d p = _mm256_and_pd(e, _mm256_cmp_pd(e, vfloor, _CMP_NLT_UQ));
      _mm256_storeu_pd(colPart + j, _mm256_add_pd(_mm256_loadu_pd(colPart + j), p));
      if (Prow != nullptr) _mm256_storeu_pd(Prow + j, p);
      add4(p, c, t);
    }
    alignas(32) double lr[4], lc[4], le[4];
    _mm256_store_pd(lr, vr);
    _mm256_store_pd(lc, vc);
    _mm256_store_pd(le, ve);
    rs = (lr[0] + lr[1]) + (lr[2] + lr[3]);
    cs = (lc[0] + lc[1]) + (lc[2] + lc[3]);
    es = (le[0] + le[1]) + (le[2] + le[3]);
  }
#endif
  for (; j < cols; j++) {
    const double c = static_cast<double>(row[j]);
    const double t = (fi + g[j] - c) * inv;
    const double e = otExpAny<L>(t);
    const double p = e < floor ? 0 : e;
    rs += p;
    colPart[j] += p;
    if constexpr (Stats) {
      cs += p * c;
      if (p > 0) es += p * t;
    }
    if (Prow != nullptr) Prow[j] = p;
  }
  rowSum = rs;
  cost += cs;
  ent += es;
}

// floor: entries of P below it are set to zero (0: none). The stabilized Sinkhorn's anchors pass
// e^-600 times the plan's mass (src/ot/stabilized.ts): its scaling sweeps multiply K by
// scalings down to e^-50, and an entry of K near the exp's own flush (e^-708) made a subnormal
// product, a microcode assist each on Intel cores (the sweeps of a 2D-densities solve: 101 -> 81 ms
// with those entries zeroed, random costs 71 -> 64 ms).
template <SimdLevel L, class T>
Status otPlanPass(int64_t rows, int64_t cols, const T* C, const double* f, const double* g, double eps, double* P,
                  double* rowSums, double* colSums, double* stats, double floor, int64_t r0, int64_t r1) {
  (void)rows;
  if (r1 <= r0) return Status::okay();
  const double inv = 1.0 / eps;
  const OtRowTasks rt(r0, r1, cols);
  std::vector<double> colPart(static_cast<size_t>(rt.tasks * cols), 0.0);
  std::vector<double> scal(static_cast<size_t>(2 * rt.tasks), 0.0);
  parallelFor(rt.tasks, [&](int64_t t) {
    double* part = colPart.data() + t * cols;
    double cost = 0, ent = 0;
    for (int64_t i = rt.begin(t); i < rt.begin(t + 1); i++) {
      double* Prow = P == nullptr ? nullptr : P + i * cols;
      if (stats != nullptr) otPlanRow<L, T, true>(C + i * cols, f[i], g, cols, inv, Prow, part, rowSums[i], cost, ent, floor);
      else otPlanRow<L, T, false>(C + i * cols, f[i], g, cols, inv, Prow, part, rowSums[i], cost, ent, floor);
    }
    scal[2 * t] = cost;
    scal[2 * t + 1] = ent;
  });
  for (int64_t t = 0; stats != nullptr && t < rt.tasks; t++) {
    stats[0] += scal[2 * t];
    stats[1] += scal[2 * t + 1];
  }
  otMergeColumnParts(colPart, rt.tasks, cols, colSums);
  return Status::okay();
}

// Entries of the line-search sum with P_ij below `tiny` and t below kOtTinyT are skipped: each
// would add less than tiny * e^256, and the callers pass tiny = 2^-600 times the plan's mass
// (src/ot/sns.ts). Their products P_ij (expm1(t) - t) are subnormal numbers, which cost Intel cores
// a microcode assist each: on a random-cost plan at n = 2000, 1.4% of the entries took 40% of the
// pass (one thread, 7.8 -> 4.7-5.2 ms with them zeroed). The JS twin skips the same entries.
constexpr double kOtTinyT = 256.0;

inline bool otExpm1Counts(double p, double t, double tiny) { return p != 0 && (!(p < tiny) || !(t < kOtTinyT)); }

template <SimdLevel L>
inline double otExpm1DotRow(const double* Prow, double di, const double* dg, int64_t cols, double scale, double tiny) {
  int64_t j = 0;
  double s = 0;
#if defined(__x86_64__) || defined(_M_X64)
  if constexpr (L == SimdLevel::Avx512 || L == SimdLevel::Avx2) {
    const __m256d vd = _mm256_set1_pd(di), vs = _mm256_set1_pd(scale), zero = _mm256_setzero_pd();
    const __m256d cut = _mm256_set1_pd(kOtEm1Cut), safe = _mm256_set1_pd(kOtExpSafe), one = _mm256_set1_pd(1.0);
    const __m256d vtiny = _mm256_set1_pd(tiny), tinyT = _mm256_set1_pd(kOtTinyT);
    const __m256d absMask = _mm256_castsi256_pd(_mm256_set1_epi64x(0x7FFFFFFFFFFFFFFFLL));
    __m256d acc = zero;
    if constexpr (L == SimdLevel::Avx512) {
      // 8 lanes, added as two 4-lane blocks (as in otPlanRow): the AVX2 level's bits.
      using O = OtLanes<L, __m512d>;
      const __m512d vd8 = O::set(di), vs8 = O::set(scale), cut8 = O::set(kOtEm1Cut), safe8 = O::set(kOtExpSafe);
      const __m512d one8 = O::set(1.0), zero8 = O::set(0.0), tiny8 = O::set(tiny), tinyT8 = O::set(kOtTinyT);
      for (; j + 8 <= cols; j += 8) {
        const __m512d p = _mm512_loadu_pd(Prow + j);
        const __m512d t = O::mul(vs8, O::add(vd8, _mm512_loadu_pd(dg + j)));
        // otExpm1Counts per lane.
        const __mmask8 keep = _mm512_cmp_pd_mask(p, zero8, _CMP_NEQ_UQ) &
                              (_mm512_cmp_pd_mask(p, tiny8, _CMP_NLT_UQ) | _mm512_cmp_pd_mask(t, tinyT8, _CMP_NLT_UQ));
        if (keep == 0) continue;
        if ((keep & _mm512_cmp_pd_mask(t, safe8, _CMP_NLT_UQ)) != 0) break;  // the 4-lane loop takes over
        const __mmask8 small = _mm512_cmp_pd_mask(_mm512_abs_pd(t), cut8, _CMP_LE_OQ);
        __m512d e;
        if (small == 0xFF) {
          e = otEm1Poly<L, __m512d>(t);
        } else {
          const __m512d big = O::sub(otExpLanes<L, __m512d>(t), O::add(one8, t));
          e = small == 0 ? big : _mm512_mask_blend_pd(small, big, otEm1Poly<L, __m512d>(t));
        }
        // Zeroed before the product (no subnormal made) and after it (e of a lane left out may be
        // infinite: 0 * Inf).
        const __m512d term = _mm512_maskz_mov_pd(keep, O::mul(_mm512_maskz_mov_pd(keep, p), e));
        acc = _mm256_add_pd(acc, otLow4<L>(term));
        acc = _mm256_add_pd(acc, otHigh4<L>(term));
      }
    }
    for (; j + 4 <= cols; j += 4) {
      const __m256d p = _mm256_loadu_pd(Prow + j);
      const __m256d t = _mm256_mul_pd(vs, _mm256_add_pd(vd, _mm256_loadu_pd(dg + j)));
      const __m256d keep = _mm256_and_pd(_mm256_cmp_pd(p, zero, _CMP_NEQ_UQ),
                                         _mm256_or_pd(_mm256_cmp_pd(p, vtiny, _CMP_NLT_UQ), _mm256_cmp_pd(t, tinyT, _CMP_NLT_UQ)));
      if (_mm256_movemask_pd(keep) == 0) continue;
      // Every kept lane with a t the vector code cannot take (overflow, NaN) goes scalar.
      if (_mm256_movemask_pd(_mm256_and_pd(keep, _mm256_cmp_pd(t, safe, _CMP_NLT_UQ))) != 0) break;
      const __m256d small = _mm256_cmp_pd(_mm256_and_pd(t, absMask), cut, _CMP_LE_OQ);
      const int sm = _mm256_movemask_pd(small);
      __m256d e;
      if (sm == 0xF) {
        e = otEm1Poly4<L>(t);
      } else {
        const __m256d big = _mm256_sub_pd(otExp4<L>(t), _mm256_add_pd(one, t));
        e = sm == 0 ? big : _mm256_blendv_pd(big, otEm1Poly4<L>(t), small);
      }
      acc = _mm256_add_pd(acc, _mm256_and_pd(keep, _mm256_mul_pd(_mm256_and_pd(keep, p), e)));
    }
    alignas(32) double lanes[4];
    _mm256_store_pd(lanes, acc);
    s = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
  }
#endif
  for (; j < cols; j++) {
    const double p = Prow[j];
    const double t = scale * (di + dg[j]);
    if (otExpm1Counts(p, t, tiny)) s += p * otEm1MinusT<L>(t);
  }
  return s;
}

template <SimdLevel L>
Status otExpm1Dot(int64_t rows, int64_t cols, const double* P, const double* df, const double* dg, double scale,
                  double tiny, double* acc, int64_t r0, int64_t r1) {
  (void)rows;
  if (r1 <= r0) return Status::okay();
  const OtRowTasks rt(r0, r1, cols);
  std::vector<double> part(static_cast<size_t>(rt.tasks), 0.0);
  parallelFor(rt.tasks, [&](int64_t t) {
    double s = 0;
    for (int64_t i = rt.begin(t); i < rt.begin(t + 1); i++) s += otExpm1DotRow<L>(P + i * cols, df[i], dg, cols, scale, tiny);
    part[static_cast<size_t>(t)] = s;
  });
  for (int64_t t = 0; t < rt.tasks; t++) *acc += part[static_cast<size_t>(t)];
  return Status::okay();
}

#if defined(__x86_64__) || defined(_M_X64)
// The vector part of otRowDot at V's width from j on: four accumulators (the FMA latency would
// bound one or two: a row of K sits in L1/L2 and the loop is not memory-bound there), then one
// vector at a time; j is left at the first entry not summed.
template <SimdLevel L, class V>
inline double otRowDotLanes(const double* row, const double* x, int64_t cols, int64_t& j) {
  using O = OtLanes<L, V>;
  constexpr int64_t W = O::width;
  V s0 = O::set(0.0), s1 = s0, s2 = s0, s3 = s0;
  for (; j + 4 * W <= cols; j += 4 * W) {
    s0 = O::fma(O::load(row + j), O::load(x + j), s0);
    s1 = O::fma(O::load(row + j + W), O::load(x + j + W), s1);
    s2 = O::fma(O::load(row + j + 2 * W), O::load(x + j + 2 * W), s2);
    s3 = O::fma(O::load(row + j + 3 * W), O::load(x + j + 3 * W), s3);
  }
  for (; j + W <= cols; j += W) s0 = O::fma(O::load(row + j), O::load(x + j), s0);
  return O::sum(O::add(O::add(s0, s1), O::add(s2, s3)));
}

// part[j] += row[j] * xi at V's width from j on, two vectors a step; j as in otRowDotLanes.
template <SimdLevel L, class V>
inline void otRowAxpyLanes(const double* row, double xi, int64_t cols, double* part, int64_t& j) {
  using O = OtLanes<L, V>;
  constexpr int64_t W = O::width;
  const V vx = O::set(xi);
  for (; j + 2 * W <= cols; j += 2 * W) {
    const V p0 = O::fma(O::load(row + j), vx, O::load(part + j));
    const V p1 = O::fma(O::load(row + j + W), vx, O::load(part + j + W));
    O::store(part + j, p0);
    O::store(part + j + W, p1);
  }
  for (; j + W <= cols; j += W) O::store(part + j, O::fma(O::load(row + j), vx, O::load(part + j)));
}
#endif

// sum_j row[j] x[j]: the vector part at the level's width, then the tail in order.
template <SimdLevel L>
inline double otRowDot(const double* row, const double* x, int64_t cols) {
  int64_t j = 0;
  double s = 0;
#if defined(__x86_64__) || defined(_M_X64)
  if constexpr (L == SimdLevel::Avx512) {
    s = otRowDotLanes<L, __m512d>(row, x, cols, j);
  } else if constexpr (L == SimdLevel::Avx2) {
    s = otRowDotLanes<L, __m256d>(row, x, cols, j);
  }
#endif
  for (; j < cols; j++) s += row[j] * x[j];
  return s;
}

// part[j] += row[j] * xi.
template <SimdLevel L>
inline void otRowAxpy(const double* row, double xi, int64_t cols, double* part) {
  int64_t j = 0;
#if defined(__x86_64__) || defined(_M_X64)
  if constexpr (L == SimdLevel::Avx512) {
    otRowAxpyLanes<L, __m512d>(row, xi, cols, part, j);
  } else if constexpr (L == SimdLevel::Avx2) {
    otRowAxpyLanes<L, __m256d>(row, xi, cols, part, j);
  }
#endif
  for (; j < cols; j++) part[j] += row[j] * xi;
}

template <SimdLevel L>
Status otKernelMatvec(int64_t rows, int64_t cols, const double* K, const double* x, double* y, bool transpose,
                      int64_t r0, int64_t r1) {
  (void)rows;
  if (r1 <= r0) return Status::okay();
  if (!transpose) {
    const OtRowTasks rt(r0, r1, cols);
    parallelFor(rt.tasks, [&](int64_t t) {
      for (int64_t i = rt.begin(t); i < rt.begin(t + 1); i++) y[i] = otRowDot<L>(K + i * cols, x, cols);
    });
    return Status::okay();
  }
  otRowsIntoColumns(r0, r1, cols, y,
                    [&](int64_t i, double* part) { otRowAxpy<L>(K + i * cols, x[i], cols, part); });
  return Status::okay();
}

// One row half of a scaling-form Sinkhorn iteration, fused so that K is read once per iteration
// (each row is still in L1 for its second use): for rows i in [r0, r1), s = (K v)_i,
// *err += |uOld_i s - a_i| (the row marginal error of the current scalings), uNew_i = a_i / s, and
// colAcc += uNew_i K_i (the K^T u the column half needs). Partial sums per task, added in task order.
template <SimdLevel L>
Status otScalingSweep(int64_t rows, int64_t cols, const double* K, const double* v, const double* a,
                      const double* uOld, double* uNew, double* colAcc, double* err, int64_t r0, int64_t r1) {
  (void)rows;
  if (r1 <= r0) return Status::okay();
  const OtRowTasks rt(r0, r1, cols);
  std::vector<double> parts(static_cast<size_t>(rt.tasks * cols), 0.0);
  std::vector<double> errs(static_cast<size_t>(rt.tasks), 0.0);
  parallelFor(rt.tasks, [&](int64_t t) {
    double* part = parts.data() + t * cols;
    double e = 0;
    for (int64_t i = rt.begin(t); i < rt.begin(t + 1); i++) {
      const double* row = K + i * cols;
      const double s = otRowDot<L>(row, v, cols);
      e += std::abs(uOld[i] * s - a[i]);
      const double ui = a[i] / s;
      uNew[i] = ui;
      otRowAxpy<L>(row, ui, cols, part);
    }
    errs[static_cast<size_t>(t)] = e;
  });
  for (int64_t t = 0; t < rt.tasks; t++) *err += errs[static_cast<size_t>(t)];
  otMergeColumnParts(parts, rt.tasks, cols, colAcc);
  return Status::okay();
}

}  // namespace sparse
