// Elementwise scaling into out (src/backend/js/elementwise.ts). out may alias A.values.
// The binding checks out (nnz entries at least) and d (rows or cols) lengths. Elementwise, so
// the parallel split cannot change a bit.
#pragma once

#include "csr_check.hpp"
#include "par_csr.hpp"

namespace sparse {

// Calls f(begin, end) over [0, n) in parallel chunks.
template <SimdLevel L, class F>
void forChunks(int64_t n, int64_t grain, F f) {
  const int64_t chunks = partsFor(n, grain);
  if (chunks == 1) {
    f(int64_t{0}, n);
    return;
  }
  parallelFor(chunks, [&](int64_t c) { f((n * c) / chunks, (n * (c + 1)) / chunks); });
}

// Only the row pointer's ends are checked: the loop touches values alone.
template <SimdLevel L, class T>
Status scale(const CsrView<T>& A, double s, T* out) {
  Status st = checkRowPtrEnds(A);
  if (!st.ok()) return st;
  forChunks<L>(A.nnz(), int64_t{1} << 16, [&](int64_t b, int64_t e) {
    for (int64_t k = b; k < e; k++) out[k] = static_cast<T>(s * static_cast<Acc>(A.values[k]));
  });
  return Status::okay();
}

template <SimdLevel L, class T>
Status scaleRows(const CsrView<T>& A, const T* d, T* out) {
  Status st = validateCsrParallel<L>(A);
  if (!st.ok()) return st;
  forChunks<L>(A.rows, int64_t{1} << 13, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; i++) {
      const Acc di = d[i];
      for (int64_t k = A.rowPtr[i]; k < A.rowPtr[i + 1]; k++) out[k] = static_cast<T>(static_cast<Acc>(A.values[k]) * di);
    }
  });
  return Status::okay();
}

template <SimdLevel L, class T>
Status scaleCols(const CsrView<T>& A, const T* d, T* out) {
  Status st = validateCsrParallel<L>(A);
  if (!st.ok()) return st;
  forChunks<L>(A.nnz(), int64_t{1} << 16, [&](int64_t b, int64_t e) {
    for (int64_t k = b; k < e; k++) {
      out[k] = static_cast<T>(static_cast<Acc>(A.values[k]) * static_cast<Acc>(d[A.colIdx[k]]));
    }
  });
  return Status::okay();
}

}  // namespace sparse
