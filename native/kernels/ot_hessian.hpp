// The sparsified Newton matrix of SNS for a dense plan P (n x m, row-major):
//   H = [[diag(r), S], [S^T, diag(c)]],  S = P restricted to the kept entries,
// as a CSR of size n+m with sorted columns. The kept set is the mass rule of src/ot/sns-hessian.ts
// (the JS twin): entries are binned by their IEEE exponent, and the smallest binades holding at
// most massDrop * sum(P) are dropped. The histogram is summed serially in storage order, exactly
// as the twin does, so the cut, and with it the structure, is the twin's bit for bit.
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

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

inline Status otSparsifyDense(int64_t n, int64_t m, const double* P, const double* r, const double* c, double massDrop,
                              OtHessian& out) {
  const int64_t len = n * m;
  std::vector<double> hist(2048, 0.0);
  double total = 0;
  for (int64_t k = 0; k < len; k++) {
    const uint32_t e = otExponentBin(P[k]);
    if (e < 2048) hist[e] += P[k];  // a negative entry (never produced) lands nowhere, like the twin's
    total += P[k];
  }
  const double budget = massDrop * total;
  double cum = 0;
  uint32_t cut = 0;
  for (; cut < 2048; cut++) {
    if (cum + hist[cut] > budget) break;
    cum += hist[cut];
  }
  std::vector<int64_t> colCnt(static_cast<size_t>(m), 0);
  std::vector<int64_t> rowCnt(static_cast<size_t>(n), 0);
  int64_t kept = 0;
  for (int64_t i = 0; i < n; i++) {
    const double* row = P + i * m;
    int64_t cnt = 0;
    for (int64_t j = 0; j < m; j++) {
      if (otExponentBin(row[j]) >= cut) {
        cnt++;
        colCnt[j]++;
      }
    }
    rowCnt[i] = cnt;
    kept += cnt;
  }
  const int64_t N = n + m;
  const int64_t nnz = N + 2 * kept;
  if (nnz > INT32_MAX) return Status::error(ErrorKind::TooLarge, "otSparsify: the sparsified Hessian has more than 2^31-1 entries");
  out.kept = kept;
  out.rowPtr.assign(static_cast<size_t>(N + 1), 0);
  for (int64_t i = 0; i < n; i++) out.rowPtr[i + 1] = out.rowPtr[i] + static_cast<int32_t>(1 + rowCnt[i]);
  for (int64_t j = 0; j < m; j++) out.rowPtr[n + j + 1] = out.rowPtr[n + j] + static_cast<int32_t>(1 + colCnt[j]);
  out.colIdx.assign(static_cast<size_t>(nnz), 0);
  out.values.assign(static_cast<size_t>(nnz), 0.0);
  std::vector<int32_t> cursor(static_cast<size_t>(m));
  for (int64_t j = 0; j < m; j++) cursor[j] = out.rowPtr[n + j];
  for (int64_t i = 0; i < n; i++) {
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
  for (int64_t j = 0; j < m; j++) {
    out.colIdx[cursor[j]] = static_cast<int32_t>(n + j);
    out.values[cursor[j]] = c[j];
  }
  return Status::okay();
}

}  // namespace sparse
