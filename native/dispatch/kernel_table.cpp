#include "kernel_table.hpp"

namespace sparse {

const KernelTable* kernelTableScalar();
#if defined(__x86_64__) || defined(_M_X64)
const KernelTable* kernelTableAvx2();
const KernelTable* kernelTableAvx512();
#endif
#if defined(__aarch64__) || defined(_M_ARM64)
const KernelTable* kernelTableNeon();
#endif

const KernelTable* kernelTableFor(SimdLevel level) {
  switch (level) {
    case SimdLevel::Scalar: return kernelTableScalar();
#if defined(__x86_64__) || defined(_M_X64)
    case SimdLevel::Avx2: return kernelTableAvx2();
    case SimdLevel::Avx512: return kernelTableAvx512();
#endif
#if defined(__aarch64__) || defined(_M_ARM64)
    case SimdLevel::Neon: return kernelTableNeon();
#endif
    default: return nullptr;
  }
}

}  // namespace sparse
