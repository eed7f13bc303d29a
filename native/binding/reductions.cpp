#include "args.hpp"
#include "errors.hpp"
#include "exports.hpp"
#include "kernel_table.hpp"

namespace sparse::binding {

namespace {

enum class Reduction { RowSums, ColSums, Diagonal };

// rowSums(A, out) / colSums(A, out) / diagonal(A, out): out of length rows, cols, min(rows, cols).
template <Reduction R>
Napi::Value Reduce(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const CsrArg A = getCsr(info[0], "A", IndexUse::Rechecked);
  const Napi::TypedArray out = getValuesOf(info[1], "out", A.dtype);
  const char* fn = R == Reduction::RowSums ? "rowSums" : R == Reduction::ColSums ? "colSums" : "diagonal";
  const int64_t length = R == Reduction::RowSums   ? A.rows
                         : R == Reduction::ColSums ? A.cols
                                                   : (A.rows < A.cols ? A.rows : A.cols);
  requireLength(out, length, fn, "out");
  check(env, withDtype(A.dtype, [&](auto zero) {
          using T = decltype(zero);
          const CsrView<T> a = A.view<T>();
          T* o = dataOf<T>(out);
          const CsrFns<T>& f = kernels(env).csr(T{});
          if (R == Reduction::RowSums) return f.rowSums(a, o);
          if (R == Reduction::ColSums) return f.colSums(a, o);
          return f.diagonal(a, o);
        }));
  return env.Undefined();
}

// normFrobenius(A) -> number.
Napi::Value NormFrobenius(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const CsrArg A = getCsr(info[0], "A", IndexUse::Rechecked);  // reads only the values, up to a bounded nnz
  double result = 0;
  check(env, withDtype(A.dtype, [&](auto zero) {
          using T = decltype(zero);
          return kernels(env).csr(T{}).normFrobenius(A.view<T>(), &result);
        }));
  return Napi::Number::New(env, result);
}

}  // namespace

void exportReductions(Napi::Env env, Napi::Object exports) {
  exportFunction<Reduce<Reduction::RowSums>>(env, exports, "rowSums");
  exportFunction<Reduce<Reduction::ColSums>>(env, exports, "colSums");
  exportFunction<Reduce<Reduction::Diagonal>>(env, exports, "diagonal");
  exportFunction<NormFrobenius>(env, exports, "normFrobenius");
}

}  // namespace sparse::binding
