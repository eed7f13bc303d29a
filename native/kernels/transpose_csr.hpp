// CSR of A^T by a stable counting sort on the column index (src/backend/js/transpose.ts): the
// result's rows come out sorted. rowPtr has cols + 1 entries; colIdx and values have nnz entries.
//
// Parallel counting sort: the rows are cut into P parts (P from the input alone, capped so the
// per-part counters stay within about 2*nnz ints); part p counts its columns, the offsets are the
// column prefix plus the counts of parts before p, and each part scatters its entries in row
// order. Entries of one column land in (part, row) order = row order: the serial result exactly.
#pragma once

#include "csr_check.hpp"
#include "par_csr.hpp"

namespace sparse {

template <SimdLevel L, class T>
Status transpose(const CsrView<T>& A, int32_t* rowPtr, int32_t* colIdx, T* values) {
  Status s = validateCsrParallel<L>(A);
  if (!s.ok()) return s;
  const int64_t nnz = A.nnz(), cols = A.cols;
  int64_t P = csrParts(A.rows, nnz, int64_t{1} << 16);
  const int64_t cap = (2 * nnz + 65536) / (cols + 1);
  P = P < cap ? P : (cap < 1 ? 1 : cap);
  P = P < 64 ? P : 64;
  if (P == 1) {
    for (int64_t j = 0; j <= cols; j++) rowPtr[j] = 0;
    for (int64_t k = 0; k < nnz; k++) rowPtr[A.colIdx[k] + 1]++;
    for (int64_t j = 0; j < cols; j++) rowPtr[j + 1] += rowPtr[j];
    Buf<int32_t> next;
    if (!next.allocate(cols)) return Status::noMemory("the transpose workspace");
    for (int64_t j = 0; j < cols; j++) next[j] = rowPtr[j];
    for (int64_t i = 0; i < A.rows; i++) {
      for (int64_t k = A.rowPtr[i]; k < A.rowPtr[i + 1]; k++) {
        const int32_t dst = next[A.colIdx[k]]++;
        colIdx[dst] = static_cast<int32_t>(i);
        values[dst] = A.values[k];
      }
    }
    return Status::okay();
  }
  Buf<int64_t> bounds;
  Buf<int32_t> cnt;
  if (!bounds.allocate(P + 1) || !cnt.allocate(P * cols)) return Status::noMemory("the transpose workspace");
  splitRowsByWork(A.rowPtr, A.rows, P, bounds.data());
  parallelFor(P, [&](int64_t p) {
    int32_t* c = cnt.data() + p * cols;
    for (int64_t j = 0; j < cols; j++) c[j] = 0;
    const int64_t kb = A.rowPtr[bounds[p]], ke = A.rowPtr[bounds[p + 1]];
    for (int64_t k = kb; k < ke; k++) c[A.colIdx[k]]++;
  });
  // Column totals, then the global prefix (serial over cols), then each part's offsets.
  const int64_t chunks = partsFor(cols * P, int64_t{1} << 16);
  parallelFor(chunks, [&](int64_t c) {
    const int64_t jb = (cols * c) / chunks, je = (cols * (c + 1)) / chunks;
    for (int64_t j = jb; j < je; j++) {
      int32_t t = 0;
      for (int64_t p = 0; p < P; p++) {
        const int32_t v = cnt[p * cols + j];
        cnt[p * cols + j] = t;  // offset within column j
        t += v;
      }
      rowPtr[j + 1] = t;
    }
  });
  rowPtr[0] = 0;
  for (int64_t j = 0; j < cols; j++) rowPtr[j + 1] += rowPtr[j];
  parallelFor(P, [&](int64_t p) {
    int32_t* next = cnt.data() + p * cols;
    for (int64_t j = 0; j < cols; j++) next[j] += rowPtr[j];
    for (int64_t i = bounds[p]; i < bounds[p + 1]; i++) {
      for (int64_t k = A.rowPtr[i]; k < A.rowPtr[i + 1]; k++) {
        const int32_t dst = next[A.colIdx[k]]++;
        colIdx[dst] = static_cast<int32_t>(i);
        values[dst] = A.values[k];
      }
    }
  });
  return Status::okay();
}

}  // namespace sparse
