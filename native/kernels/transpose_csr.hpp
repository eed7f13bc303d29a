// CSR of A^T by a stable counting sort on the column index (src/backend/js/transpose.ts): the
// result's rows come out sorted. Both passes need a validated A. rowPtr has cols + 1 entries;
// colIdx and values have nnz entries.
#pragma once

#include <new>
#include <vector>

#include "csr_view.hpp"
#include "status.hpp"

namespace sparse {

template <class T>
void transposeSymbolic(const CsrView<T>& A, int32_t* rowPtr) {
  const int64_t nnz = A.nnz();
  for (int64_t j = 0; j <= A.cols; j++) rowPtr[j] = 0;
  for (int64_t k = 0; k < nnz; k++) rowPtr[A.colIdx[k] + 1]++;
  for (int64_t j = 0; j < A.cols; j++) rowPtr[j + 1] += rowPtr[j];
}

template <class T>
Status transposeNumeric(const CsrView<T>& A, const int32_t* rowPtr, int32_t* colIdx, T* values) {
  std::vector<int32_t> next;
  try {
    next.assign(rowPtr, rowPtr + A.cols);
  } catch (const std::bad_alloc&) {
    return Status::noMemory("the transpose workspace");
  }
  for (int64_t i = 0; i < A.rows; i++) {
    for (int64_t k = A.rowPtr[i]; k < A.rowPtr[i + 1]; k++) {
      const int32_t dst = next[A.colIdx[k]]++;
      colIdx[dst] = static_cast<int32_t>(i);
      values[dst] = A.values[k];
    }
  }
  return Status::okay();
}

}  // namespace sparse
