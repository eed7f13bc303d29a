// The arrays of a BSR matrix as the kernels see them, and the trust checks shared by every BSR
// kernel. Checks, their order and their messages are those of src/backend/js/bsr-check.ts, so both
// backends report the same first error. Included (through kernel_table.hpp) by prelude.hpp, so it
// is compiled for the baseline ISA only.
#pragma once

#include <algorithm>
#include <cstdint>

#include "csr_check.hpp"
#include "csr_view.hpp"
#include "status.hpp"

namespace sparse {

// Largest supported block dimension (r and c are in [1, kMaxBlock]).
constexpr int64_t kMaxBlock = 8;

// r x c blocks, each row-major in `values` (r*c per block). The binding guarantees
// 1 <= r, c <= kMaxBlock, rows % r == 0 and cols % c == 0; nothing else is trusted.
template <class T>
struct BsrView {
  int64_t rows = 0;
  int64_t cols = 0;
  int64_t r = 1;
  int64_t c = 1;
  const int32_t* blockRowPtr = nullptr;
  int64_t blockRowPtrLen = 0;
  const int32_t* blockColIdx = nullptr;
  int64_t blockColIdxLen = 0;
  const T* values = nullptr;
  int64_t valuesLen = 0;

  int64_t blockRows() const { return rows / r; }
  int64_t blockCols() const { return cols / c; }
  // Only meaningful after checkBsrEnds succeeded.
  int64_t nnzb() const { return blockRowPtr[blockRows()]; }
  // nnzb() re-read, bounded by the arrays: another thread may have changed the pointer since the
  // check (a SharedArrayBuffer), and the kernels that re-check as they go bound every row by this.
  int64_t nnzbWithinArrays() const {
    const int64_t n = nnzb();
    const int64_t byValues = r * c > 0 ? valuesLen / (r * c) : 0;
    return std::min({n, blockColIdxLen, byValues});
  }
};

inline Status badBlockRowPtr(int64_t I) {
  return Status::format("blockRowPtr is not monotone or exceeds nnzBlocks at block row " + num(I));
}

inline Status badBlockColumn(int64_t k, int32_t J, int64_t blockCols) {
  return Status::format("block column index " + num(J) + " at position " + num(k) + " is out of range [0, " +
                        num(blockCols) + ")");
}

inline Status unsortedBlocks(int64_t I, int64_t k) {
  return Status::format("blockColIdx is not sorted and unique in block row " + num(I) + " (position " + num(k) + ")");
}

// O(1): the block row pointer's length and ends against the buffers. Must pass before nnzb() is used.
template <class T>
Status checkBsrEnds(const BsrView<T>& A) {
  const int64_t blockRows = A.blockRows();
  if (A.blockRowPtrLen != blockRows + 1) {
    return Status::format("blockRowPtr has length " + num(A.blockRowPtrLen) + ", expected blockRows + 1 = " +
                          num(blockRows + 1));
  }
  if (A.blockRowPtr[0] != 0) return Status::format("blockRowPtr[0] is " + num(A.blockRowPtr[0]) + ", expected 0");
  const int64_t nnzb = A.nnzb();
  const int64_t valueBlocks = A.valuesLen / (A.r * A.c);
  if (nnzb > A.blockColIdxLen || nnzb > valueBlocks) {
    return Status::format("blockRowPtr[blockRows] = " + num(nnzb) + " exceeds the length of blockColIdx (" +
                          num(A.blockColIdxLen) + ") or the blocks in values (" + num(valueBlocks) + ")");
  }
  // Callers size results by nnzb after this check. validateBsr's walk would stop at block row 0,
  // whose end is either below its start (0) or above a negative nnzb.
  if (nnzb < 0) return badBlockRowPtr(0);
  return Status::okay();
}

// O(nnzb): monotone pointer within [0, nnzb], block columns in range, and (if asked) sorted unique.
template <class T>
Status validateBsr(const BsrView<T>& A, bool requireSorted) {
  Status s = checkBsrEnds(A);
  if (!s.ok()) return s;
  const int64_t nnzb = A.nnzb();
  const int64_t blockRows = A.blockRows();
  const int64_t blockCols = A.blockCols();
  int64_t start = A.blockRowPtr[0];
  for (int64_t I = 0; I < blockRows; I++) {
    const int64_t end = A.blockRowPtr[I + 1];
    if (end < start || end > nnzb) return badBlockRowPtr(I);
    int64_t prev = -1;
    for (int64_t k = start; k < end; k++) {
      const int32_t J = A.blockColIdx[k];
      if (outOfRange(J, blockCols)) return badBlockColumn(k, J, blockCols);
      if (requireSorted && J <= prev) return unsortedBlocks(I, k);
      prev = J;
    }
    start = end;
  }
  return Status::okay();
}

// O(blockRows): the pointer is non-decreasing from 0 to nnzb (after checkBsrEnds), so it can be used
// as a prefix for partitioning; columns are still unchecked.
template <class T>
bool bsrPointerMonotone(const BsrView<T>& A) {
  const int64_t nnzb = A.nnzb();
  const int64_t blockRows = A.blockRows();
  int64_t prev = 0;
  for (int64_t I = 1; I <= blockRows; I++) {
    const int64_t p = A.blockRowPtr[I];
    if (p < prev || p > nnzb) return false;
    prev = p;
  }
  return true;
}

// Defined here, not in bsr_convert.hpp: this header is compiled before the target regions
// (kernel_table.hpp), so the one copy of this inline function is baseline code.
inline Status bsrTooLarge(const char* what, int64_t n) {
  return Status::tooLarge(std::string(what) + " would hold " + num(n) + " values, more than " + num(kMaxIndex));
}

// As failedMidway (csr_check.hpp) for the BSR products: their output is partial, so a structure
// that validates again (another thread put it back) is changedDuringCall(), never okay.
template <class T>
Status bsrFailedMidway(const BsrView<T>& A) {
  Status s = validateBsr(A, false);
  return s.ok() ? changedDuringCall() : s;
}

}  // namespace sparse
