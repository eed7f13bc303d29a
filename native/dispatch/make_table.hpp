// Instantiates every kernel for one SimdLevel. Included only by table_<level>.cpp, after
// prelude.hpp and inside that file's target region.
#pragma once

#include "spmv_csr.hpp"

namespace sparse {

template <SimdLevel L>
KernelTable makeKernelTable() {
  KernelTable t;
  t.level = L;
  t.spmvF64 = &spmv<L, double>;
  t.spmvF32 = &spmv<L, float>;
  return t;
}

}  // namespace sparse
