// Structure checks shared by every kernel; the messages are those of src/backend/js/check.ts and
// the order of checks is that of validate.ts, so both backends report the same first error.
#pragma once

#include "csr_view.hpp"
#include "status.hpp"

namespace sparse {

// What a kernel reports when a row bound or column it had checked is out of range when used:
// arrays on a SharedArrayBuffer that another thread wrote during the call.
inline Status changedDuringCall() {
  return Status::format("the matrix changed during the call (another thread wrote its row pointer or column indices)");
}

inline Status badRowPtr(int64_t i) {
  return Status::format("rowPtr is not monotone or exceeds nnz at row " + num(i));
}

inline Status badColumn(int64_t k, int32_t j, int64_t cols) {
  return Status::format("column index " + num(j) + " at position " + num(k) + " is out of range [0, " +
                        num(cols) + ")");
}

// The first bad row end or column, row by row (the walk of validateCsr, for a row pointer whose
// ends checkRowPtrEnds has seen): every row end is checked before its columns are read.
template <class T>
Status firstRowError(const CsrView<T>& A) {
  int64_t start = A.rowPtr[0];
  for (int64_t i = 0; i < A.rows; i++) {
    const int64_t end = A.rowPtr[i + 1];
    if (end < start || end > A.colIdxLen) return badRowPtr(i);
    for (int64_t k = start; k < end; k++) {
      if (outOfRange(A.colIdx[k], A.cols)) return badColumn(k, A.colIdx[k], A.cols);
    }
    start = end;
  }
  return Status::okay();
}

// O(1): length, first entry, and rowPtr[rows] against the buffers. Must pass before nnz() is used.
template <class T>
Status checkRowPtrEnds(const CsrView<T>& A) {
  if (A.rowPtrLen != A.rows + 1) {
    return Status::format("rowPtr has length " + num(A.rowPtrLen) + ", expected rows + 1 = " + num(A.rows + 1));
  }
  if (A.rowPtr[0] != 0) return Status::format("rowPtr[0] is " + num(A.rowPtr[0]) + ", expected 0");
  const int64_t nnz = A.rowPtr[A.rows];
  if (nnz > A.colIdxLen || nnz > A.valuesLen) {
    return Status::format("rowPtr[rows] = " + num(nnz) + " exceeds the length of colIdx (" + num(A.colIdxLen) +
                          ") or values (" + num(A.valuesLen) + ")");
  }
  // Callers size results by nnz after this check. A negative one means the row pointer decreases
  // somewhere: report the structure's first error, as a full check (and the JS twin) would.
  if (nnz < 0) {
    Status s = firstRowError(A);
    return s.ok() ? changedDuringCall() : s;
  }
  return Status::okay();
}

// O(nnz): monotone row pointer and every column in range. Afterwards every row lies in [0, nnz].
// A row end beyond colIdx is caught before its columns are read; ends beyond nnz (but inside colIdx)
// are read like the JS twin does, since a later row must then decrease and be reported.
template <class T>
Status validateCsr(const CsrView<T>& A) {
  Status s = checkRowPtrEnds(A);
  if (!s.ok()) return s;
  return firstRowError(A);
}

// A product whose fused check failed part-way has a partial output: the structure's first error, or
// changedDuringCall() when it is valid again (another thread wrote it and put it back), never okay.
template <class T>
Status failedMidway(const CsrView<T>& A) {
  Status s = validateCsr(A);
  return s.ok() ? changedDuringCall() : s;
}

}  // namespace sparse
