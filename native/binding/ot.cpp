// Optimal-transport reductions over a dense cost (kernels/ot_lse.hpp):
//   otLseRowsDense(rows, cols, data: Float64Array|Float32Array (rows*cols), v: Float64Array (>= cols),
//                  eps, out: Float64Array (>= rows), r0, r1)
//   otLseColsDense(rows, cols, data, u: Float64Array (>= rows), eps, colMax, colSum: Float64Array
//                  (>= cols), r0, r1)
//   otExpProbe(x: Float64Array, out: Float64Array (same length))   -- the vectorized exp, for tests
// src/backend/native.ts routes dense costs here (CSR costs run the JS twins for now).
#include <cmath>

#include "args.hpp"
#include "errors.hpp"
#include "exports.hpp"
#include "kernel_table.hpp"

namespace sparse::binding {

namespace {

Napi::Float64Array getF64(const Napi::CallbackInfo& info, size_t at, const char* name) {
  Dtype dtype = Dtype::F64;
  const Napi::TypedArray a = getValues(info[at], name, &dtype);
  if (dtype != Dtype::F64) throwTypeError(info.Env(), std::string(name) + " must be a Float64Array");
  return a.As<Napi::Float64Array>();
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
  a.r0 = getSize(info[r0At], "r0");
  a.r1 = getSize(info[r0At + 1], "r1");
  if (a.r0 > a.r1 || a.r1 > a.rows) throwShape(env, std::string(fn) + ": row range [" + num(a.r0) + ", " + num(a.r1) + ") is outside 0.." + num(a.rows));
  return a;
}

Napi::Value OtLseRowsDense(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const DenseOtArgs a = readCommon(info, "otLseRows", 4, 6);
  const Napi::Float64Array v = getF64(info, 3, "v");
  Napi::Float64Array out = getF64(info, 5, "out");
  requireLength(v, a.cols, "otLseRows", "v", true);
  requireLength(out, a.rows, "otLseRows", "out", true);
  withDtype(a.dtype, [&](auto t) {
    using T = decltype(t);
    check(env, kernels(env).otLseRows(T{})(a.rows, a.cols, dataOf<T>(a.data), v.Data(), a.eps, out.Data(), a.r0, a.r1));
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
  exportFunction<OtExpProbe>(env, exports, "otExpProbe");
}

}  // namespace sparse::binding
