#include "kernel_table.hpp"
#include "args.hpp"
#include "csr_check.hpp"
#include "errors.hpp"
#include "exports.hpp"

namespace sparse::binding {

namespace {

// add(A, B, alpha, beta) -> { rowPtr, colIdx, values }: alpha A + beta B, values of A's dtype.
Napi::Value Add(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const CsrArg A = getCsr(info[0], "A");
  const CsrArg B = getCsr(info[1], "B");
  const double alpha = getNumber(info[2], "alpha");
  const double beta = getNumber(info[3], "beta");
  if (A.rows != B.rows || A.cols != B.cols) {
    throwShape(env, "add: A is " + num(A.rows) + "x" + num(A.cols) + " but B is " + num(B.rows) + "x" +
                        num(B.cols));
  }
  return withDtype(A.dtype, [&](auto za) {
    using TA = decltype(za);
    return withDtype(B.dtype, [&](auto zb) {
      using TB = decltype(zb);
      const CsrView<TA> a = A.view<TA>();
      const CsrView<TB> b = B.view<TB>();
      check(env, kernels(env).csr(TA{}).validate(a));
      check(env, kernels(env).csr(TB{}).validate(b));
      Napi::Int32Array rowPtr = newInt32Array(env, a.rows + 1);
      check(env, kernels(env).csr(TA{}).addSymbolic(TB{})(a, b, rowPtr.Data()));
      const int64_t nnz = rowPtr[static_cast<size_t>(a.rows)];
      Napi::Int32Array colIdx = newInt32Array(env, nnz);
      Napi::TypedArray values = newValues(env, A.dtype, nnz);
      kernels(env).csr(TA{}).addNumeric(TB{})(a, b, rowPtr.Data(), alpha, beta, colIdx.Data(), dataOf<TA>(values));
      return makeParts(env, rowPtr, colIdx, values);
    });
  });
}

}  // namespace

void exportAdd(Napi::Env env, Napi::Object exports) { exportFunction<Add>(env, exports, "add"); }

}  // namespace sparse::binding
