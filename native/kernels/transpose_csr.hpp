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

// True when the rows' columns stay near the diagonal, so the direct scatter writes within a cache-
// sized window of the output. Looks at up to 1024 rows spread over the matrix.
template <SimdLevel L, class T>
bool transposeIsLocal(const CsrView<T>& A) {
  const int64_t rows = A.rows, cols = A.cols, nnz = A.nnz();
  if (rows == 0 || cols == 0 || nnz == 0) return true;
  const int64_t bytesPerCol = (nnz / cols + 1) * static_cast<int64_t>(sizeof(int32_t) + sizeof(T)) + 4;
  if (cols * bytesPerCol <= (int64_t{1} << 21)) return true;
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
      far += (d < 0 ? -d : d) * bytesPerCol > (int64_t{1} << 20);
      seen++;
    }
  }
  return far * 16 <= seen;  // at most 1 in 16 entries outside a 1 MiB window of the output
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
    int32_t* next = rowPtr + 1;
    for (int64_t i = 0; i < A.rows; i++) {
      for (int64_t k = A.rowPtr[i]; k < A.rowPtr[i + 1]; k++) {
        const int32_t dst = next[A.colIdx[k]]++;
        colIdx[dst] = static_cast<int32_t>(i);
        values[dst] = A.values[k];
      }
    }
    return Status::okay();
  }
  Buf<int64_t> bounds;
  Buf<int32_t> cnt;
  if (!bounds.allocate(P + 1) || !cnt.allocate(P * cols)) return Status::noMemory("the transpose workspace");
  splitRowsByWork(A.rowPtr, A.rows, P, bounds.data());
  std::atomic<bool> bad{false};
  parallelFor(P, [&](int64_t p) {
    int32_t* c = cnt.data() + p * cols;
    for (int64_t j = 0; j < cols; j++) c[j] = 0;
    if (!countChecked<L>(A, bounds[p], bounds[p + 1], c, [](int32_t j) { return j; })) bad.store(true);
  });
  if (cancelRequested()) return abandoned();
  if (bad.load()) return structureError<L>(A);
  // Column totals, then the global prefix (serial over cols), then each part's offsets.
  const int64_t chunks = partsFor(cols * P, int64_t{1} << 16);
  parallelFor(chunks, [&](int64_t c) {
    const int64_t jb = (cols * c) / chunks, je = (cols * (c + 1)) / chunks;
    for (int64_t j = jb; j < je; j++) {
      int32_t t = 0;
      for (int64_t p = 0; p < P; p++) {
        const int32_t v = cnt[p * cols + j];
        cnt[p * cols + j] = t;  // offset within column j
        t += v;
      }
      rowPtr[j + 1] = t;
    }
  });
  rowPtr[0] = 0;
  for (int64_t j = 0; j < cols; j++) rowPtr[j + 1] += rowPtr[j];
  parallelFor(P, [&](int64_t p) {
    int32_t* next = cnt.data() + p * cols;
    for (int64_t j = 0; j < cols; j++) next[j] += rowPtr[j];
    for (int64_t i = bounds[p]; i < bounds[p + 1]; i++) {
      for (int64_t k = A.rowPtr[i]; k < A.rowPtr[i + 1]; k++) {
        const int32_t dst = next[A.colIdx[k]]++;
        colIdx[dst] = static_cast<int32_t>(i);
        values[dst] = A.values[k];
      }
    }
  });
  return Status::okay();
}

template <SimdLevel L, class T>
Status transposeBuckets(const CsrView<T>& A, int32_t* rowPtr, int32_t* colIdx, T* values) {
  const int64_t nnz = A.nnz(), cols = A.cols;
  const int shift = bucketShift(cols, nnz);
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
  const int forced = transposeWay();
  const bool direct = forced == 1 || (forced != 2 && transposeIsLocal<L>(A));
  return direct ? transposeDirect<L>(A, rowPtr, colIdx, values) : transposeBuckets<L>(A, rowPtr, colIdx, values);
}

}  // namespace sparse
