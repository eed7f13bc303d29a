// C = A*B by Gustavson's row-by-row product (src/backend/js/spgemm.ts). Two passes so the caller
// can allocate C's arrays at their exact size: spgemmSymbolic fills rowPtr (rows + 1 entries),
// spgemmNumeric fills colIdx and values (rowPtr[rows] entries). Both need validated A and B with
// A.cols == B.rows. A and B may differ in value type; C takes A's.
#pragma once

#include <algorithm>
#include <new>
#include <vector>

#include "csr_view.hpp"
#include "status.hpp"

namespace sparse {

template <class TA, class TB>
Status spgemmSymbolic(const CsrView<TA>& A, const CsrView<TB>& B, int32_t* rowPtr) {
  std::vector<int32_t> marker;
  try {
    marker.assign(static_cast<size_t>(B.cols), -1);
  } catch (const std::bad_alloc&) {
    return Status::noMemory("the SpGEMM workspace");
  }
  int64_t nnz = 0;
  rowPtr[0] = 0;
  for (int64_t i = 0; i < A.rows; i++) {
    for (int64_t e = A.rowPtr[i]; e < A.rowPtr[i + 1]; e++) {
      const int32_t k = A.colIdx[e];
      for (int64_t f = B.rowPtr[k]; f < B.rowPtr[k + 1]; f++) {
        const int32_t j = B.colIdx[f];
        if (marker[j] != i) {
          marker[j] = static_cast<int32_t>(i);
          nnz++;
        }
      }
    }
    if (nnz > kMaxIndex) return Status::tooLarge("the product has more than " + num(kMaxIndex) + " nonzeros");
    rowPtr[i + 1] = static_cast<int32_t>(nnz);
  }
  return Status::okay();
}

// Sums a_ik*b_kj in A's then B's storage order (first term assigned, later terms added), then
// sorts each row's columns.
template <class TA, class TB>
Status spgemmNumeric(const CsrView<TA>& A, const CsrView<TB>& B, const int32_t* rowPtr, int32_t* colIdx,
                     TA* values) {
  std::vector<int32_t> marker;
  std::vector<Acc> acc;
  try {
    marker.assign(static_cast<size_t>(B.cols), -1);
    acc.resize(static_cast<size_t>(B.cols));
  } catch (const std::bad_alloc&) {
    return Status::noMemory("the SpGEMM workspace");
  }
  for (int64_t i = 0; i < A.rows; i++) {
    const int64_t start = rowPtr[i];
    int64_t w = start;
    for (int64_t e = A.rowPtr[i]; e < A.rowPtr[i + 1]; e++) {
      const int32_t k = A.colIdx[e];
      const Acc a = A.values[e];
      for (int64_t f = B.rowPtr[k]; f < B.rowPtr[k + 1]; f++) {
        const int32_t j = B.colIdx[f];
        if (marker[j] != i) {
          marker[j] = static_cast<int32_t>(i);
          colIdx[w++] = j;
          acc[j] = a * static_cast<Acc>(B.values[f]);
        } else {
          acc[j] += a * static_cast<Acc>(B.values[f]);
        }
      }
    }
    std::sort(colIdx + start, colIdx + w);
    for (int64_t t = start; t < w; t++) values[t] = static_cast<TA>(acc[colIdx[t]]);
  }
  return Status::okay();
}

}  // namespace sparse
