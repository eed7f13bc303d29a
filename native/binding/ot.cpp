// Optimal-transport kernels over a dense cost (kernels/ot_lse.hpp, kernels/ot_plan.hpp):
//   otLseRowsDense(rows, cols, data: Float64Array|Float32Array (rows*cols), v: Float64Array (>= cols),
//                  eps, out: Float64Array (>= rows), r0, r1, guess?: Float64Array (>= rows) | null)
//   otLseColsDense(rows, cols, data, u: Float64Array (>= rows), eps, colMax, colSum: Float64Array
//                  (>= cols), r0, r1)
//   otLseColsShiftedDense(rows, cols, data, u (>= rows), eps, shift, colSum (>= cols), r0, r1)
//   otPlanPassDense(rows, cols, data, f (>= rows), g (>= cols), eps, P: Float64Array (rows*cols) | null,
//                   rowSums (>= rows), colSums (>= cols), stats (>= 2) | null, r0, r1, floor?)
//                   (entries below floor set to zero: ot_plan.hpp)
//   otExpm1DotDense(rows, cols, P: Float64Array (rows*cols), df (>= rows), dg (>= cols), scale, acc,
//                   r0, r1, tiny?) -> number   (entries below tiny with moderate t skipped: ot_plan.hpp)
//   otKernelMatvecDense(rows, cols, K: Float64Array (rows*cols), x, y, transpose: boolean, r0, r1)
//   otScalingSweepDense(rows, cols, K: Float64Array (rows*cols), v (>= cols), a, uOld, uNew (>= rows),
//                   colAcc (>= cols), r0, r1) -> the rows' marginal error (kernels/ot_plan.hpp)
//   otPlanPassCsr(C: { rows, cols, rowPtr, colIdx, values: Float64Array|Float32Array }, f, g, eps,
//                   P: Float64Array (>= nnz) | null, rowSums, colSums, stats | null, r0, r1, floor?)
//   otExpm1DotCsr(C, P (>= nnz), df, dg, scale, acc, r0, r1, tiny?) -> number
//   otScalingSweepCsr(K: CSR with Float64Array values, v, a, uOld, uNew, colAcc, r0, r1) -> number
//   otLseRowsCsr(C, v (>= cols), eps, out (>= rows), r0, r1, guess?: Float64Array (>= rows) | null)
//   otLseColsCsr(C, u (>= rows), eps, colMax, colSum (>= cols), r0, r1)
//   otLseColsShiftedCsr(C, u (>= rows), eps, shift, colSum (>= cols), r0, r1)
//                   (kernels/ot_csr.hpp: the CSR-cost passes; each row and column index checked)
//   otLogSolveBatchDense(jobs: { rows, cols, data, a, b, eps, tol, maxIter, blockRows, f, g }[])
//                   -> { iterations, converged, history: Float64Array }[]   (f, g updated in place)
//                   every job validated here, then one job per pool thread (kernels/ot_batch.hpp)
//   otSparsifyDense(rows, cols, P: Float64Array (rows*cols), r (>= rows), c (>= cols), massDrop,
//                   rowPtr: Int32Array (rows+cols+1), colIdx: Int32Array, values: Float64Array) -> nnz
//   otSparsifyCsr(C, P (nnz), r, c, massDrop, rowPtr, colIdx, values) -> nnz
//                   (kernels/ot_hessian.hpp: H written into the buffers, colIdx/values only when nnz
//                   fits both; the CSR form checks C's rows and columns; r is P's row sums, whose
//                   total sets the mass rule's floor)
//   otPcgSchur(n, N, rowPtr: Int32Array (N+1), colIdx: Int32Array, values: Float64Array, diag (>= N),
//              rhs (>= N), x (>= N), rtol, maxIter) -> iterations   (kernels/ot_pcg.hpp; H's shape,
//              as otSparsify writes it, checked here)
//   otExpProbe(x: Float64Array, out: Float64Array (same length))   -- the vectorized exp, for tests
// src/backend/native.ts routes dense and CSR costs here.
#include <cmath>
#include <initializer_list>
#include <variant>
#include <vector>

#include "args.hpp"
#include "errors.hpp"
#include "exports.hpp"
#include "csr_check.hpp"
#include "kernel_table.hpp"
#include "ot_hessian_bins.hpp"
#include "ot_pcg.hpp"
#include "parallel.hpp"

namespace sparse::binding {

namespace {

Napi::Float64Array getF64(const Napi::CallbackInfo& info, size_t at, const char* name) {
  Dtype dtype = Dtype::F64;
  const Napi::TypedArray a = getValues(info[at], name, &dtype);
  if (dtype != Dtype::F64) throwTypeError(info.Env(), std::string(name) + " must be a Float64Array");
  return a.As<Napi::Float64Array>();
}

// r0, r1 at info[at], info[at + 1]: a row range inside 0..rows.
void readRowRange(const Napi::CallbackInfo& info, size_t at, int64_t rows, const char* fn, int64_t& r0, int64_t& r1) {
  r0 = getSize(info[at], "r0");
  r1 = getSize(info[at + 1], "r1");
  if (r0 > r1 || r1 > rows) throwShape(info.Env(), std::string(fn) + ": row range [" + num(r0) + ", " + num(r1) + ") is outside 0.." + num(rows));
}

struct DenseOtArgs {
  int64_t rows = 0;
  int64_t cols = 0;
  Napi::TypedArray data;
  Dtype dtype = Dtype::F64;
  double eps = 1;
  int64_t r0 = 0;
  int64_t r1 = 0;
};

DenseOtArgs readCommon(const Napi::CallbackInfo& info, const char* fn, size_t epsAt, size_t r0At) {
  Napi::Env env = info.Env();
  DenseOtArgs a;
  a.rows = getSize(info[0], "rows");
  a.cols = getSize(info[1], "cols");
  a.data = getValues(info[2], "data", &a.dtype);
  if (a.rows > 0 && a.cols > kMaxIndex / a.rows + 1) throwCoded(env, "ERR_SPARSE_TOO_LARGE", std::string(fn) + ": rows*cols too large");
  requireLength(a.data, a.rows * a.cols, fn, "data");
  a.eps = getNumber(info[epsAt], "eps");
  if (!(a.eps > 0) || !std::isfinite(a.eps)) throwCoded(env, "ERR_SPARSE_FORMAT", std::string(fn) + ": eps must be finite and positive");
  readRowRange(info, r0At, a.rows, fn, a.r0, a.r1);
  return a;
}

// A Float64Array of at least `length` elements, or nullptr for null / undefined / absent.
const double* optionalF64(const Napi::CallbackInfo& info, size_t at, const char* fn, const char* name, int64_t length) {
  if (info.Length() <= at || info[at].IsNull() || info[at].IsUndefined()) return nullptr;
  const Napi::Float64Array arr = getF64(info, at, name);
  requireLength(arr, length, fn, name, true);
  return arr.Data();
}

// An optional threshold >= 0 at info[at] (otExpm1Dot's tiny, otPlanPass's floor): 0 when absent.
double optionalThreshold(const Napi::CallbackInfo& info, size_t at, const char* name) {
  if (info.Length() <= at || info[at].IsUndefined() || info[at].IsNull()) return 0;
  const double x = getNumber(info[at], name);
  if (!(x >= 0)) throwCoded(info.Env(), "ERR_SPARSE_FORMAT", std::string(name) + " must be a number >= 0");
  return x;
}
double optionalTiny(const Napi::CallbackInfo& info, size_t at) { return optionalThreshold(info, at, "tiny"); }
double optionalFloor(const Napi::CallbackInfo& info, size_t at) { return optionalThreshold(info, at, "floor"); }

Napi::Value OtLseRowsDense(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const DenseOtArgs a = readCommon(info, "otLseRows", 4, 6);
  const Napi::Float64Array v = getF64(info, 3, "v");
  Napi::Float64Array out = getF64(info, 5, "out");
  requireLength(v, a.cols, "otLseRows", "v", true);
  requireLength(out, a.rows, "otLseRows", "out", true);
  const double* guess = optionalF64(info, 8, "otLseRows", "guess", a.rows);
  withDtype(a.dtype, [&](auto t) {
    using T = decltype(t);
    check(env, kernels(env).otLseRows(T{})(a.rows, a.cols, dataOf<T>(a.data), v.Data(), a.eps, guess, out.Data(), a.r0,
                                           a.r1));
  });
  return env.Undefined();
}

Napi::Value OtLseColsShiftedDense(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const DenseOtArgs a = readCommon(info, "otLseColsShifted", 4, 7);
  const Napi::Float64Array u = getF64(info, 3, "u");
  const Napi::Float64Array shift = getF64(info, 5, "shift");
  Napi::Float64Array colSum = getF64(info, 6, "colSum");
  requireLength(u, a.rows, "otLseColsShifted", "u", true);
  requireLength(shift, a.cols, "otLseColsShifted", "shift", true);
  requireLength(colSum, a.cols, "otLseColsShifted", "colSum", true);
  withDtype(a.dtype, [&](auto t) {
    using T = decltype(t);
    check(env, kernels(env).otLseColsShifted(T{})(a.rows, a.cols, dataOf<T>(a.data), u.Data(), a.eps, shift.Data(),
                                                  colSum.Data(), a.r0, a.r1));
  });
  return env.Undefined();
}

Napi::Value OtPlanPassDense(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* fn = "otPlanPass";
  const DenseOtArgs a = readCommon(info, fn, 5, 10);
  const Napi::Float64Array f = getF64(info, 3, "f");
  const Napi::Float64Array g = getF64(info, 4, "g");
  double* P = const_cast<double*>(optionalF64(info, 6, fn, "P", a.rows * a.cols));
  Napi::Float64Array rowSums = getF64(info, 7, "rowSums");
  Napi::Float64Array colSums = getF64(info, 8, "colSums");
  double* stats = const_cast<double*>(optionalF64(info, 9, fn, "stats", 2));
  const double floor = optionalFloor(info, 12);
  requireLength(f, a.rows, fn, "f", true);
  requireLength(g, a.cols, fn, "g", true);
  requireLength(rowSums, a.rows, fn, "rowSums", true);
  requireLength(colSums, a.cols, fn, "colSums", true);
  withDtype(a.dtype, [&](auto t) {
    using T = decltype(t);
    check(env, kernels(env).otPlanPass(T{})(a.rows, a.cols, dataOf<T>(a.data), f.Data(), g.Data(), a.eps, P,
                                            rowSums.Data(), colSums.Data(), stats, floor, a.r0, a.r1));
  });
  return env.Undefined();
}

// rows, cols, a Float64Array of rows*cols at 2, the row range at r0At; shapes checked.
struct DenseF64Args {
  int64_t rows = 0;
  int64_t cols = 0;
  Napi::Float64Array data;
  int64_t r0 = 0;
  int64_t r1 = 0;
};

DenseF64Args readDenseF64(const Napi::CallbackInfo& info, const char* fn, const char* name, size_t r0At) {
  Napi::Env env = info.Env();
  DenseF64Args a;
  a.rows = getSize(info[0], "rows");
  a.cols = getSize(info[1], "cols");
  a.data = getF64(info, 2, name);
  if (a.rows > 0 && a.cols > kMaxIndex / a.rows + 1) throwCoded(env, "ERR_SPARSE_TOO_LARGE", std::string(fn) + ": rows*cols too large");
  requireLength(a.data, a.rows * a.cols, fn, name);
  readRowRange(info, r0At, a.rows, fn, a.r0, a.r1);
  return a;
}

Napi::Value OtExpm1DotDense(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* fn = "otExpm1Dot";
  const DenseF64Args a = readDenseF64(info, fn, "P", 7);
  const Napi::Float64Array df = getF64(info, 3, "df");
  const Napi::Float64Array dg = getF64(info, 4, "dg");
  requireLength(df, a.rows, fn, "df", true);
  requireLength(dg, a.cols, fn, "dg", true);
  const double scale = getNumber(info[5], "scale");
  double acc = getNumber(info[6], "acc");
  const double tiny = optionalTiny(info, 9);
  check(env, kernels(env).otExpm1Dot(a.rows, a.cols, a.data.Data(), df.Data(), dg.Data(), scale, tiny, &acc, a.r0, a.r1));
  return Napi::Number::New(env, acc);
}

Napi::Value OtKernelMatvecDense(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* fn = "otKernelMatvec";
  const DenseF64Args a = readDenseF64(info, fn, "K", 6);
  const Napi::Float64Array x = getF64(info, 3, "x");
  Napi::Float64Array y = getF64(info, 4, "y");
  if (!info[5].IsBoolean()) throwTypeError(env, "transpose must be a boolean");
  const bool transpose = info[5].As<Napi::Boolean>().Value();
  requireLength(x, transpose ? a.rows : a.cols, fn, "x", true);
  requireLength(y, transpose ? a.cols : a.rows, fn, "y", true);
  check(env, kernels(env).otKernelMatvec(a.rows, a.cols, a.data.Data(), x.Data(), y.Data(), transpose, a.r0, a.r1));
  return env.Undefined();
}

// The vectors of a scaling sweep, at info[at..at+4]: v, a, uOld, uNew, colAcc, lengths checked.
struct SweepVectors {
  Napi::Float64Array v, a, uOld, uNew, colAcc;
};

SweepVectors readSweepVectors(const Napi::CallbackInfo& info, const char* fn, size_t at, int64_t rows, int64_t cols) {
  SweepVectors s{getF64(info, at, "v"), getF64(info, at + 1, "a"), getF64(info, at + 2, "uOld"),
                 getF64(info, at + 3, "uNew"), getF64(info, at + 4, "colAcc")};
  requireLength(s.v, cols, fn, "v", true);
  requireLength(s.colAcc, cols, fn, "colAcc", true);
  requireLength(s.a, rows, fn, "a", true);
  requireLength(s.uOld, rows, fn, "uOld", true);
  requireLength(s.uNew, rows, fn, "uNew", true);
  return s;
}

Napi::Value OtScalingSweepDense(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* fn = "otScalingSweep";
  const DenseF64Args k = readDenseF64(info, fn, "K", 8);
  SweepVectors s = readSweepVectors(info, fn, 3, k.rows, k.cols);
  double err = 0;
  check(env, kernels(env).otScalingSweep(k.rows, k.cols, k.data.Data(), s.v.Data(), s.a.Data(), s.uOld.Data(),
                                         s.uNew.Data(), s.colAcc.Data(), &err, k.r0, k.r1));
  return Napi::Number::New(env, err);
}

// A CSR cost with its row range: the row pointer's ends checked (the kernels check rows and columns).
struct CsrOtArgs {
  CsrArg C;
  int64_t nnz = 0;
  int64_t r0 = 0;
  int64_t r1 = 0;
};

CsrOtArgs readCsrOt(const Napi::CallbackInfo& info, const char* fn, size_t r0At) {
  Napi::Env env = info.Env();
  CsrOtArgs a;
  a.C = getCsr(info[0], "C");
  const Status ends = withDtype(a.C.dtype, [&](auto t) { return checkRowPtrEnds(a.C.view<decltype(t)>()); });
  check(env, ends);
  a.nnz = a.C.rowPtr[static_cast<size_t>(a.C.rows)];
  readRowRange(info, r0At, a.C.rows, fn, a.r0, a.r1);
  return a;
}

Napi::Value OtPlanPassCsr(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* fn = "otPlanPass";
  const CsrOtArgs a = readCsrOt(info, fn, 8);
  const Napi::Float64Array f = getF64(info, 1, "f");
  const Napi::Float64Array g = getF64(info, 2, "g");
  const double eps = getNumber(info[3], "eps");
  double* P = const_cast<double*>(optionalF64(info, 4, fn, "P", a.nnz));
  Napi::Float64Array rowSums = getF64(info, 5, "rowSums");
  Napi::Float64Array colSums = getF64(info, 6, "colSums");
  double* stats = const_cast<double*>(optionalF64(info, 7, fn, "stats", 2));
  const double floor = optionalFloor(info, 10);
  requireLength(f, a.C.rows, fn, "f", true);
  requireLength(g, a.C.cols, fn, "g", true);
  requireLength(rowSums, a.C.rows, fn, "rowSums", true);
  requireLength(colSums, a.C.cols, fn, "colSums", true);
  withDtype(a.C.dtype, [&](auto t) {
    using T = decltype(t);
    check(env, kernels(env).otPlanPassCsr(T{})(a.C.view<T>(), f.Data(), g.Data(), eps, P, rowSums.Data(),
                                               colSums.Data(), stats, floor, a.r0, a.r1));
  });
  return env.Undefined();
}

Napi::Value OtExpm1DotCsr(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* fn = "otExpm1Dot";
  const CsrOtArgs a = readCsrOt(info, fn, 6);
  const Napi::Float64Array P = getF64(info, 1, "P");
  const Napi::Float64Array df = getF64(info, 2, "df");
  const Napi::Float64Array dg = getF64(info, 3, "dg");
  requireLength(P, a.nnz, fn, "P", true);
  requireLength(df, a.C.rows, fn, "df", true);
  requireLength(dg, a.C.cols, fn, "dg", true);
  const double scale = getNumber(info[4], "scale");
  double acc = getNumber(info[5], "acc");
  const double tiny = optionalTiny(info, 8);
  withDtype(a.C.dtype, [&](auto t) {
    using T = decltype(t);
    check(env, kernels(env).otExpm1DotCsr(T{})(a.C.view<T>(), P.Data(), df.Data(), dg.Data(), scale, tiny, &acc, a.r0, a.r1));
  });
  return Napi::Number::New(env, acc);
}

Napi::Value OtScalingSweepCsr(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* fn = "otScalingSweep";
  const CsrOtArgs k = readCsrOt(info, fn, 6);
  if (k.C.dtype != Dtype::F64) throwTypeError(env, "otScalingSweep: K.values must be a Float64Array");
  SweepVectors s = readSweepVectors(info, fn, 1, k.C.rows, k.C.cols);
  double err = 0;
  check(env, kernels(env).otScalingSweepCsr(k.C.view<double>(), s.v.Data(), s.a.Data(), s.uOld.Data(), s.uNew.Data(),
                                            s.colAcc.Data(), &err, k.r0, k.r1));
  return Napi::Number::New(env, err);
}

Napi::Value OtLseRowsCsr(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* fn = "otLseRows";
  const CsrOtArgs a = readCsrOt(info, fn, 4);
  const Napi::Float64Array v = getF64(info, 1, "v");
  const double eps = getNumber(info[2], "eps");
  Napi::Float64Array out = getF64(info, 3, "out");
  requireLength(v, a.C.cols, fn, "v", true);
  requireLength(out, a.C.rows, fn, "out", true);
  const double* guess = optionalF64(info, 6, fn, "guess", a.C.rows);
  withDtype(a.C.dtype, [&](auto t) {
    using T = decltype(t);
    check(env, kernels(env).otLseRowsCsr(T{})(a.C.view<T>(), v.Data(), eps, guess, out.Data(), a.r0, a.r1));
  });
  return env.Undefined();
}

Napi::Value OtLseColsCsr(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* fn = "otLseCols";
  const CsrOtArgs a = readCsrOt(info, fn, 5);
  const Napi::Float64Array u = getF64(info, 1, "u");
  const double eps = getNumber(info[2], "eps");
  Napi::Float64Array colMax = getF64(info, 3, "colMax");
  Napi::Float64Array colSum = getF64(info, 4, "colSum");
  requireLength(u, a.C.rows, fn, "u", true);
  requireLength(colMax, a.C.cols, fn, "colMax", true);
  requireLength(colSum, a.C.cols, fn, "colSum", true);
  withDtype(a.C.dtype, [&](auto t) {
    using T = decltype(t);
    check(env, kernels(env).otLseColsCsr(T{})(a.C.view<T>(), u.Data(), eps, colMax.Data(), colSum.Data(), a.r0, a.r1));
  });
  return env.Undefined();
}

Napi::Value OtLseColsShiftedCsr(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* fn = "otLseColsShifted";
  const CsrOtArgs a = readCsrOt(info, fn, 5);
  const Napi::Float64Array u = getF64(info, 1, "u");
  const double eps = getNumber(info[2], "eps");
  const Napi::Float64Array shift = getF64(info, 3, "shift");
  Napi::Float64Array colSum = getF64(info, 4, "colSum");
  requireLength(u, a.C.rows, fn, "u", true);
  requireLength(shift, a.C.cols, fn, "shift", true);
  requireLength(colSum, a.C.cols, fn, "colSum", true);
  withDtype(a.C.dtype, [&](auto t) {
    using T = decltype(t);
    check(env, kernels(env).otLseColsShiftedCsr(T{})(a.C.view<T>(), u.Data(), eps, shift.Data(), colSum.Data(), a.r0,
                                                     a.r1));
  });
  return env.Undefined();
}

Napi::Value OtLseColsDense(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const DenseOtArgs a = readCommon(info, "otLseCols", 4, 7);
  const Napi::Float64Array u = getF64(info, 3, "u");
  Napi::Float64Array colMax = getF64(info, 5, "colMax");
  Napi::Float64Array colSum = getF64(info, 6, "colSum");
  requireLength(u, a.rows, "otLseCols", "u", true);
  requireLength(colMax, a.cols, "otLseCols", "colMax", true);
  requireLength(colSum, a.cols, "otLseCols", "colSum", true);
  withDtype(a.dtype, [&](auto t) {
    using T = decltype(t);
    check(env, kernels(env).otLseCols(T{})(a.rows, a.cols, dataOf<T>(a.data), u.Data(), a.eps, colMax.Data(),
                                           colSum.Data(), a.r0, a.r1));
  });
  return env.Undefined();
}

using OtLogJob = std::variant<OtLogProblem<double>, OtLogProblem<float>>;

template <class T>
OtLogProblem<T> readLogJob(Napi::Env env, const Napi::Object& o, const Napi::TypedArray& data, const std::string& at) {
  OtLogProblem<T> p;
  p.rows = getSize(o.Get("rows"), "rows");
  p.cols = getSize(o.Get("cols"), "cols");
  if (p.rows > 0 && p.cols > kMaxIndex / p.rows + 1) throwCoded(env, "ERR_SPARSE_TOO_LARGE", at + ": rows*cols too large");
  requireLength(data, p.rows * p.cols, at.c_str(), "data");
  p.C = dataOf<T>(data);
  const auto f64 = [&](const char* name, int64_t length) {
    const Napi::Value v = o.Get(name);
    if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) {
      throwTypeError(env, at + "." + name + " must be a Float64Array");
    }
    Napi::Float64Array arr = v.As<Napi::Float64Array>();
    requireLength(arr, length, at.c_str(), name);
    return arr.Data();
  };
  p.a = f64("a", p.rows);
  p.b = f64("b", p.cols);
  p.f = f64("f", p.rows);
  p.g = f64("g", p.cols);
  for (int64_t i = 0; i < p.rows; i++) {
    if (!(p.a[i] > 0) || !std::isfinite(p.a[i]) || !std::isfinite(p.f[i])) throwCoded(env, "ERR_SPARSE_FORMAT", at + ": a must be positive and f finite");
  }
  for (int64_t j = 0; j < p.cols; j++) {
    if (!(p.b[j] > 0) || !std::isfinite(p.b[j]) || !std::isfinite(p.g[j])) throwCoded(env, "ERR_SPARSE_FORMAT", at + ": b must be positive and g finite");
  }
  for (int64_t k = 0; k < p.rows * p.cols; k++) {
    if (!std::isfinite(static_cast<double>(p.C[k]))) throwCoded(env, "ERR_SPARSE_FORMAT", at + ": the cost must be finite");
  }
  p.eps = getNumber(o.Get("eps"), "eps");
  p.tol = getNumber(o.Get("tol"), "tol");
  p.maxIter = getSize(o.Get("maxIter"), "maxIter");
  p.blockRows = getSize(o.Get("blockRows"), "blockRows");
  const Napi::Value stabilized = o.Get("stabilized");
  if (!stabilized.IsUndefined() && !stabilized.IsBoolean()) throwTypeError(env, at + ": stabilized must be a boolean");
  p.stabilized = stabilized.IsBoolean() && stabilized.As<Napi::Boolean>().Value();
  if (!(p.eps > 0) || !std::isfinite(p.eps)) throwCoded(env, "ERR_SPARSE_FORMAT", at + ": eps must be finite and positive");
  if (!(p.tol >= 0)) throwCoded(env, "ERR_SPARSE_FORMAT", at + ": tol must be non-negative");
  if (p.blockRows < 1) throwCoded(env, "ERR_SPARSE_FORMAT", at + ": blockRows must be positive");
  return p;
}

Napi::Value OtLogSolveBatchDense(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsArray()) throwTypeError(env, "otLogSolveBatch expects an array of jobs");
  const Napi::Array arr = info[0].As<Napi::Array>();
  const uint32_t count = arr.Length();
  std::vector<OtLogJob> jobs;
  jobs.reserve(count);
  for (uint32_t k = 0; k < count; k++) {
    const std::string at = "otLogSolveBatch: jobs[" + std::to_string(k) + "]";
    const Napi::Value v = arr.Get(k);
    if (!v.IsObject()) throwTypeError(env, at + " must be an object");
    const Napi::Object o = v.As<Napi::Object>();
    Dtype dtype = Dtype::F64;
    const Napi::TypedArray data = getValues(o.Get("data"), "data", &dtype);
    if (dtype == Dtype::F64) jobs.emplace_back(readLogJob<double>(env, o, data, at));
    else jobs.emplace_back(readLogJob<float>(env, o, data, at));
  }
  const KernelTable& table = kernels(env);
  std::vector<OtLogOutcome> outcomes(count);
  std::vector<Status> statuses(count, Status::okay());
  std::vector<char> failed(count, 0);
  parallelFor(count, [&](int64_t k) {
    try {
      statuses[k] = std::visit(
          [&](const auto& p) {
            using T = std::remove_cv_t<std::remove_reference_t<decltype(*p.C)>>;
            return table.otLogSolve(T{})(p, outcomes[k]);
          },
          jobs[k]);
    } catch (...) {
      failed[k] = 1;  // allocation failure: reported below, on the main thread
    }
  });
  Napi::Array result = Napi::Array::New(env, count);
  for (uint32_t k = 0; k < count; k++) {
    if (failed[k]) throwCoded(env, "ERR_SPARSE_TOO_LARGE", "otLogSolveBatch: out of memory");
    check(env, statuses[k]);
    const OtLogOutcome& o = outcomes[k];
    Napi::Float64Array history = Napi::Float64Array::New(env, o.history.size());
    std::copy(o.history.begin(), o.history.end(), history.Data());
    Napi::Object r = Napi::Object::New(env);
    r.Set("iterations", Napi::Number::New(env, static_cast<double>(o.iterations)));
    r.Set("converged", Napi::Boolean::New(env, o.converged));
    r.Set("history", history);
    result.Set(k, r);
  }
  return result;
}

// The arguments after the cost that both sparsify calls share: P (at least `len`), r, c, massDrop
// and the output buffers, which must not overlap each other, the inputs or `also` (the cost's
// index arrays, which the CSR fill reads while it writes).
struct SparsifyArgs {
  Napi::Float64Array P, r, c;
  double massDrop = 0;
  Napi::Int32Array rowPtr, colIdx;
  Napi::Float64Array values;
  OtHessianOut out() {
    const int64_t capacity = static_cast<int64_t>(std::min(colIdx.ElementLength(), values.ElementLength()));
    return OtHessianOut{rowPtr.Data(), colIdx.Data(), values.Data(), capacity};
  }
};

SparsifyArgs readSparsify(const Napi::CallbackInfo& info, size_t at, int64_t rows, int64_t cols, int64_t len,
                          std::initializer_list<Napi::TypedArray> also) {
  Napi::Env env = info.Env();
  const char* fn = "otSparsify";
  SparsifyArgs a;
  a.P = getF64(info, at, "P");
  a.r = getF64(info, at + 1, "r");
  a.c = getF64(info, at + 2, "c");
  requireLength(a.P, len, fn, "P");
  requireLength(a.r, rows, fn, "r", true);
  requireLength(a.c, cols, fn, "c", true);
  a.massDrop = getNumber(info[at + 3], "massDrop");
  a.rowPtr = getInt32Array(info[at + 4], "rowPtr");
  a.colIdx = getInt32Array(info[at + 5], "colIdx");
  a.values = getF64(info, at + 6, "values");
  requireLength(a.rowPtr, rows + cols + 1, fn, "rowPtr");
  // The fill reads rowPtr (and a CSR cost's indices) while writing colIdx and values: aliased
  // buffers would send it out of bounds.
  std::vector<Napi::TypedArray> all = {a.rowPtr, a.colIdx, a.values, a.P, a.r, a.c};
  all.insert(all.end(), also.begin(), also.end());
  for (size_t o = 0; o < 3; o++) {
    for (size_t i = o + 1; i < all.size(); i++) {
      if (overlaps(all[o], all[i])) {
        throwShape(env, std::string(fn) + ": rowPtr, colIdx and values must not overlap each other or the inputs");
      }
    }
  }
  return a;
}

Napi::Value OtSparsifyDense(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* fn = "otSparsify";
  const int64_t rows = getSize(info[0], "rows");
  const int64_t cols = getSize(info[1], "cols");
  if (rows > 0 && cols > kMaxIndex / rows + 1) throwCoded(env, "ERR_SPARSE_TOO_LARGE", std::string(fn) + ": rows*cols too large");
  if (rows + cols > kMaxIndex) throwCoded(env, "ERR_SPARSE_TOO_LARGE", std::string(fn) + ": rows+cols too large");
  SparsifyArgs a = readSparsify(info, 2, rows, cols, rows * cols, {});
  int64_t nnz = 0;
  check(env, kernels(env).otSparsifyDense(rows, cols, a.P.Data(), a.r.Data(), a.c.Data(), a.massDrop, a.out(),
                                          nnz));
  return Napi::Number::New(env, static_cast<double>(nnz));
}

Napi::Value OtSparsifyCsr(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* fn = "otSparsify";
  const CsrArg C = getCsr(info[0], "C", IndexUse::Rechecked);
  check(env, withDtype(C.dtype, [&](auto t) { return checkRowPtrEnds(C.view<decltype(t)>()); }));
  if (C.rows + C.cols > kMaxIndex) throwCoded(env, "ERR_SPARSE_TOO_LARGE", std::string(fn) + ": rows+cols too large");
  // Read again (C is not copied: the kernel re-checks rows and columns), so bounded again: every
  // row the kernel reads is bounded by this nnz.
  const int64_t nnz = C.rowPtr[static_cast<size_t>(C.rows)];
  if (nnz < 0 || nnz > static_cast<int64_t>(C.colIdx.ElementLength())) check(env, changedDuringCall());
  SparsifyArgs a = readSparsify(info, 1, C.rows, C.cols, nnz, {C.rowPtr, C.colIdx});
  int64_t out = 0;
  check(env, kernels(env).otSparsifyCsr(C.rows, C.cols, C.rowPtr.Data(), C.colIdx.Data(), nnz, a.P.Data(),
                                        a.r.Data(), a.c.Data(), a.massDrop, a.out(), out));
  return Napi::Number::New(env, static_cast<double>(out));
}

Napi::Value OtPcgSchur(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* fn = "otPcgSchur";
  const int64_t n = getSize(info[0], "n");
  const int64_t N = getSize(info[1], "N");
  if (N > kMaxIndex) throwCoded(env, "ERR_SPARSE_TOO_LARGE", std::string(fn) + ": N too large");
  if (n > N) throwShape(env, std::string(fn) + ": n = " + num(n) + " exceeds N = " + num(N));
  const Napi::Int32Array rowPtr = privateIndices(getInt32Array(info[2], "rowPtr"));
  const Napi::Int32Array colIdx = privateIndices(getInt32Array(info[3], "colIdx"));
  const Napi::Float64Array values = getF64(info, 4, "values");
  const Napi::Float64Array diag = getF64(info, 5, "diag");
  const Napi::Float64Array rhs = getF64(info, 6, "rhs");
  Napi::Float64Array x = getF64(info, 7, "x");
  requireLength(rowPtr, N + 1, fn, "rowPtr");
  requireLength(diag, N, fn, "diag", true);
  requireLength(rhs, N, fn, "rhs", true);
  requireLength(x, N, fn, "x", true);
  const int32_t* rp = rowPtr.Data();
  const int64_t nnz = rp[N];
  if (rp[0] != 0 || nnz < 0) throwCoded(env, "ERR_SPARSE_FORMAT", std::string(fn) + ": rowPtr must start at 0");
  for (int64_t i = 0; i < N; i++) {
    if (rp[i + 1] < rp[i]) throwCoded(env, "ERR_SPARSE_FORMAT", std::string(fn) + ": rowPtr must be non-decreasing");
  }
  requireLength(colIdx, nnz, fn, "colIdx", true);
  requireLength(values, nnz, fn, "values", true);
  // The kernel skips each row's diagonal by position and reads the other columns as the other block's.
  const int32_t* ci = colIdx.Data();
  for (int64_t i = 0; i < N; i++) {
    const bool top = i < n;
    const int64_t b = rp[i], e = rp[i + 1];
    if (e == b || ci[top ? b : e - 1] != i) {
      throwCoded(env, "ERR_SPARSE_FORMAT", std::string(fn) + ": row " + num(i) + " must " + (top ? "start" : "end") + " with its diagonal entry");
    }
    for (int64_t k = top ? b + 1 : b; k < (top ? e : e - 1); k++) {
      if (top ? (ci[k] < n || ci[k] >= N) : (ci[k] < 0 || ci[k] >= n)) {
        throwCoded(env, "ERR_SPARSE_FORMAT", std::string(fn) + ": row " + num(i) + " has column " + num(ci[k]) + " outside the other block");
      }
    }
  }
  const double rtol = getNumber(info[8], "rtol");
  const int64_t maxIter = getSize(info[9], "maxIter");
  int64_t iterations = 0;
  check(env, otPcg(n, N, rp, ci, values.Data(), diag.Data(), rhs.Data(), x.Data(), rtol, maxIter, &iterations));
  return Napi::Number::New(env, static_cast<double>(iterations));
}

Napi::Value OtExpProbe(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Napi::Float64Array x = getF64(info, 0, "x");
  Napi::Float64Array out = getF64(info, 1, "out");
  requireLength(out, static_cast<int64_t>(x.ElementLength()), "otExpProbe", "out");
  check(env, kernels(env).otExpProbe(x.Data(), out.Data(), static_cast<int64_t>(x.ElementLength())));
  return env.Undefined();
}

}  // namespace

void exportOt(Napi::Env env, Napi::Object exports) {
  exportFunction<OtLseRowsDense>(env, exports, "otLseRowsDense");
  exportFunction<OtLseColsDense>(env, exports, "otLseColsDense");
  exportFunction<OtLseColsShiftedDense>(env, exports, "otLseColsShiftedDense");
  exportFunction<OtPlanPassDense>(env, exports, "otPlanPassDense");
  exportFunction<OtExpm1DotDense>(env, exports, "otExpm1DotDense");
  exportFunction<OtKernelMatvecDense>(env, exports, "otKernelMatvecDense");
  exportFunction<OtScalingSweepDense>(env, exports, "otScalingSweepDense");
  exportFunction<OtPlanPassCsr>(env, exports, "otPlanPassCsr");
  exportFunction<OtExpm1DotCsr>(env, exports, "otExpm1DotCsr");
  exportFunction<OtScalingSweepCsr>(env, exports, "otScalingSweepCsr");
  exportFunction<OtLseRowsCsr>(env, exports, "otLseRowsCsr");
  exportFunction<OtLseColsCsr>(env, exports, "otLseColsCsr");
  exportFunction<OtLseColsShiftedCsr>(env, exports, "otLseColsShiftedCsr");
  exportFunction<OtLogSolveBatchDense>(env, exports, "otLogSolveBatchDense");
  exportFunction<OtSparsifyDense>(env, exports, "otSparsifyDense");
  exportFunction<OtSparsifyCsr>(env, exports, "otSparsifyCsr");
  exportFunction<OtPcgSchur>(env, exports, "otPcgSchur");
  exportFunction<OtExpProbe>(env, exports, "otExpProbe");
}

}  // namespace sparse::binding
