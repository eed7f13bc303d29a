// Large fresh buffers (kernel results, workspaces) are written once, page by page. On Linux with
// transparent huge pages in "madvise" mode (the common default, and this project's VMs) each
// 4 KiB page costs a fault that a VM makes expensive: transposing 20M entries spent most of its
// 1.7 s in page faults. Asking for huge pages, as numpy does for its large arrays, turns 512 of
// those faults into one. A hint only: errors are ignored, and other systems do nothing.
#pragma once

#include <cstddef>
#include <cstdint>

namespace sparse {

// The transparent huge page size of x86-64 and of arm64 with 4 KiB base pages.
constexpr size_t kHugePageBytes = size_t{2} << 20;

void adviseHugePages(void* data, int64_t bytes);

}  // namespace sparse
