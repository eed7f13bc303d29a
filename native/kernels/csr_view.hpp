// The arrays of a CSR matrix as the kernels see them: borrowed pointers plus the true lengths of
// the buffers, so kernels can refuse a structure that would make them read out of bounds.
#pragma once

#include <cstdint>

namespace sparse {

template <class T>
struct CsrView {
  int64_t rows = 0;
  int64_t cols = 0;
  const int32_t* rowPtr = nullptr;
  int64_t rowPtrLen = 0;
  const int32_t* colIdx = nullptr;
  int64_t colIdxLen = 0;
  const T* values = nullptr;
  int64_t valuesLen = 0;

  // Only meaningful after checkRowPtrEnds succeeded.
  int64_t nnz() const { return rowPtr[rows]; }
};

// Arithmetic is done in double for both value types: the JS backend computes in doubles and rounds
// on store, so f32 results then agree bit for bit at the scalar level. (The f32 SpMV of the SIMD
// levels sums short float blocks into a double: spmv_csr.hpp.)
using Acc = double;

// JS `j >>> 0 >= n`: a negative index compares as a huge unsigned one.
inline bool outOfRange(int32_t j, int64_t n) {
  return static_cast<int64_t>(static_cast<uint32_t>(j)) >= n;
}

}  // namespace sparse
