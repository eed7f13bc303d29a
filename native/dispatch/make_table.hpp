// Instantiates every kernel for one SimdLevel. Included only by table_<level>.cpp, after
// prelude.hpp and inside that file's target region.
#pragma once

#include "spgemm_csr.hpp"
#include "spmv_csr.hpp"
#include "bsr_spmm.hpp"
#include "csr_family.hpp"
#include "stream.hpp"
#include "ot_lse.hpp"
#include "ot_plan.hpp"
#include "ot_batch.hpp"
#include "ot_csr.hpp"
#include "ot_hessian.hpp"

namespace sparse {

template <SimdLevel L>
KernelTable makeKernelTable() {
  KernelTable t;
  t.level = L;
  t.spmvF64 = &spmv<L, double>;
  t.spmvF32 = &spmv<L, float>;
  t.bsrSpmvF64 = &bsrSpmv<L, double>;
  t.bsrSpmvF32 = &bsrSpmv<L, float>;
  t.bsrSpmmF64 = &bsrSpmm<L, double>;
  t.bsrSpmmF32 = &bsrSpmm<L, float>;
  t.spgemmF64 = spgemmFns<L, double>();
  t.spgemmF32 = spgemmFns<L, float>();
  t.csrF64 = csrFns<L, double>();
  t.csrF32 = csrFns<L, float>();
  t.streamReadF64 = &streamRead<L, double>;
  t.streamTriadF64 = &streamTriad<L, double>;
  t.otLseRowsF64 = &otLseRows<L, double>;
  t.otLseRowsF32 = &otLseRows<L, float>;
  t.otLseColsF64 = &otLseCols<L, double>;
  t.otLseColsF32 = &otLseCols<L, float>;
  t.otLseColsShiftedF64 = &otLseColsShifted<L, double>;
  t.otLseColsShiftedF32 = &otLseColsShifted<L, float>;
  t.otPlanPassF64 = &otPlanPass<L, double>;
  t.otPlanPassF32 = &otPlanPass<L, float>;
  t.otExpm1Dot = &otExpm1Dot<L>;
  t.otKernelMatvec = &otKernelMatvec<L>;
  t.otScalingSweep = &otScalingSweep<L>;
  t.otPlanPassCsrF64 = &otPlanPassCsr<L, double>;
  t.otPlanPassCsrF32 = &otPlanPassCsr<L, float>;
  t.otExpm1DotCsrF64 = &otExpm1DotCsr<L, double>;
  t.otExpm1DotCsrF32 = &otExpm1DotCsr<L, float>;
  t.otScalingSweepCsr = &otScalingSweepCsr<L>;
  t.otLseRowsCsrF64 = &otLseRowsCsr<L, double>;
  t.otLseRowsCsrF32 = &otLseRowsCsr<L, float>;
  t.otLseColsShiftedCsrF64 = &otLseColsShiftedCsr<L, double>;
  t.otLseColsShiftedCsrF32 = &otLseColsShiftedCsr<L, float>;
  t.otLseColsCsrF64 = &otLseColsCsr<L, double>;
  t.otLseColsCsrF32 = &otLseColsCsr<L, float>;
  t.otExpProbe = &otExpProbe<L>;
  t.otSparsifyDense = &otSparsifyDense<L>;
  t.otSparsifyCsr = &otSparsifyCsr<L>;
  t.otLogSolveF64 = &otLogSolve<L, double>;
  t.otLogSolveF32 = &otLogSolve<L, float>;
  return t;
}

}  // namespace sparse
