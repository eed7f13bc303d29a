// Canonical CSR from coordinates (src/backend/js/coo.ts): a stable counting sort by row, then per
// row duplicates summed in insertion order (first assigned, then added) and columns sorted.
// cooToCsrSymbolic does all the work into `work` and fills rowPtr (rows + 1 entries);
// cooToCsrNumeric copies the nnz = rowPtr[rows] compacted entries into the caller's arrays.
//
// Two-level, so that no pass scatters into millions of rows at once (a cache and TLB miss a write):
// the entries are cut into P chunks (one a thread: any cut gives the same stable order); each chunk
// checks its entries (the first bad entry overall is reported, row before column, as in the twin)
// and counts them per bucket of 2^shift rows; chunk offsets per bucket make the scatter into the
// buckets stable. Each bucket is then counting-sorted by row in cache, and each row sorted by
// column with a stable sort, so duplicates stay in insertion order and are summed in exactly the
// twin's order; the compacted rows are written back at the start of their bucket.
#pragma once

#include "csr_view.hpp"
#include "par_csr.hpp"
#include "status.hpp"
#include "transpose_csr.hpp"
#include "workspace.hpp"

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#endif

namespace sparse {

// On AVX-512, rows of at most this many entries are sorted by rank (rankSort16). The same rank
// sort in plain C++ was 0.90-0.96x the insertion sort at the AVX2 level, so the others keep it.
constexpr int64_t kRankSortMax = 16;

#if defined(__x86_64__) || defined(_M_X64)
// stableSortByCol's rank sort for 2 <= n <= 16 entries in AVX-512 registers: all 16 places at once,
// one broadcast compare per entry, the pairs scattered to their places in (tc, tv) and copied back.
template <SimdLevel L>
inline void rankSort16(int32_t* c, Acc* v, int64_t n, int32_t* tc, Acc* tv) {
  const __mmask16 live = static_cast<__mmask16>((uint32_t{1} << n) - 1);
  const __mmask8 liveLo = static_cast<__mmask8>(live), liveHi = static_cast<__mmask8>(live >> 8);
  const __m512i keys = _mm512_mask_loadu_epi32(_mm512_set1_epi32(INT32_MAX), live, c);
  const __m512i one = _mm512_set1_epi32(1);
  __m512i rank = _mm512_setzero_si512();
  for (int64_t u = 0; u < n; u++) {
    const __m512i cu = _mm512_set1_epi32(c[u]);
    const __mmask16 later = static_cast<__mmask16>(0xFFFFu << (u + 1));
    const __mmask16 before = _mm512_cmplt_epi32_mask(cu, keys) | _mm512_mask_cmpeq_epi32_mask(later, cu, keys);
    rank = _mm512_mask_add_epi32(rank, before, rank, one);
  }
  _mm512_mask_i32scatter_epi32(tc, live, rank, keys, 4);
  _mm512_mask_i32scatter_pd(tv, liveLo, _mm512_castsi512_si256(rank), _mm512_maskz_loadu_pd(liveLo, v), 8);
  _mm512_mask_i32scatter_pd(tv, liveHi, _mm512_extracti32x8_epi32(rank, 1), _mm512_maskz_loadu_pd(liveHi, v + 8), 8);
  _mm512_mask_storeu_epi32(c, live, _mm512_maskz_loadu_epi32(live, tc));
  _mm512_mask_storeu_pd(v, liveLo, _mm512_maskz_loadu_pd(liveLo, tv));
  _mm512_mask_storeu_pd(v + 8, liveHi, _mm512_maskz_loadu_pd(liveHi, tv + 8));
}
#endif

// Stable sort of (col, val) pairs by col over [0, n); tmp holds n pairs of scratch.
template <SimdLevel L>
void stableSortByCol(int32_t* c, Acc* v, int64_t n, int32_t* tc, Acc* tv) {
#if defined(__x86_64__) || defined(_M_X64)
  if constexpr (L == SimdLevel::Avx512) {
    if (n > 1 && n <= kRankSortMax) {
      rankSort16<L>(c, v, n, tc, tv);
      return;
    }
  }
#endif
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
  const int shift = bucketShift(rows, n);
  const int64_t width = int64_t{1} << shift;
  const int64_t B = (rows + width - 1) >> shift;
  const int64_t P = countingParts(n);
  work.shift = shift;
  Buf<int64_t> cnt, firstBad;
  Buf<uint16_t> low;  // each entry's row within its bucket
  if (!cnt.allocate(P * B) || !firstBad.allocate(P) || !low.allocate(n)) return Status::noMemory("the COO conversion workspace");
  if (!work.bucketCol.allocateBytes(static_cast<size_t>(n) * sizeof(int32_t)) ||
      !work.bucketVal.allocateBytes(static_cast<size_t>(n) * sizeof(Acc)) ||
      !work.bucketStart.allocateBytes(static_cast<size_t>(B + 1) * sizeof(int64_t))) {
    return Status::noMemory("the COO conversion workspace");
  }
  int32_t* bc = static_cast<int32_t*>(work.bucketCol.data());
  Acc* bv = static_cast<Acc*>(work.bucketVal.data());
  int64_t* start = static_cast<int64_t*>(work.bucketStart.data());
  // Check and count per chunk.
  parallelFor(P, [&](int64_t p) {
    int64_t* c = cnt.data() + p * B;
    for (int64_t b = 0; b < B; b++) c[b] = 0;
    firstBad[p] = -1;
    for (int64_t t = (n * p) / P, e = (n * (p + 1)) / P; t < e; t++) {
      if (outOfRange(ri[t], rows) || outOfRange(ci[t], cols)) {
        firstBad[p] = t;
        return;
      }
      c[ri[t] >> shift]++;
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
  bucketCursors(cnt.data(), P, B, start);
  const int32_t mask = static_cast<int32_t>(width - 1);
  parallelFor(P, [&](int64_t p) {
    int64_t* cur = cnt.data() + p * B;
    for (int64_t t = (n * p) / P, e = (n * (p + 1)) / P; t < e; t++) {
      const int32_t r = ri[t];
      const int64_t dst = cur[r >> shift]++;
      low[dst] = static_cast<uint16_t>(r & mask);
      bc[dst] = ci[t];
      bv[dst] = static_cast<Acc>(vals[t]);
    }
  });
  // Per bucket: rows apart in cache, each row sorted and compacted back to the bucket's start;
  // each row's compacted length goes to rowPtr[i + 1], then the prefix.
  const int64_t tasks0 = partsFor(n + rows, int64_t{1} << 17, 256);
  const int64_t tasks = tasks0 < B ? tasks0 : (B < 1 ? 1 : B);
  Buf<int64_t> tb;
  if (!tb.allocate(tasks + 1)) return Status::noMemory("the COO conversion workspace");
  splitByPrefix(start, B, tasks, tb.data());
  std::atomic<bool> noMem{false};
  parallelFor(tasks, [&](int64_t task) {
    int64_t longest = 0;
    for (int64_t b = tb[task]; b < tb[task + 1]; b++) longest = start[b + 1] - start[b] > longest ? start[b + 1] - start[b] : longest;
    Buf<int32_t> lc, count, tc;
    Buf<Acc> lv, tv;
    if (!lc.allocate(longest) || !lv.allocate(longest) || !count.allocate(width + 1)) {
      noMem.store(true);
      return;
    }
    bool haveTmp = false;
    int32_t* c = count.data();
    for (int64_t b = tb[task]; b < tb[task + 1]; b++) {
      const int64_t s = start[b], m = start[b + 1] - s;
      const int64_t r0 = b << shift, w = rows - r0 < width ? rows - r0 : width;
      for (int64_t q = 0; q <= w; q++) c[q] = 0;
      for (int64_t e = 0; e < m; e++) c[low[s + e] + 1]++;
      for (int64_t q = 0; q < w; q++) c[q + 1] += c[q];
      for (int64_t e = 0; e < m; e++) {
        const int32_t d = c[low[s + e]]++;
        lc[d] = bc[s + e];
        lv[d] = bv[s + e];
      }
      // Now c[q] is where row q ends in lc/lv.
      int64_t out = s, rs = 0;
      for (int64_t q = 0; q < w; q++) {
        const int64_t re = c[q], len = re - rs;
        int32_t* rc = lc.data() + rs;
        Acc* rv = lv.data() + rs;
        if (len > 1 && !haveTmp) {
          if (!tc.allocate(longest) || !tv.allocate(longest)) {
            noMem.store(true);
            return;
          }
          haveTmp = true;
        }
        stableSortByCol<L>(rc, rv, len, tc.data(), tv.data());
        const int64_t first = out;
        for (int64_t e = 0; e < len; e++) {
          if (out > first && bc[out - 1] == rc[e]) {
            bv[out - 1] += rv[e];
          } else {
            bc[out] = rc[e];
            bv[out++] = rv[e];
          }
        }
        rowPtr[r0 + q + 1] = static_cast<int32_t>(out - first);
        rs = re;
      }
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
  const int shift = work.shift;
  const int64_t width = int64_t{1} << shift;
  const int64_t B = (rows + width - 1) >> shift;
  const int64_t parts = partsFor(rowPtr[rows] + rows, int64_t{1} << 16);
  auto copy = [&](int64_t bb, int64_t be) {
    for (int64_t b = bb; b < be; b++) {
      const int64_t r1 = (b + 1) << shift;
      const int64_t o0 = rowPtr[b << shift], o1 = rowPtr[r1 < rows ? r1 : rows];
      const int32_t* sc = bc + start[b];
      const Acc* sv = bv + start[b];
      for (int64_t t = 0; t < o1 - o0; t++) {
        colIdx[o0 + t] = sc[t];
        values[o0 + t] = static_cast<T>(sv[t]);
      }
    }
  };
  if (parts == 1 || B <= 1) {
    copy(0, B);
    return;
  }
  parallelFor(parts, [&](int64_t p) { copy((B * p) / parts, (B * (p + 1)) / parts); });
}

}  // namespace sparse
