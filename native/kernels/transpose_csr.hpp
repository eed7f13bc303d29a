// CSR of A^T by a stable counting sort on the column index (src/backend/js/transpose.ts): the
// result's rows come out sorted. rowPtr has cols + 1 entries; colIdx and values have nnz entries.
//
// A stable counting sort has one result whatever the cut of the input, so the part counts below
// follow the thread count (fewer counters to clear and merge) and the result stays exact.
//
// Two ways, chosen by the input's shape (same result either way):
// - direct: P parts of rows count their columns, each part's cursors are the column prefix plus
//   the counts of parts before it, and each part scatters its entries in row order. Fast when the
//   entries of nearby rows land in nearby columns (banded matrices): the writes stay in cache.
//   Counters exist only for the columns a part reaches, so on a banded matrix the parts' counters
//   add up to about one per column (the merge and prefix then cost what one thread's would).
// - two-level (buckets.hpp): scattered columns would miss cache and TLB on almost every write.
//   The entries are first scattered stably into ~2k column buckets (each bucket's region of the
//   output is known from its count), then each bucket is counting-sorted by column in cache.
#pragma once

#include "csr_check.hpp"
#include "par_csr.hpp"

namespace sparse {

// Counts the entries of rows [b, e) into c[key(column)], checking the structure on the way (the
// check of validateCsr, fused so the column indices are read once): false at the first problem.
template <SimdLevel L, class T, class C, class Key>
bool countChecked(const CsrView<T>& A, int64_t b, int64_t e, C* c, Key key) {
  int64_t start = A.rowPtr[b];
  if (start < 0 || start > A.colIdxLen) return false;
  for (int64_t i = b; i < e; i++) {
    const int64_t end = A.rowPtr[i + 1];
    if (end < start || end > A.colIdxLen) return false;
    for (int64_t k = start; k < end; k++) {
      const int32_t j = A.colIdx[k];
      if (outOfRange(j, A.cols)) return false;
      c[key(j)]++;
    }
    start = end;
  }
  return true;
}

// The first structure error, for a matrix countChecked refused.
// An aborted async call (parallelFor skips the remaining tasks once cancellation is requested):
// the counters of skipped parts were never written, so nothing after the count may read them.
// The binding discards the output of a cancelled call.
inline Status abandoned() { return Status::okay(); }

template <SimdLevel L, class T>
Status structureError(const CsrView<T>& A) {
  Status s = validateCsr(A);
  return s.ok() ? Status::format("the CSR structure is invalid") : s;
}

// True when the rows' columns stay near the diagonal, so the direct scatter's open cache lines fit
// a cache-sized window. Looks at up to 1024 rows spread over the matrix. While the rows sweep past
// a column, the scatter keeps one line of its colIdx and one of its values open (short columns
// share lines), so a column weighs at most two lines and its cursor: the 3D elasticity case (about
// 100 entries a column, columns within +-6.6k of the diagonal) is then local, and its direct
// scatter took 193 ms of CPU against 374 ms for the two-level one (1 thread, Zen 3 VM). Random and
// power-law columns stay far (two-level 2x faster there); the 2D Laplacian is local either way.
template <SimdLevel L, class T>
bool transposeIsLocal(const CsrView<T>& A) {
  const int64_t rows = A.rows, cols = A.cols, nnz = A.nnz();
  if (rows == 0 || cols == 0 || nnz == 0) return true;
  const int64_t bytesPerCol = (nnz / cols + 1) * static_cast<int64_t>(sizeof(int32_t) + sizeof(T)) + 4;
  if (cols * bytesPerCol <= (int64_t{1} << 21)) return true;
  const int64_t openBytes = bytesPerCol < 2 * 64 + 4 ? bytesPerCol : 2 * 64 + 4;
  const int64_t samples = rows < 1024 ? rows : 1024;
  int64_t far = 0, seen = 0;
  for (int64_t s = 0; s < samples; s++) {
    const int64_t i = (rows * s) / samples;
    const int64_t diag = (i * cols) / rows;
    // Not validated yet: read only inside colIdx.
    const int64_t kb = A.rowPtr[i] < 0 ? 0 : A.rowPtr[i];
    const int64_t ke = A.rowPtr[i + 1] < A.colIdxLen ? A.rowPtr[i + 1] : A.colIdxLen;
    for (int64_t k = kb; k < ke; k++) {
      const int64_t d = A.colIdx[k] - diag;
      far += (d < 0 ? -d : d) * openBytes > (int64_t{1} << 20);
      seen++;
    }
  }
  return far * 16 <= seen;  // at most 1 in 16 entries outside a 1 MiB window of the output
}

// Scatters rows [b, e) of A to their columns' cursors next[j] (advanced past each entry written).
// The row's end is read once: a store to colIdx could alias A.rowPtr as far as the compiler knows.
template <SimdLevel L, class T>
void scatterRows(const CsrView<T>& A, int64_t b, int64_t e, int32_t* next, int32_t* colIdx, T* values) {
  int64_t k = A.rowPtr[b];
  for (int64_t i = b; i < e; i++) {
    const int64_t end = A.rowPtr[i + 1];
    for (; k < end; k++) {
      const int32_t dst = next[A.colIdx[k]]++;
      colIdx[dst] = static_cast<int32_t>(i);
      values[dst] = A.values[k];
    }
  }
}

template <SimdLevel L, class T>
Status transposeDirect(const CsrView<T>& A, int32_t* rowPtr, int32_t* colIdx, T* values) {
  const int64_t nnz = A.nnz(), cols = A.cols;
  int64_t P = countingParts(A.rows + nnz);
  const int64_t cap = (2 * nnz + 65536) / (cols + 1);
  P = P < cap ? P : (cap < 1 ? 1 : cap);
  if (P == 1) {
    for (int64_t j = 0; j <= cols; j++) rowPtr[j] = 0;
    if (!countChecked<L>(A, 0, A.rows, rowPtr + 1, [](int32_t j) { return j; })) return structureError<L>(A);
    // rowPtr[j + 1] becomes column j's start and serves as its cursor: after the scatter it is
    // column j's end, the finished row pointer (no cursor array to allocate and fill).
    int32_t sum = 0;
    for (int64_t j = 0; j < cols; j++) {
      const int32_t c = rowPtr[j + 1];
      rowPtr[j + 1] = sum;
      sum += c;
    }
    scatterRows<L>(A, 0, A.rows, rowPtr + 1, colIdx, values);
    return Status::okay();
  }
  // Part p counts into its own row of cnt, but only the columns [lo[p], hi[p]] its rows reach are
  // ever touched: cnt comes zeroed from calloc (untouched pages are never faulted in), so a banded
  // matrix costs about one counter a column in all, not P. The merge then visits, for each column,
  // only the parts that reach it (ColumnSegments), and turns the counts into absolute cursors.
  Buf<int64_t> bounds;
  Buf<int32_t> cnt, lo, hi;
  if (!bounds.allocate(P + 1) || !lo.allocate(P) || !hi.allocate(P) || !cnt.allocateZeroed(P * cols)) {
    return Status::noMemory("the transpose workspace");
  }
  splitRowsByWork(A.rowPtr, A.rows, P, bounds.data());
  std::atomic<bool> bad{false};
  parallelFor(P, [&](int64_t p) {
    int32_t mn = INT32_MAX, mx = -1;
    auto reach = [&mn, &mx](int32_t j) {
      mn = j < mn ? j : mn;
      mx = j > mx ? j : mx;
      return j;
    };
    if (!countChecked<L>(A, bounds[p], bounds[p + 1], cnt.data() + p * cols, reach)) bad.store(true);
    lo[p] = mn;
    hi[p] = mx;
  });
  if (cancelRequested()) return abandoned();
  if (bad.load()) return structureError<L>(A);
  ColumnSegments seg;
  if (!columnSegments(lo.data(), hi.data(), P, cols, seg)) return Status::noMemory("the transpose workspace");
  // Columns in chunks: each chunk's entry total, then (from the chunks' offsets) its cursors and
  // row pointers. Integer sums: exact for any cut.
  const int64_t chunks = partsFor(cols, int64_t{1} << 16);
  Buf<int64_t> chunkBase;
  if (!chunkBase.allocate(chunks + 1)) return Status::noMemory("the transpose workspace");
  auto eachSegment = [&](int64_t c, auto&& body) {
    const int64_t jb = (cols * c) / chunks, je = (cols * (c + 1)) / chunks;
    if (jb >= je) return;
    for (int64_t s = seg.find(jb); s < seg.count && seg.start[s] < je; s++) {
      const int64_t b = seg.start[s] > jb ? seg.start[s] : jb, e = seg.start[s + 1] < je ? seg.start[s + 1] : je;
      body(b, e, seg.parts.data() + seg.first[s], seg.first[s + 1] - seg.first[s]);
    }
  };
  parallelFor(chunks, [&](int64_t c) {
    int64_t total = 0;
    eachSegment(c, [&](int64_t b, int64_t e, const int32_t* parts, int64_t n) {
      for (int64_t q = 0; q < n; q++) {
        const int32_t* col = cnt.data() + parts[q] * cols;
        for (int64_t j = b; j < e; j++) total += col[j];
      }
    });
    chunkBase[c + 1] = total;
  });
  if (cancelRequested()) return abandoned();
  chunkBase[0] = 0;
  for (int64_t c = 0; c < chunks; c++) chunkBase[c + 1] += chunkBase[c];
  rowPtr[0] = 0;
  parallelFor(chunks, [&](int64_t c) {
    int32_t at = static_cast<int32_t>(chunkBase[c]);
    eachSegment(c, [&](int64_t b, int64_t e, const int32_t* parts, int64_t n) {
      if (n == 1) {  // one part reaches these columns: the usual case, a plain prefix sum
        int32_t* col = cnt.data() + parts[0] * cols;
        for (int64_t j = b; j < e; j++) {
          const int32_t v = col[j];
          col[j] = at;
          at += v;
          rowPtr[j + 1] = at;
        }
        return;
      }
      for (int64_t j = b; j < e; j++) {
        for (int64_t q = 0; q < n; q++) {  // parts in order: the sort stays stable
          int32_t& v = cnt[parts[q] * cols + j];
          const int32_t m = v;
          v = at;
          at += m;
        }
        rowPtr[j + 1] = at;
      }
    });
  });
  if (cancelRequested()) return abandoned();
  parallelFor(P, [&](int64_t p) { scatterRows<L>(A, bounds[p], bounds[p + 1], cnt.data() + p * cols, colIdx, values); });
  return Status::okay();
}

template <SimdLevel L, class T>
Status transposeBuckets(const CsrView<T>& A, int32_t* rowPtr, int32_t* colIdx, T* values) {
  const int64_t nnz = A.nnz(), cols = A.cols;
  // Buckets of about 2^17 entries: level two then sorts in L3 rather than L2, but level one writes
  // 4x fewer streams. CPU ms a call, 1 thread, Zen 3 VM, targets 2^13/2^14/2^15/2^16/2^17: random
  // 642/543/527/507/498, power-law 819/760/627/619/576 (reruns of 2^15..2^17: random 485/399/372
  // and 386/392/403, power-law 673/648/507 and 691/640/597). COO -> CSR keeps its own default.
  const int shift = bucketShift(cols, nnz, int64_t{1} << 17);
  const int64_t width = int64_t{1} << shift;
  const int64_t B = (cols + width - 1) >> shift;
  const int64_t P = countingParts(A.rows + nnz);
  Buf<int64_t> bounds, cnt, start;
  Buf<uint16_t> low;  // each entry's column within its bucket
  if (!bounds.allocate(P + 1) || !cnt.allocate(P * B) || !start.allocate(B + 1) || !low.allocate(nnz)) {
    return Status::noMemory("the transpose workspace");
  }
  splitRowsByWork(A.rowPtr, A.rows, P, bounds.data());
  std::atomic<bool> bad{false};
  parallelFor(P, [&](int64_t p) {
    int64_t* c = cnt.data() + p * B;
    for (int64_t b = 0; b < B; b++) c[b] = 0;
    if (!countChecked<L>(A, bounds[p], bounds[p + 1], c, [shift](int32_t j) { return j >> shift; })) bad.store(true);
  });
  if (cancelRequested()) return abandoned();
  if (bad.load()) return structureError<L>(A);
  bucketCursors(cnt.data(), P, B, start.data());
  // Level one: each bucket's entries, in row order, into its region of the output.
  const uint16_t mask = static_cast<uint16_t>(width - 1);
  parallelFor(P, [&](int64_t p) {
    int64_t* cur = cnt.data() + p * B;
    for (int64_t i = bounds[p]; i < bounds[p + 1]; i++) {
      for (int64_t k = A.rowPtr[i]; k < A.rowPtr[i + 1]; k++) {
        const int32_t j = A.colIdx[k];
        const int64_t dst = cur[j >> shift]++;
        colIdx[dst] = static_cast<int32_t>(i);
        values[dst] = A.values[k];
        low[dst] = static_cast<uint16_t>(j & mask);
      }
    }
  });
  // Level two: each bucket counting-sorted by column through a copy in cache.
  const int64_t tasks0 = partsFor(nnz + cols, int64_t{1} << 17, 256);
  const int64_t tasks = tasks0 < B ? tasks0 : (B < 1 ? 1 : B);
  Buf<int64_t> tb;
  if (!tb.allocate(tasks + 1)) return Status::noMemory("the transpose workspace");
  splitByPrefix(start.data(), B, tasks, tb.data());
  std::atomic<bool> noMem{false};
  rowPtr[0] = 0;
  parallelFor(tasks, [&](int64_t t) {
    int64_t longest = 0;
    for (int64_t b = tb[t]; b < tb[t + 1]; b++) longest = start[b + 1] - start[b] > longest ? start[b + 1] - start[b] : longest;
    Buf<int32_t> rowsBuf, count;
    Buf<T> valsBuf;
    Buf<uint16_t> lowBuf;
    if (!rowsBuf.allocate(longest) || !valsBuf.allocate(longest) || !lowBuf.allocate(longest) || !count.allocate(width + 1)) {
      noMem.store(true);
      return;
    }
    int32_t* c = count.data();
    for (int64_t b = tb[t]; b < tb[t + 1]; b++) {
      const int64_t s = start[b], m = start[b + 1] - s;
      const int64_t j0 = b << shift, w = cols - j0 < width ? cols - j0 : width;
      for (int64_t q = 0; q <= w; q++) c[q] = 0;
      for (int64_t e = 0; e < m; e++) {
        const uint16_t q = low[s + e];
        lowBuf[e] = q;
        rowsBuf[e] = colIdx[s + e];
        valsBuf[e] = values[s + e];
        c[q + 1]++;
      }
      for (int64_t q = 0; q < w; q++) {
        c[q + 1] += c[q];
        rowPtr[j0 + q + 1] = static_cast<int32_t>(s + c[q + 1]);
      }
      for (int64_t e = 0; e < m; e++) {
        const int64_t dst = s + c[lowBuf[e]]++;
        colIdx[dst] = rowsBuf[e];
        values[dst] = valsBuf[e];
      }
    }
  });
  if (noMem.load()) return Status::noMemory("the transpose workspace");
  return Status::okay();
}

template <SimdLevel L, class T>
Status transpose(const CsrView<T>& A, int32_t* rowPtr, int32_t* colIdx, T* values) {
  // The structure is checked by the counting passes; before them only what sizes the work.
  Status s = checkRowPtrEnds(A);
  if (!s.ok()) return s;
  if (A.nnz() < 0) return structureError<L>(A);
  return transposeIsLocal<L>(A) ? transposeDirect<L>(A, rowPtr, colIdx, values) : transposeBuckets<L>(A, rowPtr, colIdx, values);
}

}  // namespace sparse
