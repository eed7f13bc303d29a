// Multi-threaded building blocks shared by the CSR kernels: row partitions, a parallel structure
// check with the serial check's exact first error, and the deterministic "scatter by row groups"
// used by every transposed product (A^T x, A^T X, and the like).
#pragma once

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
template <SimdLevel L, class T>
bool checkRows(const CsrView<T>& A, int64_t b, int64_t e, int32_t* lo = nullptr, int32_t* hi = nullptr) {
  int64_t start = A.rowPtr[b];
  if (start < 0 || start > A.colIdxLen) return false;
  uint32_t mn = UINT32_MAX, mx = 0;
  const uint32_t cols = static_cast<uint32_t>(A.cols);
  const uint32_t* ci = reinterpret_cast<const uint32_t*>(A.colIdx);
  for (int64_t i = b; i < e; i++) {
    const int64_t end = A.rowPtr[i + 1];
    if (end < start || end > A.colIdxLen) return false;
    if (start + kStreamAhead < A.colIdxLen) prefetchRead<L>(A.colIdx + start + kStreamAhead);  // gather_prefetch.hpp
    uint32_t rowMax = 0, rowMin = UINT32_MAX;
    for (int64_t k = start; k < end; k++) {
      const uint32_t j = ci[k];
      rowMax = j > rowMax ? j : rowMax;
      rowMin = j < rowMin ? j : rowMin;
    }
    if (end > start && static_cast<int64_t>(rowMax) >= static_cast<int64_t>(cols)) return false;
    mx = rowMax > mx ? rowMax : mx;
    mn = rowMin < mn ? rowMin : mn;
    start = end;
  }
  if (lo != nullptr) {
    *lo = mn == UINT32_MAX ? 0 : static_cast<int32_t>(mn);
    *hi = mn == UINT32_MAX ? -1 : static_cast<int32_t>(mx);
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

// Deterministic scatter of a transposed product. The rows are cut into G contiguous groups
// (balanced by work, G chosen from the input alone, capped so that the private buffers stay
// within about nnz/2 + 64k elements of `width` values). Group 0 scatters straight into `out`
// (cols x width, already scaled by beta); group g >= 1 into a zeroed private buffer covering only
// the columns its rows touch; then every column adds the groups' buffers to `out` in group order.
// Validates A first (out is untouched on error). scatter(rowBegin, rowEnd, base, lo, hi) must add
// rows [rowBegin, rowEnd)'s contributions to base[(j - lo) * width + c] for each entry (i, j), and
// return false, writing nothing outside base, at a row bound or a column outside what the check saw
// (j outside [lo, hi]): arrays on a SharedArrayBuffer that another thread changed during the call.
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
  if (!plo.allocate(parts) || !phi.allocate(parts)) return Status::noMemory("the row partition");
  std::atomic<bool> bad{false};
  parallelFor(parts, [&](int64_t p) {
    if (!checkRows<L>(A, bounds[p], bounds[p + 1], &plo[p], &phi[p])) bad.store(true, std::memory_order_relaxed);
  });
  if (bad.load()) return failedMidway(A);  // plo/phi of the failed part were not written
  prepare();  // out = beta * out
  // Groups: contiguous runs of parts. Fewer groups while the buffers would be too large.
  const int64_t budget = nnz / 2 + (int64_t{1} << 16);
  int64_t G = parts < 16 ? parts : 16;
  Buf<int64_t> glo, ghi, goff;
  if (!glo.allocate(G + 1) || !ghi.allocate(G + 1) || !goff.allocate(G + 1)) return Status::noMemory("the groups");
  auto groupPart = [&](int64_t g, int64_t groups) { return (parts * g) / groups; };
  int64_t total = 0;
  for (;; G /= 2) {
    total = 0;
    for (int64_t g = 0; g < G; g++) {
      int64_t lo = INT64_MAX, hi = -1;
      for (int64_t p = groupPart(g, G); p < groupPart(g + 1, G); p++) {
        if (phi[p] >= plo[p]) {
          lo = plo[p] < lo ? plo[p] : lo;
          hi = phi[p] > hi ? phi[p] : hi;
        }
      }
      if (hi < 0) lo = 0;
      glo[g] = lo;
      ghi[g] = hi;
      goff[g] = total;
      if (g > 0) total += (hi - lo + 1) * width;
    }
    if (G <= 1 || total <= budget * width) break;
  }
  Buf<T> priv;
  if (!priv.allocate(total)) return Status::noMemory("the transposed product's buffers");
  // Zero the private buffers and scatter, one task per group.
  std::atomic<bool> changed{false};
  parallelFor(G, [&](int64_t g) {
    const int64_t rb = bounds[groupPart(g, G)], re = bounds[groupPart(g + 1, G)];
    if (g == 0) {
      if (!scatter(rb, re, out, int64_t{0}, A.cols - 1)) changed.store(true, std::memory_order_relaxed);
      return;
    }
    T* base = priv.data() + goff[g];
    const int64_t len = (ghi[g] - glo[g] + 1) * width;
    for (int64_t t = 0; t < len; t++) base[t] = 0;
    if (!scatter(rb, re, base, glo[g], ghi[g])) changed.store(true, std::memory_order_relaxed);
  });
  if (changed.load()) return changedDuringCall();
  if (G > 1) {
    const int64_t n = A.cols * width;
    const int64_t chunks = partsFor(n, int64_t{1} << 15);
    parallelFor(chunks, [&](int64_t c) {
      const int64_t b = (n * c) / chunks, e = (n * (c + 1)) / chunks;
      for (int64_t g = 1; g < G; g++) {
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
