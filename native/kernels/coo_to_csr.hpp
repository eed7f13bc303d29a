// Canonical CSR from coordinates (src/backend/js/coo.ts): a stable counting sort by row, then per
// row duplicates summed in insertion order (first assigned, then added) and columns sorted.
// cooToCsrSymbolic does all the work into `work` and fills rowPtr (rows + 1 entries);
// cooToCsrNumeric copies the nnz = rowPtr[rows] compacted entries into the caller's arrays.
#pragma once

#include <algorithm>
#include <new>
#include <vector>

#include "csr_view.hpp"
#include "status.hpp"

namespace sparse {

struct CooToCsrWork {
  std::vector<int32_t> bucketCol;
  std::vector<Acc> bucketVal;
};

template <class T>
Status cooToCsrSymbolic(int64_t rows, int64_t cols, const int32_t* ri, int64_t riLen, const int32_t* ci,
                        int64_t ciLen, const T* vals, int64_t valsLen, int32_t* rowPtr, CooToCsrWork& work) {
  const int64_t n = riLen;
  if (ciLen != n || valsLen != n) {
    return Status::format("coordinate arrays differ in length (" + num(riLen) + ", " + num(ciLen) + ", " +
                          num(valsLen) + ")");
  }
  std::vector<int32_t> count, marker;
  std::vector<Acc> acc;
  try {
    count.assign(static_cast<size_t>(rows) + 1, 0);
    for (int64_t t = 0; t < n; t++) {
      if (outOfRange(ri[t], rows)) {
        return Status::format("row index " + num(ri[t]) + " at entry " + num(t) + " is out of range [0, " +
                              num(rows) + ")");
      }
      if (outOfRange(ci[t], cols)) {
        return Status::format("column index " + num(ci[t]) + " at entry " + num(t) + " is out of range [0, " +
                              num(cols) + ")");
      }
      count[ri[t] + 1]++;
    }
    work.bucketCol.resize(static_cast<size_t>(n));
    work.bucketVal.resize(static_cast<size_t>(n));
    marker.assign(static_cast<size_t>(cols), -1);
    acc.resize(static_cast<size_t>(cols));
  } catch (const std::bad_alloc&) {
    return Status::noMemory("the COO conversion workspace");
  }
  for (int64_t i = 0; i < rows; i++) count[i + 1] += count[i];
  {
    std::vector<int32_t> cursor;
    try {
      cursor.assign(count.begin(), count.end() - 1);
    } catch (const std::bad_alloc&) {
      return Status::noMemory("the COO conversion workspace");
    }
    for (int64_t t = 0; t < n; t++) {
      const int32_t dst = cursor[ri[t]]++;
      work.bucketCol[dst] = ci[t];
      work.bucketVal[dst] = vals[t];
    }
  }
  // Compact each row in place (the write position never passes the read position).
  int32_t* bc = work.bucketCol.data();
  Acc* bv = work.bucketVal.data();
  int64_t w = 0;
  rowPtr[0] = 0;
  for (int64_t i = 0; i < rows; i++) {
    const int64_t start = w;
    for (int64_t t = count[i]; t < count[i + 1]; t++) {
      const int32_t j = bc[t];
      if (marker[j] != i) {
        marker[j] = static_cast<int32_t>(i);
        bc[w++] = j;
        acc[j] = bv[t];
      } else {
        acc[j] += bv[t];
      }
    }
    std::sort(bc + start, bc + w);
    for (int64_t t = start; t < w; t++) bv[t] = acc[bc[t]];
    rowPtr[i + 1] = static_cast<int32_t>(w);
  }
  return Status::okay();
}

template <class T>
void cooToCsrNumeric(const CooToCsrWork& work, int64_t nnz, int32_t* colIdx, T* values) {
  for (int64_t t = 0; t < nnz; t++) {
    colIdx[t] = work.bucketCol[t];
    values[t] = static_cast<T>(work.bucketVal[t]);
  }
}

}  // namespace sparse
