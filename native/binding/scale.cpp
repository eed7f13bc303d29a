#include "args.hpp"
#include "csr_check.hpp"
#include "errors.hpp"
#include "exports.hpp"
#include "kernel_table.hpp"

namespace sparse::binding {

namespace {

// out must hold the nnz = rowPtr[rows] scaled values; nnz is only known once the row pointer's
// ends are trusted, so that check (the kernels' own first check) runs first.
template <class T>
void requireOutForNnz(Napi::Env env, const CsrView<T>& a, const Napi::TypedArray& out, const char* fn) {
  check(env, checkRowPtrEnds(a));
  requireLength(out, a.nnz(), fn, "out", true);
}

// scale(A, s, out): out[k] = s * values[k].
Napi::Value Scale(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const CsrArg A = getCsr(info[0], "A");
  const double s = getNumber(info[1], "s");
  const Napi::TypedArray out = getValuesOf(info[2], "out", A.dtype);
  withDtype(A.dtype, [&](auto zero) {
    using T = decltype(zero);
    const CsrView<T> a = A.view<T>();
    requireOutForNnz(env, a, out, "scale");
    check(env, kernels(env).csr(T{}).scale(a, s, dataOf<T>(out)));
  });
  return env.Undefined();
}

// scaleRows(A, d, out) / scaleCols(A, d, out): values times d[row] or d[col].
template <bool Rows>
Napi::Value ScaleBy(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* fn = Rows ? "scaleRows" : "scaleCols";
  const CsrArg A = getCsr(info[0], "A");
  const Napi::TypedArray d = getValuesOf(info[1], "d", A.dtype);
  const Napi::TypedArray out = getValuesOf(info[2], "out", A.dtype);
  requireLength(d, Rows ? A.rows : A.cols, fn, "d");
  withDtype(A.dtype, [&](auto zero) {
    using T = decltype(zero);
    const CsrView<T> a = A.view<T>();
    requireOutForNnz(env, a, out, fn);
    const CsrFns<T>& f = kernels(env).csr(T{});
    check(env, (Rows ? f.scaleRows : f.scaleCols)(a, dataOf<T>(d), dataOf<T>(out)));
  });
  return env.Undefined();
}

}  // namespace

void exportScale(Napi::Env env, Napi::Object exports) {
  exportFunction<Scale>(env, exports, "scale");
  exportFunction<ScaleBy<true>>(env, exports, "scaleRows");
  exportFunction<ScaleBy<false>>(env, exports, "scaleCols");
}

}  // namespace sparse::binding
