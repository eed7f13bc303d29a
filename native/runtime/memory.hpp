// Large fresh buffers (kernel results, workspaces) are written once, page by page. On Linux with
// transparent huge pages in "madvise" mode (the common default, and this project's VMs) each
// 4 KiB page costs a fault that a VM makes expensive: transposing 20M entries spent most of its
// 1.7 s in page faults. Asking for huge pages, as numpy does for its large arrays, turns 512 of
// those faults into one. A hint only: errors are ignored, and other systems do nothing.
#pragma once

#include <cstddef>
#include <cstdint>

namespace sparse {

void adviseHugePages(void* data, int64_t bytes);

// A small process-wide cache of large malloc'd scratch blocks, for kernels whose scratch is as big
// as their result (SpGEMM): called in a loop, they then reuse pages already faulted in instead of
// faulting (and zeroing) fresh ones each call. It keeps at most kBlockCacheBytes of blocks (the
// pages they touched stay resident); thread-safe.
constexpr size_t kBlockCacheBytes = size_t{512} << 20;
// The smallest cached block of at least minBytes (taken out of the cache; free() it or give it
// back), or nullptr; *bytes gets its size.
void* takeCachedBlock(size_t minBytes, size_t* bytes);
// Takes ownership of a malloc'd block: keeps it for reuse, or frees it when the cache is full or
// the block is small.
void cacheBlock(void* data, size_t bytes);

}  // namespace sparse
