// What the two SpGEMM calls share (native/kernels/spgemm_csr.hpp). Included through
// kernel_table.hpp by prelude.hpp, so it is compiled for the baseline ISA: plain data only.
//
// The binding owns a SpgemmPlan: spgemm.symbolic computes C (every row sorted, into per-task
// buffers held by the plan) and fills its rowPtr; the binding then allocates colIdx/values with
// exactly plan.nnz entries, and spgemm.numeric copies the task buffers into them.
#pragma once

#include <cstdint>
#include <vector>

#include "csr_view.hpp"
#include "status.hpp"
#include "workspace.hpp"

namespace sparse {

struct SpgemmPlan {
  // Task row ranges: task p computed rows [bounds[p], bounds[p + 1]) of C.
  std::vector<int64_t> bounds;
  // Task p's rows of C back to back: offset[p + 1] - offset[p] columns (int32_t) and values (T);
  // offset[p] is where they go in C's colIdx/values.
  std::vector<Scratch> cols;
  std::vector<Scratch> vals;
  std::vector<int64_t> offset;
  int64_t nnz = 0;
  // Set when the product was cancelled (CancelScope): rowPtr is all zeros, numeric does nothing.
  bool cancelled = false;
};

// Validates A then B, checks A.cols == B.rows, computes C into the plan and fills rowPtr
// (rows + 1 entries); TooLarge when C would have more than kMaxIndex nonzeros.
template <class T>
using SpgemmSymbolicFn = Status (*)(const CsrView<T>& A, const CsrView<T>& B, int32_t* rowPtr, SpgemmPlan& plan);
// Copies C's columns and values (plan.nnz entries each) out of the plan of the same A and B.
template <class T>
using SpgemmNumericFn = Status (*)(const CsrView<T>& A, const CsrView<T>& B, const SpgemmPlan& plan,
                                   const int32_t* rowPtr, int32_t* colIdx, T* values);

template <class T>
struct SpgemmFns {
  SpgemmSymbolicFn<T> symbolic = nullptr;
  SpgemmNumericFn<T> numeric = nullptr;
};

}  // namespace sparse
