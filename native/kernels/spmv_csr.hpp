// y = alpha*A*x + beta*y and its transpose (src/backend/js/spmv.ts is the twin).
// Lengths of x and y are the binding's job (x: cols, y: rows; swapped for the transpose).
//
// Plain product: rows cut into tasks balanced by nonzeros + rows (a power-law row of 10^5 entries
// is one task among many); each row is one dot product (rowDot), never split across threads, so
// the bits do not depend on the thread count.
// Transposed product: scatterTransposed (par_csr.hpp), deterministic for any thread count.
#pragma once

#include <algorithm>
#include <type_traits>

#include "csr_check.hpp"
#include "gather_prefetch.hpp"
#include "par_csr.hpp"
#include "simd_level.hpp"

namespace sparse {

// Either column of a pair out of [0, cols): one unsigned max and one branch, where two tests take
// two branches (a negative column is a huge unsigned one).
inline bool pairOutOfRange(int32_t j0, int32_t j1, int64_t cols) {
  return static_cast<int64_t>(std::max(static_cast<uint32_t>(j0), static_cast<uint32_t>(j1))) >= cols;
}

// sum over k in [s, e) of v[k] * x[ci[k]] into `out`, one accumulator of type S, products added in
// storage order; false on a column out of [0, cols). With S = double: what the scalar level runs
// for both dtypes, bit for bit the JS twin, and what every level runs for f64; with S = float, the
// f32 blocks below. Measured on Zen 3 and Zen 4 against the alternatives (vgatherdpd, x assembled
// into vectors with vector FMA, several accumulators, column checks hoisted into a vector pass
// ahead of the row): none was faster, several were slower; the horizontal reduction of a vector
// accumulator lengthens each short row's add chain. Two entries a step (still one accumulator, in
// order) halved the loop overhead: ~5% on the 5-point Laplacian (Zen 3); four a step, their
// columns checked by two unsigned maxima and one branch, another 2-5% (Intel model 207). The
// per-entry column check costs ~20% against an unchecked loop; it stays, since a mutated colIdx
// must never read outside x. Each step of four prefetches A's streams kStreamAhead entries on
// (gather_prefetch.hpp): on the Intel VM (model 207, CPU time of interleaved builds, one thread)
// f64 SpMV went 1.31x faster on the Laplacian, 1.37x on the elasticity matrix, 1.21x power-law,
// 1.17x random. Where the gathers miss the cache (Zen 5 finding), Prefetch also prefetches x
// kGatherAhead entries on; it requires e + kGatherAhead <= the length of ci.
template <SimdLevel L, bool Prefetch, class S, class T>
inline bool dotInOrder(const int32_t* ci, const T* v, const T* x, int64_t cols, int64_t s, int64_t e, S& out) {
  S sum = 0;
  int64_t k = s;
  for (; k + 4 <= e; k += 4) {
    const int32_t j0 = ci[k], j1 = ci[k + 1], j2 = ci[k + 2], j3 = ci[k + 3];
    if (pairOutOfRange(j0, j1, cols) | pairOutOfRange(j2, j3, cols)) return false;
    prefetchStreams<L>(ci, v, k + kStreamAhead);
    if constexpr (Prefetch) {
      prefetchGather<L>(ci, x, cols, k + kGatherAhead);
      prefetchGather<L>(ci, x, cols, k + 1 + kGatherAhead);
      prefetchGather<L>(ci, x, cols, k + 2 + kGatherAhead);
      prefetchGather<L>(ci, x, cols, k + 3 + kGatherAhead);
    }
    sum += static_cast<S>(v[k]) * static_cast<S>(x[j0]);
    sum += static_cast<S>(v[k + 1]) * static_cast<S>(x[j1]);
    sum += static_cast<S>(v[k + 2]) * static_cast<S>(x[j2]);
    sum += static_cast<S>(v[k + 3]) * static_cast<S>(x[j3]);
  }
  if (k + 2 <= e) {
    const int32_t j0 = ci[k], j1 = ci[k + 1];
    if (pairOutOfRange(j0, j1, cols)) return false;
    if constexpr (Prefetch) {
      prefetchGather<L>(ci, x, cols, k + kGatherAhead);
      prefetchGather<L>(ci, x, cols, k + 1 + kGatherAhead);
    }
    sum += static_cast<S>(v[k]) * static_cast<S>(x[j0]);
    sum += static_cast<S>(v[k + 1]) * static_cast<S>(x[j1]);
    k += 2;
  }
  if (k < e) {
    const int32_t j = ci[k];
    if (outOfRange(j, cols)) return false;
    sum += static_cast<S>(v[k]) * static_cast<S>(x[j]);
  }
  out = sum;
  return true;
}

// f32 at the SIMD levels: products and sums in float over blocks of kF32Block entries, each block's
// sum added to a double total. Widening every operand to double costs two conversions per entry
// and made f32 no faster than f64 (it is bound by instructions, not bytes); float blocks run the
// f64 loop's instruction count on two thirds of its bytes. The error stays within
// (kF32Block + 1) * 2^-24 of the sum of the absolute terms, inside the f32 agreement of DESIGN.md.
constexpr int64_t kF32Block = 32;

template <SimdLevel L, bool Prefetch>
inline bool rowDotF32Blocked(const int32_t* ci, const float* v, const float* x, int64_t cols, int64_t s, int64_t e,
                             Acc& out) {
  float block = 0;
  if (e - s <= kF32Block) {  // most rows: one block, none of the block loop's bookkeeping
    if (!dotInOrder<L, Prefetch>(ci, v, x, cols, s, e, block)) return false;
    out = static_cast<Acc>(block);
    return true;
  }
  Acc total = 0;
  for (int64_t k = s; k < e; k += kF32Block) {
    if (!dotInOrder<L, Prefetch>(ci, v, x, cols, k, e - k > kF32Block ? k + kF32Block : e, block)) return false;
    total += static_cast<Acc>(block);
  }
  out = total;
  return true;
}

template <SimdLevel L, bool Prefetch, class T>
inline bool rowDot(const int32_t* ci, const T* v, const T* x, int64_t cols, int64_t s, int64_t e, Acc& out) {
  if constexpr (std::is_same_v<T, float> && L != SimdLevel::Scalar) {
    return rowDotF32Blocked<L, Prefetch>(ci, v, x, cols, s, e, out);
  } else {
    return dotInOrder<L, Prefetch>(ci, v, x, cols, s, e, out);
  }
}

// Rows [rowBegin, rowEnd) of the plain product. Checks are fused into the loop (a row end beyond
// nnz or a column out of range) and nothing out of bounds is read; returns false on the first bad
// row so the caller can run validateCsr for the exact message. With Prefetch, the rows that end
// kGatherAhead entries or more before nnz prefetch their gathers (the last few rows do not).
// Plain (alpha = 1, beta = 0: y = A x, the same bits as the general store) drops alpha, beta and
// the read of y from the row loop: fewer live values, no spills, a shorter loop around the short
// rows of a stencil matrix.
template <SimdLevel L, bool Prefetch, bool Plain, class T>
bool spmvRows(const CsrView<T>& A, const T* x, T* y, double alpha, double beta, int64_t rowBegin,
              int64_t rowEnd) {
  // nnz as checked, re-read: bounded by the arrays in case another thread changed rowPtr since.
  const int64_t nnz = std::min({A.nnz(), A.colIdxLen, A.valuesLen});
  const int64_t prefetchEnd = nnz - kGatherAhead;
  int64_t start = A.rowPtr[rowBegin];
  if (start < 0 || start > nnz) return false;  // a range may begin mid-matrix
  for (int64_t i = rowBegin; i < rowEnd; i++) {
    const int64_t end = A.rowPtr[i + 1];
    if (end < start || end > nnz) return false;
    Acc sum = 0;
    const bool ok = Prefetch && end <= prefetchEnd ? rowDot<L, true>(A.colIdx, A.values, x, A.cols, start, end, sum)
                                                   : rowDot<L, false>(A.colIdx, A.values, x, A.cols, start, end, sum);
    if (!ok) return false;
    if constexpr (Plain) {
      y[i] = static_cast<T>(sum);
    } else {
      y[i] = static_cast<T>(beta == 0 ? alpha * sum : alpha * sum + beta * static_cast<Acc>(y[i]));
    }
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

// Scatter rows [rowBegin, rowEnd) of A^T x into base[j - lo] (the scatter contract of
// scatterTransposed: A was validated, and a row bound or column that changed since is caught
// before it is used). With Prefetch (scattered columns: gather_prefetch.hpp), the target of the
// entry kGatherAhead further on is prefetched for writing (its column clamped into [lo, hi]).
template <SimdLevel L, bool Prefetch, class T>
bool spmvTransposedRows(const CsrView<T>& A, const T* x, T* base, int64_t lo, int64_t hi, double alpha,
                        int64_t rowBegin, int64_t rowEnd) {
  const int64_t limit = std::min(A.colIdxLen, A.valuesLen);
  const int64_t prefetchEnd = std::min<int64_t>(A.rowPtr[rowEnd], limit) - kGatherAhead;
  int64_t start = A.rowPtr[rowBegin];
  if (start < 0) return false;
  for (int64_t i = rowBegin; i < rowEnd; i++) {
    const Acc xi = alpha * static_cast<Acc>(x[i]);
    const int64_t end = A.rowPtr[i + 1];
    if (end < start || end > limit) return false;
    if (start + kStreamAhead < limit) prefetchStreams<L>(A.colIdx, A.values, start + kStreamAhead);
    int64_t k = start;
    if (!Prefetch && hi >= lo) {
      // Two entries a step, both columns checked by one unsigned max against hi - lo; each entry's
      // read-add-write still follows the one before (a row may repeat a column).
      const uint32_t span = static_cast<uint32_t>(hi - lo);
      for (; k + 2 <= end; k += 2) {
        const uint32_t d0 = static_cast<uint32_t>(A.colIdx[k] - lo), d1 = static_cast<uint32_t>(A.colIdx[k + 1] - lo);
        if (std::max(d0, d1) > span) return false;
        base[d0] = static_cast<T>(static_cast<Acc>(base[d0]) + static_cast<Acc>(A.values[k]) * xi);
        base[d1] = static_cast<T>(static_cast<Acc>(base[d1]) + static_cast<Acc>(A.values[k + 1]) * xi);
      }
    }
    for (; k < end; k++) {
      if constexpr (Prefetch) {
        if (k < prefetchEnd) {
          const int64_t j = A.colIdx[k + kGatherAhead];
          prefetchWrite<L>(base + ((j >= lo && j <= hi) ? j - lo : 0));
        }
      }
      const int64_t j = A.colIdx[k];
      if (j < lo || j > hi) return false;
      T& yj = base[j - lo];
      yj = static_cast<T>(static_cast<Acc>(yj) + static_cast<Acc>(A.values[k]) * xi);
    }
    start = end;
  }
  return true;
}

template <SimdLevel L, class T>
Status spmv(const CsrView<T>& A, const T* x, T* y, double alpha, double beta, bool transpose) {
  Status s = checkRowPtrEnds(A);
  if (!s.ok()) return s;
  if (!transpose) {
    Buf<int64_t> bounds;
    int64_t parts = 0;
    if (!rowPartition<L>(A.rowPtr, A.rows, A.nnz(), bounds, parts)) return Status::noMemory("the row partition");
    const bool prefetch = gathersScattered<L>(A, sizeof(T));
    const bool plain = alpha == 1 && beta == 0;
    auto rows = [&](int64_t b, int64_t e) {
      if (plain) {
        return prefetch ? spmvRows<L, true, true>(A, x, y, alpha, beta, b, e)
                        : spmvRows<L, false, true>(A, x, y, alpha, beta, b, e);
      }
      return prefetch ? spmvRows<L, true, false>(A, x, y, alpha, beta, b, e)
                      : spmvRows<L, false, false>(A, x, y, alpha, beta, b, e);
    };
    if (parts == 1) {
      if (rows(0, A.rows)) return Status::okay();
      return failedMidway(A);
    }
    std::atomic<bool> bad{false};
    parallelFor(parts, [&](int64_t p) {
      if (!rows(bounds[p], bounds[p + 1])) bad.store(true, std::memory_order_relaxed);
    });
    return bad.load() ? failedMidway(A) : Status::okay();
  }
  // Validated before y is touched, so a bad matrix leaves y as it was.
  const bool prefetch = gathersScattered<L>(A, sizeof(T));
  return scatterTransposed<L>(
      A, 1, y, [&] { scaleOutputParallel<L>(y, A.cols, beta); },
      [&](int64_t rb, int64_t re, const ScatterTarget<T>& t) {
        return prefetch ? spmvTransposedRows<L, true>(A, x, t.base, t.lo, t.hi, alpha, rb, re)
                        : spmvTransposedRows<L, false>(A, x, t.base, t.lo, t.hi, alpha, rb, re);
      });
}

}  // namespace sparse
