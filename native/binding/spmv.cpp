#include "args.hpp"
#include "errors.hpp"
#include "exports.hpp"
#include "kernel_table.hpp"

namespace sparse::binding {

namespace {

// spmv(A, x, y, alpha, beta, transpose): y = alpha * op(A) x + beta * y, in place.
Napi::Value Spmv(const Napi::CallbackInfo& info) {
  const CsrArg A = getCsr(info[0], "A", IndexUse::Rechecked);
  const Napi::TypedArray x = getValuesOf(info[1], "x", A.dtype);
  const Napi::TypedArray y = getValuesOf(info[2], "y", A.dtype);
  const double alpha = getNumber(info[3], "alpha");
  const double beta = getNumber(info[4], "beta");
  const bool transpose = info[5].ToBoolean();
  requireLength(x, transpose ? A.rows : A.cols, "spmv", "x");
  requireLength(y, transpose ? A.cols : A.rows, "spmv", "y");
  check(info.Env(), withDtype(A.dtype, [&](auto zero) {
          using T = decltype(zero);
          return kernels(info.Env()).spmv(T{})(A.view<T>(), dataOf<T>(x), dataOf<T>(y), alpha, beta, transpose);
        }));
  return info.Env().Undefined();
}

}  // namespace

void exportSpmv(Napi::Env env, Napi::Object exports) { exportFunction<Spmv>(env, exports, "spmv"); }

}  // namespace sparse::binding
