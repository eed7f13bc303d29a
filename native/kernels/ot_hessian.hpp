// The sparsified Newton matrix of SNS for a dense plan P (n x m, row-major):
//   H = [[diag(r), S], [S^T, diag(c)]],  S = P restricted to the kept entries,
// as a CSR of size n+m with sorted columns. The kept set is the mass rule of ot_hessian_bins.hpp
// (and of src/ot/sns-hessian.ts, the JS twin), the same bits at any thread count and SIMD level.
//
// The histogram and the count read P eight entries at a time and mask those at or above a bound
// (one unsigned compare of the raw bits: otAtLeast8, otBinsUnits8). Blocks wholly below the floor
// cost the histogram one compare; the count marks the kept entries in a bitmask, and the fill
// reads only those (otMarkAtLeast, otForMarked). In the profile
// of the squared-Euclidean n = 1000 SNS solve the three passes took a quarter of the time; on a
// plan from that solve (Zen 5, 2 threads, standalone) a call went from 1.6-1.8 ms to 1.2-1.3 ms,
// and on the random-cost plan (0.8% kept) from 1.2-1.5 ms to 0.65-1.0 ms.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "csr_check.hpp"
#include "ot_hessian_bins.hpp"
#include "ot_tasks.hpp"
#include "parallel.hpp"
#include "simd_level.hpp"
#include "status.hpp"

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#endif

namespace sparse {

// Bit t set when the raw bits of p[t], as an unsigned integer, are at least `bound` (t < 8). For
// bound = b << 52: the entry's bin (sign and exponent) is at least b.
template <SimdLevel L>
inline uint32_t otAtLeast8(const double* p, uint64_t bound) {
  if (bound == 0) return 0xFFu;
#if defined(__x86_64__) || defined(_M_X64)
  if constexpr (L == SimdLevel::Avx512) {
    return _mm512_cmpge_epu64_mask(_mm512_loadu_si512(p), _mm512_set1_epi64(static_cast<int64_t>(bound)));
  } else if constexpr (L == SimdLevel::Avx2) {
    // No unsigned 64-bit compare: flip the sign bits and compare signed, x >= bound as x > bound - 1.
    const __m256i flip = _mm256_set1_epi64x(INT64_MIN);
    const __m256i b = _mm256_set1_epi64x(static_cast<int64_t>((bound - 1) ^ 0x8000000000000000ull));
    const __m256i lo = _mm256_xor_si256(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)), flip);
    const __m256i hi = _mm256_xor_si256(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 4)), flip);
    return static_cast<uint32_t>(_mm256_movemask_pd(_mm256_castsi256_pd(_mm256_cmpgt_epi64(lo, b)))) |
           static_cast<uint32_t>(_mm256_movemask_pd(_mm256_castsi256_pd(_mm256_cmpgt_epi64(hi, b)))) << 4;
  }
#endif
  uint32_t mask = 0;
  for (int t = 0; t < 8; t++) {
    uint64_t bits;
    std::memcpy(&bits, p + t, sizeof bits);
    mask |= static_cast<uint32_t>(bits >= bound) << t;
  }
  return mask;
}

template <SimdLevel L>
inline int otLowestBit(uint32_t mask) {
#if defined(_MSC_VER)
  unsigned long r;
  _BitScanForward(&r, mask);
  return static_cast<int>(r);
#else
  return __builtin_ctz(mask);
#endif
}

// Marks the entries of [k0, k1) at or above `bound`: bit t of mask[u] for entry k0 + 8u + t (the
// row's own bytes, ceil((k1 - k0) / 8) of them); calls f(k) for each, in order.
template <SimdLevel L, class F>
inline void otMarkAtLeast(const double* P, int64_t k0, int64_t k1, uint64_t bound, uint8_t* mask, F&& f) {
  int64_t k = k0;
  for (; k + 8 <= k1; k += 8) {
    const uint32_t bits = otAtLeast8<L>(P + k, bound);
    *mask++ = static_cast<uint8_t>(bits);
    for (uint32_t b = bits; b != 0; b &= b - 1) f(k + otLowestBit<L>(b));
  }
  if (k < k1) {
    uint32_t bits = 0;
    for (int64_t t = 0; k + t < k1; t++) {
      uint64_t raw;
      std::memcpy(&raw, P + k + t, sizeof raw);
      if (raw >= bound) {
        bits |= 1u << t;
        f(k + t);
      }
    }
    *mask = static_cast<uint8_t>(bits);
  }
}

// Calls f(k) for every entry of [k0, k1) whose bit otMarkAtLeast set, in order.
template <SimdLevel L, class F>
inline void otForMarked(int64_t k0, int64_t k1, const uint8_t* mask, F&& f) {
  for (int64_t k = k0; k < k1; k += 8) {
    for (uint32_t b = *mask++; b != 0; b &= b - 1) f(k + otLowestBit<L>(b));
  }
}

// Where row i's bytes of the kept mask start: floor((begin(i) + 7 i) / 8) is at least
// ceil(len / 8) past the previous row's start, for any row lengths.
inline int64_t otMaskStart(int64_t begin, int64_t i) { return (begin + 7 * i) / 8; }

// The histogram slots and mass units of p[0..8) (ot_hessian_bins.hpp), with the units of the
// entries below floorBits set to zero; returns the mask of those at or above it. Slot kOtBins
// takes the negative entries (never produced), which the cut ignores.
template <SimdLevel L>
inline uint32_t otBinsUnits8(const double* p, uint64_t floorBits, uint64_t* slot, uint64_t* units) {
#if defined(__x86_64__) || defined(_M_X64)
  if constexpr (L == SimdLevel::Avx512) {
    const __m512i v = _mm512_loadu_si512(p);
    const __mmask8 counted = _mm512_cmpge_epu64_mask(v, _mm512_set1_epi64(static_cast<int64_t>(floorBits)));
    if (counted == 0) return 0;
    const __m512i bin = _mm512_srli_epi64(v, 52);
    const __m512i frac = _mm512_and_si512(_mm512_srli_epi64(v, 32), _mm512_set1_epi64(0xFFFFF));
    const __m512i lead = _mm512_maskz_mov_epi64(_mm512_test_epi64_mask(bin, bin), _mm512_set1_epi64(0x100000));
    _mm512_storeu_si512(slot, _mm512_min_epu64(bin, _mm512_set1_epi64(kOtBins)));
    _mm512_storeu_si512(units, _mm512_maskz_mov_epi64(counted, _mm512_or_si512(frac, lead)));
    return counted;
  }
#endif
  uint32_t counted = 0;
  for (int t = 0; t < 8; t++) {
    uint64_t bits;
    std::memcpy(&bits, p + t, sizeof bits);
    const uint32_t h = static_cast<uint32_t>(bits >> 32);
    const bool in = bits >= floorBits;
    counted |= static_cast<uint32_t>(in) << t;
    slot[t] = (h >> 20) < kOtBins ? h >> 20 : kOtBins;
    units[t] = in ? otMassUnits(h) : 0;
  }
  return counted;
}

template <SimdLevel L>
inline uint32_t otSparsifyCut(const double* P, int64_t len, double massDrop, uint32_t floorBin) {
  // Any split gives the same sums; a few large parts keep the zeroed histograms small.
  const int64_t parts = partsFor(len, int64_t{1} << 18, 64);
  // Two histograms per part, by the entry's parity: consecutive entries often share a bin, and one
  // histogram would chain every add through memory. Every entry of a block with some above the
  // floor adds to its own slot (zero for those below): no branch per entry.
  constexpr int64_t stride = kOtBins + 1;
  std::vector<uint64_t> part(static_cast<size_t>(parts * 2 * stride), 0);
  const uint64_t floorBits = static_cast<uint64_t>(floorBin) << 52;
  parallelFor(parts, [&](int64_t t) {
    uint64_t* h0 = part.data() + t * 2 * stride;
    uint64_t* h1 = h0 + stride;
    const int64_t k0 = len * t / parts, k1 = len * (t + 1) / parts;
    uint64_t slot[8], units[8];
    int64_t k = k0;
    for (; k + 8 <= k1; k += 8) {
      if (otBinsUnits8<L>(P + k, floorBits, slot, units) == 0) continue;
      for (int u = 0; u < 8; u += 2) {
        h0[slot[u]] += units[u];
        h1[slot[u + 1]] += units[u + 1];
      }
    }
    for (; k < k1; k++) {
      const uint32_t a = otHighWord(P[k]);
      if ((a >> 20) >= floorBin && (a >> 20) < kOtBins) h0[a >> 20] += otMassUnits(a);
    }
  });
  return otCutFromParts(part, 2 * parts, stride, massDrop);
}

// Writes rowPtr and sets nnz to the entries of H; fills colIdx and values only when they fit
// (nnz <= capacity), so that a caller with short buffers grows them and calls again. `bounds`:
// row tasks (any split gives the same H: column rows collect their entries in row order).
// The count reads P and the cost's columns once and marks the kept entries, one bit each; the fill
// reads only the marked entries (a converging plan keeps a few percent, in runs), not all of P
// again. Arrays on a SharedArrayBuffer can change in between, from another thread: the fill's
// places come from the mask and the counts, every write is bounded by what the count reserved,
// and a column index that changed is an error, never a write out of place.
template <SimdLevel L, class Rows>
Status otSparsifyRows(int64_t n, int64_t m, const Rows& rows, const std::vector<int64_t>& bounds, int64_t len,
                      const double* P, const double* r, const double* c, double massDrop, const OtHessianOut& out,
                      int64_t& nnzOut) {
  const int64_t tasks = static_cast<int64_t>(bounds.size()) - 1;
  // Each task counts its rows' kept entries and its own column counts, so the column half can be
  // filled in parallel from per-task cursors, rows still in order. The count checks the structure:
  // each task stops at its first bad row, and the first bad task's row is reported.
  const uint32_t cut = otSparsifyCut<L>(P, len, massDrop, otMassFloorBin(r, n, massDrop, len));
  const uint64_t cutBits = static_cast<uint64_t>(cut) << 52;
  std::vector<int32_t> colCnt(static_cast<size_t>(tasks * m), 0);
  std::vector<int64_t> rowCnt(static_cast<size_t>(n), 0);
  std::vector<int64_t> badRow(static_cast<size_t>(tasks), -1);
  std::vector<char> badCol(static_cast<size_t>(tasks), 0);
  std::vector<uint8_t> kept(static_cast<size_t>(otMaskStart(len, n) + 1), 0);
  parallelFor(tasks, [&](int64_t t) {
    int32_t* cc = colCnt.data() + t * m;
    for (int64_t i = bounds[t]; i < bounds[t + 1]; i++) {
      if (!rows.rowOk(i)) {
        badRow[static_cast<size_t>(t)] = i;
        return;
      }
      int64_t cnt = 0;
      const int64_t b = rows.begin(i);
      uint8_t* mask = kept.data() + otMaskStart(b, i);
      if constexpr (Rows::dense) {
        otMarkAtLeast<L>(P, b, rows.end(i), cutBits, mask, [&](int64_t k) {
          cnt++;
          cc[k - b]++;
        });
      } else {  // every column is checked, kept or not
        for (int64_t k = b; k < rows.end(i); k++) {
          const int64_t j = rows.col(i, k);
          if (!rows.colOk(j)) {
            badRow[static_cast<size_t>(t)] = i;
            badCol[static_cast<size_t>(t)] = 1;
            return;
          }
          if ((otHighWord(P[k]) >> 20) >= cut) {
            cnt++;
            cc[j]++;
            mask[(k - b) >> 3] |= static_cast<uint8_t>(1u << ((k - b) & 7));
          }
        }
      }
      rowCnt[static_cast<size_t>(i)] = cnt;
    }
  });
  for (int64_t t = 0; t < tasks; t++) {
    const int64_t i = badRow[static_cast<size_t>(t)];
    if (i < 0) continue;
    if (badCol[static_cast<size_t>(t)]) return Status::format("column index out of range [0, " + num(m) + ") in row " + num(i));
    return badRowPtr(i);
  }
  int64_t keptCount = 0;
  for (int64_t i = 0; i < n; i++) keptCount += rowCnt[static_cast<size_t>(i)];
  const int64_t N = n + m;
  const int64_t nnz = N + 2 * keptCount;
  if (nnz > INT32_MAX) return Status::error(ErrorKind::TooLarge, "otSparsify: the sparsified Hessian has more than 2^31-1 entries");
  nnzOut = nnz;
  out.rowPtr[0] = 0;
  for (int64_t i = 0; i < n; i++) out.rowPtr[i + 1] = out.rowPtr[i] + static_cast<int32_t>(1 + rowCnt[i]);
  // Column j's row: its entries from task 0's rows first, then task 1's, ...; turn the counts into
  // each task's start in place.
  std::vector<int32_t> at(static_cast<size_t>(m), 1);  // each column row's diagonal entry
  for (int64_t t = 0; t < tasks; t++) {
    for (int64_t j = 0; j < m; j++) at[j] += colCnt[static_cast<size_t>(t * m + j)];
  }
  for (int64_t j = 0; j < m; j++) {
    out.rowPtr[n + j + 1] = out.rowPtr[n + j] + at[j];
    at[j] = out.rowPtr[n + j];
  }
  for (int64_t t = 0; t < tasks; t++) {
    int32_t* cnt = colCnt.data() + t * m;
    for (int64_t j = 0; j < m; j++) {
      const int32_t here = cnt[j];
      cnt[j] = at[j];
      at[j] += here;
    }
  }
  const std::vector<int32_t> colStart(colCnt);  // the cursors' starts, kept for the fill's bounds
  if (nnz > out.capacity) return Status::okay();
  std::vector<char> changed(static_cast<size_t>(tasks), 0);
  // Where each task's slots of each column row end: the next task's start, or the diagonal.
  auto limit = [&](int64_t t, int64_t j) -> int32_t {
    return t + 1 < tasks ? colStart[static_cast<size_t>((t + 1) * m + j)] : out.rowPtr[n + j + 1] - 1;
  };
  parallelFor(tasks, [&](int64_t t) {
    int32_t* cursor = colCnt.data() + t * m;
    for (int64_t i = bounds[t]; i < bounds[t + 1]; i++) {
      int32_t pos = out.rowPtr[i];
      const int32_t rowEnd = out.rowPtr[i + 1];
      out.colIdx[pos] = static_cast<int32_t>(i);
      out.values[pos++] = r[i];
      bool ok = true;
      const int64_t b = rows.begin(i);
      otForMarked<L>(b, rows.end(i), kept.data() + otMaskStart(b, i), [&](int64_t k) {
        if (!ok) return;
        const double p = P[k];
        const int64_t j = rows.col(i, k);
        if (!rows.colOk(j) || pos >= rowEnd || cursor[j] >= limit(t, j)) {
          ok = false;
          return;
        }
        out.colIdx[pos] = static_cast<int32_t>(n + j);
        out.values[pos++] = p;
        const int32_t q = cursor[j]++;
        out.colIdx[q] = static_cast<int32_t>(i);
        out.values[q] = p;
      });
      if (!ok || pos != rowEnd) {
        changed[static_cast<size_t>(t)] = 1;
        return;
      }
    }
    for (int64_t j = 0; j < m; j++) {
      if (cursor[j] != limit(t, j)) {
        changed[static_cast<size_t>(t)] = 1;
        return;
      }
    }
  });
  for (int64_t t = 0; t < tasks; t++) {
    if (changed[static_cast<size_t>(t)]) return Status::format("otSparsify: the plan or the cost changed during the call");
  }
  for (int64_t j = 0; j < m; j++) {
    const int32_t last = out.rowPtr[n + j + 1] - 1;
    out.colIdx[last] = static_cast<int32_t>(n + j);
    out.values[last] = c[j];
  }
  return Status::okay();
}

template <SimdLevel L>
Status otSparsifyDense(int64_t n, int64_t m, const double* P, const double* r, const double* c, double massDrop,
                              const OtHessianOut& out, int64_t& nnzOut) {
  const OtRowTasks rt(0, n, m);
  std::vector<int64_t> bounds(static_cast<size_t>(rt.tasks) + 1);
  for (int64_t t = 0; t <= rt.tasks; t++) bounds[static_cast<size_t>(t)] = rt.begin(t);
  return otSparsifyRows<L>(n, m, OtDenseRows{m}, bounds, n * m, P, r, c, massDrop, out, nnzOut);
}

// P indexed like the stored entries of a CSR pattern (rowPtr: n+1 entries, its ends checked by the
// caller: rowPtr[0] = 0, rowPtr[n] = nnz = P's length).
template <SimdLevel L>
Status otSparsifyCsr(int64_t n, int64_t m, const int32_t* rowPtr, const int32_t* colIdx, int64_t nnz,
                            const double* P, const double* r, const double* c, double massDrop,
                            const OtHessianOut& out, int64_t& nnzOut) {
  // The row pointer is read once, into a copy that every pass uses (see otSparsifyRows), and
  // checked here whole: each row's bytes of the kept mask are its own only when it never
  // decreases (two rows on either side of a decreasing step could share a byte across tasks).
  std::vector<int64_t> rows(rowPtr, rowPtr + n + 1);
  for (int64_t i = 0; i < n; i++) {
    if (rows[i] < 0 || rows[i + 1] < rows[i] || rows[i + 1] > nnz) return badRowPtr(i);
  }
  const OtCsrTasks rt(rowPtr, 0, n);
  return otSparsifyRows<L>(n, m, OtCsrRows{rows.data(), colIdx, m, nnz}, rt.bounds, nnz, P, r, c, massDrop, out, nnzOut);
}

}  // namespace sparse
