#include "args.hpp"
#include "csr_check.hpp"
#include "errors.hpp"
#include "exports.hpp"
#include "spgemm_csr.hpp"

namespace sparse::binding {

namespace {

// spgemm(A, B) -> { rowPtr, colIdx, values }: C = A B, values of A's dtype.
Napi::Value Spgemm(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const CsrArg A = getCsr(info[0], "A");
  const CsrArg B = getCsr(info[1], "B");
  if (A.cols != B.rows) {
    throwShape(env, "spgemm: A is " + num(A.rows) + "x" + num(A.cols) + " and B is " + num(B.rows) + "x" +
                        num(B.cols) + "; A.cols must equal B.rows");
  }
  return withDtype(A.dtype, [&](auto za) {
    using TA = decltype(za);
    return withDtype(B.dtype, [&](auto zb) {
      using TB = decltype(zb);
      const CsrView<TA> a = A.view<TA>();
      const CsrView<TB> b = B.view<TB>();
      check(env, validateCsr(a));
      check(env, validateCsr(b));
      Napi::Int32Array rowPtr = newInt32Array(env, a.rows + 1);
      check(env, spgemmSymbolic(a, b, rowPtr.Data()));
      const int64_t nnz = rowPtr[static_cast<size_t>(a.rows)];
      Napi::Int32Array colIdx = newInt32Array(env, nnz);
      Napi::TypedArray values = newValues(env, A.dtype, nnz);
      check(env, spgemmNumeric(a, b, rowPtr.Data(), colIdx.Data(), dataOf<TA>(values)));
      return makeParts(env, rowPtr, colIdx, values);
    });
  });
}

}  // namespace

void exportSpgemm(Napi::Env env, Napi::Object exports) { exportFunction<Spgemm>(env, exports, "spgemm"); }

}  // namespace sparse::binding
