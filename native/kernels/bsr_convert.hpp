// CSR <-> BSR conversions; mirror src/backend/js/bsr-convert.ts (same checks, same results).
// Two phases each: a count that fills the output pointer (the binding then allocates the arrays as
// V8 typed arrays, zero-filled) and a fill. Serial: conversions are not SIMD kernels and are only
// included by the binding (baseline ISA), never by a table_<level>.cpp.
#pragma once

#include <algorithm>
#include <new>
#include <type_traits>
#include <vector>

#include "bsr_view.hpp"
#include "csr_check.hpp"

namespace sparse {

template <class T, int C>
Status csrToBsrCountC(const CsrView<T>& A, int64_t r, int32_t* blockRowPtr) {
  constexpr int64_t c = C;
  const int64_t blockRows = A.rows / r;
  const int64_t blockCols = A.cols / c;
  std::vector<int64_t> stamp;
  try {
    stamp.assign(static_cast<size_t>(blockCols), -1);
  } catch (const std::bad_alloc&) {
    return Status::noMemory("the BSR conversion workspace");
  }
  int64_t nnzb = 0;
  blockRowPtr[0] = 0;
  for (int64_t I = 0; I < blockRows; I++) {
    const int64_t end = A.rowPtr[(I + 1) * r];
    for (int64_t k = A.rowPtr[I * r]; k < end; k++) {
      const int64_t J = A.colIdx[k] / c;
      if (stamp[J] != I) {
        stamp[J] = I;
        nnzb++;
      }
    }
    if (nnzb * r * c > kMaxIndex) return bsrTooLarge("the BSR form", nnzb * r * c);
    blockRowPtr[I + 1] = static_cast<int32_t>(nnzb);
  }
  return Status::okay();
}

// Fills blockColIdx (sorted per block row) and values (zero-filled by the caller, r*c per block).
template <class T, int C>
Status csrToBsrFillC(const CsrView<T>& A, int64_t r, const int32_t* blockRowPtr, int32_t* blockColIdx, T* values) {
  constexpr int64_t c = C;
  const int64_t blockRows = A.rows / r;
  const int64_t blockCols = A.cols / c;
  const int64_t rc = r * c;
  std::vector<int64_t> stamp;
  std::vector<int32_t> pos;
  try {
    stamp.assign(static_cast<size_t>(blockCols), -1);
    pos.assign(static_cast<size_t>(blockCols), 0);
  } catch (const std::bad_alloc&) {
    return Status::noMemory("the BSR conversion workspace");
  }
  for (int64_t I = 0; I < blockRows; I++) {
    const int64_t p0 = blockRowPtr[I];
    int64_t p = p0;
    const int64_t end = A.rowPtr[(I + 1) * r];
    for (int64_t k = A.rowPtr[I * r]; k < end; k++) {
      const int64_t J = A.colIdx[k] / c;
      if (stamp[J] != I) {
        stamp[J] = I;
        blockColIdx[p++] = static_cast<int32_t>(J);
      }
    }
    std::sort(blockColIdx + p0, blockColIdx + p);
    for (int64_t q = p0; q < p; q++) pos[blockColIdx[q]] = static_cast<int32_t>(q);
    for (int64_t ii = 0; ii < r; ii++) {
      const int64_t i = I * r + ii;
      const int64_t e = A.rowPtr[i + 1];
      for (int64_t k = A.rowPtr[i]; k < e; k++) {
        const int64_t j = A.colIdx[k];
        const int64_t J = j / c;
        T& dst = values[static_cast<int64_t>(pos[J]) * rc + ii * c + (j - J * c)];
        dst = static_cast<T>(static_cast<Acc>(dst) + static_cast<Acc>(A.values[k]));
      }
    }
  }
  return Status::okay();
}

// Calls f(std::integral_constant<int, c>) for c in [1, kMaxBlock], so that the per-entry division
// j / c is by a compile-time constant (a multiply and shift, not a 40-cycle idiv).
template <class F>
decltype(auto) withBlockCols(int64_t c, F&& f) {
  switch (c) {
    case 1: return f(std::integral_constant<int, 1>{});
    case 2: return f(std::integral_constant<int, 2>{});
    case 3: return f(std::integral_constant<int, 3>{});
    case 4: return f(std::integral_constant<int, 4>{});
    case 5: return f(std::integral_constant<int, 5>{});
    case 6: return f(std::integral_constant<int, 6>{});
    case 7: return f(std::integral_constant<int, 7>{});
    default: return f(std::integral_constant<int, 8>{});
  }
}

// Counts the blocks of A cut into r x c blocks (validating A first): blockRowPtr (blockRows + 1) is filled.
template <class T>
Status csrToBsrCount(const CsrView<T>& A, int64_t r, int64_t c, int32_t* blockRowPtr) {
  Status s = validateCsr(A);
  if (!s.ok()) return s;
  return withBlockCols(c, [&](auto cc) { return csrToBsrCountC<T, decltype(cc)::value>(A, r, blockRowPtr); });
}

template <class T>
Status csrToBsrFill(const CsrView<T>& A, int64_t r, int64_t c, const int32_t* blockRowPtr, int32_t* blockColIdx,
                    T* values) {
  return withBlockCols(c, [&](auto cc) {
    return csrToBsrFillC<T, decltype(cc)::value>(A, r, blockRowPtr, blockColIdx, values);
  });
}

// Counts the CSR entries of B (all r*c per block with keepZeros, else those != 0; NaN counts):
// rowPtr (rows + 1) is filled.
template <class T>
Status bsrToCsrCount(const BsrView<T>& B, bool keepZeros, int32_t* rowPtr) {
  Status s = validateBsr(B, true);
  if (!s.ok()) return s;
  const int64_t r = B.r;
  const int64_t c = B.c;
  const int64_t rc = r * c;
  const int64_t blockRows = B.blockRows();
  int64_t nnz = 0;
  rowPtr[0] = 0;
  if (keepZeros) {
    if (B.nnzb() * rc > kMaxIndex) return bsrTooLarge("the CSR form", B.nnzb() * rc);
    for (int64_t I = 0; I < blockRows; I++) {
      const int64_t w = (static_cast<int64_t>(B.blockRowPtr[I + 1]) - B.blockRowPtr[I]) * c;
      for (int64_t ii = 0; ii < r; ii++) {
        nnz += w;
        rowPtr[I * r + ii + 1] = static_cast<int32_t>(nnz);
      }
    }
    return Status::okay();
  }
  for (int64_t I = 0; I < blockRows; I++) {
    const int64_t s0 = B.blockRowPtr[I];
    const int64_t e0 = B.blockRowPtr[I + 1];
    for (int64_t ii = 0; ii < r; ii++) {
      for (int64_t k = s0; k < e0; k++) {
        const T* v = B.values + k * rc + ii * c;
        for (int64_t jj = 0; jj < c; jj++) nnz += v[jj] != 0 ? 1 : 0;
      }
      if (nnz > kMaxIndex) return bsrTooLarge("the CSR form", nnz);
      rowPtr[I * r + ii + 1] = static_cast<int32_t>(nnz);
    }
  }
  return Status::okay();
}

// Fills row i's slots [rowPtr[i], rowPtr[i + 1]) as bsrToCsrCount counted them. Without keepZeros
// the counts depend on the values, which on a SharedArrayBuffer can change in between (another
// thread): a row that no longer fits its slots, or leaves some unwritten, is a FormatError, never
// a write out of place.
template <class T>
Status bsrToCsrFill(const BsrView<T>& B, bool keepZeros, const int32_t* rowPtr, int32_t* colIdx, T* values) {
  const int64_t r = B.r;
  const int64_t c = B.c;
  const int64_t rc = r * c;
  for (int64_t I = 0; I < B.blockRows(); I++) {
    const int64_t s0 = B.blockRowPtr[I];
    const int64_t e0 = B.blockRowPtr[I + 1];
    for (int64_t ii = 0; ii < r; ii++) {
      int64_t q = rowPtr[I * r + ii];
      const int64_t end = rowPtr[I * r + ii + 1];
      for (int64_t k = s0; k < e0; k++) {
        const T* v = B.values + k * rc + ii * c;
        const int64_t j0 = static_cast<int64_t>(B.blockColIdx[k]) * c;
        for (int64_t jj = 0; jj < c; jj++) {
          const T x = v[jj];
          if (keepZeros || x != 0) {
            if (q == end) return Status::format("the BSR values changed during the call (another thread wrote them)");
            colIdx[q] = static_cast<int32_t>(j0 + jj);
            values[q++] = x;
          }
        }
      }
      if (q != end) return Status::format("the BSR values changed during the call (another thread wrote them)");
    }
  }
  return Status::okay();
}

}  // namespace sparse
