// One table of kernel entry points per SIMD level. Every kernel is a template over <SimdLevel L,
// class T>; native/dispatch/table_<level>.cpp instantiates all of them for one level inside a
// target region (make_table.hpp), and the addon picks one table at load (CPUID, capped by
// SPARSE_LINALG_SIMD). Adding a kernel = one field here + one line in make_table.hpp.
#pragma once

#include <cstdint>

#include "bsr_view.hpp"
#include "ot_hessian_bins.hpp"
#include "ot_problem.hpp"
#include "csr_view.hpp"
#include "simd_level.hpp"
#include "spgemm_plan.hpp"
#include "status.hpp"
#include "workspace.hpp"

namespace sparse {

template <class T>
using SpmvFn = Status (*)(const CsrView<T>& A, const T* x, T* y, double alpha, double beta, bool transpose);
// helperA's family (threads issue): spmm, transpose, COO->CSR, add, scaling, reductions, dense.
template <class T>
using SpmmFn = Status (*)(const CsrView<T>& A, const T* X, int64_t k, T* Y, double alpha, double beta, bool transpose);
template <class T>
using TransposeFn = Status (*)(const CsrView<T>& A, int32_t* rowPtr, int32_t* colIdx, T* values);
template <class T>
using CooSymbolicFn = Status (*)(int64_t rows, int64_t cols, const int32_t* ri, int64_t riLen, const int32_t* ci,
                                 int64_t ciLen, const T* vals, int64_t valsLen, int32_t* rowPtr, CooToCsrWork& work);
template <class T>
using CooNumericFn = void (*)(const CooToCsrWork& work, int64_t rows, const int32_t* rowPtr, int32_t* colIdx, T* values);
template <class TA, class TB>
using AddSymbolicFn = Status (*)(const CsrView<TA>& A, const CsrView<TB>& B, int32_t* rowPtr);
template <class TA, class TB>
using AddNumericFn = void (*)(const CsrView<TA>& A, const CsrView<TB>& B, const int32_t* rowPtr, double alpha,
                              double beta, int32_t* colIdx, TA* values);
template <class T>
using ScaleFn = Status (*)(const CsrView<T>& A, double s, T* out);
template <class T>
using ScaleByFn = Status (*)(const CsrView<T>& A, const T* d, T* out);
template <class T>
using ReduceFn = Status (*)(const CsrView<T>& A, T* out);
template <class T>
using NormFn = Status (*)(const CsrView<T>& A, double* result);
template <class T>
using FromDenseSymbolicFn = Status (*)(int64_t rows, int64_t cols, const T* data, int32_t* rowPtr);
template <class T>
using FromDenseNumericFn = Status (*)(int64_t rows, int64_t cols, const T* data, const int32_t* rowPtr, int32_t* colIdx,
                                    T* values);
template <class T>
using AllFiniteFn = Status (*)(const T* x, int64_t n, bool* result);
template <class T>
struct CsrFns {
  SpmmFn<T> spmm = nullptr;
  TransposeFn<T> transpose = nullptr;
  CooSymbolicFn<T> cooSymbolic = nullptr;
  CooNumericFn<T> cooNumeric = nullptr;
  AddSymbolicFn<T, double> addSymbolicF64 = nullptr;  // B of f64
  AddSymbolicFn<T, float> addSymbolicF32 = nullptr;   // B of f32
  AddNumericFn<T, double> addNumericF64 = nullptr;
  AddNumericFn<T, float> addNumericF32 = nullptr;
  ScaleFn<T> scale = nullptr;
  ScaleByFn<T> scaleRows = nullptr;
  ScaleByFn<T> scaleCols = nullptr;
  ReduceFn<T> rowSums = nullptr;
  ReduceFn<T> colSums = nullptr;
  ReduceFn<T> diagonal = nullptr;
  NormFn<T> normFrobenius = nullptr;
  ReduceFn<T> toDense = nullptr;
  FromDenseSymbolicFn<T> fromDenseSymbolic = nullptr;
  FromDenseNumericFn<T> fromDenseNumeric = nullptr;
  AllFiniteFn<T> allFinite = nullptr;  // dense values (all_finite.hpp)
  Status (*validate)(const CsrView<T>& A) = nullptr;  // validateCsr, multi-threaded

  AddSymbolicFn<T, double> addSymbolic(double) const { return addSymbolicF64; }
  AddSymbolicFn<T, float> addSymbolic(float) const { return addSymbolicF32; }
  AddNumericFn<T, double> addNumeric(double) const { return addNumericF64; }
  AddNumericFn<T, float> addNumeric(float) const { return addNumericF32; }
};
// Memory-bandwidth probe for bench/ (stream.hpp): sum of a[0..n), and a = b + s*c.
template <class T>
using StreamReadFn = Status (*)(const T* a, int64_t n, double* result);
template <class T>
using StreamTriadFn = Status (*)(T* a, const T* b, const T* c, double s, int64_t n);

// BSR products (bsr_spmv.hpp, bsr_spmm.hpp).
template <class T>
using BsrSpmvFn = Status (*)(const BsrView<T>& A, const T* x, T* y, double alpha, double beta, bool transpose);
template <class T>
using BsrSpmmFn = Status (*)(const BsrView<T>& A, const T* X, int64_t k, T* Y, double alpha, double beta,
                             bool transpose);

// Optimal-transport kernels over a dense cost: log-sum-exp reductions (ot_lse.hpp), the Newton
// stage's plan / line-search passes and the kernel products of scaling Sinkhorn (ot_plan.hpp), and
// the exp probe.
template <class T>
using OtLseRowsFn = Status (*)(int64_t rows, int64_t cols, const T* C, const double* v, double eps,
                               const double* guess, double* out, int64_t r0, int64_t r1);
template <class T>
using OtLseColsShiftedFn = Status (*)(int64_t rows, int64_t cols, const T* C, const double* u, double eps,
                                      const double* shift, double* colSum, int64_t r0, int64_t r1);
template <class T>
using OtPlanPassFn = Status (*)(int64_t rows, int64_t cols, const T* C, const double* f, const double* g, double eps,
                                double* P, double* rowSums, double* colSums, double* stats, double floor, int64_t r0,
                                int64_t r1);
using OtExpm1DotFn = Status (*)(int64_t rows, int64_t cols, const double* P, const double* df, const double* dg,
                                double scale, double tiny, double* acc, int64_t r0, int64_t r1);
using OtKernelMatvecFn = Status (*)(int64_t rows, int64_t cols, const double* K, const double* x, double* y,
                                    bool transpose, int64_t r0, int64_t r1);
template <class T>
using OtPlanPassCsrFn = Status (*)(const CsrView<T>& C, const double* f, const double* g, double eps, double* P,
                                   double* rowSums, double* colSums, double* stats, double floor, int64_t r0,
                                   int64_t r1);
template <class T>
using OtExpm1DotCsrFn = Status (*)(const CsrView<T>& C, const double* P, const double* df, const double* dg,
                                   double scale, double tiny, double* acc, int64_t r0, int64_t r1);
template <class T>
using OtLseRowsCsrFn = Status (*)(const CsrView<T>& C, const double* v, double eps, const double* guess, double* out,
                                  int64_t r0, int64_t r1);
template <class T>
using OtLseColsShiftedCsrFn = Status (*)(const CsrView<T>& C, const double* u, double eps, const double* shift,
                                         double* colSum, int64_t r0, int64_t r1);
template <class T>
using OtLseColsCsrFn = Status (*)(const CsrView<T>& C, const double* u, double eps, double* colMax, double* colSum,
                                  int64_t r0, int64_t r1);
using OtScalingSweepCsrFn = Status (*)(const CsrView<double>& K, const double* v, const double* a, const double* uOld,
                                       double* uNew, double* colAcc, double* err, int64_t r0, int64_t r1);
using OtScalingSweepFn = Status (*)(int64_t rows, int64_t cols, const double* K, const double* v, const double* a,
                                    const double* uOld, double* uNew, double* colAcc, double* err, int64_t r0,
                                    int64_t r1);
template <class T>
using OtLseColsFn = Status (*)(int64_t rows, int64_t cols, const T* C, const double* u, double eps, double* colMax,
                               double* colSum, int64_t r0, int64_t r1);
using OtExpProbeFn = Status (*)(const double* x, double* out, int64_t n);
// The SNS sparsified Hessian (ot_hessian.hpp), for a dense plan and for a plan on a CSR pattern.
using OtSparsifyDenseFn = Status (*)(int64_t n, int64_t m, const double* P, const double* r, const double* c,
                                     double massDrop, const OtHessianOut& out, int64_t& nnzOut);
using OtSparsifyCsrFn = Status (*)(int64_t n, int64_t m, const int32_t* rowPtr, const int32_t* colIdx, int64_t nnz,
                                   const double* P, const double* r, const double* c, double massDrop,
                                   const OtHessianOut& out, int64_t& nnzOut);
// One whole log-domain Sinkhorn solve on the calling thread (ot_batch.hpp; sinkhornBatch).
template <class T>
using OtLogSolveFn = Status (*)(const OtLogProblem<T>& problem, OtLogOutcome& outcome);

struct KernelTable {
  SimdLevel level = SimdLevel::Scalar;
  SpmvFn<double> spmvF64 = nullptr;
  SpmvFn<float> spmvF32 = nullptr;
  BsrSpmvFn<double> bsrSpmvF64 = nullptr;
  BsrSpmvFn<float> bsrSpmvF32 = nullptr;
  BsrSpmmFn<double> bsrSpmmF64 = nullptr;
  BsrSpmmFn<float> bsrSpmmF32 = nullptr;
  SpgemmFns<double> spgemmF64;
  SpgemmFns<float> spgemmF32;
  CsrFns<double> csrF64;
  CsrFns<float> csrF32;
  StreamReadFn<double> streamReadF64 = nullptr;
  StreamTriadFn<double> streamTriadF64 = nullptr;
  OtLseRowsFn<double> otLseRowsF64 = nullptr;
  OtLseRowsFn<float> otLseRowsF32 = nullptr;
  OtLseColsFn<double> otLseColsF64 = nullptr;
  OtLseColsFn<float> otLseColsF32 = nullptr;
  OtLseColsShiftedFn<double> otLseColsShiftedF64 = nullptr;
  OtLseColsShiftedFn<float> otLseColsShiftedF32 = nullptr;
  OtPlanPassFn<double> otPlanPassF64 = nullptr;
  OtPlanPassFn<float> otPlanPassF32 = nullptr;
  OtExpm1DotFn otExpm1Dot = nullptr;
  OtKernelMatvecFn otKernelMatvec = nullptr;
  OtScalingSweepFn otScalingSweep = nullptr;
  OtPlanPassCsrFn<double> otPlanPassCsrF64 = nullptr;
  OtPlanPassCsrFn<float> otPlanPassCsrF32 = nullptr;
  OtExpm1DotCsrFn<double> otExpm1DotCsrF64 = nullptr;
  OtExpm1DotCsrFn<float> otExpm1DotCsrF32 = nullptr;
  OtScalingSweepCsrFn otScalingSweepCsr = nullptr;
  OtLseRowsCsrFn<double> otLseRowsCsrF64 = nullptr;
  OtLseRowsCsrFn<float> otLseRowsCsrF32 = nullptr;
  OtLseColsShiftedCsrFn<double> otLseColsShiftedCsrF64 = nullptr;
  OtLseColsShiftedCsrFn<float> otLseColsShiftedCsrF32 = nullptr;
  OtLseColsCsrFn<double> otLseColsCsrF64 = nullptr;
  OtLseColsCsrFn<float> otLseColsCsrF32 = nullptr;
  OtExpProbeFn otExpProbe = nullptr;
  OtSparsifyDenseFn otSparsifyDense = nullptr;
  OtSparsifyCsrFn otSparsifyCsr = nullptr;
  OtLogSolveFn<double> otLogSolveF64 = nullptr;
  OtLogSolveFn<float> otLogSolveF32 = nullptr;

  // Typed access for templated binding code: table.get<double>(&KernelTable::spmvF64, ...) is
  // clumsy, so each family gets a small overload pair.
  SpmvFn<double> spmv(double) const { return spmvF64; }
  SpmvFn<float> spmv(float) const { return spmvF32; }
  BsrSpmvFn<double> bsrSpmv(double) const { return bsrSpmvF64; }
  BsrSpmvFn<float> bsrSpmv(float) const { return bsrSpmvF32; }
  BsrSpmmFn<double> bsrSpmm(double) const { return bsrSpmmF64; }
  BsrSpmmFn<float> bsrSpmm(float) const { return bsrSpmmF32; }
  SpgemmFns<double> spgemm(double) const { return spgemmF64; }
  SpgemmFns<float> spgemm(float) const { return spgemmF32; }
  const CsrFns<double>& csr(double) const { return csrF64; }
  const CsrFns<float>& csr(float) const { return csrF32; }
  StreamReadFn<double> streamRead(double) const { return streamReadF64; }
  StreamTriadFn<double> streamTriad(double) const { return streamTriadF64; }
  OtLseRowsFn<double> otLseRows(double) const { return otLseRowsF64; }
  OtLseRowsFn<float> otLseRows(float) const { return otLseRowsF32; }
  OtLseColsFn<double> otLseCols(double) const { return otLseColsF64; }
  OtLseColsFn<float> otLseCols(float) const { return otLseColsF32; }
  OtLseColsShiftedFn<double> otLseColsShifted(double) const { return otLseColsShiftedF64; }
  OtLseColsShiftedFn<float> otLseColsShifted(float) const { return otLseColsShiftedF32; }
  OtPlanPassFn<double> otPlanPass(double) const { return otPlanPassF64; }
  OtPlanPassFn<float> otPlanPass(float) const { return otPlanPassF32; }
  OtPlanPassCsrFn<double> otPlanPassCsr(double) const { return otPlanPassCsrF64; }
  OtPlanPassCsrFn<float> otPlanPassCsr(float) const { return otPlanPassCsrF32; }
  OtExpm1DotCsrFn<double> otExpm1DotCsr(double) const { return otExpm1DotCsrF64; }
  OtExpm1DotCsrFn<float> otExpm1DotCsr(float) const { return otExpm1DotCsrF32; }
  OtLseRowsCsrFn<double> otLseRowsCsr(double) const { return otLseRowsCsrF64; }
  OtLseRowsCsrFn<float> otLseRowsCsr(float) const { return otLseRowsCsrF32; }
  OtLseColsShiftedCsrFn<double> otLseColsShiftedCsr(double) const { return otLseColsShiftedCsrF64; }
  OtLseColsShiftedCsrFn<float> otLseColsShiftedCsr(float) const { return otLseColsShiftedCsrF32; }
  OtLseColsCsrFn<double> otLseColsCsr(double) const { return otLseColsCsrF64; }
  OtLseColsCsrFn<float> otLseColsCsr(float) const { return otLseColsCsrF32; }
  OtLogSolveFn<double> otLogSolve(double) const { return otLogSolveF64; }
  OtLogSolveFn<float> otLogSolve(float) const { return otLogSolveF32; }
};

// The table for `level`, or nullptr when this build has no code for it (e.g. AVX-512 on arm64).
const KernelTable* kernelTableFor(SimdLevel level);

}  // namespace sparse
