// Y = alpha*A*X + beta*Y with X, Y dense row-major of k columns, and its transpose; mirrors
// src/backend/js/spmm.ts. Lengths of X and Y are the binding's job.
#pragma once

#include <new>
#include <vector>

#include "csr_check.hpp"
#include "spmv_csr.hpp"

namespace sparse {

// Rows [rowBegin, rowEnd); acc is caller-owned scratch of k doubles (one per thread later).
// Same fused checks and failure contract as spmvRows.
template <class T>
bool spmmRows(const CsrView<T>& A, const T* X, int64_t k, T* Y, double alpha, double beta, Acc* acc,
              int64_t rowBegin, int64_t rowEnd) {
  const int64_t nnz = A.nnz();
  int64_t start = A.rowPtr[rowBegin];
  if (start < 0 || start > nnz) return false;  // a range may begin mid-matrix
  for (int64_t i = rowBegin; i < rowEnd; i++) {
    const int64_t end = A.rowPtr[i + 1];
    if (end < start || end > nnz) return false;
    for (int64_t c = 0; c < k; c++) acc[c] = 0;
    for (int64_t e = start; e < end; e++) {
      const int32_t j = A.colIdx[e];
      if (outOfRange(j, A.cols)) return false;
      const Acc a = A.values[e];
      const T* xr = X + j * k;
      for (int64_t c = 0; c < k; c++) acc[c] += a * static_cast<Acc>(xr[c]);
    }
    T* yr = Y + i * k;
    if (beta == 0) {
      for (int64_t c = 0; c < k; c++) yr[c] = static_cast<T>(alpha * acc[c]);
    } else {
      for (int64_t c = 0; c < k; c++) yr[c] = static_cast<T>(alpha * acc[c] + beta * static_cast<Acc>(yr[c]));
    }
    start = end;
  }
  return true;
}

// Scatter rows [rowBegin, rowEnd) of A^T X into Y (already scaled by beta). Needs a validated A.
template <class T>
void spmmTransposedRows(const CsrView<T>& A, const T* X, int64_t k, T* Y, double alpha, int64_t rowBegin,
                        int64_t rowEnd) {
  for (int64_t i = rowBegin; i < rowEnd; i++) {
    const T* xr = X + i * k;
    const int64_t end = A.rowPtr[i + 1];
    for (int64_t e = A.rowPtr[i]; e < end; e++) {
      const Acc a = A.values[e];
      T* yr = Y + static_cast<int64_t>(A.colIdx[e]) * k;
      for (int64_t c = 0; c < k; c++) {
        yr[c] = static_cast<T>(static_cast<Acc>(yr[c]) + a * (alpha * static_cast<Acc>(xr[c])));
      }
    }
  }
}

template <class T>
Status spmm(const CsrView<T>& A, const T* X, int64_t k, T* Y, double alpha, double beta, bool transpose) {
  Status s = checkRowPtrEnds(A);
  if (!s.ok()) return s;
  if (!transpose) {
    std::vector<Acc> acc;
    try {
      acc.resize(static_cast<size_t>(k));
    } catch (const std::bad_alloc&) {
      return Status::noMemory("the SpMM accumulator");
    }
    if (spmmRows(A, X, k, Y, alpha, beta, acc.data(), 0, A.rows)) return Status::okay();
    return validateCsr(A);
  }
  s = validateCsr(A);
  if (!s.ok()) return s;
  scaleOutput<SimdLevel::Scalar>(Y, 0, A.cols * k, beta);
  spmmTransposedRows(A, X, k, Y, alpha, 0, A.rows);
  return Status::okay();
}

}  // namespace sparse
