// What the two SpGEMM calls share (native/kernels/spgemm_csr.hpp). Included through
// kernel_table.hpp by prelude.hpp, so it is compiled for the baseline ISA: plain data only.
//
// The binding owns a SpgemmPlan: spgemm.symbolic computes C (every row sorted, into per-task
// buffers held by the plan; short rows only counted) and fills its rowPtr; the binding then
// allocates colIdx/values with exactly plan.nnz entries, and spgemm.numeric copies the task buffers
// into them and computes the counted rows there (from the same A and B, so their structure must
// not change in between: the bindings pass private copies when it might).
#pragma once

#include <cstdint>
#include <vector>

#include "csr_view.hpp"
#include "status.hpp"
#include "workspace.hpp"

namespace sparse {

struct ListedSize {
  int64_t range = 0;
  int64_t flops = 0;
};

struct SpgemmPlan {
  // Task row ranges: task p computed rows [bounds[p], bounds[p + 1]) of C.
  std::vector<int64_t> bounds;
  // Task p's buffered rows of C back to back, columns (int32_t) and values (T), in row order.
  std::vector<Scratch> cols;
  std::vector<Scratch> vals;
  // When B is sorted (else empty), one int32_t a row: the start of its window when numeric
  // computes it straight into C (spgemm_detail::directRow), kBuffered (-1) when it is in its
  // task's buffer; and for each task the largest window and product count of its direct rows.
  Scratch directLo;
  std::vector<ListedSize> listed;
  int64_t nnz = 0;
  // Set when the product was cancelled (CancelScope): rowPtr is all zeros, numeric does nothing.
  bool cancelled = false;
};

// Validates A then B, checks A.cols == B.rows, computes C into the plan and fills rowPtr
// (rows + 1 entries); TooLarge when C would have more than kMaxIndex nonzeros.
template <class T>
using SpgemmSymbolicFn = Status (*)(const CsrView<T>& A, const CsrView<T>& B, int32_t* rowPtr, SpgemmPlan& plan);
// Writes C's columns and values (plan.nnz entries each): the plan's buffered rows, and the direct
// rows computed from the same A and B (same structure) as the plan.
template <class T>
using SpgemmNumericFn = Status (*)(const CsrView<T>& A, const CsrView<T>& B, const SpgemmPlan& plan,
                                   const int32_t* rowPtr, int32_t* colIdx, T* values);

template <class T>
struct SpgemmFns {
  SpgemmSymbolicFn<T> symbolic = nullptr;
  SpgemmNumericFn<T> numeric = nullptr;
};

}  // namespace sparse
