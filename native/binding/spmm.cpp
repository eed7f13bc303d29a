#include "args.hpp"
#include "errors.hpp"
#include "exports.hpp"
#include "kernel_table.hpp"

namespace sparse::binding {

namespace {

// spmm(A, X, k, Y, alpha, beta, transpose): Y = alpha * op(A) X + beta * Y, X and Y row-major
// with k columns, in place.
Napi::Value Spmm(const Napi::CallbackInfo& info) {
  const CsrArg A = getCsr(info[0], "A", IndexUse::Rechecked);
  const Napi::TypedArray X = getValuesOf(info[1], "X", A.dtype);
  const int64_t k = getSize(info[2], "k");
  const Napi::TypedArray Y = getValuesOf(info[3], "Y", A.dtype);
  const double alpha = getNumber(info[4], "alpha");
  const double beta = getNumber(info[5], "beta");
  const bool transpose = info[6].ToBoolean();
  requireLength(X, (transpose ? A.rows : A.cols) * k, "spmm", "X");
  requireLength(Y, (transpose ? A.cols : A.rows) * k, "spmm", "Y");
  check(info.Env(), withDtype(A.dtype, [&](auto zero) {
          using T = decltype(zero);
          return kernels(info.Env()).csr(T{}).spmm(A.view<T>(), dataOf<T>(X), k, dataOf<T>(Y), alpha, beta, transpose);
        }));
  return info.Env().Undefined();
}

}  // namespace

void exportSpmm(Napi::Env env, Napi::Object exports) { exportFunction<Spmm>(env, exports, "spmm"); }

}  // namespace sparse::binding
