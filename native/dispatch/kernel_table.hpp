// One table of kernel entry points per SIMD level. Every kernel is a template over <SimdLevel L,
// class T>; native/dispatch/table_<level>.cpp instantiates all of them for one level inside a
// target region (make_table.hpp), and the addon picks one table at load (CPUID, capped by
// SPARSE_LINALG_SIMD). Adding a kernel = one field here + one line in make_table.hpp.
#pragma once

#include <cstdint>

#include "csr_view.hpp"
#include "simd_level.hpp"
#include "status.hpp"

namespace sparse {

template <class T>
using SpmvFn = Status (*)(const CsrView<T>& A, const T* x, T* y, double alpha, double beta, bool transpose);

struct KernelTable {
  SimdLevel level = SimdLevel::Scalar;
  SpmvFn<double> spmvF64 = nullptr;
  SpmvFn<float> spmvF32 = nullptr;

  // Typed access for templated binding code: table.get<double>(&KernelTable::spmvF64, ...) is
  // clumsy, so each family gets a small overload pair.
  SpmvFn<double> spmv(double) const { return spmvF64; }
  SpmvFn<float> spmv(float) const { return spmvF32; }
};

// The table for `level`, or nullptr when this build has no code for it (e.g. AVX-512 on arm64).
const KernelTable* kernelTableFor(SimdLevel level);

}  // namespace sparse
