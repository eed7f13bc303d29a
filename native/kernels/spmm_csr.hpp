// Y = alpha*A*X + beta*Y with X, Y dense row-major of k columns, and its transpose; the twin is
// src/backend/js/spmm.ts. Lengths of X and Y are the binding's job.
//
// Plain: rows in tasks balanced by nonzeros; per row, k is cut into blocks of 32, then 8, then 1
// columns whose accumulators are a local array the compiler keeps in vector registers (so the
// inner loop is vectorized over k at each level). Every output entry is summed in storage order
// with a separate multiply and add, as in the JS twin: the result is bit-identical to it.
// Transposed: scatterTransposed (par_csr.hpp), deterministic for any thread count.
#pragma once

#include <algorithm>
#include <cstring>

#include "csr_check.hpp"
#include "gather_prefetch.hpp"
#include "par_csr.hpp"
#include "spmv_csr.hpp"

namespace sparse {

#if defined(__GNUC__) || defined(__clang__)
// Accumulators as vectors of the level's width (GCC/Clang vector extensions: elementwise IEEE
// operations, so any width gives the scalar loop's bits). Left to itself, GCC 12 vectorized the
// 32-column block across entries instead: the second entry's X row was gathered one double at a
// time, and SpMM with k = 32 ran at 18 GFLOP/s on 2 Zen 5 cores. A width above the level's (a
// 64-byte vector on AVX2) is lowered through the stack, so the width follows the level.
template <SimdLevel L>
constexpr int kSpmmLanes = L == SimdLevel::Avx512 ? 8 : L == SimdLevel::Avx2 ? 4 : 2;

template <int N>
struct SpmmVec;
template <>
struct SpmmVec<8> {
  typedef double acc __attribute__((vector_size(64)));
  typedef float f32 __attribute__((vector_size(32)));
};
template <>
struct SpmmVec<4> {
  typedef double acc __attribute__((vector_size(32)));
  typedef float f32 __attribute__((vector_size(16)));
};
template <>
struct SpmmVec<2> {
  typedef double acc __attribute__((vector_size(16)));
  typedef float f32 __attribute__((vector_size(8)));
};
#endif

// Where the gathers of X are prefetched (gather_prefetch.hpp): while it reads entry t, a pass
// prefetches the first `rowBytes` bytes of the X row of entry t + ahead, for t + ahead < limit
// (entries past the row end belong to the next rows: colIdx is contiguous).
struct SpmmPrefetch {
  int64_t ahead;
  int64_t rowBytes;
  int64_t limit;
};

template <SimdLevel L, class T>
inline void spmmPrefetchRow(const int32_t* ci, const T* X, int64_t k, uint32_t cols, const SpmmPrefetch& pf,
                            int64_t t) {
  if (t + pf.ahead >= pf.limit) return;
  const uint32_t j = static_cast<uint32_t>(ci[t + pf.ahead]);
  const uintptr_t xr = reinterpret_cast<uintptr_t>(X + (j >= cols ? 0 : static_cast<int64_t>(j) * k));
  // X comes from a JS typed array, 16-byte aligned at best, so a row of 64 bytes (k = 8 f64)
  // usually straddles two lines. Rows up to 128 bytes get every line they touch: prefetching only
  // ceil(bytes / 64) lines from the row's start left the last to a demand miss (random and
  // power-law k = 8: 1.12-1.25x, k = 4 1.25x, k = 16 1.0-1.15x, Intel VM). Longer rows keep that
  // count: the extra line cost k = 32 6-15%.
  const uintptr_t first = xr & ~uintptr_t{63};
  const uintptr_t bytes = static_cast<uintptr_t>(pf.rowBytes);
  const uintptr_t last = bytes <= 128 ? (xr + bytes - 1) & ~uintptr_t{63} : first + ((bytes + 63) & ~uintptr_t{63}) - 64;
  for (uintptr_t line = first; line <= last; line += 64) prefetchRead<L>(reinterpret_cast<const void*>(line));
}

// Columns [c0, c0 + W) of row i's output. Each column is checked where it is read (one compare
// per entry and block): another thread may write colIdx on a SharedArrayBuffer, or the main thread
// during matmatAsync. False, yr untouched, at a column outside [0, cols).
template <SimdLevel L, int W, bool Prefetch, class T>
inline bool spmmBlock(const int32_t* ci, const T* v, int64_t s, int64_t e, uint32_t cols, const T* X, int64_t k,
                      int64_t c0, T* yr, double alpha, double beta, const SpmmPrefetch& pf) {
  Acc acc[W];
#if defined(__GNUC__) || defined(__clang__)
  constexpr int N = kSpmmLanes<L>;
  if constexpr (W % N == 0) {
    using V = typename SpmmVec<N>::acc;
    constexpr int Q = W / N;
    V vacc[Q];
    for (int q = 0; q < Q; q++) vacc[q] = V{};
    for (int64_t t = s; t < e; t++) {
      if constexpr (Prefetch) spmmPrefetchRow<L>(ci, X, k, cols, pf, t);
      const uint32_t j = static_cast<uint32_t>(ci[t]);
      if (j >= cols) return false;
      const Acc a = static_cast<Acc>(v[t]);
      const T* xr = X + static_cast<int64_t>(j) * k + c0;
      for (int q = 0; q < Q; q++) {
        if constexpr (sizeof(T) == sizeof(double)) {
          V xv;
          std::memcpy(&xv, xr + N * q, sizeof(xv));
          vacc[q] += a * xv;
        } else {
          typename SpmmVec<N>::f32 xv;
          std::memcpy(&xv, xr + N * q, sizeof(xv));
          vacc[q] += a * __builtin_convertvector(xv, V);
        }
      }
    }
    for (int q = 0; q < Q; q++) {
      for (int c = 0; c < N; c++) acc[q * N + c] = vacc[q][c];
    }
  } else
#endif
  {
    for (int c = 0; c < W; c++) acc[c] = 0;
    for (int64_t t = s; t < e; t++) {
      if constexpr (Prefetch) spmmPrefetchRow<L>(ci, X, k, cols, pf, t);
      const uint32_t j = static_cast<uint32_t>(ci[t]);
      if (j >= cols) return false;
      const Acc a = static_cast<Acc>(v[t]);
      const T* xr = X + static_cast<int64_t>(j) * k + c0;
      for (int c = 0; c < W; c++) acc[c] += a * static_cast<Acc>(xr[c]);
    }
  }
  if (beta == 0) {
    for (int c = 0; c < W; c++) yr[c0 + c] = static_cast<T>(alpha * acc[c]);
  } else {
    for (int c = 0; c < W; c++) yr[c0 + c] = static_cast<T>(alpha * acc[c] + beta * static_cast<Acc>(yr[c0 + c]));
  }
  return true;
}

// With Prefetch (gather_prefetch.hpp), each pass over a row's entries prefetches the X row of the
// entry `ahead` further on (its first kSpmmPrefetchBytes bytes: wider rows are read in 32-column
// blocks, one pass over the row's entries each, and the first pass brings the rest along). The
// prefetch runs inside the pass, so a long row is covered as it is read; prefetching each row's
// entries in one burst at its start (the earlier form) sent 10^5 prefetches ahead of a power-law
// row of 10^5 entries, more than the cache holds.
constexpr int64_t kSpmmPrefetchBytes = 1024;

template <SimdLevel L, class T>
int64_t spmmPrefetchAhead(int64_t k) {
  const int64_t bytes = std::min<int64_t>(k * static_cast<int64_t>(sizeof(T)), kSpmmPrefetchBytes);
  return std::clamp<int64_t>(kGatherAhead * 64 / std::max<int64_t>(bytes, 1), 16, kGatherAhead);
}

// Rows [rowBegin, rowEnd); same fused checks and failure contract as spmvRows.
template <SimdLevel L, bool Prefetch, class T>
bool spmmRows(const CsrView<T>& A, const T* X, int64_t k, T* Y, double alpha, double beta, int64_t rowBegin,
              int64_t rowEnd) {
  // nnz as checked, re-read: bounded by the arrays in case another thread changed rowPtr since.
  const int64_t nnz = std::min({A.nnz(), A.colIdxLen, A.valuesLen});
  const uint32_t cols = static_cast<uint32_t>(A.cols);  // A.cols <= kMaxIndex
  int64_t start = A.rowPtr[rowBegin];
  if (start < 0 || start > nnz) return false;  // a range may begin mid-matrix
  const SpmmPrefetch pf{spmmPrefetchAhead<L, T>(k), std::min<int64_t>(k * static_cast<int64_t>(sizeof(T)), kSpmmPrefetchBytes), nnz};
  if constexpr (Prefetch) {
    // The task's first `ahead` entries, which no pass prefetches.
    for (int64_t t = start - pf.ahead; t < start; t++) spmmPrefetchRow<L>(A.colIdx, X, k, cols, pf, t);
  }
  for (int64_t i = rowBegin; i < rowEnd; i++) {
    const int64_t end = A.rowPtr[i + 1];
    if (end < start || end > nnz) return false;
    T* yr = Y + i * k;
    int64_t c0 = 0;
    bool ok = true;
    // Only the row's first pass prefetches.
    if (c0 + 32 <= k) {
      ok = spmmBlock<L, 32, Prefetch>(A.colIdx, A.values, start, end, cols, X, k, c0, yr, alpha, beta, pf);
      c0 += 32;
    }
    for (; ok && c0 + 32 <= k; c0 += 32) ok = spmmBlock<L, 32, false>(A.colIdx, A.values, start, end, cols, X, k, c0, yr, alpha, beta, pf);
    if (ok && c0 == 0 && k >= 8) {
      ok = spmmBlock<L, 8, Prefetch>(A.colIdx, A.values, start, end, cols, X, k, 0, yr, alpha, beta, pf);
      c0 = 8;
    }
    for (; ok && c0 + 8 <= k; c0 += 8) ok = spmmBlock<L, 8, false>(A.colIdx, A.values, start, end, cols, X, k, c0, yr, alpha, beta, pf);
    if (ok && c0 == 0 && k > 0) {
      ok = spmmBlock<L, 1, Prefetch>(A.colIdx, A.values, start, end, cols, X, k, 0, yr, alpha, beta, pf);
      c0 = 1;
    }
    for (; ok && c0 < k; c0++) ok = spmmBlock<L, 1, false>(A.colIdx, A.values, start, end, cols, X, k, c0, yr, alpha, beta, pf);
    if (!ok) return false;
    start = end;
  }
  return true;
}

// yr[c] = yr[c] + a * ax[c] for c in [0, k), rounded to T on store: in vectors of the level's
// width where the compiler has vector extensions (elementwise IEEE operations, the scalar loop's
// bits), then one column at a time.
template <SimdLevel L, class T>
inline void addScaledRow(T* yr, const Acc* ax, Acc a, int64_t k) {
  int64_t c = 0;
#if defined(__GNUC__) || defined(__clang__)
  constexpr int N = kSpmmLanes<L>;
  using V = typename SpmmVec<N>::acc;
  for (; c + N <= k; c += N) {
    V xv;
    std::memcpy(&xv, ax + c, sizeof(xv));
    if constexpr (sizeof(T) == sizeof(double)) {
      V yv;
      std::memcpy(&yv, yr + c, sizeof(yv));
      yv = yv + a * xv;
      std::memcpy(yr + c, &yv, sizeof(yv));
    } else {
      typename SpmmVec<N>::f32 yf;
      std::memcpy(&yf, yr + c, sizeof(yf));
      yf = __builtin_convertvector(__builtin_convertvector(yf, V) + a * xv, typename SpmmVec<N>::f32);
      std::memcpy(yr + c, &yf, sizeof(yf));
    }
  }
#endif
  for (; c < k; c++) yr[c] = static_cast<T>(static_cast<Acc>(yr[c]) + a * ax[c]);
}

// Scatter rows [rowBegin, rowEnd) of A^T X to the target t (column j's row of the output at
// t.base + (j - t.lo) * k), under scatterTransposed's contract (a row bound or column that changed
// since the check is caught before it is used). alpha times row i of X is formed once a row, in
// chunks of kAxChunk columns on the stack (the product a * (alpha * x) of the scalar loop, the
// same bits), and each entry adds its multiple of it to output row j with addScaledRow. A column
// at a time, with alpha multiplied in again per entry, k = 32 ran 5.5x slower than the plain
// product on the 2D Laplacian (Intel model 207).
constexpr int64_t kAxChunk = 256;

template <SimdLevel L, class T>
bool spmmTransposedRows(const CsrView<T>& A, const T* X, int64_t k, const ScatterTarget<T>& t, double alpha,
                        int64_t rowBegin, int64_t rowEnd) {
  const int64_t limit = std::min(A.colIdxLen, A.valuesLen);
  int64_t start = A.rowPtr[rowBegin];
  if (start < 0) return false;
  Acc ax[kAxChunk];  // no allocation inside a pool task
  T* yBase = t.base;
  for (int64_t i = rowBegin; i < rowEnd; i++) {
    const int64_t end = A.rowPtr[i + 1];
    if (end < start || end > limit) return false;
    const T* xr = X + i * k;
    for (int64_t c0 = 0; c0 < k && end > start; c0 += kAxChunk) {
      const int64_t w = std::min(kAxChunk, k - c0);
      for (int64_t c = 0; c < w; c++) ax[c] = alpha * static_cast<Acc>(xr[c0 + c]);
      for (int64_t e = start; e < end; e++) {
        const int64_t j = A.colIdx[e];
        if (!t.has(j)) return false;
        addScaledRow<L>(yBase + (j - t.lo) * k + c0, ax, static_cast<Acc>(A.values[e]), w);
      }
    }
    start = end;
  }
  return true;
}

template <SimdLevel L, class T>
Status spmm(const CsrView<T>& A, const T* X, int64_t k, T* Y, double alpha, double beta, bool transpose) {
  Status s = checkRowPtrEnds(A);
  if (!s.ok()) return s;
  // With no columns no block reads colIdx; the structure is still checked, as the JS twin does.
  if (k == 0) return validateCsr(A);
  if (!transpose) {
    Buf<int64_t> bounds;
    int64_t parts = 0;
    const int64_t grain = (int64_t{1} << 15) / (k < 1 ? 1 : (k < 64 ? k : 64)) + 64;
    if (!rowPartition<L>(A.rowPtr, A.rows, A.nnz(), bounds, parts, grain)) return Status::noMemory("the row partition");
    const bool prefetch = gathersScattered<L>(A, k * static_cast<int64_t>(sizeof(T)));
    auto rows = [&](int64_t b, int64_t e) {
      return prefetch ? spmmRows<L, true>(A, X, k, Y, alpha, beta, b, e) : spmmRows<L, false>(A, X, k, Y, alpha, beta, b, e);
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
  return scatterTransposed<L>(
      A, k, Y, [&] { scaleOutputParallel<L>(Y, A.cols * k, beta); },
      [&](int64_t rb, int64_t re, const ScatterTarget<T>& t) { return spmmTransposedRows<L>(A, X, k, t, alpha, rb, re); });
}

}  // namespace sparse
