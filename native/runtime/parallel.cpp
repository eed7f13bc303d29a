// Serial placeholder for the pool: the interface is final, the threads are not there yet.
#include "parallel.hpp"

#include <algorithm>
#include <atomic>

namespace sparse {

namespace {
std::atomic<int> g_threads{1};
thread_local const std::atomic<bool>* t_cancel = nullptr;

template <class P>
void split(const P* prefix, int64_t n, int64_t parts, int64_t* bounds) {
  const int64_t total = static_cast<int64_t>(prefix[n]) - static_cast<int64_t>(prefix[0]);
  bounds[0] = 0;
  for (int64_t p = 1; p < parts; p++) {
    // First row whose prefix reaches the p-th share of the work; rows are never split.
    const int64_t target = static_cast<int64_t>(prefix[0]) + (total * p) / parts;
    const P* at = std::lower_bound(prefix, prefix + n + 1, static_cast<P>(target));
    bounds[p] = std::clamp<int64_t>(at - prefix, bounds[p - 1], n);
  }
  bounds[parts] = n;
}
}  // namespace

int maxThreads() { return g_threads.load(std::memory_order_relaxed); }
void setMaxThreads(int n) { g_threads.store(n < 1 ? 1 : n, std::memory_order_relaxed); }

CancelScope::CancelScope(const std::atomic<bool>* flag) : previous_(t_cancel) { t_cancel = flag; }
CancelScope::~CancelScope() { t_cancel = previous_; }

bool cancelRequested() { return t_cancel != nullptr && t_cancel->load(std::memory_order_relaxed); }

void parallelFor(int64_t tasks, const std::function<void(int64_t)>& body) {
  for (int64_t t = 0; t < tasks && !cancelRequested(); t++) body(t);
}

int64_t partsFor(int64_t work, int64_t grain, int64_t maxParts) {
  if (work <= 0) return 1;
  return std::clamp<int64_t>((work + grain - 1) / grain, 1, maxParts);
}

void splitByPrefix(const int32_t* prefix, int64_t n, int64_t parts, int64_t* bounds) { split(prefix, n, parts, bounds); }
void splitByPrefix(const int64_t* prefix, int64_t n, int64_t parts, int64_t* bounds) { split(prefix, n, parts, bounds); }

}  // namespace sparse
