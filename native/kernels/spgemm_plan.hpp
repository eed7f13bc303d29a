// What the two SpGEMM phases share (native/kernels/spgemm_csr.hpp). Included through
// kernel_table.hpp by prelude.hpp, so it is compiled for the baseline ISA: plain data only.
//
// The binding owns a SpgemmPlan: spgemm.symbolic fills C's rowPtr and the plan, the binding then
// allocates colIdx/values with exactly plan.nnz entries, and spgemm.numeric fills them.
#pragma once

#include <cstdint>
#include <vector>

#include "csr_view.hpp"
#include "status.hpp"

namespace sparse {

struct SpgemmPlan {
  // Per row of C: flop prefix (rows + 1 entries; flops of row i = sum over A's row i of B's row
  // lengths), and the smallest and largest column the row can touch (lo > hi when flops = 0).
  std::vector<int64_t> flopPrefix;
  std::vector<int32_t> rowLo;
  std::vector<int32_t> rowHi;
  // Task row ranges for both phases, cut by flops: task p is rows [bounds[p], bounds[p + 1]).
  std::vector<int64_t> bounds;
  int64_t nnz = 0;
  // Set when the symbolic phase was cancelled (CancelScope): rowPtr is all zeros, numeric does nothing.
  bool cancelled = false;
};

// Symbolic phase: validates A then B, checks A.cols == B.rows, fills rowPtr (rows + 1 entries)
// and the plan; TooLarge when C would have more than kMaxIndex nonzeros.
template <class T>
using SpgemmSymbolicFn = Status (*)(const CsrView<T>& A, const CsrView<T>& B, int32_t* rowPtr, SpgemmPlan& plan);
// Numeric phase: same A and B, the plan and rowPtr from the symbolic phase; fills colIdx and
// values (plan.nnz entries each).
template <class T>
using SpgemmNumericFn = Status (*)(const CsrView<T>& A, const CsrView<T>& B, const SpgemmPlan& plan,
                                   const int32_t* rowPtr, int32_t* colIdx, T* values);

template <class T>
struct SpgemmFns {
  SpgemmSymbolicFn<T> symbolic = nullptr;
  SpgemmNumericFn<T> numeric = nullptr;
};

}  // namespace sparse
