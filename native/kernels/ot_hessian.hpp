// The sparsified Newton matrix of SNS for a dense plan P (n x m, row-major):
//   H = [[diag(r), S], [S^T, diag(c)]],  S = P restricted to the kept entries,
// as a CSR of size n+m with sorted columns. The kept set is the mass rule of src/ot/sns-hessian.ts
// (the JS twin): entries are binned by their IEEE exponent, and the smallest binades holding at
// most massDrop * sum(P) are dropped. The histogram is summed in fixed blocks in storage order,
// exactly as the twin does, so the cut, and with it the structure, is the twin's bit for bit;
// every pass runs over row tasks chosen by the input size only.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "ot_rows.hpp"
#include "parallel.hpp"
#include "status.hpp"

namespace sparse {

struct OtHessian {
  std::vector<int32_t> rowPtr;
  std::vector<int32_t> colIdx;
  std::vector<double> values;
  int64_t kept = 0;
};

// The top 12 bits of a double (sign and exponent), as the twin's `hi >>> 20`.
inline uint32_t otExponentBin(double p) {
  uint64_t bits;
  std::memcpy(&bits, &p, sizeof bits);
  return static_cast<uint32_t>(bits >> 52);
}

// The mass histogram is summed per block of kOtHistBlock entries in storage order and the blocks
// are added in block order (as the twin does), so the cut is the same bits at any thread count.
constexpr int64_t kOtHistBlock = int64_t{1} << 16;
constexpr int kOtBins = 2048;

inline uint32_t otSparsifyCut(const double* P, int64_t len, double massDrop) {
  const int64_t blocks = (len + kOtHistBlock - 1) / kOtHistBlock;
  std::vector<double> part(static_cast<size_t>(blocks * (kOtBins + 1)), 0.0);
  parallelFor(blocks, [&](int64_t b) {
    double* hist = part.data() + b * (kOtBins + 1);
    double total = 0;
    for (int64_t k = b * kOtHistBlock; k < std::min(len, (b + 1) * kOtHistBlock); k++) {
      const uint32_t e = otExponentBin(P[k]);
      if (e < kOtBins) hist[e] += P[k];  // a negative entry (never produced) lands nowhere, like the twin's
      total += P[k];
    }
    hist[kOtBins] = total;
  });
  std::vector<double> hist(kOtBins + 1, 0.0);
  for (int64_t b = 0; b < blocks; b++) {
    for (int e = 0; e <= kOtBins; e++) hist[e] += part[static_cast<size_t>(b * (kOtBins + 1) + e)];
  }
  const double budget = massDrop * hist[kOtBins];
  double cum = 0;
  uint32_t cut = 0;
  for (; cut < static_cast<uint32_t>(kOtBins); cut++) {
    if (cum + hist[cut] > budget) break;
    cum += hist[cut];
  }
  return cut;
}

inline Status otSparsifyDense(int64_t n, int64_t m, const double* P, const double* r, const double* c, double massDrop,
                              OtHessian& out) {
  const uint32_t cut = otSparsifyCut(P, n * m, massDrop);
  // Rows in tasks (by size only); each task counts its rows' kept entries and its own column counts,
  // so the column half can be filled in parallel from per-task cursors, rows still in order.
  const OtRowTasks rt(0, n, m);
  const int64_t tasks = rt.tasks;
  std::vector<int32_t> colCnt(static_cast<size_t>(tasks * m), 0);
  std::vector<int64_t> rowCnt(static_cast<size_t>(n), 0);
  parallelFor(tasks, [&](int64_t t) {
    int32_t* cc = colCnt.data() + t * m;
    for (int64_t i = rt.begin(t); i < rt.begin(t + 1); i++) {
      const double* row = P + i * m;
      int64_t cnt = 0;
      for (int64_t j = 0; j < m; j++) {
        const bool keep = otExponentBin(row[j]) >= cut;
        cnt += keep;
        cc[j] += keep;
      }
      rowCnt[static_cast<size_t>(i)] = cnt;
    }
  });
  int64_t kept = 0;
  for (int64_t i = 0; i < n; i++) kept += rowCnt[static_cast<size_t>(i)];
  const int64_t N = n + m;
  const int64_t nnz = N + 2 * kept;
  if (nnz > INT32_MAX) return Status::error(ErrorKind::TooLarge, "otSparsify: the sparsified Hessian has more than 2^31-1 entries");
  out.kept = kept;
  out.rowPtr.assign(static_cast<size_t>(N + 1), 0);
  for (int64_t i = 0; i < n; i++) out.rowPtr[i + 1] = out.rowPtr[i] + static_cast<int32_t>(1 + rowCnt[i]);
  // Column j's row: its entries from task 0's rows first, then task 1's, ...; turn the counts into
  // each task's start in place.
  for (int64_t j = 0; j < m; j++) {
    int32_t at = out.rowPtr[n + j];
    for (int64_t t = 0; t < tasks; t++) {
      const int32_t cnt = colCnt[static_cast<size_t>(t * m + j)];
      colCnt[static_cast<size_t>(t * m + j)] = at;
      at += cnt;
    }
    out.rowPtr[n + j + 1] = at + 1;
  }
  out.colIdx.assign(static_cast<size_t>(nnz), 0);
  out.values.assign(static_cast<size_t>(nnz), 0.0);
  parallelFor(tasks, [&](int64_t t) {
    int32_t* cursor = colCnt.data() + t * m;
    for (int64_t i = rt.begin(t); i < rt.begin(t + 1); i++) {
      int32_t pos = out.rowPtr[i];
      out.colIdx[pos] = static_cast<int32_t>(i);
      out.values[pos++] = r[i];
      const double* row = P + i * m;
      for (int64_t j = 0; j < m; j++) {
        if (otExponentBin(row[j]) >= cut) {
          out.colIdx[pos] = static_cast<int32_t>(n + j);
          out.values[pos++] = row[j];
          const int32_t q = cursor[j]++;
          out.colIdx[q] = static_cast<int32_t>(i);
          out.values[q] = row[j];
        }
      }
    }
  });
  for (int64_t j = 0; j < m; j++) {
    const int32_t last = out.rowPtr[n + j + 1] - 1;
    out.colIdx[last] = static_cast<int32_t>(n + j);
    out.values[last] = c[j];
  }
  return Status::okay();
}

}  // namespace sparse
