// Canonical CSR from coordinates (src/backend/js/coo.ts): a stable counting sort by row, then per
// row duplicates summed in insertion order (first assigned, then added) and columns sorted.
// cooToCsrSymbolic does all the work into `work` and fills rowPtr (rows + 1 entries);
// cooToCsrNumeric copies the nnz = rowPtr[rows] compacted entries into the caller's arrays.
//
// Parallel: the entries are cut into P chunks (P from the input alone); each chunk checks its
// entries (the first bad entry overall is reported, row before column, as in the twin) and counts
// its rows; chunk offsets per row make the scatter stable, i.e. identical to the serial one. Each
// row is then sorted by column with a stable sort, so duplicates stay in insertion order and are
// summed in exactly the twin's order.
#pragma once

#include "csr_view.hpp"
#include "par_csr.hpp"
#include "status.hpp"
#include "workspace.hpp"

namespace sparse {

// Stable sort of (col, val) pairs by col over [0, n); tmp holds n pairs of scratch.
template <SimdLevel L>
void stableSortByCol(int32_t* c, Acc* v, int64_t n, int32_t* tc, Acc* tv) {
  if (n <= 32) {
    for (int64_t i = 1; i < n; i++) {
      const int32_t kc = c[i];
      const Acc kv = v[i];
      int64_t j = i;
      for (; j > 0 && c[j - 1] > kc; j--) {
        c[j] = c[j - 1];
        v[j] = v[j - 1];
      }
      c[j] = kc;
      v[j] = kv;
    }
    return;
  }
  const int64_t h = n / 2;
  stableSortByCol<L>(c, v, h, tc, tv);
  stableSortByCol<L>(c + h, v + h, n - h, tc, tv);
  if (c[h - 1] <= c[h]) return;
  int64_t i = 0, j = h, w = 0;
  while (i < h && j < n) {
    if (c[j] < c[i]) {
      tc[w] = c[j];
      tv[w++] = v[j++];
    } else {
      tc[w] = c[i];
      tv[w++] = v[i++];
    }
  }
  while (i < h) {
    tc[w] = c[i];
    tv[w++] = v[i++];
  }
  while (j < n) {
    tc[w] = c[j];
    tv[w++] = v[j++];
  }
  for (int64_t t = 0; t < n; t++) {
    c[t] = tc[t];
    v[t] = tv[t];
  }
}

template <SimdLevel L, class T>
Status cooToCsrSymbolic(int64_t rows, int64_t cols, const int32_t* ri, int64_t riLen, const int32_t* ci,
                        int64_t ciLen, const T* vals, int64_t valsLen, int32_t* rowPtr, CooToCsrWork& work) {
  const int64_t n = riLen;
  if (ciLen != n || valsLen != n) {
    return Status::format("coordinate arrays differ in length (" + num(riLen) + ", " + num(ciLen) + ", " +
                          num(valsLen) + ")");
  }
  int64_t P = partsFor(n, int64_t{1} << 16);
  const int64_t cap = (n / 2 + 65536) / (rows + 1);
  P = P < cap ? P : (cap < 1 ? 1 : cap);
  P = P < 64 ? P : 64;
  Buf<int64_t> cnt, firstBad;
  if (!cnt.allocate(P * (rows + 1)) || !firstBad.allocate(P)) return Status::noMemory("the COO conversion workspace");
  if (!work.bucketCol.allocateBytes(static_cast<size_t>(n) * sizeof(int32_t)) ||
      !work.bucketVal.allocateBytes(static_cast<size_t>(n) * sizeof(Acc)) ||
      !work.bucketStart.allocateBytes(static_cast<size_t>(rows + 1) * sizeof(int64_t))) {
    return Status::noMemory("the COO conversion workspace");
  }
  int32_t* bc = static_cast<int32_t*>(work.bucketCol.data());
  Acc* bv = static_cast<Acc*>(work.bucketVal.data());
  int64_t* start = static_cast<int64_t*>(work.bucketStart.data());
  // Check and count per chunk.
  parallelFor(P, [&](int64_t p) {
    int64_t* c = cnt.data() + p * (rows + 1);
    for (int64_t i = 0; i <= rows; i++) c[i] = 0;
    firstBad[p] = -1;
    for (int64_t t = (n * p) / P, e = (n * (p + 1)) / P; t < e; t++) {
      if (outOfRange(ri[t], rows) || outOfRange(ci[t], cols)) {
        firstBad[p] = t;
        return;
      }
      c[ri[t]]++;
    }
  });
  for (int64_t p = 0; p < P; p++) {
    const int64_t t = firstBad[p];
    if (t < 0) continue;
    if (outOfRange(ri[t], rows)) {
      return Status::format("row index " + num(ri[t]) + " at entry " + num(t) + " is out of range [0, " + num(rows) + ")");
    }
    return Status::format("column index " + num(ci[t]) + " at entry " + num(t) + " is out of range [0, " + num(cols) + ")");
  }
  // Row starts, then each chunk's cursor per row: start[i] + counts of the chunks before it.
  const int64_t rchunks = partsFor(rows * P, int64_t{1} << 16);
  parallelFor(rchunks, [&](int64_t c) {
    for (int64_t i = (rows * c) / rchunks, e = (rows * (c + 1)) / rchunks; i < e; i++) {
      int64_t t = 0;
      for (int64_t p = 0; p < P; p++) {
        const int64_t v = cnt[p * (rows + 1) + i];
        cnt[p * (rows + 1) + i] = t;
        t += v;
      }
      start[i + 1] = t;
    }
  });
  start[0] = 0;
  for (int64_t i = 0; i < rows; i++) start[i + 1] += start[i];
  parallelFor(P, [&](int64_t p) {
    int64_t* cur = cnt.data() + p * (rows + 1);
    for (int64_t i = 0; i < rows; i++) cur[i] += start[i];
    for (int64_t t = (n * p) / P, e = (n * (p + 1)) / P; t < e; t++) {
      const int64_t dst = cur[ri[t]]++;
      bc[dst] = ci[t];
      bv[dst] = static_cast<Acc>(vals[t]);
    }
  });
  // Sort and compact each row in place; its length goes to rowPtr[i + 1], then the prefix.
  const int64_t parts = partsFor(n + rows, int64_t{1} << 15);
  Buf<int64_t> bounds;
  if (!bounds.allocate(parts + 1)) return Status::noMemory("the COO conversion workspace");
  splitByPrefix(start, rows, parts, bounds.data());
  std::atomic<bool> noMem{false};
  parallelFor(parts, [&](int64_t p) {
    int64_t longest = 0;
    for (int64_t i = bounds[p]; i < bounds[p + 1]; i++) {
      longest = start[i + 1] - start[i] > longest ? start[i + 1] - start[i] : longest;
    }
    Buf<int32_t> tc;
    Buf<Acc> tv;
    if (longest > 32 && (!tc.allocate(longest) || !tv.allocate(longest))) {
      noMem.store(true);
      return;
    }
    for (int64_t i = bounds[p]; i < bounds[p + 1]; i++) {
      const int64_t s = start[i], m = start[i + 1] - s;
      int32_t* c = bc + s;
      Acc* v = bv + s;
      stableSortByCol<L>(c, v, m, tc.data(), tv.data());
      int64_t w = 0;
      for (int64_t t = 0; t < m; t++) {
        if (w > 0 && c[w - 1] == c[t]) {
          v[w - 1] += v[t];
        } else {
          c[w] = c[t];
          v[w++] = v[t];
        }
      }
      rowPtr[i + 1] = static_cast<int32_t>(w);
    }
  });
  if (noMem.load()) return Status::noMemory("the COO conversion workspace");
  rowPtr[0] = 0;
  for (int64_t i = 0; i < rows; i++) rowPtr[i + 1] += rowPtr[i];
  return Status::okay();
}

template <SimdLevel L, class T>
void cooToCsrNumeric(const CooToCsrWork& work, int64_t rows, const int32_t* rowPtr, int32_t* colIdx, T* values) {
  const int32_t* bc = static_cast<const int32_t*>(work.bucketCol.data());
  const Acc* bv = static_cast<const Acc*>(work.bucketVal.data());
  const int64_t* start = static_cast<const int64_t*>(work.bucketStart.data());
  const int64_t parts = partsFor(rowPtr[rows] + rows, int64_t{1} << 15);
  auto copy = [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; i++) {
      const int64_t s = start[i];
      for (int64_t t = rowPtr[i]; t < rowPtr[i + 1]; t++) {
        colIdx[t] = bc[s + t - rowPtr[i]];
        values[t] = static_cast<T>(bv[s + t - rowPtr[i]]);
      }
    }
  };
  if (parts == 1) {
    copy(0, rows);
    return;
  }
  parallelFor(parts, [&](int64_t p) { copy((rows * p) / parts, (rows * (p + 1)) / parts); });
}

}  // namespace sparse
