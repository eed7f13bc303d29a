#include "prelude.hpp"

#if defined(__x86_64__) || defined(_M_X64)
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,fma,bmi,bmi2,popcnt"))), apply_to = function)
#elif defined(__GNUC__)
#pragma GCC push_options
#pragma GCC target("avx2,fma,bmi,bmi2,popcnt")
#endif

#include "make_table.hpp"

namespace sparse {

const KernelTable* kernelTableAvx2() {
  static const KernelTable table = makeKernelTable<SimdLevel::Avx2>();
  return &table;
}

}  // namespace sparse

#if defined(__clang__)
#pragma clang attribute pop
#elif defined(__GNUC__)
#pragma GCC pop_options
#endif
#endif
