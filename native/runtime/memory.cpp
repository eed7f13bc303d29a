#include "memory.hpp"

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace sparse {

void adviseHugePages(void* data, int64_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  constexpr uintptr_t kHuge = kHugePageBytes;
  if (data == nullptr || bytes < static_cast<int64_t>(2 * kHuge)) return;
  const uintptr_t p = reinterpret_cast<uintptr_t>(data);
  const uintptr_t b = (p + kHuge - 1) & ~(kHuge - 1);
  const uintptr_t e = (p + static_cast<uintptr_t>(bytes)) & ~(kHuge - 1);
  if (e > b) madvise(reinterpret_cast<void*>(b), e - b, MADV_HUGEPAGE);
#else
  (void)data;
  (void)bytes;
#endif
}

}  // namespace sparse
