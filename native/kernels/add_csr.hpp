// alpha*A + beta*B over the union of two canonical patterns (src/backend/js/add.ts); explicit
// zeros are kept. addSymbolic checks canonical order and fills rowPtr (rows + 1 entries);
// addNumeric merges into the caller's arrays. Both need validated A and B of equal shape.
// A and B may differ in value type; the result takes A's. Row-parallel: per-row counts in
// parallel, then one ordered pass that reports the first error exactly as the serial twin does.
#pragma once

#include "csr_view.hpp"
#include "par_csr.hpp"
#include "status.hpp"
#include "workspace.hpp"

namespace sparse {

// Entries of row i of the union; -1 / -2 when A / B is not canonical in that row.
template <SimdLevel L, class TA, class TB>
inline int64_t addRowCount(const CsrView<TA>& A, const CsrView<TB>& B, int64_t i) {
  const int32_t* aj = A.colIdx;
  const int32_t* bj = B.colIdx;
  int64_t p = A.rowPtr[i], q = B.rowPtr[i];
  const int64_t pe = A.rowPtr[i + 1], qe = B.rowPtr[i + 1];
  for (int64_t t = p + 1; t < pe; t++) {
    if (aj[t] <= aj[t - 1]) return -1;
  }
  for (int64_t t = q + 1; t < qe; t++) {
    if (bj[t] <= bj[t - 1]) return -2;
  }
  int64_t n = 0;
  while (p < pe && q < qe) {
    if (aj[p] < bj[q]) {
      p++;
    } else if (aj[p] > bj[q]) {
      q++;
    } else {
      p++;
      q++;
    }
    n++;
  }
  return n + pe - p + (qe - q);
}

template <SimdLevel L, class TA, class TB>
Status addSymbolic(const CsrView<TA>& A, const CsrView<TB>& B, int32_t* rowPtr) {
  const int64_t rows = A.rows;
  const int64_t parts = csrParts(rows, A.nnz() + B.nnz());
  Buf<int64_t> bounds, stop;
  if (!bounds.allocate(parts + 1) || !stop.allocate(parts)) return Status::noMemory("the row partition");
  splitRowsByWork(A.rowPtr, rows, parts, bounds.data());
  // Part p stores row counts in rowPtr[i + 1] up to its first row that is not canonical or whose
  // count does not fit (stop[p]); the ordered pass below never looks past that row.
  parallelFor(parts, [&](int64_t p) {
    stop[p] = bounds[p + 1];
    for (int64_t i = bounds[p]; i < bounds[p + 1]; i++) {
      const int64_t n = addRowCount<L>(A, B, i);
      if (n < 0 || n > kMaxIndex) {
        stop[p] = i;
        return;
      }
      rowPtr[i + 1] = static_cast<int32_t>(n);
    }
  });
  int64_t nnz = 0;
  rowPtr[0] = 0;
  for (int64_t p = 0; p < parts; p++) {
    for (int64_t i = bounds[p]; i < bounds[p + 1]; i++) {
      const int64_t n = i == stop[p] ? addRowCount<L>(A, B, i) : rowPtr[i + 1];
      if (n == -1) return notCanonical("A", i);
      if (n == -2) return notCanonical("B", i);
      nnz += n;
      if (nnz > kMaxIndex) return Status::tooLarge("the sum has more than " + num(kMaxIndex) + " nonzeros");
      rowPtr[i + 1] = static_cast<int32_t>(nnz);
    }
  }
  return Status::okay();
}

template <SimdLevel L, class TA, class TB>
void addNumeric(const CsrView<TA>& A, const CsrView<TB>& B, const int32_t* rowPtr, double alpha, double beta,
                int32_t* colIdx, TA* values) {
  const int32_t* aj = A.colIdx;
  const int32_t* bj = B.colIdx;
  const int64_t parts = csrParts(A.rows, rowPtr[A.rows]);
  Buf<int64_t> bounds;
  const bool split = parts > 1 && bounds.allocate(parts + 1);
  if (split) splitRowsByWork(rowPtr, A.rows, parts, bounds.data());
  auto rows = [&](int64_t rb, int64_t re) {
    for (int64_t i = rb; i < re; i++) {
      int64_t w = rowPtr[i];
      int64_t p = A.rowPtr[i], q = B.rowPtr[i];
      const int64_t pe = A.rowPtr[i + 1], qe = B.rowPtr[i + 1];
      while (p < pe || q < qe) {
        if (q >= qe || (p < pe && aj[p] < bj[q])) {
          colIdx[w] = aj[p];
          values[w++] = static_cast<TA>(alpha * static_cast<Acc>(A.values[p++]));
        } else if (p >= pe || bj[q] < aj[p]) {
          colIdx[w] = bj[q];
          values[w++] = static_cast<TA>(beta * static_cast<Acc>(B.values[q++]));
        } else {
          colIdx[w] = aj[p];
          values[w++] = static_cast<TA>(alpha * static_cast<Acc>(A.values[p++]) + beta * static_cast<Acc>(B.values[q++]));
        }
      }
    }
  };
  if (!split) {
    rows(0, A.rows);
    return;
  }
  parallelFor(parts, [&](int64_t p) { rows(bounds[p], bounds[p + 1]); });
}

}  // namespace sparse
