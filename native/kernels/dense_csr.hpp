// Dense row-major <-> CSR (src/backend/js/dense.ts). The binding checks that the dense buffer
// holds rows*cols entries. Row-parallel; each output row depends on one input row only.
#pragma once

#include <atomic>

#include "csr_check.hpp"
#include "par_csr.hpp"
#include "scale_csr.hpp"

namespace sparse {

// Adds into out (the caller zeroes it), so duplicates of a non-canonical matrix are summed.
template <SimdLevel L, class T>
Status toDense(const CsrView<T>& A, T* out) {
  Status st = validateCsrParallel<L>(A);
  if (!st.ok()) return st;
  forChunks<L>(A.rows, partsGrain(A.cols), [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; i++) {
      T* row = out + i * A.cols;
      for (int64_t k = A.rowPtr[i]; k < A.rowPtr[i + 1]; k++) {
        T& o = row[A.colIdx[k]];
        o = static_cast<T>(static_cast<Acc>(o) + static_cast<Acc>(A.values[k]));
      }
    }
  });
  return Status::okay();
}

// Counts the entries that are not zero (NaN counts) and fills rowPtr (rows + 1 entries).
template <SimdLevel L, class T>
Status fromDenseSymbolic(int64_t rows, int64_t cols, const T* data, int32_t* rowPtr) {
  // Per-row counts first (a row has at most cols <= kMaxIndex entries), then the checked prefix.
  forChunks<L>(rows, partsGrain(cols), [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; i++) {
      const T* row = data + i * cols;
      int64_t n = 0;
      for (int64_t j = 0; j < cols; j++) n += row[j] != 0;
      rowPtr[i + 1] = static_cast<int32_t>(n);
    }
  });
  int64_t nnz = 0;
  rowPtr[0] = 0;
  for (int64_t i = 0; i < rows; i++) {
    nnz += rowPtr[i + 1];
    if (nnz > kMaxIndex) return Status::tooLarge("the matrix has more than " + num(kMaxIndex) + " nonzeros");
    rowPtr[i + 1] = static_cast<int32_t>(nnz);
  }
  return Status::okay();
}

// Fills each row's slots [rowPtr[i], rowPtr[i + 1]) as counted. data on a SharedArrayBuffer can
// change between the count and the fill (another thread): a row that no longer fits its slots, or
// leaves some unwritten, stops the row and makes the call a FormatError, never a write out of place.
template <SimdLevel L, class T>
Status fromDenseNumeric(int64_t rows, int64_t cols, const T* data, const int32_t* rowPtr, int32_t* colIdx, T* values) {
  std::atomic<bool> changed{false};
  forChunks<L>(rows, partsGrain(cols), [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; i++) {
      const T* row = data + i * cols;
      int64_t w = rowPtr[i];
      const int64_t end = rowPtr[i + 1];
      bool fits = true;
      for (int64_t j = 0; j < cols; j++) {
        const T x = row[j];
        if (x != 0) {
          if (w == end) {
            fits = false;
            break;
          }
          colIdx[w] = static_cast<int32_t>(j);
          values[w++] = x;
        }
      }
      if (!fits || w != end) changed.store(true, std::memory_order_relaxed);
    }
  });
  return changed.load() ? Status::format("the dense data changed during the call (another thread wrote it)") : Status::okay();
}

}  // namespace sparse
