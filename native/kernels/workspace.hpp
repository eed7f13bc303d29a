// Scratch memory and small helpers for the kernels that are NOT templates over SimdLevel, so they
// must be compiled once for the baseline ISA: prelude.hpp includes this header before the tables'
// target regions. (A std::vector or std::sort instantiated inside a target region would be a COMDAT
// symbol shared by every level, and the scalar table could end up running AVX-512 code.)
#pragma once

#include "memory.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "parallel.hpp"
#include "status.hpp"

namespace sparse {

// An uninitialized heap buffer of `count` elements of a trivial type; empty on failure.
class Scratch {
 public:
  Scratch() = default;
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  Scratch(Scratch&& o) noexcept : p_(o.p_), bytes_(o.bytes_) {
    o.p_ = nullptr;
    o.bytes_ = 0;
  }
  Scratch& operator=(Scratch&& o) noexcept {
    if (this != &o) {
      std::free(p_);
      p_ = o.p_;
      bytes_ = o.bytes_;
      o.p_ = nullptr;
      o.bytes_ = 0;
    }
    return *this;
  }
  ~Scratch() { std::free(p_); }

  // False when out of memory. Zero bytes always succeeds (with a non-null pointer).
  bool allocateBytes(size_t bytes) {
    std::free(p_);
    p_ = std::malloc(bytes == 0 ? 1 : bytes);
    bytes_ = p_ == nullptr ? 0 : bytes;
    adviseHugePages(p_, static_cast<int64_t>(bytes_));
    return p_ != nullptr;
  }
  // Zero-filled (calloc: a fresh large block is mapped zero pages, so the pages a kernel never
  // touches are never faulted in or cleared). False when out of memory.
  bool allocateZeroedBytes(size_t bytes) {
    std::free(p_);
    p_ = std::calloc(bytes == 0 ? 1 : bytes, 1);
    bytes_ = p_ == nullptr ? 0 : bytes;
    adviseHugePages(p_, static_cast<int64_t>(bytes_));
    return p_ != nullptr;
  }
  // Grows to `bytes`, keeping the contents (realloc: large blocks move by remapping, not copying).
  // False when out of memory, the old block then kept.
  bool growBytes(size_t bytes) {
    if (bytes <= bytes_ && p_ != nullptr) return true;
    void* q = std::realloc(p_, bytes == 0 ? 1 : bytes);
    if (q == nullptr) return false;
    p_ = q;
    bytes_ = bytes;
    adviseHugePages(p_, static_cast<int64_t>(bytes_));
    return true;
  }
  void* data() const { return p_; }
  size_t bytes() const { return bytes_; }

 private:
  void* p_ = nullptr;
  size_t bytes_ = 0;
};

// Typed front for Scratch: kernels write `Buf<int32_t> b; if (!b.allocate(n)) return noMemory`.
template <class T>
class Buf {
 public:
  bool allocate(int64_t count) {
    if (count < 0 || static_cast<uint64_t>(count) > SIZE_MAX / sizeof(T)) return false;
    return s_.allocateBytes(static_cast<size_t>(count) * sizeof(T));
  }
  bool allocateZeroed(int64_t count) {
    if (count < 0 || static_cast<uint64_t>(count) > SIZE_MAX / sizeof(T)) return false;
    return s_.allocateZeroedBytes(static_cast<size_t>(count) * sizeof(T));
  }
  T* data() const { return static_cast<T*>(s_.data()); }
  T& operator[](int64_t i) const { return data()[i]; }

 private:
  Scratch s_;
};

// COO -> CSR workspace between the symbolic and the numeric phase: the entries bucketed by blocks
// of 2^shift rows, each block's rows compacted (sorted, duplicates summed) at its bucket's start.
struct CooToCsrWork {
  Scratch bucketCol;    // int32_t[n]
  Scratch bucketVal;    // double[n]
  Scratch bucketStart;  // int64_t[buckets + 1]: where each bucket starts
  int shift = 0;        // rows per bucket = 2^shift
};

inline Status notCanonical(const char* which, int64_t i) {
  return Status::format(std::string("add needs canonical CSR: row ") + num(i) + " of " + which +
                        " has unsorted or duplicate columns");
}

}  // namespace sparse

namespace sparse {

// Cuts rows [0, rows) into `parts` ranges of about equal work, work(i) = rowPtr[i] + i (nonzeros
// plus one per row, so runs of empty rows count too). rowPtr need not be validated (the search
// only reads rowPtr[0..rows]); bounds are clamped monotone. bounds has parts + 1 entries.
inline void splitRowsByWork(const int32_t* rowPtr, int64_t rows, int64_t parts, int64_t* bounds) {
  auto work = [&](int64_t i) { return static_cast<int64_t>(rowPtr[i]) + i; };
  const int64_t total = work(rows) - work(0);
  bounds[0] = 0;
  for (int64_t p = 1; p < parts; p++) {
    const int64_t target = work(0) + (total / parts) * p + ((total % parts) * p) / parts;
    int64_t lo = 0, hi = rows;  // first i with work(i) >= target (by bisection)
    while (lo < hi) {
      const int64_t mid = lo + (hi - lo) / 2;
      if (work(mid) < target) lo = mid + 1; else hi = mid;
    }
    bounds[p] = lo < bounds[p - 1] ? bounds[p - 1] : lo;
  }
  bounds[parts] = rows;
}

// Task count for a CSR pass of nnz + rows units (a function of the input alone).
inline int64_t csrParts(int64_t rows, int64_t nnz, int64_t grain = int64_t{1} << 15) {
  return partsFor(nnz + rows, grain);
}

}  // namespace sparse

namespace sparse {

// Counting sort over P parts and B buckets: turns each part's counts (cnt[p*B + b]) into its
// write cursors and fills start[0..B] with the buckets' offsets. Buckets hold their entries in part
// order, so the sort is stable for any P.
inline void bucketCursors(int64_t* cnt, int64_t P, int64_t B, int64_t* start) {
  int64_t total = 0;
  for (int64_t b = 0; b < B; b++) {
    start[b] = total;
    for (int64_t p = 0; p < P; p++) {
      const int64_t v = cnt[p * B + b];
      cnt[p * B + b] = total;
      total += v;
    }
  }
  start[B] = total;
}

// The column axis [0, cols) cut where the set of row parts whose columns reach it changes. Part p
// reaches [lo[p], hi[p]] (nothing when lo[p] > hi[p]). Segment s is columns [start[s], start[s+1]);
// the parts reaching it, in increasing order, are parts[first[s] .. first[s + 1]). A banded matrix
// cut into row parts gives one part a segment except near the cuts, so a counting sort over parts
// merges per-part counts only there.
struct ColumnSegments {
  Buf<int64_t> start;  // count + 1
  Buf<int64_t> first;  // count + 1
  Buf<int32_t> parts;
  int64_t count = 0;

  // Segment holding column j (a bisection over start).
  int64_t find(int64_t j) const {
    int64_t a = 0, b = count - 1;
    while (a < b) {
      const int64_t m = a + (b - a + 1) / 2;
      if (start[m] <= j) a = m; else b = m - 1;
    }
    return a;
  }
};

// False when out of memory. P is small (one part a thread), so the sorts are insertion sorts.
inline bool columnSegments(const int32_t* lo, const int32_t* hi, int64_t P, int64_t cols, ColumnSegments& out) {
  Buf<int64_t> cuts;
  if (!cuts.allocate(2 * P + 2)) return false;
  int64_t n = 0;
  cuts[n++] = 0;
  cuts[n++] = cols;
  for (int64_t p = 0; p < P; p++) {
    if (lo[p] > hi[p]) continue;
    cuts[n++] = lo[p];
    cuts[n++] = static_cast<int64_t>(hi[p]) + 1;
  }
  for (int64_t a = 1; a < n; a++) {
    const int64_t v = cuts[a];
    int64_t b = a;
    for (; b > 0 && cuts[b - 1] > v; b--) cuts[b] = cuts[b - 1];
    cuts[b] = v;
  }
  int64_t k = 0;
  for (int64_t a = 0; a < n; a++) {
    if (a == 0 || cuts[a] != cuts[k - 1]) cuts[k++] = cuts[a];
  }
  out.count = k - 1;  // cuts[0] = 0 and cuts[k - 1] = cols
  if (!out.start.allocate(k) || !out.first.allocate(k) || !out.parts.allocate(out.count * P + 1)) return false;
  int64_t m = 0;
  for (int64_t s = 0; s < out.count; s++) {
    out.start[s] = cuts[s];
    out.first[s] = m;
    for (int64_t p = 0; p < P; p++) {
      if (lo[p] <= cuts[s] && cuts[s] <= hi[p]) out.parts[m++] = static_cast<int32_t>(p);
    }
  }
  out.start[out.count] = cols;
  out.first[out.count] = m;
  return true;
}

// Cursor parts for the exact counting sorts: one a thread, fewer for small inputs.
inline int64_t countingParts(int64_t work) {
  const int64_t byWork = partsFor(work, int64_t{1} << 16);
  const int64_t threads = maxThreads();
  return byWork < threads ? byWork : threads;
}

// Bucket width for the two-level sorts (transpose, COO -> CSR), as a shift: buckets of about
// `target` entries (they are sorted in cache), at most 64k keys wide (16-bit offsets), at most
// 64k buckets unless the keys run past 2^32.
inline int bucketShift(int64_t keys, int64_t entries, int64_t target = int64_t{1} << 15) {
  int s = 0;
  while (s < 16 && (entries << (s + 1)) <= target * (keys < 1 ? 1 : keys)) s++;
  while (s < 16 && ((keys - 1) >> s) >= (int64_t{1} << 16)) s++;
  return s;
}

}  // namespace sparse

namespace sparse {

// Rows per task for row-wise passes over `cols` dense columns: about 64k elements a task.
inline int64_t partsGrain(int64_t cols) {
  const int64_t g = (int64_t{1} << 16) / (cols < 1 ? 1 : cols);
  return g < 1 ? 1 : g;
}

}  // namespace sparse

