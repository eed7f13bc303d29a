// Multi-threaded building blocks shared by the CSR kernels: row partitions, a parallel structure
// check with the serial check's exact first error, and the deterministic "scatter by row groups"
// used by every transposed product (A^T x, A^T X, and the like).
#pragma once

#include <algorithm>

#include "csr_check.hpp"
#include "gather_prefetch.hpp"
#include "parallel.hpp"
#include "simd_level.hpp"
#include "workspace.hpp"

namespace sparse {

// Row ranges for a CSR pass: parts = csrParts(rows, nnz, grain), bounds in `bounds` (parts + 1).
// Needs checkRowPtrEnds to have passed. False when out of memory.
template <SimdLevel L>
bool rowPartition(const int32_t* rowPtr, int64_t rows, int64_t nnz, Buf<int64_t>& bounds, int64_t& parts,
                  int64_t grain = int64_t{1} << 15) {
  parts = csrParts(rows, nnz, grain);
  if (!bounds.allocate(parts + 1)) return false;
  splitRowsByWork(rowPtr, rows, parts, bounds.data());
  return true;
}

// Checks rows [b, e): monotone row pointer inside colIdx, every column in range. Reads nothing out
// of bounds even when an earlier range is broken. Optionally reports the columns' [lo, hi].
// Two passes that the compiler vectorizes: the row pointer's steps, then one unsigned min/max over
// the part's whole column span (rows are contiguous in colIdx, so per-row bounds add nothing once
// the row pointer is monotone). The span is read in blocks, each prefetching kStreamAhead entries
// on (gather_prefetch.hpp). Per row with a scalar min/max, this check took a quarter of the
// transposed SpMV of the 2D Laplacian at one thread (Intel model 207).
template <SimdLevel L, class T>
bool checkRows(const CsrView<T>& A, int64_t b, int64_t e, int32_t* lo = nullptr, int32_t* hi = nullptr) {
  const int32_t* rp = A.rowPtr;
  const int64_t start = rp[b], end = rp[e];
  // start > end: rp changed under us (a SharedArrayBuffer) between the reads.
  if (start < 0 || start > end || end > A.colIdxLen) return false;
  int descents = 0;
  for (int64_t i = b; i < e; i++) descents |= rp[i + 1] < rp[i];
  if (descents != 0) return false;  // so start <= every row end <= end <= colIdxLen
  uint32_t mn = UINT32_MAX, mx = 0;
  const uint32_t* ci = reinterpret_cast<const uint32_t*>(A.colIdx);
  constexpr int64_t kBlock = 256;
  for (int64_t k0 = start; k0 < end; k0 += kBlock) {
    const int64_t k1 = end - k0 > kBlock ? k0 + kBlock : end;
    for (int64_t ahead = k0 + kStreamAhead; ahead < k1 + kStreamAhead && ahead < A.colIdxLen; ahead += 16) {
      prefetchRead<L>(ci + ahead);
    }
    uint32_t bmn = UINT32_MAX, bmx = 0;
    for (int64_t k = k0; k < k1; k++) {
      const uint32_t j = ci[k];
      bmx = j > bmx ? j : bmx;
      bmn = j < bmn ? j : bmn;
    }
    mx = bmx > mx ? bmx : mx;
    mn = bmn < mn ? bmn : mn;
  }
  // A negative column is a huge unsigned one, so mx catches it too.
  if (end > start && static_cast<int64_t>(mx) >= A.cols) return false;
  if (lo != nullptr) {  // from what was read: no column read, an empty range
    *lo = mn > mx ? 0 : static_cast<int32_t>(mn);
    *hi = mn > mx ? -1 : static_cast<int32_t>(mx);
  }
  return true;
}

// validateCsr, in parallel: same result and the same first error (a failing part makes the serial
// check run for the message).
template <SimdLevel L, class T>
Status validateCsrParallel(const CsrView<T>& A) {
  Status s = checkRowPtrEnds(A);
  if (!s.ok()) return s;
  Buf<int64_t> bounds;
  int64_t parts = 0;
  if (!rowPartition<L>(A.rowPtr, A.rows, A.nnz(), bounds, parts)) return Status::noMemory("the row partition");
  if (parts == 1) return validateCsr(A);
  std::atomic<bool> bad{false};
  parallelFor(parts, [&](int64_t p) {
    if (!checkRows<L>(A, bounds[p], bounds[p + 1])) bad.store(true, std::memory_order_relaxed);
  });
  return bad.load() ? validateCsr(A) : Status::okay();
}

// Where one run of rows of a transposed product writes (scatterTransposed): column j, for j in
// [lo, hi], at base[(j - lo) * width ...], base being a private buffer or out + lo * width.
template <class T>
struct ScatterTarget {
  T* base;
  int64_t lo;
  int64_t hi;

  bool has(int64_t j) const { return j >= lo && j <= hi; }
};

// Deterministic scatter of a transposed product. The rows are cut into G contiguous groups
// (balanced by work, G chosen from the input alone, capped so that the private buffers stay
// within about nnz/2 + 64k elements of `width` values), each group a run of the row partition's
// parts. Group 0 scatters straight into `out` (already scaled by beta). In a later group, a part
// whose columns all lie above the ranges of the groups before it also scatters straight into
// `out` (no other group writes those columns: a later group's parts that write straight lie
// above this group's range); its other parts scatter into the group's zeroed private buffer,
// which covers only their columns. Then every column adds the groups' buffers to `out` in group
// order. So on a banded matrix only the parts near a group's start take the private buffer (a
// private copy of all of `out` per group made the transposed SpMM with k = 32 of the 2D Laplacian
// zero and merge 1 GB a call), and a run of rows has one target: no choice per entry.
// Validates A first (out is untouched on error). scatter(rowBegin, rowEnd, target) must add rows
// [rowBegin, rowEnd)'s contributions at target.base[(j - lo) * width + c] for each entry (i, j),
// and return false, writing nowhere, at a row bound or a column outside [target.lo, target.hi]
// (arrays on a SharedArrayBuffer that another thread changed since the check).
template <SimdLevel L, class T, class Prepare, class Scatter>
Status scatterTransposed(const CsrView<T>& A, int64_t width, T* out, Prepare prepare, Scatter scatter) {
  Status s = checkRowPtrEnds(A);
  if (!s.ok()) return s;
  const int64_t nnz = A.nnz();
  Buf<int64_t> bounds;
  int64_t parts = 0;
  if (!rowPartition<L>(A.rowPtr, A.rows, nnz, bounds, parts, int64_t{1} << 14)) {
    return Status::noMemory("the row partition");
  }
  Buf<int32_t> plo, phi;
  Buf<char> straight;  // the part writes straight into out
  if (!plo.allocate(parts) || !phi.allocate(parts) || !straight.allocate(parts)) {
    return Status::noMemory("the row partition");
  }
  std::atomic<bool> bad{false};
  parallelFor(parts, [&](int64_t p) {
    if (!checkRows<L>(A, bounds[p], bounds[p + 1], &plo[p], &phi[p])) bad.store(true, std::memory_order_relaxed);
  });
  if (bad.load()) return failedMidway(A);  // plo/phi of the failed part were not written
  prepare();  // out = beta * out
  // Groups: contiguous runs of parts. Fewer groups while the buffers would be too large. Group g
  // keeps columns [glo[g], ghi[g]] private (empty when ghi < glo): those of its parts that do not
  // write straight into out.
  const int64_t budget = nnz / 2 + (int64_t{1} << 16);
  int64_t G = parts < 16 ? parts : 16;
  Buf<int64_t> glo, ghi, goff;
  if (!glo.allocate(G + 1) || !ghi.allocate(G + 1) || !goff.allocate(G + 1)) return Status::noMemory("the groups");
  auto groupPart = [&](int64_t g, int64_t groups) { return (parts * g) / groups; };
  int64_t total = 0;
  for (;; G /= 2) {
    total = 0;
    int64_t before = -1;  // the highest column of the groups so far
    for (int64_t g = 0; g < G; g++) {
      int64_t lo = INT64_MAX, hi = -1, top = -1;
      for (int64_t p = groupPart(g, G); p < groupPart(g + 1, G); p++) {
        const bool empty = phi[p] < plo[p];
        straight[p] = g == 0 || empty || plo[p] > before;
        if (!straight[p]) {
          lo = plo[p] < lo ? plo[p] : lo;
          hi = phi[p] > hi ? phi[p] : hi;
        }
        if (!empty) top = phi[p] > top ? phi[p] : top;
      }
      if (hi < 0) lo = 0;
      glo[g] = lo;
      ghi[g] = hi;
      goff[g] = total;
      if (hi >= lo) total += (hi - lo + 1) * width;
      before = std::max(before, top);
    }
    if (G <= 1 || total <= budget * width) break;
  }
  Buf<T> priv;
  if (!priv.allocate(total)) return Status::noMemory("the transposed product's buffers");
  // Zero the private buffers and scatter, one task per group, runs of parts of one kind a call.
  std::atomic<bool> changed{false};
  parallelFor(G, [&](int64_t g) {
    T* base = priv.data() + goff[g];
    const int64_t len = ghi[g] >= glo[g] ? (ghi[g] - glo[g] + 1) * width : 0;
    for (int64_t t = 0; t < len; t++) base[t] = 0;
    const int64_t pEnd = groupPart(g + 1, G);
    for (int64_t p = groupPart(g, G); p < pEnd;) {
      int64_t q = p + 1;
      while (q < pEnd && straight[q] == straight[p]) q++;
      ScatterTarget<T> t{base, glo[g], ghi[g]};
      if (straight[p]) {  // the run's own columns, all above the earlier groups'
        int64_t lo = INT64_MAX, hi = -1;
        for (int64_t r = p; r < q; r++) {
          if (phi[r] >= plo[r]) {
            lo = plo[r] < lo ? plo[r] : lo;
            hi = phi[r] > hi ? phi[r] : hi;
          }
        }
        if (hi < 0) lo = 0;
        t = ScatterTarget<T>{out + lo * width, lo, hi};
      }
      if (!scatter(bounds[p], bounds[q], t)) {
        changed.store(true, std::memory_order_relaxed);
        return;
      }
      p = q;
    }
  });
  if (changed.load()) return changedDuringCall();
  if (G > 1 && total > 0) {
    const int64_t n = A.cols * width;
    const int64_t chunks = partsFor(n, int64_t{1} << 15);
    parallelFor(chunks, [&](int64_t c) {
      const int64_t b = (n * c) / chunks, e = (n * (c + 1)) / chunks;
      for (int64_t g = 1; g < G; g++) {
        if (ghi[g] < glo[g]) continue;
        const int64_t wb = glo[g] * width, we = (ghi[g] + 1) * width;
        const int64_t lo = b > wb ? b : wb, hi = e < we ? e : we;
        const T* src = priv.data() + goff[g];
        for (int64_t t = lo; t < hi; t++) {
          out[t] = static_cast<T>(static_cast<Acc>(out[t]) + static_cast<Acc>(src[t - wb]));
        }
      }
    });
  }
  return Status::okay();
}

}  // namespace sparse
