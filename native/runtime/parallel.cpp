// The process-wide thread pool behind parallel.hpp.
//
// One pool per process, created on first use (std::call_once) and shared by every addon instance
// (main thread and worker_threads). It is never torn down: the worker threads are detached and the
// pool object is intentionally leaked, so no environment's cleanup can destroy it under another
// one, and process exit does not wait for it (idle workers poll for kPoll, then sleep on a
// condition variable; exit() simply ends them).
//
// A parallelFor is one "job": tasks are claimed dynamically through an atomic counter by the
// calling thread and by up to maxThreads() - 1 pool workers. The pool runs one job at a time; a
// caller that finds it busy (another worker_thread, or a parallelFor nested inside a task) runs
// its own tasks inline on its thread. That never deadlocks, and since kernels cut work by the
// input only, the result is the same either way.
#include "parallel.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <thread>
#include <vector>

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#endif

namespace sparse {

namespace {

constexpr int kMaxThreadsCap = 256;

thread_local const std::atomic<bool>* t_cancel = nullptr;

int hardwareThreads() {
  const unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(std::min<unsigned>(n, kMaxThreadsCap));
}

// SPARSE_LINALG_THREADS, read once: a positive integer (capped), anything else means the default.
int initialThreads() {
  const char* env = std::getenv("SPARSE_LINALG_THREADS");
  if (env != nullptr && *env != '\0') {
    char* end = nullptr;
    const long v = std::strtol(env, &end, 10);
    if (end != nullptr && *end == '\0' && v >= 1) return static_cast<int>(std::min<long>(v, kMaxThreadsCap));
  }
  return hardwareThreads();
}

std::once_flag g_threadsOnce;
std::atomic<int> g_threads{1};

void ensureThreadsInit() {
  std::call_once(g_threadsOnce, [] { g_threads.store(initialThreads(), std::memory_order_relaxed); });
}

// How long an idle worker polls for the next job, and a caller for its helpers, before sleeping on
// the condition variable. Sleeping at once cost a 0.2 ms OT plan pass (n = 484, 2 threads, the
// Intel VM) 0.13 ms a call, more than the second thread saved; polled for 100-300 us, the pass
// took 0.14 ms against 0.21 ms at one thread, and the n = 500 SNS solve 18 ms against 22-26.
constexpr auto kPoll = std::chrono::microseconds(300);

inline void cpuRelax() {
#if defined(__x86_64__) || defined(_M_X64)
  _mm_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

// Polls `ready` until it holds or kPoll has passed (the caller then re-checks under the mutex).
template <class Ready>
void pollFor(Ready&& ready) {
  const auto deadline = std::chrono::steady_clock::now() + kPoll;
  for (;;) {
    for (int i = 0; i < 64; i++) {
      if (ready()) return;
      cpuRelax();
    }
    if (std::chrono::steady_clock::now() >= deadline) return;
  }
}

struct Job {
  const std::function<void(int64_t)>* body = nullptr;
  int64_t tasks = 0;
  std::atomic<int64_t> next{0};
  const std::atomic<bool>* cancel = nullptr;
  int helpersWanted = 0;  // pool workers allowed to join (participants - 1)
  int helpersJoined = 0;                 // guarded by Pool::mutex
  std::atomic<int> helpersActive{0};     // changed only under Pool::mutex, polled without it

  void work() {
    for (;;) {
      if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) return;
      const int64_t t = next.fetch_add(1, std::memory_order_relaxed);
      if (t >= tasks) return;
      (*body)(t);
    }
  }
};

class Pool {
 public:
  // Runs the job with the caller participating; false when the pool is busy (run inline instead).
  bool run(Job& job) {
    std::unique_lock<std::mutex> lock(mutex_);  // held only for bookkeeping, never while tasks run
    if (current_ != nullptr) return false;
    spawnLocked(job.helpersWanted);
    current_ = &job;
    generation_.fetch_add(1, std::memory_order_release);
    lock.unlock();
    wake_.notify_all();  // no system call when every worker is polling

    job.work();

    lock.lock();
    current_ = nullptr;  // no more helpers may join; wait for those that did
    if (job.helpersActive.load(std::memory_order_relaxed) == 0) return true;
    lock.unlock();
    pollFor([&] { return job.helpersActive.load(std::memory_order_acquire) == 0; });
    lock.lock();  // a helper decrements under the lock: once we hold it, none still touches the job
    done_.wait(lock, [&] { return job.helpersActive.load(std::memory_order_relaxed) == 0; });
    return true;
  }

 private:
  void spawnLocked(int wanted) {
    while (static_cast<int>(workers_) < wanted && workers_ < static_cast<size_t>(kMaxThreadsCap - 1)) {
      try {
        std::thread(&Pool::workerLoop, this).detach();
      } catch (...) {
        return;  // no more threads: run with what we have
      }
      workers_++;
    }
  }

  void workerLoop() {
    uint64_t seen = 0;
    bool wanted = true;
    for (;;) {
      // Poll a while before sleeping: solvers call short kernels back to back, and a worker woken
      // from the condition variable arrives tens of microseconds late on a VM. A worker the last
      // job did not want (it had enough helpers) sleeps at once: a small job on a many-core host
      // would otherwise keep every idle worker spinning.
      if (wanted) pollFor([&] { return generation_.load(std::memory_order_acquire) != seen; });
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return generation_.load(std::memory_order_relaxed) != seen; });
      seen = generation_.load(std::memory_order_relaxed);
      Job* job = current_;
      if (job == nullptr) continue;  // done before we came: the next one may want us
      wanted = job->helpersJoined < job->helpersWanted;
      if (!wanted) continue;
      job->helpersJoined++;
      job->helpersActive.fetch_add(1, std::memory_order_relaxed);
      lock.unlock();
      job->work();
      lock.lock();
      if (job->helpersActive.fetch_sub(1, std::memory_order_release) == 1) done_.notify_all();
    }
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable done_;
  Job* current_ = nullptr;
  std::atomic<uint64_t> generation_{0};  // changed only under mutex_, polled without it
  size_t workers_ = 0;
};

std::once_flag g_poolOnce;
Pool* g_pool = nullptr;

Pool& pool() {
  // Leaked on purpose: see the file comment.
  std::call_once(g_poolOnce, [] { g_pool = new Pool(); });
  return *g_pool;
}

void runInline(int64_t tasks, const std::function<void(int64_t)>& body) {
  for (int64_t t = 0; t < tasks && !cancelRequested(); t++) body(t);
}

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

int maxThreads() {
  ensureThreadsInit();
  return g_threads.load(std::memory_order_relaxed);
}

void setMaxThreads(int n) {
  ensureThreadsInit();
  g_threads.store(std::clamp(n, 1, kMaxThreadsCap), std::memory_order_relaxed);
}

CancelScope::CancelScope(const std::atomic<bool>* flag) : previous_(t_cancel) { t_cancel = flag; }
CancelScope::~CancelScope() { t_cancel = previous_; }

bool cancelRequested() { return t_cancel != nullptr && t_cancel->load(std::memory_order_relaxed); }

void parallelFor(int64_t tasks, const std::function<void(int64_t)>& body) {
  if (tasks <= 0) return;
  const int threads = maxThreads();
  if (tasks == 1 || threads <= 1) {
    runInline(tasks, body);
    return;
  }
  Job job;
  job.body = &body;
  job.tasks = tasks;
  job.cancel = t_cancel;
  job.helpersWanted = static_cast<int>(std::min<int64_t>(threads, tasks)) - 1;
  if (!pool().run(job)) runInline(tasks, body);
}

int64_t partsFor(int64_t work, int64_t grain, int64_t maxParts) {
  if (work <= 0) return 1;
  return std::clamp<int64_t>((work + grain - 1) / grain, 1, maxParts);
}

void splitByPrefix(const int32_t* prefix, int64_t n, int64_t parts, int64_t* bounds) { split(prefix, n, parts, bounds); }
void splitByPrefix(const int64_t* prefix, int64_t n, int64_t parts, int64_t* bounds) { split(prefix, n, parts, bounds); }

}  // namespace sparse
