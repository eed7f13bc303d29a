// The kernels' only door to threads. One process-wide pool serves every addon instance (main
// thread and workers); parallelFor runs tasks on it, the calling thread included.
//
// Determinism rule: how work is cut into tasks depends on the input only (partsFor/splitByPrefix),
// never on the thread count; a reduction writes one partial result per task and sums the partials
// in task order. Then results are bit-identical for any number of threads.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>

namespace sparse {

// Threads a kernel may use (>= 1). Process-wide: setMaxThreads / SPARSE_LINALG_THREADS.
int maxThreads();
void setMaxThreads(int n);

// Runs body(task) for every task in [0, tasks), concurrently on up to maxThreads() threads; returns
// when all are done. `body` must not throw. Safe to call from several threads at once.
void parallelFor(int64_t tasks, const std::function<void(int64_t task)>& body);

// Cancellation for async calls: while a CancelScope is alive on a thread, every parallelFor started
// from that thread stops handing out tasks once `*flag` becomes true (tasks already running finish).
// The caller then discards the partial result and reports an AbortError.
class CancelScope {
 public:
  explicit CancelScope(const std::atomic<bool>* flag);
  ~CancelScope();
  CancelScope(const CancelScope&) = delete;
  CancelScope& operator=(const CancelScope&) = delete;

 private:
  const std::atomic<bool>* previous_;
};

// True when the calling thread's CancelScope flag is set (kernels with long serial phases may poll it).
bool cancelRequested();

// How many tasks to cut `work` units into: about one per `grain` units, at most `maxParts`, at
// least 1. A function of the work alone (see the determinism rule).
int64_t partsFor(int64_t work, int64_t grain = 1 << 15, int64_t maxParts = 4096);

// Cuts rows [0, n) into `parts` ranges of about equal weight, by the non-decreasing prefix sums
// `prefix` (length n + 1; rowPtr for nonzeros, or a flop prefix): range p is
// [bounds[p], bounds[p + 1]), bounds has parts + 1 entries, bounds[0] = 0, bounds[parts] = n.
void splitByPrefix(const int32_t* prefix, int64_t n, int64_t parts, int64_t* bounds);
void splitByPrefix(const int64_t* prefix, int64_t n, int64_t parts, int64_t* bounds);

}  // namespace sparse
