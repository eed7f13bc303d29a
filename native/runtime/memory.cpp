#include "memory.hpp"

#include <cstdlib>
#include <mutex>
#include <utility>
#include <vector>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace sparse {

void adviseHugePages(void* data, int64_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  constexpr uintptr_t kHuge = uintptr_t{2} << 20;
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

namespace {

constexpr size_t kMinCachedBlock = size_t{1} << 20;  // smaller blocks are cheap to malloc afresh
constexpr size_t kMaxCachedBlocks = 32;

struct BlockCache {
  std::mutex mutex;
  std::vector<std::pair<void*, size_t>> blocks;
  size_t total = 0;
};

BlockCache& blockCache() {
  static BlockCache* cache = new BlockCache();  // never destroyed: blocks may be returned at exit
  return *cache;
}

}  // namespace

void* takeCachedBlock(size_t minBytes, size_t* bytes) {
  BlockCache& c = blockCache();
  std::lock_guard<std::mutex> lock(c.mutex);
  size_t best = c.blocks.size();
  for (size_t b = 0; b < c.blocks.size(); b++) {
    if (c.blocks[b].second >= minBytes && (best == c.blocks.size() || c.blocks[b].second < c.blocks[best].second)) best = b;
  }
  if (best == c.blocks.size()) return nullptr;
  const std::pair<void*, size_t> block = c.blocks[best];
  c.blocks[best] = c.blocks.back();
  c.blocks.pop_back();
  c.total -= block.second;
  *bytes = block.second;
  return block.first;
}

void cacheBlock(void* data, size_t bytes) {
  if (data == nullptr) return;
  if (bytes >= kMinCachedBlock) {
    BlockCache& c = blockCache();
    std::lock_guard<std::mutex> lock(c.mutex);
    if (c.blocks.size() < kMaxCachedBlocks && c.total + bytes <= kBlockCacheBytes) {
      try {
        c.blocks.emplace_back(data, bytes);
        c.total += bytes;
        return;
      } catch (...) {
        // no room to remember it: free it below
      }
    }
  }
  std::free(data);
}

}  // namespace sparse
