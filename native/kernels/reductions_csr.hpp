// Row and column sums, diagonal and Frobenius norm (src/backend/js/reductions.ts). Accumulators
// start at +0 and add, as the JS twin does (so a lone -0 sums to +0). The binding checks out's length.
// Row-wise results are per row (any split gives the same bits); colSums stays serial (exactly the
// twin's order); the norm's sum of squares is summed per fixed chunk, chunks added in order.
// After the check, row bounds and columns are re-checked where they are used: arrays on a
// SharedArrayBuffer may be changed by another thread during the call (a FormatError then).
#pragma once

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>

#include "csr_check.hpp"
#include "par_csr.hpp"
#include "scale_csr.hpp"

namespace sparse {

template <SimdLevel L, class T>
Status rowSums(const CsrView<T>& A, T* out) {
  Status st = validateCsrParallel<L>(A);
  if (!st.ok()) return st;
  const int64_t limit = std::min(A.colIdxLen, A.valuesLen);
  std::atomic<bool> changed{false};
  forChunks<L>(A.rows, int64_t{1} << 13, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; i++) {
      const int64_t k0 = A.rowPtr[i], k1 = A.rowPtr[i + 1];
      if (k0 < 0 || k1 < k0 || k1 > limit) {
        changed.store(true, std::memory_order_relaxed);
        return;
      }
      Acc s = 0;
      for (int64_t k = k0; k < k1; k++) s += A.values[k];
      out[i] = static_cast<T>(s);
    }
  });
  return changed.load() ? changedDuringCall() : Status::okay();
}

// Summed in a double buffer and copied once, so f32 output is rounded once per column.
template <SimdLevel L, class T>
Status colSums(const CsrView<T>& A, T* out) {
  Status st = validateCsrParallel<L>(A);
  if (!st.ok()) return st;
  Buf<Acc> sums;
  if (!sums.allocate(A.cols)) return Status::noMemory("the column sums");
  for (int64_t j = 0; j < A.cols; j++) sums[j] = 0;
  const int64_t nnz = std::min({A.nnz(), A.colIdxLen, A.valuesLen});
  for (int64_t k = 0; k < nnz; k++) {
    const int32_t j = A.colIdx[k];
    if (outOfRange(j, A.cols)) return changedDuringCall();
    sums[j] += A.values[k];
  }
  for (int64_t j = 0; j < A.cols; j++) out[j] = static_cast<T>(sums[j]);
  return Status::okay();
}

// Sum of the stored (i, i) entries, so duplicates in a non-canonical matrix still add up.
template <SimdLevel L, class T>
Status diagonal(const CsrView<T>& A, T* out) {
  Status st = validateCsrParallel<L>(A);
  if (!st.ok()) return st;
  const int64_t n = A.rows < A.cols ? A.rows : A.cols;
  const int64_t limit = std::min(A.colIdxLen, A.valuesLen);
  std::atomic<bool> changed{false};
  forChunks<L>(n, int64_t{1} << 13, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; i++) {
      const int64_t k0 = A.rowPtr[i], k1 = A.rowPtr[i + 1];
      if (k0 < 0 || k1 < k0 || k1 > limit) {
        changed.store(true, std::memory_order_relaxed);
        return;
      }
      Acc s = 0;
      for (int64_t k = k0; k < k1; k++) {
        if (A.colIdx[k] == i) s += A.values[k];
      }
      out[i] = static_cast<T>(s);
    }
  });
  return changed.load() ? changedDuringCall() : Status::okay();
}

// m * sqrt(sum (v/m)^2) with m = max |v|: no overflow or underflow; NaN wins, then Infinity.
template <SimdLevel L, class T>
Status normFrobenius(const CsrView<T>& A, double* result) {
  Status st = checkRowPtrEnds(A);
  if (!st.ok()) return st;
  // Read again after the check, so bounded again: a row pointer on a SharedArrayBuffer may have
  // changed since (the values are all this reads).
  const int64_t nnz = std::clamp<int64_t>(A.nnz(), 0, A.valuesLen);
  const int64_t chunks = partsFor(nnz, int64_t{1} << 16);
  Buf<double> part;
  if (!part.allocate(chunks)) return Status::noMemory("the norm's partial sums");
  std::atomic<bool> nan{false};
  parallelFor(chunks, [&](int64_t c) {
    double m = 0;
    for (int64_t k = (nnz * c) / chunks, e = (nnz * (c + 1)) / chunks; k < e; k++) {
      const double a = std::fabs(static_cast<double>(A.values[k]));
      if (a != a) {
        nan.store(true, std::memory_order_relaxed);
        break;
      }
      if (a > m) m = a;
    }
    part[c] = m;
  });
  if (nan.load()) {
    *result = std::numeric_limits<double>::quiet_NaN();
    return Status::okay();
  }
  double m = 0;
  for (int64_t c = 0; c < chunks; c++) m = part[c] > m ? part[c] : m;
  if (m == 0 || m == std::numeric_limits<double>::infinity()) {
    *result = m;
    return Status::okay();
  }
  parallelFor(chunks, [&](int64_t c) {
    double ssq = 0;
    for (int64_t k = (nnz * c) / chunks, e = (nnz * (c + 1)) / chunks; k < e; k++) {
      const double r = static_cast<double>(A.values[k]) / m;
      ssq += r * r;
    }
    part[c] = ssq;
  });
  double ssq = 0;
  for (int64_t c = 0; c < chunks; c++) ssq += part[c];
  *result = m * std::sqrt(ssq);
  return Status::okay();
}

}  // namespace sparse
