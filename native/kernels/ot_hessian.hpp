// The sparsified Newton matrix of SNS for a dense plan P (n x m, row-major):
//   H = [[diag(r), S], [S^T, diag(c)]],  S = P restricted to the kept entries,
// as a CSR of size n+m with sorted columns. The kept set is the mass rule of src/ot/sns-hessian.ts
// (the JS twin): entries are binned by their IEEE exponent, and the smallest binades holding at
// most massDrop * sum(P) are dropped. The histogram counts mass in integer units (otMassUnits), so
// its sums are exact in any order: the cut, and with it the structure, is the twin's bit for bit
// at any thread count.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "csr_check.hpp"
#include "ot_tasks.hpp"
#include "parallel.hpp"
#include "status.hpp"

namespace sparse {

// The caller's buffers, reused across Newton steps: fresh output pages cost a page fault each,
// which on the VMs measured here was most of the call. rowPtr holds n+m+1 entries; colIdx and
// values hold `capacity`.
struct OtHessianOut {
  int32_t* rowPtr;
  int32_t* colIdx;
  double* values;
  int64_t capacity;
};

// The top 32 bits of a double: sign, exponent and the 20 leading significand bits.
inline uint32_t otHighWord(double p) {
  uint64_t bits;
  std::memcpy(&bits, &p, sizeof bits);
  return static_cast<uint32_t>(bits >> 32);
}

// An entry's histogram bin is its sign and exponent (h >> 20: a negative entry, never produced,
// lands past the bins and is always kept); its weight is its 21 leading significand bits, the
// implicit one included, as an integer: the entry's value is weight * 2^(bin - 1043) to 2^-20
// relative. Integer sums are exact in any order (the twin's, in doubles, up to 2^32 entries).
constexpr int kOtBins = 2048;
inline uint32_t otMassUnits(uint32_t h) { return (h & 0xFFFFFu) | ((h >> 20) != 0 ? 0x100000u : 0u); }

inline uint32_t otSparsifyCut(const double* P, int64_t len, double massDrop) {
  // Any split gives the same sums; a few large parts keep the zeroed histograms small.
  const int64_t parts = partsFor(len, int64_t{1} << 18, 64);
  // Two interleaved histograms per part: consecutive entries often share a bin, and one
  // histogram would chain every add through memory.
  std::vector<uint64_t> part(static_cast<size_t>(parts * 2 * kOtBins), 0);
  parallelFor(parts, [&](int64_t t) {
    uint64_t* h0 = part.data() + t * 2 * kOtBins;
    uint64_t* h1 = h0 + kOtBins;
    const int64_t k0 = len * t / parts, k1 = len * (t + 1) / parts;
    int64_t k = k0;
    for (; k + 2 <= k1; k += 2) {
      const uint32_t a = otHighWord(P[k]), b = otHighWord(P[k + 1]);
      if ((a >> 20) < kOtBins) h0[a >> 20] += otMassUnits(a);
      if ((b >> 20) < kOtBins) h1[b >> 20] += otMassUnits(b);
    }
    if (k < k1) {
      const uint32_t a = otHighWord(P[k]);
      if ((a >> 20) < kOtBins) h0[a >> 20] += otMassUnits(a);
    }
  });
  std::vector<double> mass(kOtBins);
  double total = 0;
  for (int e = 0; e < kOtBins; e++) {
    uint64_t units = 0;
    for (int64_t t = 0; t < 2 * parts; t++) units += part[static_cast<size_t>(t * kOtBins + e)];
    mass[e] = std::ldexp(static_cast<double>(units), std::max(e, 1) - 1043);
    total += mass[e];
  }
  const double budget = massDrop * total;
  double cum = 0;
  uint32_t cut = 0;
  for (; cut < static_cast<uint32_t>(kOtBins); cut++) {
    if (cum + mass[cut] > budget) break;
    cum += mass[cut];
  }
  return cut;
}

// The rows of P: a dense n x m plan, or a plan on a CSR cost's pattern (P indexed like its stored
// entries; the count pass checks every row bound and column, the fill pass what it writes).
struct OtDenseRows {
  int64_t m;
  int64_t begin(int64_t i) const { return i * m; }
  int64_t end(int64_t i) const { return (i + 1) * m; }
  int64_t col(int64_t i, int64_t k) const { return k - i * m; }
  bool rowOk(int64_t) const { return true; }
  bool colOk(int64_t) const { return true; }
};
struct OtCsrRows {
  const int64_t* rowPtr;  // a copy of the cost's row pointer, taken once (see otSparsifyCsr)
  const int32_t* colIdx;
  int64_t m, nnz;
  int64_t begin(int64_t i) const { return rowPtr[i]; }
  int64_t end(int64_t i) const { return rowPtr[i + 1]; }
  int64_t col(int64_t, int64_t k) const { return colIdx[k]; }
  bool rowOk(int64_t i) const { return rowPtr[i] >= 0 && rowPtr[i + 1] >= rowPtr[i] && rowPtr[i + 1] <= nnz; }
  bool colOk(int64_t j) const { return j >= 0 && j < m; }
};

// Writes rowPtr and sets nnz to the entries of H; fills colIdx and values only when they fit
// (nnz <= capacity), so that a caller with short buffers grows them and calls again. `bounds`:
// row tasks (any split gives the same H: column rows collect their entries in row order).
// P and the cost's columns are read twice (count, then fill). Arrays on a SharedArrayBuffer can
// change in between, from another thread: every fill write is bounded by what the count reserved,
// and any difference between the passes is an error, never a write out of place.
template <class Rows>
Status otSparsifyRows(int64_t n, int64_t m, const Rows& rows, const std::vector<int64_t>& bounds, int64_t len,
                      const double* P, const double* r, const double* c, double massDrop, const OtHessianOut& out,
                      int64_t& nnzOut) {
  const int64_t tasks = static_cast<int64_t>(bounds.size()) - 1;
  // Each task counts its rows' kept entries and its own column counts, so the column half can be
  // filled in parallel from per-task cursors, rows still in order. The count checks the structure:
  // each task stops at its first bad row, and the first bad task's row is reported.
  const uint32_t cut = otSparsifyCut(P, len, massDrop);
  std::vector<int32_t> colCnt(static_cast<size_t>(tasks * m), 0);
  std::vector<int64_t> rowCnt(static_cast<size_t>(n), 0);
  std::vector<int64_t> badRow(static_cast<size_t>(tasks), -1);
  std::vector<char> badCol(static_cast<size_t>(tasks), 0);
  parallelFor(tasks, [&](int64_t t) {
    int32_t* cc = colCnt.data() + t * m;
    for (int64_t i = bounds[t]; i < bounds[t + 1]; i++) {
      if (!rows.rowOk(i)) {
        badRow[static_cast<size_t>(t)] = i;
        return;
      }
      int64_t cnt = 0;
      for (int64_t k = rows.begin(i); k < rows.end(i); k++) {
        const int64_t j = rows.col(i, k);
        if (!rows.colOk(j)) {
          badRow[static_cast<size_t>(t)] = i;
          badCol[static_cast<size_t>(t)] = 1;
          return;
        }
        if ((otHighWord(P[k]) >> 20) >= cut) {
          cnt++;
          cc[j]++;
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
  int64_t kept = 0;
  for (int64_t i = 0; i < n; i++) kept += rowCnt[static_cast<size_t>(i)];
  const int64_t N = n + m;
  const int64_t nnz = N + 2 * kept;
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
      for (int64_t k = rows.begin(i); k < rows.end(i); k++) {
        const double p = P[k];
        if ((otHighWord(p) >> 20) >= cut) {
          const int64_t j = rows.col(i, k);
          if (!rows.colOk(j) || pos >= rowEnd || cursor[j] >= limit(t, j)) {
            changed[static_cast<size_t>(t)] = 1;
            return;
          }
          out.colIdx[pos] = static_cast<int32_t>(n + j);
          out.values[pos++] = p;
          const int32_t q = cursor[j]++;
          out.colIdx[q] = static_cast<int32_t>(i);
          out.values[q] = p;
        }
      }
      if (pos != rowEnd) {
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

inline Status otSparsifyDense(int64_t n, int64_t m, const double* P, const double* r, const double* c, double massDrop,
                              const OtHessianOut& out, int64_t& nnzOut) {
  const OtRowTasks rt(0, n, m);
  std::vector<int64_t> bounds(static_cast<size_t>(rt.tasks) + 1);
  for (int64_t t = 0; t <= rt.tasks; t++) bounds[static_cast<size_t>(t)] = rt.begin(t);
  return otSparsifyRows(n, m, OtDenseRows{m}, bounds, n * m, P, r, c, massDrop, out, nnzOut);
}

// P indexed like the stored entries of a CSR pattern (rowPtr: n+1 entries, its ends checked by the
// caller: rowPtr[0] = 0, rowPtr[n] = nnz = P's length).
inline Status otSparsifyCsr(int64_t n, int64_t m, const int32_t* rowPtr, const int32_t* colIdx, int64_t nnz,
                            const double* P, const double* r, const double* c, double massDrop,
                            const OtHessianOut& out, int64_t& nnzOut) {
  // The row pointer is read once, into a copy that every pass uses (see otSparsifyRows).
  std::vector<int64_t> rows(rowPtr, rowPtr + n + 1);
  const OtCsrTasks rt(rowPtr, 0, n);
  return otSparsifyRows(n, m, OtCsrRows{rows.data(), colIdx, m, nnz}, rt.bounds, nnz, P, r, c, massDrop, out, nnzOut);
}

}  // namespace sparse
