#include "prelude.hpp"

#if defined(__aarch64__) || defined(_M_ARM64)
// Advanced SIMD is in the AArch64 baseline: no target region needed.
#include "make_table.hpp"

namespace sparse {

const KernelTable* kernelTableNeon() {
  static const KernelTable table = makeKernelTable<SimdLevel::Neon>();
  return &table;
}

}  // namespace sparse
#endif
