// BSR SpMM Y = alpha*A*X + beta*Y with X, Y dense row-major of k columns, and its transpose;
// mirrors src/backend/js/bsr-spmm.ts. Lengths of X and Y are the binding's job.
// Vectorized over k: each lane is one output column, so every SIMD level sums in the JS twin's
// order (blocks in storage order, then a block's columns) and agrees with it bit for bit.
#pragma once

#include <atomic>
#include <new>
#include <vector>

#include "bsr_spmv.hpp"

namespace sparse {

// Block rows [I0, I1); acc is the task's scratch of r*k doubles. Fused checks as bsrSpmvRows.
template <SimdLevel L, class T, int R, int C>
bool bsrSpmmRows(const BsrView<T>& A, const T* X, int64_t k, T* Y, double alpha, double beta, Acc* __restrict acc,
                 int64_t I0, int64_t I1) {
  constexpr bool kFixed = R > 0 && C > 0;
  const int64_t r = kFixed ? R : A.r;
  const int64_t c = kFixed ? C : A.c;
  const int64_t rc = r * c;
  const int64_t nnzb = A.nnzbWithinArrays();
  const int64_t blockCols = A.blockCols();
  int64_t start = A.blockRowPtr[I0];
  if (start < 0 || start > nnzb) return false;
  for (int64_t I = I0; I < I1; I++) {
    const int64_t end = A.blockRowPtr[I + 1];
    if (end < start || end > nnzb) return false;
    for (int64_t t = 0; t < r * k; t++) acc[t] = 0;
    for (int64_t b = start; b < end; b++) {
      const int32_t J = A.blockColIdx[b];
      if (outOfRange(J, blockCols)) return false;
      const T* __restrict v = A.values + b * rc;
      for (int64_t ii = 0; ii < r; ii++) {
        Acc* __restrict ar = acc + ii * k;
        for (int64_t jj = 0; jj < c; jj++) {
          const Acc a = static_cast<Acc>(v[ii * c + jj]);
          const T* __restrict xr = X + (static_cast<int64_t>(J) * c + jj) * k;
          for (int64_t t = 0; t < k; t++) ar[t] += a * static_cast<Acc>(xr[t]);
        }
      }
    }
    T* __restrict yr = Y + I * r * k;
    if (beta == 0) {
      for (int64_t t = 0; t < r * k; t++) yr[t] = static_cast<T>(alpha * acc[t]);
    } else {
      for (int64_t t = 0; t < r * k; t++) yr[t] = static_cast<T>(alpha * acc[t] + beta * static_cast<Acc>(yr[t]));
    }
    start = end;
  }
  return true;
}

template <SimdLevel L, class T>
bool bsrSpmmRowsAny(const BsrView<T>& A, const T* X, int64_t k, T* Y, double alpha, double beta, Acc* acc, int64_t I0,
                    int64_t I1) {
  if (A.r == A.c) {
    switch (A.r) {
      case 2: return bsrSpmmRows<L, T, 2, 2>(A, X, k, Y, alpha, beta, acc, I0, I1);
      case 3: return bsrSpmmRows<L, T, 3, 3>(A, X, k, Y, alpha, beta, acc, I0, I1);
      case 4: return bsrSpmmRows<L, T, 4, 4>(A, X, k, Y, alpha, beta, acc, I0, I1);
      case 8: return bsrSpmmRows<L, T, 8, 8>(A, X, k, Y, alpha, beta, acc, I0, I1);
      default: break;
    }
  }
  return bsrSpmmRows<L, T, 0, 0>(A, X, k, Y, alpha, beta, acc, I0, I1);
}

template <SimdLevel L, class T>
Status bsrSpmm(const BsrView<T>& A, const T* X, int64_t k, T* Y, double alpha, double beta, bool transpose) {
  Status s = checkBsrEnds(A);
  if (!s.ok()) return s;
  if (!transpose) {
    if (!bsrPointerMonotone(A)) return bsrFailedMidway(A);
    std::vector<int64_t> bounds;
    s = bsrPartition<L>(A, bounds);
    if (!s.ok()) return s;
    std::atomic<bool> failed{false};
    std::atomic<bool> noMemory{false};
    parallelFor(static_cast<int64_t>(bounds.size()) - 1, [&](int64_t p) {
      std::vector<Acc> acc;
      try {
        acc.resize(static_cast<size_t>(A.r * k));
      } catch (const std::bad_alloc&) {
        noMemory.store(true);
        return;
      }
      if (!bsrSpmmRowsAny<L>(A, X, k, Y, alpha, beta, acc.data(), bounds[p], bounds[p + 1])) failed.store(true);
    });
    if (failed.load()) return bsrFailedMidway(A);
    if (noMemory.load()) return Status::noMemory("the BSR SpMM accumulator");
    return Status::okay();
  }
  return bsrProductTransposed<L>(A, X, k, Y, alpha, beta);
}

}  // namespace sparse
