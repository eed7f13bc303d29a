// Software prefetch for the gathers of a product (x[j] in SpMV, X's row j in SpMM).
//
// When x is larger than a core's cache and the columns of nearby rows are unrelated (random,
// power-law), each gather waits on memory and the hardware prefetchers cannot guess the next
// address; touching x a fixed number of entries ahead overlaps those misses. Measured on Zen 5
// (2 cores, random 2M x 2M with 10 a row): 72 -> 34 ms at one thread, 24 -> 17 ms at two. On a
// stencil or banded matrix (columns shift by one from row to row, streams the hardware follows)
// the extra loads only cost: +20% on the 5-point Laplacian. So the kernels ask gathersScattered
// once a call, from a small sample of rows, and run the prefetching loop only when it says so.
// Prefetching never changes a result; a prefetch address comes from a column that has not been
// checked yet, so it is clamped into x first.
#pragma once

#include <cstdint>

#include "csr_check.hpp"
#include "csr_view.hpp"
#include "simd_level.hpp"

namespace sparse {

// Entries ahead of the current one whose gather is prefetched (64 and 128 both hid the latency in
// the measurement above; 32 did not).
constexpr int64_t kGatherAhead = 96;
// x up to this size stays in a core's cache (L2 is 1-2 MiB on the targeted machines).
constexpr int64_t kGatherCacheBytes = int64_t{1} << 20;

template <SimdLevel L>
inline void prefetchRead(const void* p) {
#if defined(__GNUC__) || defined(__clang__)
  __builtin_prefetch(p, 0, 3);
#else
  (void)p;
#endif
}

template <SimdLevel L>
inline void prefetchWrite(const void* p) {
#if defined(__GNUC__) || defined(__clang__)
  __builtin_prefetch(p, 1, 3);
#else
  (void)p;
#endif
}

// The streams of A itself: a CSR pass prefetches its column indices and values kStreamAhead
// entries ahead of where it reads (8 KiB of f64 values). On the Intel VM (model 207) one thread
// kept too few lines in flight for the hardware prefetcher to stream A at the read bandwidth: the
// f64 SpMV of the 2D Laplacian went from 29 to 22 ms at one thread (distances of 256 to 4096
// entries all gained), CPU time of interleaved builds. A prefetch never faults (k may lie past the
// arrays) and never changes a result.
constexpr int64_t kStreamAhead = 1024;

template <SimdLevel L, class T>
inline void prefetchStreams(const int32_t* ci, const T* v, int64_t k) {
  // Addresses as integers: k may lie past the arrays, where pointer arithmetic would be undefined.
  prefetchRead<L>(reinterpret_cast<const void*>(reinterpret_cast<uintptr_t>(ci) + static_cast<uintptr_t>(k) * sizeof(int32_t)));
  prefetchRead<L>(reinterpret_cast<const void*>(reinterpret_cast<uintptr_t>(v) + static_cast<uintptr_t>(k) * sizeof(T)));
}

// Prefetches the x entry of the column stored at ci[k] (any value: clamped into [0, cols)).
template <SimdLevel L, class T>
inline void prefetchGather(const int32_t* ci, const T* x, int64_t cols, int64_t k) {
  const int32_t j = ci[k];
  prefetchRead<L>(x + (outOfRange(j, cols) ? 0 : j));
}

// True when A's gathers from an x of `rowBytes` bytes per column are likely to miss the cache:
// x is larger than kGatherCacheBytes and, over a sample of short rows spread through the matrix,
// fewer than half of the entries have a column within 8 of a column of the row above. Reads only
// inside rowPtr and colIdx, whatever they hold (A need not be validated).
template <SimdLevel L, class T>
bool gathersScattered(const CsrView<T>& A, int64_t rowBytes) {
  if (A.rows < 2 || A.cols * rowBytes <= kGatherCacheBytes) return false;
  constexpr int64_t kStretches = 16, kRowsPerStretch = 4, kEntriesPerRow = 16, kNear = 8;
  int64_t near = 0, total = 0;
  auto rowOk = [&](int64_t r, int64_t& b, int64_t& e) {
    b = A.rowPtr[r];
    e = A.rowPtr[r + 1];
    if (b < 0 || e < b || e > A.colIdxLen) return false;
    if (e - b > kEntriesPerRow) e = b + kEntriesPerRow;
    return true;
  };
  for (int64_t s = 0; s < kStretches; s++) {
    const int64_t first = 1 + (A.rows - 1) * s / kStretches;
    for (int64_t i = first; i < first + kRowsPerStretch && i < A.rows; i++) {
      int64_t pb, pe, cb, ce;
      if (!rowOk(i - 1, pb, pe) || !rowOk(i, cb, ce)) continue;
      for (int64_t k = cb; k < ce; k++) {
        const int64_t j = A.colIdx[k];
        bool hit = false;
        for (int64_t q = pb; q < pe && !hit; q++) {
          const int64_t d = j - A.colIdx[q];
          hit = d <= kNear && d >= -kNear;
        }
        near += hit;
        total++;
      }
    }
  }
  return total > 0 && 2 * near < total;
}

}  // namespace sparse
