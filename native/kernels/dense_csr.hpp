// Dense row-major <-> CSR (src/backend/js/dense.ts). The binding checks that the dense buffer
// holds rows*cols entries.
#pragma once

#include "csr_check.hpp"

namespace sparse {

// Adds into out (the caller zeroes it), so duplicates of a non-canonical matrix are summed.
template <class T>
Status toDense(const CsrView<T>& A, T* out) {
  Status st = validateCsr(A);
  if (!st.ok()) return st;
  for (int64_t i = 0; i < A.rows; i++) {
    T* row = out + i * A.cols;
    for (int64_t k = A.rowPtr[i]; k < A.rowPtr[i + 1]; k++) {
      T& o = row[A.colIdx[k]];
      o = static_cast<T>(static_cast<Acc>(o) + static_cast<Acc>(A.values[k]));
    }
  }
  return Status::okay();
}

// Counts the entries that are not zero (NaN counts) and fills rowPtr (rows + 1 entries).
template <class T>
Status fromDenseSymbolic(int64_t rows, int64_t cols, const T* data, int32_t* rowPtr) {
  int64_t nnz = 0;
  rowPtr[0] = 0;
  for (int64_t i = 0; i < rows; i++) {
    const T* row = data + i * cols;
    for (int64_t j = 0; j < cols; j++) nnz += row[j] != 0;
    if (nnz > kMaxIndex) return Status::tooLarge("the matrix has more than " + num(kMaxIndex) + " nonzeros");
    rowPtr[i + 1] = static_cast<int32_t>(nnz);
  }
  return Status::okay();
}

template <class T>
void fromDenseNumeric(int64_t rows, int64_t cols, const T* data, int32_t* colIdx, T* values) {
  int64_t w = 0;
  for (int64_t i = 0; i < rows; i++) {
    const T* row = data + i * cols;
    for (int64_t j = 0; j < cols; j++) {
      if (row[j] != 0) {
        colIdx[w] = static_cast<int32_t>(j);
        values[w++] = row[j];
      }
    }
  }
}

}  // namespace sparse
