// C = A*B, row-wise (Gustavson) hash SpGEMM in the style of Nagasaka et al., with the output of
// src/backend/js/spgemm.ts bit for bit: the same structure (every structural product kept, zeros
// included), sorted columns, and every entry summed in A's then B's storage order (first term
// assigned, later terms added, in double; rounded to T on store).
//
// Phases (plan in spgemm_plan.hpp):
//   symbolic: validate A then B; per-B-row column ranges; per-row flops (sum of B's row lengths
//     over A's row) and column range [lo, hi]; the flop prefix cuts rows into tasks
//     (partsFor/splitByPrefix, a function of the input only); per task, count each row's distinct
//     columns; prefix sum -> rowPtr.
//   numeric: per task, accumulate each row in a per-task accumulator and write it sorted.
// Accumulators, chosen per row (the choice never changes the order of additions to an entry):
//   - window: a bitmap + dense values over the row's column range, when the range is at most
//     kWindowFactor times the row's work; the bitmap scan yields sorted columns directly.
//   - ordered hash: open addressing with a MONOTONE hash over [lo, hi] (bucket = scaled offset)
//     and linear probing without wrap-around (the table has a tail of spare slots), so reading the
//     table in slot order gives nearly sorted columns and an insertion sort finishes the row in
//     O(entries + probes). If a row's probes exceed a budget (clustered columns), the row is redone
//     with a scattered (multiplicative) hash and std::sort.
// Workspaces are allocated once per task, sized for the task's largest row.
#pragma once

#include <algorithm>
#include <cstring>
#include <new>
#include <utility>
#include <vector>

#include "csr_check.hpp"
#include "parallel.hpp"
#include "simd_level.hpp"
#include "spgemm_plan.hpp"

#if defined(_MSC_VER)
#include <intrin.h>
#endif

namespace sparse {

namespace spgemm_detail {

// Window accumulator when hi - lo + 1 <= kWindowFactor * work (work = flops in the symbolic phase,
// the row's nonzeros in the numeric one): the bitmap scan then reads at most kWindowFactor / 64
// words per entry, cheaper than hashing and sorting (the 2D Laplacian squared: range 4001, 13 entries).
constexpr int64_t kWindowFactor = 512;
// Probe budget of the ordered hash per row: kProbeFactor * flops + kProbeSlack slot steps.
constexpr int64_t kProbeFactor = 8;
constexpr int64_t kProbeSlack = 64;

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

// One task's accumulators; grown (never shrunk) to the task's largest row before its rows run.
template <SimdLevel L>
struct Workspace {
  std::vector<int32_t> keys;  // hash tables, -1 = empty slot
  std::vector<double> vals;
  std::vector<uint64_t> bits;  // window bitmap
  std::vector<double> wvals;   // window values
  std::vector<std::pair<int32_t, double>> pairs;  // scattered-hash fallback (numeric)

  void reserveHash(size_t len, bool numeric) {
    if (keys.size() < len) {
      keys.assign(len, -1);
      if (numeric) vals.resize(len);
    }
  }
  void reserveWindow(size_t range, bool numeric) {
    const size_t words = (range + 63) / 64;
    if (bits.size() < words) bits.assign(words, 0);
    if (numeric && wvals.size() < range) wvals.resize(range);
  }
};

// B's rows are gathered in A's column order (random for unstructured A): prefetch the row pointer
// kFar entries of A ahead and the row itself kNear entries ahead. A's entries of consecutive rows
// are contiguous, so the look-ahead crosses row ends (bounded by nnz(A); A is validated, so every
// A.colIdx is a valid row of B).
template <SimdLevel L, bool Numeric, class T>
inline void prefetchAhead(const CsrView<T>& A, const CsrView<T>& B, int64_t e) {
#if defined(__GNUC__) || defined(__clang__)
  constexpr int64_t kFar = 16, kNear = 8;
  const int64_t aEnd = A.rowPtr[A.rows];
  if (e + kFar < aEnd) __builtin_prefetch(B.rowPtr + A.colIdx[e + kFar]);
  if (e + kNear < aEnd) {
    const int64_t start = B.rowPtr[A.colIdx[e + kNear]];
    __builtin_prefetch(B.colIdx + start);
    if constexpr (Numeric) __builtin_prefetch(B.values + start);
  }
#else
  (void)A, (void)B, (void)e;
#endif
}

// Calls fn(j, a_ik * b_kj) (numeric) or fn(j, 0.0) (symbolic) for row i's products, in order.
template <SimdLevel L, bool Numeric, class T, class F>
inline void forEachProduct(const CsrView<T>& A, const CsrView<T>& B, int64_t i, F&& fn) {
  const int64_t aEnd = A.rowPtr[i + 1];
  for (int64_t e = A.rowPtr[i]; e < aEnd; e++) {
    const int32_t k = A.colIdx[e];
    prefetchAhead<L, Numeric>(A, B, e);
    const int64_t bEnd = B.rowPtr[k + 1];
    if constexpr (Numeric) {
      const Acc a = static_cast<Acc>(A.values[e]);
      for (int64_t f = B.rowPtr[k]; f < bEnd; f++) fn(B.colIdx[f], a * static_cast<Acc>(B.values[f]));
    } else {
      for (int64_t f = B.rowPtr[k]; f < bEnd; f++) fn(B.colIdx[f], 0.0);
    }
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

// Window accumulator over [lo, lo + range). Symbolic: returns the count. Numeric: writes the row
// sorted to (cols, vals) and returns the count.
template <SimdLevel L, bool Numeric, class T>
int64_t windowRow(const CsrView<T>& A, const CsrView<T>& B, int64_t i, int32_t lo, int64_t range,
                  Workspace<L>& ws, int32_t* cols, T* vals) {
  uint64_t* bits = ws.bits.data();
  double* wv = Numeric ? ws.wvals.data() : nullptr;
  int64_t count = 0;
  forEachProduct<L, Numeric>(A, B, i, [&](int32_t j, double p) {
    const uint32_t d = static_cast<uint32_t>(j - lo);
    const uint64_t bit = uint64_t{1} << (d & 63);
    uint64_t& word = bits[d >> 6];
    if constexpr (Numeric) {
      // Branch-free select (not 0 + p, which would turn a first term -0 into +0).
      const double old = wv[d];
      wv[d] = (word & bit) ? old + p : p;
      word |= bit;
    } else {
      count += (word & bit) == 0;
      word |= bit;
    }
  });
  const int64_t words = (range + 63) >> 6;
  if constexpr (Numeric) {
    int64_t n = 0;
    for (int64_t w = 0; w < words; w++) {
      uint64_t x = bits[w];
      if (x == 0) continue;
      bits[w] = 0;
      const int64_t base = w << 6;
      do {
        const int64_t d = base + ctz64<L>(x);
        cols[n] = static_cast<int32_t>(lo + d);
        vals[n] = static_cast<T>(wv[d]);
        n++;
        x &= x - 1;
      } while (x != 0);
    }
    count = n;
  } else {
    std::fill(bits, bits + words, uint64_t{0});
  }
  return count;
}

// Scattered hash + sort, for rows whose columns cluster so much that the ordered hash probes too
// long. The table (ws.keys, at least `size` slots) is empty on entry and on return.
template <SimdLevel L, bool Numeric, class T>
int64_t scatteredRow(const CsrView<T>& A, const CsrView<T>& B, int64_t i, uint64_t size, Workspace<L>& ws,
                     int32_t* cols, T* vals) {
  int32_t* keys = ws.keys.data();
  double* hv = Numeric ? ws.vals.data() : nullptr;
  const uint64_t mask = size - 1;
  const int shift = 64 - log2Pow2<L>(size);
  int64_t count = 0;
  forEachProduct<L, Numeric>(A, B, i, [&](int32_t j, double p) {
    uint64_t h = (static_cast<uint64_t>(static_cast<uint32_t>(j)) * 0x9E3779B97F4A7C15ull) >> shift;
    for (;;) {
      const int32_t k = keys[h];
      if (k == j) {
        if constexpr (Numeric) hv[h] += p;
        return;
      }
      if (k < 0) {
        keys[h] = j;
        if constexpr (Numeric) hv[h] = p;
        count++;
        return;
      }
      h = (h + 1) & mask;
    }
  });
  if constexpr (Numeric) {
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
  } else {
    std::fill(keys, keys + size, -1);
  }
  return count;
}

// Ordered hash over [lo, lo + range) for at most m distinct columns (table: size + m slots, all
// empty on entry and on return). Numeric: writes the row sorted. Falls back to scatteredRow when
// the probe budget runs out.
template <SimdLevel L, bool Numeric, class T>
int64_t hashRow(const CsrView<T>& A, const CsrView<T>& B, int64_t i, int32_t lo, int64_t range, int64_t m,
                int64_t flops, Workspace<L>& ws, int32_t* cols, T* vals) {
  const uint64_t size = hashSize<L>(m);
  const uint64_t len = size + static_cast<uint64_t>(m);
  // bucket(j) = floor((j - lo) * size / range), monotone in j and < size; (j - lo) < 2^31 and
  // mul <= size * 2^32 / range, so the product stays below size * 2^32 <= 2^64.
  const uint64_t mul = (size << 32) / static_cast<uint64_t>(range);
  int32_t* keys = ws.keys.data();
  double* hv = Numeric ? ws.vals.data() : nullptr;
  int64_t budget = kProbeFactor * flops + kProbeSlack;
  int64_t count = 0;
  bool ok = true;
  const int64_t aEnd = A.rowPtr[i + 1];
  for (int64_t e = A.rowPtr[i]; e < aEnd && ok; e++) {
    const int32_t k = A.colIdx[e];
    prefetchAhead<L, Numeric>(A, B, e);
    const int64_t bEnd = B.rowPtr[k + 1];
    const Acc a = Numeric ? static_cast<Acc>(A.values[e]) : 0.0;
    for (int64_t f = B.rowPtr[k]; f < bEnd; f++) {
      const int32_t j = B.colIdx[f];
      uint64_t h = (static_cast<uint64_t>(static_cast<uint32_t>(j - lo)) * mul) >> 32;
      for (;;) {
        const int32_t key = keys[h];
        if (key == j) {
          if constexpr (Numeric) hv[h] += a * static_cast<Acc>(B.values[f]);
          break;
        }
        if (key < 0) {
          keys[h] = j;
          if constexpr (Numeric) hv[h] = a * static_cast<Acc>(B.values[f]);
          count++;
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
    return scatteredRow<L, Numeric>(A, B, i, size, ws, cols, vals);
  }
  if constexpr (Numeric) {
    int64_t n = 0;
    for (uint64_t s = 0; s < len; s++) {
      const int32_t key = keys[s];
      if (key >= 0) {
        cols[n] = key;
        vals[n] = static_cast<T>(hv[s]);
        keys[s] = -1;
        n++;
      }
    }
    insertionSort<L>(cols, vals, n);
  } else {
    std::fill(keys, keys + len, -1);
  }
  return count;
}

// Row i of C with `work` = flops (symbolic) or nonzeros (numeric) bounding its distinct columns.
template <SimdLevel L, bool Numeric, class T>
int64_t row(const CsrView<T>& A, const CsrView<T>& B, const SpgemmPlan& plan, int64_t i, int64_t work,
            Workspace<L>& ws, int32_t* cols, T* vals) {
  const int64_t flops = plan.flopPrefix[i + 1] - plan.flopPrefix[i];
  if (flops == 0) return 0;
  const int32_t lo = plan.rowLo[i];
  const int64_t range = static_cast<int64_t>(plan.rowHi[i]) - lo + 1;
  if (flops == 1) {
    if constexpr (Numeric) {
      forEachProduct<L, true>(A, B, i, [&](int32_t j, double p) {
        cols[0] = j;
        vals[0] = static_cast<T>(p);
      });
    }
    return 1;
  }
  if (range <= kWindowFactor * work) return windowRow<L, Numeric>(A, B, i, lo, range, ws, cols, vals);
  return hashRow<L, Numeric>(A, B, i, lo, range, std::min(work, range), flops, ws, cols, vals);
}

// Grows ws for rows [r0, r1) (same choices as row()).
template <SimdLevel L, bool Numeric>
void reserveTask(const SpgemmPlan& plan, const int32_t* rowPtr, int64_t r0, int64_t r1, Workspace<L>& ws) {
  int64_t maxRange = 0;
  uint64_t maxLen = 0;
  for (int64_t i = r0; i < r1; i++) {
    const int64_t flops = plan.flopPrefix[i + 1] - plan.flopPrefix[i];
    if (flops <= 1) continue;
    const int64_t work = Numeric ? static_cast<int64_t>(rowPtr[i + 1]) - rowPtr[i] : flops;
    const int64_t range = static_cast<int64_t>(plan.rowHi[i]) - plan.rowLo[i] + 1;
    if (range <= kWindowFactor * work) {
      maxRange = std::max(maxRange, range);
    } else {
      const int64_t m = std::min(work, range);
      maxLen = std::max(maxLen, hashSize<L>(m) + static_cast<uint64_t>(m));
    }
  }
  if (maxLen > 0) ws.reserveHash(static_cast<size_t>(maxLen), Numeric);
  if (maxRange > 0) ws.reserveWindow(static_cast<size_t>(maxRange), Numeric);
}

// Row ranges [bounds[p], bounds[p+1]) with about equal weight by a prefix (rowPtr or flops).
template <SimdLevel L, class P>
std::vector<int64_t> cut(const P* prefix, int64_t n, int64_t work) {
  const int64_t parts = partsFor(work);
  std::vector<int64_t> bounds(static_cast<size_t>(parts + 1));
  splitByPrefix(prefix, n, parts, bounds.data());
  return bounds;
}

}  // namespace spgemm_detail

namespace spgemm_detail {

// Validation, per-row flops and column ranges, and the task cut: everything of the plan but nnz.
template <SimdLevel L, class T>
Status preparePlan(const CsrView<T>& A, const CsrView<T>& B, SpgemmPlan& plan) {
  namespace d = spgemm_detail;
  Status s = validateCsr(A);
  if (!s.ok()) return s;
  s = validateCsr(B);
  if (!s.ok()) return s;
  if (A.cols != B.rows) {
    return Status::shape("spgemm: A is " + num(A.rows) + "x" + num(A.cols) + " and B is " + num(B.rows) + "x" +
                         num(B.cols) + "; A.cols must equal B.rows");
  }
  const int64_t rows = A.rows;
  plan = SpgemmPlan{};
  try {
    // Column range of each row of B (empty rows: lo > hi, never read).
    std::vector<int32_t> bLo(static_cast<size_t>(B.rows)), bHi(static_cast<size_t>(B.rows));
    {
      const std::vector<int64_t> bb = d::cut<L>(B.rowPtr, B.rows, B.nnz());
      parallelFor(static_cast<int64_t>(bb.size()) - 1, [&](int64_t t) {
        for (int64_t r = bb[t]; r < bb[t + 1]; r++) {
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
    // Flops and column range of each row of C; flop prefix in two passes (task sums, then rows).
    plan.flopPrefix.assign(static_cast<size_t>(rows + 1), 0);
    plan.rowLo.resize(static_cast<size_t>(rows));
    plan.rowHi.resize(static_cast<size_t>(rows));
    int64_t* fp = plan.flopPrefix.data();
    const std::vector<int64_t> ab = d::cut<L>(A.rowPtr, rows, A.nnz());
    const int64_t aParts = static_cast<int64_t>(ab.size()) - 1;
    std::vector<int64_t> taskSum(static_cast<size_t>(aParts) + 1, 0);
    parallelFor(aParts, [&](int64_t t) {
      int64_t sum = 0;
      for (int64_t i = ab[t]; i < ab[t + 1]; i++) {
        int64_t flops = 0;
        int32_t lo = INT32_MAX, hi = -1;
        for (int64_t e = A.rowPtr[i]; e < A.rowPtr[i + 1]; e++) {
          const int32_t k = A.colIdx[e];
          const int64_t len = static_cast<int64_t>(B.rowPtr[k + 1]) - B.rowPtr[k];
          if (len == 0) continue;
          flops += len;  // <= nnz(A) * nnz(B) < 2^62: no overflow
          lo = std::min(lo, bLo[k]);
          hi = std::max(hi, bHi[k]);
        }
        fp[i + 1] = flops;
        plan.rowLo[i] = lo;
        plan.rowHi[i] = hi;
        sum += flops;
      }
      taskSum[t + 1] = sum;
    });
    for (int64_t t = 0; t < aParts; t++) {
      if (taskSum[t + 1] > INT64_MAX - taskSum[t]) {
        return Status::tooLarge("the product needs more than " + num(INT64_MAX) + " multiplications");
      }
      taskSum[t + 1] += taskSum[t];
    }
    parallelFor(aParts, [&](int64_t t) {
      int64_t run = taskSum[t];
      for (int64_t i = ab[t]; i < ab[t + 1]; i++) {
        run += fp[i + 1];
        fp[i + 1] = run;
      }
    });
    const int64_t totalFlops = fp[rows];
    plan.bounds = d::cut<L>(fp, rows, totalFlops);
  } catch (const std::bad_alloc&) {
    return Status::noMemory("the SpGEMM workspace");
  }
  return Status::okay();
}

}  // namespace spgemm_detail

template <SimdLevel L, class T>
Status spgemmSymbolic(const CsrView<T>& A, const CsrView<T>& B, int32_t* rowPtr, SpgemmPlan& plan) {
  namespace d = spgemm_detail;
  Status s = d::preparePlan<L>(A, B, plan);
  if (!s.ok()) return s;
  const int64_t rows = A.rows;
  const int64_t* fp = plan.flopPrefix.data();
  rowPtr[0] = 0;
  try {
    const int64_t parts = static_cast<int64_t>(plan.bounds.size()) - 1;
    const int64_t* bounds = plan.bounds.data();

    // Distinct columns per row -> rowPtr[i + 1] (a count for now), per-task totals.
    std::vector<int64_t> taskNnz(static_cast<size_t>(parts) + 1, 0);
    std::vector<char> failed(static_cast<size_t>(parts), 0);
    parallelFor(parts, [&](int64_t t) {
      try {
        d::Workspace<L> ws;
        d::reserveTask<L, false>(plan, rowPtr, bounds[t], bounds[t + 1], ws);
        int64_t sum = 0;
        for (int64_t i = bounds[t]; i < bounds[t + 1]; i++) {
          const int64_t flops = fp[i + 1] - fp[i];
          const int64_t c = d::row<L, false, T>(A, B, plan, i, flops, ws, nullptr, nullptr);
          rowPtr[i + 1] = static_cast<int32_t>(c);  // c <= B.cols <= kMaxIndex
          sum += c;
        }
        taskNnz[t + 1] = sum;
      } catch (const std::bad_alloc&) {
        failed[t] = 1;
      }
    });
    if (cancelRequested()) {
      std::fill(rowPtr, rowPtr + rows + 1, 0);
      plan.cancelled = true;
      return Status::okay();
    }
    for (int64_t t = 0; t < parts; t++) {
      if (failed[t]) return Status::noMemory("the SpGEMM workspace");
    }
    for (int64_t t = 0; t < parts; t++) {
      taskNnz[t + 1] += taskNnz[t];  // each <= parts * kMaxIndex: no overflow
      if (taskNnz[t + 1] > kMaxIndex) return Status::tooLarge("the product has more than " + num(kMaxIndex) + " nonzeros");
    }
    parallelFor(parts, [&](int64_t t) {
      int64_t run = taskNnz[t];
      for (int64_t i = bounds[t]; i < bounds[t + 1]; i++) {
        run += rowPtr[i + 1];
        rowPtr[i + 1] = static_cast<int32_t>(run);
      }
    });
    plan.nnz = taskNnz[parts];
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
  const int64_t* bounds = plan.bounds.data();
  std::vector<char> failed;
  try {
    failed.assign(static_cast<size_t>(std::max<int64_t>(parts, 0)), 0);
  } catch (const std::bad_alloc&) {
    return Status::noMemory("the SpGEMM workspace");
  }
  parallelFor(parts, [&](int64_t t) {
    try {
      d::Workspace<L> ws;
      d::reserveTask<L, true>(plan, rowPtr, bounds[t], bounds[t + 1], ws);
      for (int64_t i = bounds[t]; i < bounds[t + 1]; i++) {
        const int64_t start = rowPtr[i];
        d::row<L, true, T>(A, B, plan, i, rowPtr[i + 1] - start, ws, colIdx + start, values + start);
      }
    } catch (const std::bad_alloc&) {
      failed[t] = 1;
    }
  });
  for (int64_t t = 0; t < parts; t++) {
    if (failed[t]) return Status::noMemory("the SpGEMM workspace");
  }
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
