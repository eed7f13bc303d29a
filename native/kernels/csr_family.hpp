// The table entries of the CSR kernels other than SpMV and SpGEMM (see KernelTable::csr).
#pragma once

#include "add_csr.hpp"
#include "all_finite.hpp"
#include "coo_to_csr.hpp"
#include "dense_csr.hpp"
#include "reductions_csr.hpp"
#include "scale_csr.hpp"
#include "spmm_csr.hpp"
#include "transpose_csr.hpp"

namespace sparse {

template <SimdLevel L, class T>
CsrFns<T> csrFns() {
  CsrFns<T> f;
  f.spmm = &spmm<L, T>;
  f.transpose = &transpose<L, T>;
  f.cooSymbolic = &cooToCsrSymbolic<L, T>;
  f.cooNumeric = &cooToCsrNumeric<L, T>;
  f.addSymbolicF64 = &addSymbolic<L, T, double>;
  f.addSymbolicF32 = &addSymbolic<L, T, float>;
  f.addNumericF64 = &addNumeric<L, T, double>;
  f.addNumericF32 = &addNumeric<L, T, float>;
  f.scale = &scale<L, T>;
  f.scaleRows = &scaleRows<L, T>;
  f.scaleCols = &scaleCols<L, T>;
  f.rowSums = &rowSums<L, T>;
  f.colSums = &colSums<L, T>;
  f.diagonal = &diagonal<L, T>;
  f.normFrobenius = &normFrobenius<L, T>;
  f.toDense = &toDense<L, T>;
  f.fromDenseSymbolic = &fromDenseSymbolic<L, T>;
  f.fromDenseNumeric = &fromDenseNumeric<L, T>;
  f.allFinite = &allFinite<L, T>;
  f.validate = &validateCsrParallel<L, T>;
  return f;
}

}  // namespace sparse
