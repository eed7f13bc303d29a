// alpha*A + beta*B over the union of two canonical patterns (src/backend/js/add.ts); explicit
// zeros are kept. addSymbolic checks canonical order and fills rowPtr (rows + 1 entries);
// addNumeric merges into the caller's arrays. Both need validated A and B of equal shape.
// A and B may differ in value type; the result takes A's.
#pragma once

#include "csr_view.hpp"
#include "status.hpp"

namespace sparse {

inline Status notCanonical(const char* which, int64_t i) {
  return Status::format(std::string("add needs canonical CSR: row ") + num(i) + " of " + which +
                        " has unsorted or duplicate columns");
}

template <class TA, class TB>
Status addSymbolic(const CsrView<TA>& A, const CsrView<TB>& B, int32_t* rowPtr) {
  const int32_t* aj = A.colIdx;
  const int32_t* bj = B.colIdx;
  int64_t nnz = 0;
  rowPtr[0] = 0;
  for (int64_t i = 0; i < A.rows; i++) {
    int64_t p = A.rowPtr[i], q = B.rowPtr[i];
    const int64_t pe = A.rowPtr[i + 1], qe = B.rowPtr[i + 1];
    for (int64_t t = p + 1; t < pe; t++) {
      if (aj[t] <= aj[t - 1]) return notCanonical("A", i);
    }
    for (int64_t t = q + 1; t < qe; t++) {
      if (bj[t] <= bj[t - 1]) return notCanonical("B", i);
    }
    while (p < pe && q < qe) {
      if (aj[p] < bj[q]) {
        p++;
      } else if (aj[p] > bj[q]) {
        q++;
      } else {
        p++;
        q++;
      }
      nnz++;
    }
    nnz += pe - p + (qe - q);
    if (nnz > kMaxIndex) return Status::tooLarge("the sum has more than " + num(kMaxIndex) + " nonzeros");
    rowPtr[i + 1] = static_cast<int32_t>(nnz);
  }
  return Status::okay();
}

template <class TA, class TB>
void addNumeric(const CsrView<TA>& A, const CsrView<TB>& B, double alpha, double beta, int32_t* colIdx,
                TA* values) {
  const int32_t* aj = A.colIdx;
  const int32_t* bj = B.colIdx;
  int64_t w = 0;
  for (int64_t i = 0; i < A.rows; i++) {
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
}

}  // namespace sparse
