// BSR SpMV y = alpha*A*x + beta*y and its transpose; mirrors src/backend/js/bsr-spmv.ts.
// Lengths of x and y are the binding's job (x: cols, y: rows; swapped for the transpose).
//
// Block loops are instantiated with compile-time sizes for the square blocks 2, 3, 4 and 8 (fully
// unrolled; R = C = 0 is the runtime-size path for every other shape, rectangular included).
// Summation order: at SimdLevel::Scalar (and NEON) and on the runtime-size path every row sums its
// blocks in storage order and, inside a block, the block's columns in order, exactly as the JS twin
// (f64 results agree bit for bit). The AVX2/AVX-512 instances of the specialized sizes keep one
// partial sum per (row, block column) lane across the block row and add the lanes at the end: the
// compiler turns that into whole-vector multiply-adds over block rows; the reordering stays within
// the 1e-12 relative contract. Threads: block rows cut by nonzero blocks (splitByPrefix on
// blockRowPtr); every row is computed by one task, so the result does not depend on the thread count.
// The transposed products use the grouped scatter of par_csr.hpp on the block pattern: groups are
// chosen from the input alone (same bits for any thread count), and adding the groups' partial
// sums rounds differently from the JS twin's serial scatter (within the 1e-12 contract).
#pragma once

#include <algorithm>

#include <atomic>
#include <new>
#include <vector>

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#endif

#include "bsr_view.hpp"
#include "par_csr.hpp"
#include "parallel.hpp"
#include "simd_level.hpp"

namespace sparse {

#if defined(__x86_64__) || defined(_M_X64)
// Explicit AVX2 / AVX-512 block loops for 4x4 and 8x8 blocks (f64, and f32 widened to double):
// one vector accumulator per block row of the block (two rows per zmm for 4x4 on AVX-512), fused
// multiply-adds across the block row, one horizontal reduction at its end. Templates over L, so
// every instance lives in its level's target region.
template <SimdLevel L, class T>
inline __m256d bsrLoad4(const T* p) {
  if constexpr (sizeof(T) == 8) {
    return _mm256_loadu_pd(reinterpret_cast<const double*>(p));
  } else {
    return _mm256_cvtps_pd(_mm_loadu_ps(reinterpret_cast<const float*>(p)));
  }
}

// [sum(a), sum(b), sum(c), sum(d)].
template <SimdLevel L>
inline __m256d bsrReduce4(__m256d a, __m256d b, __m256d c, __m256d d) {
  const __m256d ab = _mm256_hadd_pd(a, b);  // a01 b01 a23 b23
  const __m256d cd = _mm256_hadd_pd(c, d);  // c01 d01 c23 d23
  const __m256d lo = _mm256_permute2f128_pd(ab, cd, 0x20);
  const __m256d hi = _mm256_permute2f128_pd(ab, cd, 0x31);
  return _mm256_add_pd(lo, hi);
}

// Row sums of block row [start, end) into out[0..R); false on a bad block column.
template <SimdLevel L, class T, int R>
inline bool bsrBlockRowAvx2(const T* __restrict vals, const int32_t* __restrict bj, const T* __restrict x,
                            int64_t start, int64_t end, int64_t blockCols, double* out) {
  __m256d acc[R];
  for (int ii = 0; ii < R; ii++) acc[ii] = _mm256_setzero_pd();
  for (int64_t k = start; k < end; k++) {
    const int32_t J = bj[k];
    if (outOfRange(J, blockCols)) return false;
    const T* v = vals + k * (R * R);
    const T* xb = x + static_cast<int64_t>(J) * R;
    if constexpr (R == 4) {
      const __m256d xv = bsrLoad4<L>(xb);
      for (int ii = 0; ii < 4; ii++) acc[ii] = _mm256_fmadd_pd(bsrLoad4<L>(v + ii * 4), xv, acc[ii]);
    } else {
      const __m256d xlo = bsrLoad4<L>(xb);
      const __m256d xhi = bsrLoad4<L>(xb + 4);
      for (int ii = 0; ii < 8; ii++) {
        acc[ii] = _mm256_fmadd_pd(bsrLoad4<L>(v + ii * 8), xlo, acc[ii]);
        acc[ii] = _mm256_fmadd_pd(bsrLoad4<L>(v + ii * 8 + 4), xhi, acc[ii]);
      }
    }
  }
  _mm256_storeu_pd(out, bsrReduce4<L>(acc[0], acc[1], acc[2], acc[3]));
  if constexpr (R == 8) _mm256_storeu_pd(out + 4, bsrReduce4<L>(acc[4], acc[5], acc[6], acc[7]));
  return true;
}

template <SimdLevel L, class T>
inline __m512d bsrLoad8(const T* p) {
  if constexpr (sizeof(T) == 8) {
    return _mm512_loadu_pd(reinterpret_cast<const double*>(p));
  } else {
    return _mm512_maskz_cvtps_pd(0xFF, _mm256_loadu_ps(reinterpret_cast<const float*>(p)));
  }
}

// The upper / lower 4 lanes (the maskz forms avoid GCC 12's -Wmaybe-uninitialized on _mm512_undefined_pd).
template <SimdLevel L>
inline __m256d bsrHigh4(__m512d a) {
  return _mm512_maskz_extractf64x4_pd(0xF, a, 1);
}

template <SimdLevel L>
inline __m256d bsrLow4(__m512d a) {
  return _mm512_maskz_extractf64x4_pd(0xF, a, 0);
}

template <SimdLevel L, class T, int R>
inline bool bsrBlockRowAvx512(const T* __restrict vals, const int32_t* __restrict bj, const T* __restrict x,
                              int64_t start, int64_t end, int64_t blockCols, double* out) {
  if constexpr (R == 4) {
    __m512d a01 = _mm512_setzero_pd();
    __m512d a23 = _mm512_setzero_pd();
    for (int64_t k = start; k < end; k++) {
      const int32_t J = bj[k];
      if (outOfRange(J, blockCols)) return false;
      const T* v = vals + k * 16;
      const __m256d x4 = bsrLoad4<L>(x + static_cast<int64_t>(J) * 4);
      const __m512d xv = _mm512_maskz_broadcast_f64x4(0xFF, x4);
      a01 = _mm512_fmadd_pd(bsrLoad8<L>(v), xv, a01);
      a23 = _mm512_fmadd_pd(bsrLoad8<L>(v + 8), xv, a23);
    }
    _mm256_storeu_pd(out, bsrReduce4<L>(bsrLow4<L>(a01), bsrHigh4<L>(a01), bsrLow4<L>(a23),
                                        bsrHigh4<L>(a23)));
  } else {
    __m512d acc[8];
    for (int ii = 0; ii < 8; ii++) acc[ii] = _mm512_setzero_pd();
    for (int64_t k = start; k < end; k++) {
      const int32_t J = bj[k];
      if (outOfRange(J, blockCols)) return false;
      const T* v = vals + k * 64;
      const __m512d xv = bsrLoad8<L>(x + static_cast<int64_t>(J) * 8);
      for (int ii = 0; ii < 8; ii++) acc[ii] = _mm512_fmadd_pd(bsrLoad8<L>(v + ii * 8), xv, acc[ii]);
    }
    // Fold each row's 8 lanes to 4, then the 4x4 reduction.
    __m256d h[8];
    for (int ii = 0; ii < 8; ii++) h[ii] = _mm256_add_pd(bsrLow4<L>(acc[ii]), bsrHigh4<L>(acc[ii]));
    _mm256_storeu_pd(out, bsrReduce4<L>(h[0], h[1], h[2], h[3]));
    _mm256_storeu_pd(out + 4, bsrReduce4<L>(h[4], h[5], h[6], h[7]));
  }
  return true;
}
#endif

// Block rows [I0, I1) of the plain product, with the fused trust checks of the JS twin; returns
// false at the first bad block row or column (the caller then runs validateBsr for the message).
template <SimdLevel L, class T, int R, int C>
bool bsrSpmvRows(const BsrView<T>& A, const T* x, T* y, double alpha, double beta, int64_t I0, int64_t I1) {
  constexpr bool kFixed = R > 0 && C > 0;
  constexpr bool kLanes = kFixed && (L == SimdLevel::Avx2 || L == SimdLevel::Avx512);
  const int64_t r = kFixed ? R : A.r;
  const int64_t c = kFixed ? C : A.c;
  const int64_t rc = r * c;
  const int64_t nnzb = A.nnzbWithinArrays();
  const int64_t blockCols = A.blockCols();
  const int32_t* __restrict bp = A.blockRowPtr;
  const int32_t* __restrict bj = A.blockColIdx;
  const T* __restrict vals = A.values;
  int64_t start = bp[I0];
  if (start < 0 || start > nnzb) return false;
  for (int64_t I = I0; I < I1; I++) {
    const int64_t end = bp[I + 1];
    if (end < start || end > nnzb) return false;
    Acc acc[kMaxBlock];
#if defined(__x86_64__) || defined(_M_X64)
    constexpr bool kIntrinsics = kFixed && R == C && (R == 4 || R == 8);
#else
    constexpr bool kIntrinsics = false;
#endif
    if constexpr (kIntrinsics && L == SimdLevel::Avx512) {
#if defined(__x86_64__) || defined(_M_X64)
      if (!bsrBlockRowAvx512<L, T, R>(vals, bj, x, start, end, blockCols, acc)) return false;
#endif
    } else if constexpr (kIntrinsics && L == SimdLevel::Avx2) {
#if defined(__x86_64__) || defined(_M_X64)
      if (!bsrBlockRowAvx2<L, T, R>(vals, bj, x, start, end, blockCols, acc)) return false;
#endif
    } else if constexpr (kLanes) {
      Acc lanes[kFixed ? R : 1][kFixed ? C : 1] = {};
      for (int64_t k = start; k < end; k++) {
        const int32_t J = bj[k];
        if (outOfRange(J, blockCols)) return false;
        const T* __restrict v = vals + k * (R * C);
        const T* __restrict xb = x + static_cast<int64_t>(J) * C;
        for (int ii = 0; ii < R; ii++) {
          for (int jj = 0; jj < C; jj++) {
            lanes[ii][jj] += static_cast<Acc>(v[ii * C + jj]) * static_cast<Acc>(xb[jj]);
          }
        }
      }
      for (int ii = 0; ii < R; ii++) {
        Acc s = 0;
        for (int jj = 0; jj < C; jj++) s += lanes[ii][jj];
        acc[ii] = s;
      }
    } else {
      for (int64_t ii = 0; ii < r; ii++) acc[ii] = 0;
      for (int64_t k = start; k < end; k++) {
        const int32_t J = bj[k];
        if (outOfRange(J, blockCols)) return false;
        const T* __restrict v = vals + k * rc;
        const T* __restrict xb = x + static_cast<int64_t>(J) * c;
        for (int64_t ii = 0; ii < r; ii++) {
          Acc s = acc[ii];
          for (int64_t jj = 0; jj < c; jj++) s += static_cast<Acc>(v[ii * c + jj]) * static_cast<Acc>(xb[jj]);
          acc[ii] = s;
        }
      }
    }
    T* yr = y + I * r;
    if (beta == 0) {
      for (int64_t ii = 0; ii < r; ii++) yr[ii] = static_cast<T>(alpha * acc[ii]);
    } else {
      for (int64_t ii = 0; ii < r; ii++) yr[ii] = static_cast<T>(alpha * acc[ii] + beta * static_cast<Acc>(yr[ii]));
    }
    start = end;
  }
  return true;
}

template <SimdLevel L, class T>
bool bsrSpmvRowsAny(const BsrView<T>& A, const T* x, T* y, double alpha, double beta, int64_t I0, int64_t I1) {
  if (A.r == A.c) {
    switch (A.r) {
      case 2: return bsrSpmvRows<L, T, 2, 2>(A, x, y, alpha, beta, I0, I1);
      case 3: return bsrSpmvRows<L, T, 3, 3>(A, x, y, alpha, beta, I0, I1);
      case 4: return bsrSpmvRows<L, T, 4, 4>(A, x, y, alpha, beta, I0, I1);
      case 8: return bsrSpmvRows<L, T, 8, 8>(A, x, y, alpha, beta, I0, I1);
      default: break;
    }
  }
  return bsrSpmvRows<L, T, 0, 0>(A, x, y, alpha, beta, I0, I1);
}

// The block pattern of A as a CSR view (block rows x block columns), for the CSR helpers of
// par_csr.hpp that look only at the pattern. Values point at the blocks but are not entry-wise.
template <class T>
CsrView<T> bsrBlockPattern(const BsrView<T>& A) {
  CsrView<T> p;
  p.rows = A.blockRows();
  p.cols = A.blockCols();
  p.rowPtr = A.blockRowPtr;
  p.rowPtrLen = A.blockRowPtrLen;
  p.colIdx = A.blockColIdx;
  p.colIdxLen = A.blockColIdxLen;
  p.values = A.values;
  p.valuesLen = A.valuesLen;
  return p;
}

// y = beta*y over [0, n), beta = 0 overwriting (NaN in y does not survive).
template <SimdLevel L, class T>
void bsrScaleOutput(T* y, int64_t n, double beta) {
  if (beta == 0) {
    for (int64_t t = 0; t < n; t++) y[t] = 0;
  } else if (beta != 1) {
    for (int64_t t = 0; t < n; t++) y[t] = static_cast<T>(static_cast<Acc>(y[t]) * beta);
  }
}

// The task ranges of a block-row loop: about one task per 32k stored scalars, balanced by blocks.
// Depends on the matrix only. Needs a monotone pointer (bsrPointerMonotone).
template <SimdLevel L, class T>
Status bsrPartition(const BsrView<T>& A, std::vector<int64_t>& bounds) {
  const int64_t parts = partsFor(A.nnzb() * A.r * A.c + A.blockRows());
  try {
    bounds.resize(static_cast<size_t>(parts + 1));
  } catch (const std::bad_alloc&) {
    return Status::noMemory("the BSR partition");
  }
  splitByPrefix(A.blockRowPtr, A.blockRows(), parts, bounds.data());
  return Status::okay();
}

// Y = alpha*A^T*X + beta*Y with X (rows x k) and Y (cols x k) dense row-major; SpMV is k = 1.
// Validated before Y is touched, so a bad matrix leaves Y as it was; then the deterministic grouped
// scatter of par_csr.hpp over the block pattern (block column J owns the rows [J*c, J*c + c) of Y).
template <SimdLevel L, class T>
Status bsrProductTransposed(const BsrView<T>& A, const T* X, int64_t k, T* Y, double alpha, double beta) {
  Status s = validateBsr(A, false);
  if (!s.ok()) return s;
  const int64_t r = A.r;
  const int64_t c = A.c;
  const int64_t rc = r * c;
  return scatterTransposed<L>(
      bsrBlockPattern(A), c * k, Y, [&] { bsrScaleOutput<L>(Y, A.cols * k, beta); },
      [&](int64_t I0, int64_t I1, const ScatterTarget<T>& target) {
        // scatterTransposed's contract: bounds and block columns re-checked as they are used.
        const int64_t limit = std::min(A.blockColIdxLen, A.valuesLen / rc);
        int64_t start = A.blockRowPtr[I0];
        if (start < 0) return false;
        for (int64_t I = I0; I < I1; I++) {
          const int64_t end = A.blockRowPtr[I + 1];
          if (end < start || end > limit) return false;
          for (int64_t b = start; b < end; b++) {
            const int64_t J = A.blockColIdx[b];
            if (!target.has(J)) return false;
            T* yJ = target.base + (J - target.lo) * c * k;
            const T* v = A.values + b * rc;
            for (int64_t ii = 0; ii < r; ii++) {
              const T* __restrict xr = X + (I * r + ii) * k;
              for (int64_t jj = 0; jj < c; jj++) {
                const Acc a = static_cast<Acc>(v[ii * c + jj]);
                T* __restrict yr = yJ + jj * k;
                for (int64_t t = 0; t < k; t++) {
                  yr[t] = static_cast<T>(static_cast<Acc>(yr[t]) + a * (alpha * static_cast<Acc>(xr[t])));
                }
              }
            }
          }
          start = end;
        }
        return true;
      });
}

template <SimdLevel L, class T>
Status bsrSpmv(const BsrView<T>& A, const T* x, T* y, double alpha, double beta, bool transpose) {
  Status s = checkBsrEnds(A);
  if (!s.ok()) return s;
  if (!transpose) {
    if (!bsrPointerMonotone(A)) return bsrFailedMidway(A);
    std::vector<int64_t> bounds;
    s = bsrPartition<L>(A, bounds);
    if (!s.ok()) return s;
    std::atomic<bool> failed{false};
    parallelFor(static_cast<int64_t>(bounds.size()) - 1, [&](int64_t p) {
      if (!bsrSpmvRowsAny<L>(A, x, y, alpha, beta, bounds[p], bounds[p + 1])) failed.store(true);
    });
    if (failed.load()) return bsrFailedMidway(A);
    return Status::okay();
  }
  return bsrProductTransposed<L>(A, x, 1, y, alpha, beta);
}

}  // namespace sparse
