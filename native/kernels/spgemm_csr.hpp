// C = A*B, row-wise (Gustavson) SpGEMM in the style of Nagasaka et al., with the output of
// src/backend/js/spgemm.ts bit for bit: the same structure (every structural product kept, zeros
// included), sorted columns, and every entry summed in A's then B's storage order (first term
// assigned, later terms added, in double; rounded to T on store).
//
// Mostly one pass over the products (plan in spgemm_plan.hpp). Gathering B's rows in A's column
// order is what costs (random reads), so they are read once: each task writes its rows of C,
// sorted, into its own growable buffer and counts them into rowPtr; a prefix sum over tasks places
// the buffers, and numeric copies them into the exactly sized output. Short rows in a narrow window
// (directRow: at most kListedFlops products; the 2D Laplacian squared) are the exception: symbolic
// only counts them, and numeric computes them again straight into C, which costs less than filling,
// faulting in and copying a buffer (1.2-1.5x on the Laplacian squared at one thread). Row i first
// reads the ends of the B rows it gathers (its flops and column range [lo, hi], and a prefetch of
// those rows), then picks an accumulator (the choice never changes the order of additions to an
// entry):
//   - window: dense values over [lo, hi], when the range is at most kWindowFactor times the flops.
//     Rows of at most kListedFlops products mark their columns with a per-row stamp and list them,
//     then sort the short list (the 2D Laplacian squared: 25 products, 13 entries). Longer rows
//     keep a bitmap and list the words they touched, so reading the row out sorted costs
//     O(touched words), not O(range).
//   - ordered hash: open addressing with a MONOTONE hash over [lo, hi] (bucket = scaled offset)
//     and linear probing without wrap-around (the table has a tail of spare slots), so reading the
//     table in slot order gives nearly sorted columns and an insertion sort finishes the row in
//     O(entries + probes). If a row's probes exceed a budget (clustered columns), the row is redone
//     with a scattered (multiplicative) hash and std::sort.
// Rows are independent, so how rows are cut into tasks changes only where the buffers lie, never
// C: the cut may (and does) follow the thread count.
#pragma once

#include <algorithm>
#include <cstring>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

#include "csr_check.hpp"
#include "par_csr.hpp"
#include "parallel.hpp"
#include "simd_level.hpp"
#include "spgemm_plan.hpp"
#include "workspace.hpp"

#if defined(_MSC_VER)
#include <intrin.h>
#endif
#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#endif

namespace sparse {

namespace spgemm_detail {

// Window accumulator when hi - lo + 1 <= kWindowFactor * flops: its values array stays within a
// small multiple of what a hash table of the row would take, and no sort is needed.
constexpr int64_t kWindowFactor = 512;
// Window rows with at most this many products take the stamped list (listedRow). A bitmap word
// is shared by 64 columns, so in windowRow consecutive products chain through its read-or-write
// in memory (store forwarding, ~5 cycles each); a stamp is one column's, and the short list sorts
// in a few dozen moves.
constexpr int64_t kListedFlops = 64;
// Probe budget of the ordered hash per row: kProbeFactor * flops + kProbeSlack slot steps.
constexpr int64_t kProbeFactor = 8;
constexpr int64_t kProbeSlack = 64;
// Entries of C a task aims at: task buffers then reach the size that gets huge pages (4 KiB page
// faults on fresh buffers cost more than the product on VMs), with a few tasks a thread to balance.
constexpr int64_t kTaskEntries = int64_t{1} << 19;
// Room a buffered row leaves past its last entry: compactSlots stores whole vectors of 16.
constexpr int64_t kSpareSlots = 16;
constexpr int64_t kTasksPerThread = 4;

template <SimdLevel L>
inline int ctz64(uint64_t x) {
#if defined(_MSC_VER)
  unsigned long r;
  _BitScanForward64(&r, x);
  return static_cast<int>(r);
#else
  return __builtin_ctzll(x);
#endif
}

template <SimdLevel L>
inline uint64_t nextPow2(uint64_t x) {
  uint64_t p = 2;
  while (p < x) p <<= 1;
  return p;
}

template <SimdLevel L>
inline int log2Pow2(uint64_t p) {
  return ctz64<L>(p);
}

// Table geometry of the ordered hash for a row with at most m distinct columns.
template <SimdLevel L>
inline uint64_t hashSize(int64_t m) {
  return nextPow2<L>(2 * static_cast<uint64_t>(m));
}

// One task's accumulators; grown (never shrunk) as its rows need.
template <SimdLevel L>
struct Workspace {
  std::vector<int32_t> keys;  // hash tables, -1 = empty slot
  std::vector<double> vals;
  std::vector<uint64_t> bits;     // window bitmap, all zero between rows
  std::vector<double> wvals;      // window values, all -0.0 between rows (see windowRow)
  std::vector<int32_t> touched;   // window words that became nonzero, in first-touch order
  std::vector<uint32_t> stamp;    // listedRow: the stamp of the last row that touched each offset
  uint32_t rowStamp = 0;          // listedRow: the current row's stamp (0 is never one)
  std::vector<int32_t> listed;    // listedRow: the row's offsets, in first-touch order
  std::vector<std::pair<int32_t, double>> pairs;  // scattered-hash fallback

  void reserveHash(size_t len) {
    if (keys.size() < len) {
      keys.assign(len, -1);
      vals.resize(len);
    }
  }
  void reserveWindow(size_t range) {
    const size_t words = (range + 63) / 64;
    if (bits.size() < words) {
      bits.assign(words, 0);
      touched.resize(words + 1);  // windowRow stores one slot past the last touched word
    }
    if (wvals.size() < range) wvals.resize(range, -0.0);
  }
  // A fresh stamp for the next listed row (on wrap-around every old stamp is forgotten).
  uint32_t nextStamp() {
    if (++rowStamp == 0) {
      std::fill(stamp.begin(), stamp.end(), 0u);
      rowStamp = 1;
    }
    return rowStamp;
  }
  void reserveListed(size_t range, size_t flops) {
    if (stamp.size() < range) stamp.resize(range, 0);
    if (wvals.size() < range) wvals.resize(range, -0.0);
    if (listed.size() < flops + 1) listed.resize(flops + 1);  // one spare write past the last
  }
};

// A task's rows of C, back to back in two growable buffers (owned by the plan).
template <SimdLevel L, class T>
struct RowSink {
  Scratch& cols;
  Scratch& vals;
  int64_t firstCap = 0;  // the first reservation's size (the task's estimate)
  int64_t size = 0;
  int64_t cap = 0;

  // Room for `more` entries after the current ones; false when out of memory.
  bool reserve(int64_t more) {
    if (size + more <= cap) return true;
    const int64_t want = std::max({size + more, cap + cap / 2, firstCap});
    if (!cols.growBytes(static_cast<size_t>(want) * sizeof(int32_t))) return false;
    if (!vals.growBytes(static_cast<size_t>(want) * sizeof(T))) return false;
    cap = want;
    return true;
  }
  int32_t* colsEnd() const { return static_cast<int32_t*>(cols.data()) + size; }
  T* valsEnd() const { return static_cast<T*>(vals.data()) + size; }
};

// B's rows are gathered in A's column order (random for unstructured A): prefetch the row pointer
// kFar entries of A ahead and the row itself kNear entries ahead (both ends of its columns and
// values: a row of 10 doubles always spans two cache lines). A's entries of consecutive rows are
// contiguous, so the look-ahead crosses row ends (bounded by nnz(A); A is validated, so every
// A.colIdx is a valid row of B).
template <SimdLevel L, class T>
inline void prefetchAhead(const CsrView<T>& A, const CsrView<T>& B, int64_t e, int64_t aEnd) {
#if defined(__GNUC__) || defined(__clang__)
  constexpr int64_t kFar = 16, kNear = 8;
  if (e + kFar < aEnd) __builtin_prefetch(B.rowPtr + A.colIdx[e + kFar]);
  if (e + kNear < aEnd) {
    const int32_t k = A.colIdx[e + kNear];
    const int64_t start = B.rowPtr[k], last = static_cast<int64_t>(B.rowPtr[k + 1]) - 1;
    if (last < start) return;
    __builtin_prefetch(B.colIdx + start);
    __builtin_prefetch(B.values + start);
    __builtin_prefetch(B.colIdx + last);
    __builtin_prefetch(B.values + last);
  }
#else
  (void)A, (void)B, (void)e, (void)aEnd;
#endif
}

// Loads *p and drops it: unlike a prefetch hint, a load always goes through (a TLB miss
// included), and the out-of-order core overlaps the loads of all the B rows of a row of A.
template <SimdLevel L, class T>
inline void touch(const T* p) {
#if defined(__GNUC__) || defined(__clang__)
  T v = *p;
  asm volatile("" : "+r"(v));
#else
  (void)*static_cast<const volatile T*>(p);
#endif
}

// Row i's flops (sum of the lengths of the B rows it gathers) and column range [lo, hi] (lo > hi
// when flops = 0). Sorted: B's rows have increasing columns, so a row's range is its first and
// last column (read here anyway: this pass pulls the rows into cache for the products).
// Otherwise the ranges come from bLo/bHi.
struct RowShape {
  int64_t flops;
  int32_t lo;
  int32_t hi;
};

template <SimdLevel L, bool Sorted, class T>
inline RowShape shapeOf(const CsrView<T>& A, const CsrView<T>& B, int64_t i, const int32_t* bLo, const int32_t* bHi) {
  RowShape s{0, INT32_MAX, -1};
  const int64_t aEnd = A.rowPtr[A.rows];
  for (int64_t e = A.rowPtr[i]; e < A.rowPtr[i + 1]; e++) {
    prefetchAhead<L>(A, B, e, aEnd);
    const int32_t k = A.colIdx[e];
    const int64_t b0 = B.rowPtr[k], b1 = B.rowPtr[k + 1];
    if (b1 == b0) continue;
    s.flops += b1 - b0;  // <= nnz(A) * nnz(B) < 2^62: no overflow
    touch<L>(B.values + b0);
    touch<L>(B.values + b1 - 1);
    if constexpr (Sorted) {
      s.lo = std::min(s.lo, B.colIdx[b0]);
      s.hi = std::max(s.hi, B.colIdx[b1 - 1]);
    } else {
      s.lo = std::min(s.lo, bLo[k]);
      s.hi = std::max(s.hi, bHi[k]);
    }
  }
  return s;
}

// Calls fn(j, a_ik * b_kj) for row i's products, in order.
template <SimdLevel L, class T, class F>
inline void forEachProduct(const CsrView<T>& A, const CsrView<T>& B, int64_t i, F&& fn) {
  const int64_t aEnd = A.rowPtr[i + 1];
  for (int64_t e = A.rowPtr[i]; e < aEnd; e++) {
    const int32_t k = A.colIdx[e];
    const int64_t bEnd = B.rowPtr[k + 1];
    const Acc a = static_cast<Acc>(A.values[e]);
    for (int64_t f = B.rowPtr[k]; f < bEnd; f++) fn(B.colIdx[f], a * static_cast<Acc>(B.values[f]));
  }
}

// Sorts a row's (column, value) pairs by column; the input is nearly sorted.
template <SimdLevel L, class T>
inline void insertionSort(int32_t* c, T* v, int64_t n) {
  for (int64_t s = 1; s < n; s++) {
    const int32_t key = c[s];
    if (c[s - 1] <= key) continue;
    const T val = v[s];
    int64_t t = s;
    do {
      c[t] = c[t - 1];
      v[t] = v[t - 1];
      t--;
    } while (t > 0 && c[t - 1] > key);
    c[t] = key;
    v[t] = val;
  }
}

// Sorts word indices (few, nearly sorted in the common case).
template <SimdLevel L>
inline void sortWords(int32_t* w, int64_t n) {
  if (n > 48) {
    std::sort(w, w + n);
    return;
  }
  for (int64_t s = 1; s < n; s++) {
    const int32_t key = w[s];
    int64_t t = s;
    while (t > 0 && w[t - 1] > key) {
      w[t] = w[t - 1];
      t--;
    }
    w[t] = key;
  }
}

// Window accumulator over [lo, lo + range) for a row of few products (ws reserved by
// reserveListed): each product's offset is new when its stamp is not this row's, and new offsets
// are listed; the list is sorted and read out, leaving the values all -0.0 (see windowRow). The
// same sums, in the same order, as windowRow.
template <SimdLevel L, class T>
int64_t listedRow(const CsrView<T>& A, const CsrView<T>& B, int64_t i, int32_t lo, Workspace<L>& ws, int32_t* cols,
                  T* vals) {
  const uint32_t now = ws.nextStamp();
  uint32_t* stamp = ws.stamp.data();
  double* wv = ws.wvals.data();
  int32_t* list = ws.listed.data();
  int64_t n = 0;
  forEachProduct<L>(A, B, i, [&](int32_t j, double p) {
    const uint32_t d = static_cast<uint32_t>(j - lo);
    const bool fresh = stamp[d] != now;
    stamp[d] = now;
    wv[d] += p;
    list[n] = static_cast<int32_t>(d);
    n += fresh;
  });
  sortWords<L>(list, n);
  for (int64_t t = 0; t < n; t++) {
    const int32_t d = list[t];
    cols[t] = lo + d;
    vals[t] = static_cast<T>(wv[d]);
    wv[d] = -0.0;
  }
  return n;
}

// The length of listedRow's row (ws reserved by reserveListed): its stamps, no values.
template <SimdLevel L, class T>
int64_t countListed(const CsrView<T>& A, const CsrView<T>& B, int64_t i, int32_t lo, Workspace<L>& ws) {
  const uint32_t now = ws.nextStamp();
  uint32_t* stamp = ws.stamp.data();
  int64_t n = 0;
  const int64_t aEnd = A.rowPtr[i + 1];
  for (int64_t e = A.rowPtr[i]; e < aEnd; e++) {
    const int32_t k = A.colIdx[e];
    const int64_t bEnd = B.rowPtr[k + 1];
    for (int64_t f = B.rowPtr[k]; f < bEnd; f++) {
      const uint32_t d = static_cast<uint32_t>(B.colIdx[f] - lo);
      n += stamp[d] != now;
      stamp[d] = now;
    }
  }
  return n;
}

// Window accumulator over [lo, lo + range) (ws reserved for range): writes the row sorted to
// (cols, vals), returns its length, and leaves the bitmap all zero and the values all -0.0.
// -0.0 is the exact identity of IEEE addition (-0 + p == p bit for bit, p = +0 and -0 included),
// so adding the first term to it is assigning it: no branch on whether the entry is new.
template <SimdLevel L, class T>
int64_t windowRow(const CsrView<T>& A, const CsrView<T>& B, int64_t i, int32_t lo, int64_t range, Workspace<L>& ws,
                  int32_t* cols, T* vals) {
  uint64_t* bits = ws.bits.data();
  double* wv = ws.wvals.data();
  int32_t* touched = ws.touched.data();
  int64_t nt = 0;
  forEachProduct<L>(A, B, i, [&](int32_t j, double p) {
    const uint32_t d = static_cast<uint32_t>(j - lo);
    const uint32_t w = d >> 6;
    const uint64_t bit = uint64_t{1} << (d & 63);
    const uint64_t word = bits[w];
    wv[d] += p;
    bits[w] = word | bit;
    touched[nt] = static_cast<int32_t>(w);
    nt += word == 0;
  });
  int64_t n = 0;
  auto emitWord = [&](int64_t w) {
    uint64_t x = bits[w];
    bits[w] = 0;
    const int64_t base = w << 6;
    while (x != 0) {
      const int64_t d = base + ctz64<L>(x);
      cols[n] = static_cast<int32_t>(lo + d);
      vals[n] = static_cast<T>(wv[d]);
      wv[d] = -0.0;
      n++;
      x &= x - 1;
    }
  };
  const int64_t words = (range + 63) >> 6;
  if (nt * 4 >= words) {
    for (int64_t w = 0; w < words; w++) {
      if (bits[w] != 0) emitWord(w);
    }
  } else {
    sortWords<L>(touched, nt);
    for (int64_t t = 0; t < nt; t++) emitWord(touched[t]);
  }
  return n;
}

// Scattered hash + sort, for rows whose columns cluster so much that the ordered hash probes too
// long. The table (ws.keys, at least `size` slots) is empty on entry and on return.
template <SimdLevel L, class T>
int64_t scatteredRow(const CsrView<T>& A, const CsrView<T>& B, int64_t i, uint64_t size, Workspace<L>& ws,
                     int32_t* cols, T* vals) {
  int32_t* keys = ws.keys.data();
  double* hv = ws.vals.data();
  const uint64_t mask = size - 1;
  const int shift = 64 - log2Pow2<L>(size);
  int64_t count = 0;
  forEachProduct<L>(A, B, i, [&](int32_t j, double p) {
    uint64_t h = (static_cast<uint64_t>(static_cast<uint32_t>(j)) * 0x9E3779B97F4A7C15ull) >> shift;
    for (;;) {
      const int32_t k = keys[h];
      if (k == j) {
        hv[h] += p;
        return;
      }
      if (k < 0) {
        keys[h] = j;
        hv[h] = p;
        count++;
        return;
      }
      h = (h + 1) & mask;
    }
  });
  auto& pairs = ws.pairs;
  pairs.clear();
  pairs.reserve(static_cast<size_t>(count));
  for (uint64_t s = 0; s < size; s++) {
    if (keys[s] >= 0) {
      pairs.emplace_back(keys[s], hv[s]);
      keys[s] = -1;
    }
  }
  std::sort(pairs.begin(), pairs.end(),
            [](const std::pair<int32_t, double>& x, const std::pair<int32_t, double>& y) { return x.first < y.first; });
  for (int64_t t = 0; t < count; t++) {
    cols[t] = pairs[static_cast<size_t>(t)].first;
    vals[t] = static_cast<T>(pairs[static_cast<size_t>(t)].second);
  }
  return count;
}

// The occupied slots of a hash table (key >= 0), in slot order, into (cols, vals), which have
// room for kSpareSlots entries past the last, emptying the table on the way; returns their count.
// Branch-free: occupancy is random. On AVX-512, 16 slots a step by compress (a row of 100 entries
// has a table of 356 slots, and the scalar loop's store and count a slot were 45% of the random
// product's hashRow).
template <SimdLevel L, class T>
inline int64_t compactSlots(int32_t* keys, const double* hv, uint64_t len, int32_t* cols, T* vals) {
  int64_t n = 0;
  uint64_t s = 0;
#if defined(__x86_64__) || defined(_M_X64)
  if constexpr (L == SimdLevel::Avx512) {
    const __m512i none = _mm512_set1_epi32(-1);
    for (; s + 16 <= len; s += 16) {
      const __m512i k = _mm512_loadu_si512(keys + s);
      const __mmask16 used = _mm512_cmpgt_epi32_mask(k, none);
      if (used == 0) continue;
      _mm512_storeu_si512(keys + s, none);
      const __mmask8 lo = static_cast<__mmask8>(used), hi = static_cast<__mmask8>(used >> 8);
      const int nlo = __builtin_popcount(lo);
      _mm512_storeu_si512(cols + n, _mm512_maskz_compress_epi32(used, k));
      const __m512d v0 = _mm512_maskz_compress_pd(lo, _mm512_loadu_pd(hv + s));
      const __m512d v1 = _mm512_maskz_compress_pd(hi, _mm512_loadu_pd(hv + s + 8));
      if constexpr (std::is_same_v<T, double>) {
        _mm512_storeu_pd(vals + n, v0);
        _mm512_storeu_pd(vals + n + nlo, v1);
      } else {
        _mm256_storeu_ps(vals + n, _mm512_cvtpd_ps(v0));
        _mm256_storeu_ps(vals + n + nlo, _mm512_cvtpd_ps(v1));
      }
      n += nlo + __builtin_popcount(hi);
    }
  }
#endif
  for (; s < len; s++) {
    const int32_t key = keys[s];
    keys[s] = -1;
    cols[n] = key;
    vals[n] = static_cast<T>(hv[s]);
    n += key >= 0;
  }
  return n;
}

// Ordered hash over [lo, lo + range) for at most m distinct columns (table: size + m slots, all
// empty on entry and on return). Writes the row sorted. Falls back to scatteredRow when the probe
// budget runs out.
template <SimdLevel L, class T>
int64_t hashRow(const CsrView<T>& A, const CsrView<T>& B, int64_t i, int32_t lo, int64_t range, int64_t m,
                int64_t flops, Workspace<L>& ws, int32_t* cols, T* vals) {
  const uint64_t size = hashSize<L>(m);
  const uint64_t len = size + static_cast<uint64_t>(m);
  // bucket(j) = floor((j - lo) * size / range), monotone in j and < size; (j - lo) < 2^31 and
  // mul <= size * 2^32 / range, so the product stays below size * 2^32 <= 2^64.
  const uint64_t mul = (size << 32) / static_cast<uint64_t>(range);
  int32_t* keys = ws.keys.data();
  double* hv = ws.vals.data();
  int64_t budget = kProbeFactor * flops + kProbeSlack;
  bool ok = true;
  const int64_t aEnd = A.rowPtr[i + 1];
  for (int64_t e = A.rowPtr[i]; e < aEnd && ok; e++) {
    const int32_t k = A.colIdx[e];
    const int64_t bEnd = B.rowPtr[k + 1];
    const Acc a = static_cast<Acc>(A.values[e]);
    for (int64_t f = B.rowPtr[k]; f < bEnd; f++) {
      const int32_t j = B.colIdx[f];
      uint64_t h = (static_cast<uint64_t>(static_cast<uint32_t>(j - lo)) * mul) >> 32;
      for (;;) {
        const int32_t key = keys[h];
        if (key == j) {
          hv[h] += a * static_cast<Acc>(B.values[f]);
          break;
        }
        if (key < 0) {
          keys[h] = j;
          hv[h] = a * static_cast<Acc>(B.values[f]);
          break;
        }
        h++;
        budget--;
      }
      if (budget < 0) {
        ok = false;
        break;
      }
    }
  }
  if (!ok) {
    std::fill(keys, keys + len, -1);
    return scatteredRow<L>(A, B, i, size, ws, cols, vals);
  }
  const int64_t n = compactSlots<L>(keys, hv, len, cols, vals);
  insertionSort<L>(cols, vals, n);
  return n;
}

// Rows that are cheap to gather twice and written without a spare slot: at most kListedFlops
// products in a window (listedRow), or fewer than two. The symbolic phase only counts them, and
// numeric writes them straight into C: no task buffer to fill, fault in and copy out (on the 2D
// Laplacian squared, those page faults and copies were a third of the product).
constexpr int32_t kBuffered = -1;  // SpgemmPlan::directLo of a row in its task's buffer

inline bool directRow(const RowShape& s) {
  if (s.flops <= 1) return true;
  const int64_t range = static_cast<int64_t>(s.hi) - s.lo + 1;
  return s.flops <= kListedFlops && range <= kWindowFactor * s.flops;
}

// Row i of C (shape from shapeOf), written sorted to (cols, vals), which have room for
// min(flops, range) + kSpareSlots entries (exactly the row's length for a directRow); returns its
// length.
template <SimdLevel L, class T>
int64_t row(const CsrView<T>& A, const CsrView<T>& B, int64_t i, const RowShape& s, Workspace<L>& ws, int32_t* cols,
            T* vals) {
  if (s.flops == 0) return 0;
  if (s.flops == 1) {
    forEachProduct<L>(A, B, i, [&](int32_t j, double p) {
      cols[0] = j;
      vals[0] = static_cast<T>(p);
    });
    return 1;
  }
  const int64_t range = static_cast<int64_t>(s.hi) - s.lo + 1;
  if (range <= kWindowFactor * s.flops && s.flops <= kListedFlops) {
    ws.reserveListed(static_cast<size_t>(range), static_cast<size_t>(s.flops));
    return listedRow<L>(A, B, i, s.lo, ws, cols, vals);
  }
  if (range <= kWindowFactor * s.flops) {
    ws.reserveWindow(static_cast<size_t>(range));
    return windowRow<L>(A, B, i, s.lo, range, ws, cols, vals);
  }
  const int64_t m = std::min(s.flops, range);
  ws.reserveHash(static_cast<size_t>(hashSize<L>(m) + static_cast<uint64_t>(m)));
  return hashRow<L>(A, B, i, s.lo, range, m, s.flops, ws, cols, vals);
}

// Rows [r0, r1) of C: their lengths into rowPtr[r0 + 1 .. r1]. With `directLo` (B sorted), a
// direct row is only counted, its window's start stored there and `listed` grown to hold its
// window; the other rows get kBuffered there and are written into `sink`. False when out of memory.
template <SimdLevel L, bool Sorted, class T>
bool taskRows(const CsrView<T>& A, const CsrView<T>& B, const int32_t* bLo, const int32_t* bHi, int64_t r0,
              int64_t r1, int32_t* rowPtr, int32_t* directLo, ListedSize& listed, RowSink<L, T>& sink) {
  Workspace<L> ws;
  for (int64_t i = r0; i < r1; i++) {
    const RowShape s = shapeOf<L, Sorted>(A, B, i, bLo, bHi);
    if (directLo != nullptr) {
      if (directRow(s)) {
        int64_t c = 0;
        directLo[i] = 0;
        if (s.flops > 0) {
          const int64_t range = static_cast<int64_t>(s.hi) - s.lo + 1;
          listed.range = std::max(listed.range, range);
          listed.flops = std::max(listed.flops, s.flops);
          ws.reserveListed(static_cast<size_t>(range), static_cast<size_t>(s.flops));
          c = countListed<L>(A, B, i, s.lo, ws);
          directLo[i] = s.lo;
        }
        rowPtr[i + 1] = static_cast<int32_t>(c);
        continue;
      }
      directLo[i] = kBuffered;
    }
    const int64_t bound = s.flops == 0 ? 0 : std::min<int64_t>(s.flops, static_cast<int64_t>(s.hi) - s.lo + 1);
    if (!sink.reserve(bound + kSpareSlots)) return false;
    const int64_t c = row<L>(A, B, i, s, ws, sink.colsEnd(), sink.valsEnd());
    rowPtr[i + 1] = static_cast<int32_t>(c);  // c <= B.cols <= kMaxIndex
    sink.size += c;
  }
  return true;
}

// True when every row of B has strictly increasing columns (B validated).
template <SimdLevel L, class T>
bool rowsSorted(const CsrView<T>& B) {
  const int64_t parts = csrParts(B.rows, B.nnz());
  std::vector<int64_t> bounds(static_cast<size_t>(parts) + 1);
  splitRowsByWork(B.rowPtr, B.rows, parts, bounds.data());
  std::vector<char> sorted(static_cast<size_t>(parts), 1);
  parallelFor(parts, [&](int64_t t) {
    for (int64_t r = bounds[t]; r < bounds[t + 1]; r++) {
      for (int64_t f = B.rowPtr[r] + 1; f < B.rowPtr[r + 1]; f++) {
        if (B.colIdx[f - 1] >= B.colIdx[f]) {
          sorted[t] = 0;
          return;
        }
      }
    }
  });
  return std::all_of(sorted.begin(), sorted.end(), [](char c) { return c != 0; });
}

// Column range of each row of B (empty rows: lo > hi, never read).
template <SimdLevel L, class T>
void rowRanges(const CsrView<T>& B, int32_t* bLo, int32_t* bHi) {
  const int64_t parts = csrParts(B.rows, B.nnz());
  std::vector<int64_t> bounds(static_cast<size_t>(parts) + 1);
  splitRowsByWork(B.rowPtr, B.rows, parts, bounds.data());
  parallelFor(parts, [&](int64_t t) {
    for (int64_t r = bounds[t]; r < bounds[t + 1]; r++) {
      int32_t lo = INT32_MAX, hi = -1;
      for (int64_t f = B.rowPtr[r]; f < B.rowPtr[r + 1]; f++) {
        lo = std::min(lo, B.colIdx[f]);
        hi = std::max(hi, B.colIdx[f]);
      }
      bLo[r] = lo;
      bHi[r] = hi;
    }
  });
}

template <class T>
bool sameMatrix(const CsrView<T>& A, const CsrView<T>& B) {
  return A.rows == B.rows && A.cols == B.cols && A.rowPtr == B.rowPtr && A.rowPtrLen == B.rowPtrLen &&
         A.colIdx == B.colIdx && A.colIdxLen == B.colIdxLen && A.values == B.values && A.valuesLen == B.valuesLen;
}

}  // namespace spgemm_detail

template <SimdLevel L, class T>
Status spgemmSymbolic(const CsrView<T>& A, const CsrView<T>& B, int32_t* rowPtr, SpgemmPlan& plan) {
  namespace d = spgemm_detail;
  Status s = validateCsrParallel<L>(A);
  if (!s.ok()) return s;
  if (!d::sameMatrix(A, B)) {  // A*A: one check serves both
    s = validateCsrParallel<L>(B);
    if (!s.ok()) return s;
  }
  if (A.cols != B.rows) {
    return Status::shape("spgemm: A is " + num(A.rows) + "x" + num(A.cols) + " and B is " + num(B.rows) + "x" +
                         num(B.cols) + "; A.cols must equal B.rows");
  }
  const int64_t rows = A.rows;
  plan = SpgemmPlan{};
  rowPtr[0] = 0;
  try {
    const bool sorted = d::rowsSorted<L>(B);
    Buf<int32_t> bLo, bHi;
    if (!sorted) {
      if (!bLo.allocate(B.rows) || !bHi.allocate(B.rows)) return Status::noMemory("the SpGEMM workspace");
      d::rowRanges<L>(B, bLo.data(), bHi.data());
    }
    // Tasks by A's nonzeros; each task's buffer starts at its share of the estimated flops.
    const double avgB = B.rows > 0 ? static_cast<double>(B.nnz()) / static_cast<double>(B.rows) : 0.0;
    const double estimate = static_cast<double>(A.nnz()) * avgB;
    const int64_t parts = std::clamp<int64_t>(static_cast<int64_t>(estimate / d::kTaskEntries) + 1, 1,
                                              std::max<int64_t>(1, d::kTasksPerThread * maxThreads()));
    plan.bounds.resize(static_cast<size_t>(parts) + 1);
    splitRowsByWork(A.rowPtr, rows, parts, plan.bounds.data());
    if (sorted && !plan.directLo.allocateBytes(static_cast<size_t>(rows) * sizeof(int32_t))) {
      return Status::noMemory("the SpGEMM workspace");
    }
    int32_t* directLo = sorted ? static_cast<int32_t*>(plan.directLo.data()) : nullptr;
    plan.listed.assign(static_cast<size_t>(parts), ListedSize{});
    plan.cols.resize(static_cast<size_t>(parts));
    plan.vals.resize(static_cast<size_t>(parts));
    std::vector<int64_t> offsets(static_cast<size_t>(parts) + 1, 0);  // C's entries before each task
    const int64_t* bounds = plan.bounds.data();
    int64_t* offset = offsets.data();
    std::vector<char> failed(static_cast<size_t>(parts), 0);
    parallelFor(parts, [&](int64_t t) {
      d::RowSink<L, T> sink{plan.cols[static_cast<size_t>(t)], plan.vals[static_cast<size_t>(t)]};
      const int64_t aNnz = static_cast<int64_t>(A.rowPtr[bounds[t + 1]]) - A.rowPtr[bounds[t]];
      // Reserved at the first row written there: direct rows need no buffer.
      sink.firstCap = static_cast<int64_t>(std::min(static_cast<double>(aNnz) * avgB, 1e8)) + 16;
      bool ok = true;
      try {
        ListedSize& listed = plan.listed[static_cast<size_t>(t)];
        ok = sorted ? d::taskRows<L, true>(A, B, nullptr, nullptr, bounds[t], bounds[t + 1], rowPtr, directLo, listed,
                                           sink)
                    : d::taskRows<L, false>(A, B, bLo.data(), bHi.data(), bounds[t], bounds[t + 1], rowPtr, nullptr,
                                            listed, sink);
      } catch (const std::bad_alloc&) {
        ok = false;
      }
      failed[static_cast<size_t>(t)] = ok ? 0 : 1;
      int64_t entries = 0;  // the task's rows of C, buffered or direct
      for (int64_t i = bounds[t]; ok && i < bounds[t + 1]; i++) entries += rowPtr[i + 1];
      offset[t + 1] = entries;
    });
    if (cancelRequested()) {
      std::fill(rowPtr, rowPtr + rows + 1, 0);
      plan = SpgemmPlan{};
      plan.cancelled = true;
      return Status::okay();
    }
    for (int64_t t = 0; t < parts; t++) {
      if (failed[static_cast<size_t>(t)]) return Status::noMemory("the SpGEMM workspace");
    }
    for (int64_t t = 0; t < parts; t++) {
      offset[t + 1] += offset[t];  // offset[t] <= kMaxIndex here, a task < rows * 2^31: no overflow
      if (offset[t + 1] > kMaxIndex) return Status::tooLarge("the product has more than " + num(kMaxIndex) + " nonzeros");
    }
    parallelFor(parts, [&](int64_t t) {
      int64_t run = offset[t];
      for (int64_t i = bounds[t]; i < bounds[t + 1]; i++) {
        run += rowPtr[i + 1];
        rowPtr[i + 1] = static_cast<int32_t>(run);
      }
    });
    plan.nnz = offset[parts];
  } catch (const std::bad_alloc&) {
    return Status::noMemory("the SpGEMM workspace");
  }
  return Status::okay();
}

template <SimdLevel L, class T>
Status spgemmNumeric(const CsrView<T>& A, const CsrView<T>& B, const SpgemmPlan& plan, const int32_t* rowPtr,
                     int32_t* colIdx, T* values) {
  namespace d = spgemm_detail;
  if (plan.cancelled) return Status::okay();
  const int64_t parts = static_cast<int64_t>(plan.bounds.size()) - 1;
  const auto* directLo = static_cast<const int32_t*>(plan.directLo.data());
  parallelFor(parts, [&](int64_t t) {
    const auto* cols = static_cast<const int32_t*>(plan.cols[static_cast<size_t>(t)].data());
    const auto* vals = static_cast<const T*>(plan.vals[static_cast<size_t>(t)].data());
    const int64_t r0 = plan.bounds[static_cast<size_t>(t)], r1 = plan.bounds[static_cast<size_t>(t) + 1];
    // Without directLo (B unsorted) every row is in the task buffer.
    auto buffered = [&](int64_t i) { return directLo == nullptr || directLo[i] == d::kBuffered; };
    d::Workspace<L> ws;
    const ListedSize& listed = plan.listed[static_cast<size_t>(t)];  // zero without direct rows
    ws.reserveListed(static_cast<size_t>(listed.range), static_cast<size_t>(listed.flops));
    int64_t from = 0;  // next entry of the task buffer
    int64_t i = r0;
    while (i < r1) {
      // A run of buffered rows [i, j), copied in one go.
      int64_t j = i;
      while (j < r1 && buffered(j)) j++;
      const int64_t at = rowPtr[i], n = static_cast<int64_t>(rowPtr[j]) - at;
      if (n > 0) {
        std::memcpy(colIdx + at, cols + from, static_cast<size_t>(n) * sizeof(int32_t));
        std::memcpy(values + at, vals + from, static_cast<size_t>(n) * sizeof(T));
        from += n;
      }
      for (i = j; i < r1 && !buffered(i); i++) {
        d::listedRow<L>(A, B, i, directLo[i], ws, colIdx + rowPtr[i], values + rowPtr[i]);
      }
    }
  });
  return Status::okay();
}

template <SimdLevel L, class T>
SpgemmFns<T> spgemmFns() {
  SpgemmFns<T> f;
  f.symbolic = &spgemmSymbolic<L, T>;
  f.numeric = &spgemmNumeric<L, T>;
  return f;
}

}  // namespace sparse
