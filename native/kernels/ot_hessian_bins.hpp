// The mass rule of the sparsified SNS Hessian (ot_hessian.hpp), in plain functions: prelude.hpp
// includes this header before the tables' target regions, so they are compiled once, for the
// baseline ISA (see ot_tasks.hpp for why).
//
// Entries are binned by their sign and IEEE exponent; the smallest binades holding at most
// massDrop * (their total) are dropped. The histogram counts mass in integer units (otMassUnits),
// so its sums are exact in any order: the cut, and with it the structure, is the JS twin's
// (src/ot/sns-hessian.ts) bit for bit at any thread count. Binades below a floor (otMassFloorBin)
// are dropped without being counted: all of them together hold less than 2^-40 of the budget,
// and skipping them leaves the histogram a few percent of the plan to count.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

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

// The floor: F = massDrop * sum(r) / len * 2^-40 (r: P's row sums, summed in index order), and
// the floor bin is F's exponent, so every entry below the bin is below F and all of them hold
// less than len * F. 0 (count every entry) when F is not a positive finite number.
inline uint32_t otMassFloorBin(const double* r, int64_t n, double massDrop, int64_t len) {
  double total = 0;
  for (int64_t i = 0; i < n; i++) total += r[i];
  const double floor = massDrop * total / static_cast<double>(len) * 0x1p-40;
  if (!(floor > 0) || !std::isfinite(floor)) return 0;
  return otHighWord(floor) >> 20;
}

// The cut from the parts' histograms (`parts` of `stride` >= kOtBins each, the first kOtBins of
// them bins; summed in any order): the first bin where the ascending cumulative mass passes
// massDrop * (the counted total).
inline uint32_t otCutFromParts(const std::vector<uint64_t>& part, int64_t parts, int64_t stride, double massDrop) {
  std::vector<double> mass(kOtBins);
  double total = 0;
  for (int e = 0; e < kOtBins; e++) {
    uint64_t units = 0;
    for (int64_t t = 0; t < parts; t++) units += part[static_cast<size_t>(t * stride + e)];
    mass[static_cast<size_t>(e)] = std::ldexp(static_cast<double>(units), (e > 1 ? e : 1) - 1043);
    total += mass[static_cast<size_t>(e)];
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
  static constexpr bool dense = true;
  int64_t m;
  int64_t begin(int64_t i) const { return i * m; }
  int64_t end(int64_t i) const { return (i + 1) * m; }
  int64_t col(int64_t i, int64_t k) const { return k - i * m; }
  bool rowOk(int64_t) const { return true; }
  bool colOk(int64_t) const { return true; }
};
struct OtCsrRows {
  static constexpr bool dense = false;
  const int64_t* rowPtr;  // a copy of the cost's row pointer, taken once (see otSparsifyCsr)
  const int32_t* colIdx;
  int64_t m, nnz;
  int64_t begin(int64_t i) const { return rowPtr[i]; }
  int64_t end(int64_t i) const { return rowPtr[i + 1]; }
  int64_t col(int64_t, int64_t k) const { return colIdx[k]; }
  bool rowOk(int64_t i) const { return rowPtr[i] >= 0 && rowPtr[i + 1] >= rowPtr[i] && rowPtr[i + 1] <= nnz; }
  bool colOk(int64_t j) const { return j >= 0 && j < m; }
};

}  // namespace sparse
