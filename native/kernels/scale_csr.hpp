// Elementwise scaling into out (src/backend/js/elementwise.ts). out may alias A.values.
// The binding checks out (nnz entries at least) and d (rows or cols) lengths.
#pragma once

#include "csr_check.hpp"

namespace sparse {

// Only the row pointer's ends are checked: the loop touches values alone.
template <class T>
Status scale(const CsrView<T>& A, double s, T* out) {
  Status st = checkRowPtrEnds(A);
  if (!st.ok()) return st;
  const int64_t nnz = A.nnz();
  for (int64_t k = 0; k < nnz; k++) out[k] = static_cast<T>(s * static_cast<Acc>(A.values[k]));
  return Status::okay();
}

template <class T>
Status scaleRows(const CsrView<T>& A, const T* d, T* out) {
  Status st = validateCsr(A);
  if (!st.ok()) return st;
  for (int64_t i = 0; i < A.rows; i++) {
    const Acc di = d[i];
    for (int64_t k = A.rowPtr[i]; k < A.rowPtr[i + 1]; k++) out[k] = static_cast<T>(static_cast<Acc>(A.values[k]) * di);
  }
  return Status::okay();
}

template <class T>
Status scaleCols(const CsrView<T>& A, const T* d, T* out) {
  Status st = validateCsr(A);
  if (!st.ok()) return st;
  const int64_t nnz = A.nnz();
  for (int64_t k = 0; k < nnz; k++) {
    out[k] = static_cast<T>(static_cast<Acc>(A.values[k]) * static_cast<Acc>(d[A.colIdx[k]]));
  }
  return Status::okay();
}

}  // namespace sparse
