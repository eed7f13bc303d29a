// y = alpha*A*x + beta*y and its transpose, mirroring src/backend/js/spmv.ts term for term.
// Lengths of x and y are the binding's job (x: cols, y: rows; swapped for the transpose).
#pragma once

#include "csr_check.hpp"
#include "simd_level.hpp"

namespace sparse {

// Rows [rowBegin, rowEnd) of the plain product, one dot product per row in storage order.
// Checks are fused into the loop (a row end beyond nnz or a column out of range) and nothing
// out of bounds is read; returns false on the first bad row so the caller can run validateCsr
// for the exact message. Rows before the bad one may have been written, as in the JS twin.
template <SimdLevel L, class T>
bool spmvRows(const CsrView<T>& A, const T* x, T* y, double alpha, double beta, int64_t rowBegin,
              int64_t rowEnd) {
  const int64_t nnz = A.nnz();
  int64_t start = A.rowPtr[rowBegin];
  if (start < 0 || start > nnz) return false;  // a range may begin mid-matrix
  for (int64_t i = rowBegin; i < rowEnd; i++) {
    const int64_t end = A.rowPtr[i + 1];
    if (end < start || end > nnz) return false;
    Acc sum = 0;
    for (int64_t k = start; k < end; k++) {
      const int32_t j = A.colIdx[k];
      if (outOfRange(j, A.cols)) return false;
      sum += static_cast<Acc>(A.values[k]) * static_cast<Acc>(x[j]);
    }
    y[i] = static_cast<T>(beta == 0 ? alpha * sum : alpha * sum + beta * static_cast<Acc>(y[i]));
    start = end;
  }
  return true;
}

// y = beta*y over [begin, end), with beta = 0 overwriting (so NaN in y does not survive).
template <SimdLevel L, class T>
void scaleOutput(T* y, int64_t begin, int64_t end, double beta) {
  if (beta == 0) {
    for (int64_t t = begin; t < end; t++) y[t] = 0;
  } else if (beta != 1) {
    for (int64_t t = begin; t < end; t++) y[t] = static_cast<T>(static_cast<Acc>(y[t]) * beta);
  }
}

// Scatter rows [rowBegin, rowEnd) of A^T x into y (already scaled by beta). Needs a validated A.
// Two row ranges write the same y entries, so a parallel version needs per-range buffers.
template <SimdLevel L, class T>
void spmvTransposedRows(const CsrView<T>& A, const T* x, T* y, double alpha, int64_t rowBegin, int64_t rowEnd) {
  for (int64_t i = rowBegin; i < rowEnd; i++) {
    const Acc xi = alpha * static_cast<Acc>(x[i]);
    const int64_t end = A.rowPtr[i + 1];
    for (int64_t k = A.rowPtr[i]; k < end; k++) {
      T& yj = y[A.colIdx[k]];
      yj = static_cast<T>(static_cast<Acc>(yj) + static_cast<Acc>(A.values[k]) * xi);
    }
  }
}

template <SimdLevel L, class T>
Status spmv(const CsrView<T>& A, const T* x, T* y, double alpha, double beta, bool transpose) {
  Status s = checkRowPtrEnds(A);
  if (!s.ok()) return s;
  if (!transpose) {
    if (spmvRows<L>(A, x, y, alpha, beta, 0, A.rows)) return Status::okay();
    return validateCsr(A);
  }
  // Validate the whole structure before touching y, so a bad matrix leaves y as it was.
  s = validateCsr(A);
  if (!s.ok()) return s;
  scaleOutput<L>(y, 0, A.cols, beta);
  spmvTransposedRows<L>(A, x, y, alpha, 0, A.rows);
  return Status::okay();
}

}  // namespace sparse
