#include "args.hpp"
#include "csr_check.hpp"
#include "errors.hpp"
#include "exports.hpp"
#include "kernel_table.hpp"

namespace sparse::binding {

namespace {

// transpose(A) -> { rowPtr, colIdx, values }: CSR of A^T.
Napi::Value Transpose(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const CsrArg A = getCsr(info[0], "A");
  return withDtype(A.dtype, [&](auto zero) {
    using T = decltype(zero);
    const CsrView<T> a = A.view<T>();
    check(env, checkRowPtrEnds(a));  // nnz() is trusted only after this; the kernel validates the rest
    Napi::Int32Array rowPtr = newInt32Array(env, a.cols + 1);
    Napi::Int32Array colIdx = newInt32Array(env, a.nnz());
    Napi::TypedArray values = newValues(env, A.dtype, a.nnz());
    check(env, kernels(env).csr(T{}).transpose(a, rowPtr.Data(), colIdx.Data(), dataOf<T>(values)));
    return makeParts(env, rowPtr, colIdx, values);
  });
}

}  // namespace

void exportTranspose(Napi::Env env, Napi::Object exports) {
  exportFunction<Transpose>(env, exports, "transpose");
}

}  // namespace sparse::binding
