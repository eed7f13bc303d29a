// Row and column sums, diagonal and Frobenius norm (src/backend/js/reductions.ts). Accumulators
// start at +0 and add, as the JS twin does (so a lone -0 sums to +0). The binding checks out's length.
#pragma once

#include <cmath>
#include <limits>
#include <new>
#include <vector>

#include "csr_check.hpp"

namespace sparse {

template <class T>
Status rowSums(const CsrView<T>& A, T* out) {
  Status st = validateCsr(A);
  if (!st.ok()) return st;
  for (int64_t i = 0; i < A.rows; i++) {
    Acc s = 0;
    for (int64_t k = A.rowPtr[i]; k < A.rowPtr[i + 1]; k++) s += A.values[k];
    out[i] = static_cast<T>(s);
  }
  return Status::okay();
}

// Summed in a double buffer and copied once, so f32 output is rounded once per column.
template <class T>
Status colSums(const CsrView<T>& A, T* out) {
  Status st = validateCsr(A);
  if (!st.ok()) return st;
  std::vector<Acc> sums;
  try {
    sums.assign(static_cast<size_t>(A.cols), 0);
  } catch (const std::bad_alloc&) {
    return Status::noMemory("the column sums");
  }
  const int64_t nnz = A.nnz();
  for (int64_t k = 0; k < nnz; k++) sums[A.colIdx[k]] += A.values[k];
  for (int64_t j = 0; j < A.cols; j++) out[j] = static_cast<T>(sums[j]);
  return Status::okay();
}

// Sum of the stored (i, i) entries, so duplicates in a non-canonical matrix still add up.
template <class T>
Status diagonal(const CsrView<T>& A, T* out) {
  Status st = validateCsr(A);
  if (!st.ok()) return st;
  const int64_t n = A.rows < A.cols ? A.rows : A.cols;
  for (int64_t i = 0; i < n; i++) {
    Acc s = 0;
    for (int64_t k = A.rowPtr[i]; k < A.rowPtr[i + 1]; k++) {
      if (A.colIdx[k] == i) s += A.values[k];
    }
    out[i] = static_cast<T>(s);
  }
  return Status::okay();
}

// m * sqrt(sum (v/m)^2) with m = max |v|: no overflow or underflow; NaN wins, then Infinity.
template <class T>
Status normFrobenius(const CsrView<T>& A, double* result) {
  Status st = checkRowPtrEnds(A);
  if (!st.ok()) return st;
  const int64_t nnz = A.nnz();
  double m = 0;
  for (int64_t k = 0; k < nnz; k++) {
    const double a = std::fabs(static_cast<double>(A.values[k]));
    if (a != a) {
      *result = std::numeric_limits<double>::quiet_NaN();
      return Status::okay();
    }
    if (a > m) m = a;
  }
  if (m == 0 || m == std::numeric_limits<double>::infinity()) {
    *result = m;
    return Status::okay();
  }
  double ssq = 0;
  for (int64_t k = 0; k < nnz; k++) {
    const double r = static_cast<double>(A.values[k]) / m;
    ssq += r * r;
  }
  *result = m * std::sqrt(ssq);
  return Status::okay();
}

}  // namespace sparse
