#include <cstdint>
#include <type_traits>
#include <vector>

#include "args.hpp"
#include "errors.hpp"
#include "exports.hpp"
#include "kernel_table.hpp"

namespace sparse::binding {

namespace {

// Runs both SpGEMM phases on operands of one value type and returns { rowPtr, colIdx, values };
// values get dtype `out` (T's, or f32 when a mixed product was computed in f64: rounding the
// double sums once to float is exactly what the f32 kernel does).
template <class T>
Napi::Value runSpgemm(Napi::Env env, const CsrView<T>& a, const CsrView<T>& b, Dtype out) {
  const SpgemmFns<T> fns = kernels(env).spgemm(T{});
  SpgemmPlan plan;
  Napi::Int32Array rowPtr = newInt32Array(env, a.rows + 1);
  check(env, fns.symbolic(a, b, rowPtr.Data(), plan));
  const int64_t nnz = plan.nnz;
  Napi::Int32Array colIdx = newInt32Array(env, nnz);
  Napi::TypedArray values = newValues(env, out, nnz);
  if (out == Dtype::F32 && !std::is_same_v<T, float>) {
    std::vector<T> tmp(static_cast<size_t>(nnz));
    check(env, fns.numeric(a, b, plan, rowPtr.Data(), colIdx.Data(), tmp.data()));
    float* dst = dataOf<float>(values);
    for (int64_t t = 0; t < nnz; t++) dst[t] = static_cast<float>(tmp[static_cast<size_t>(t)]);
  } else {
    check(env, fns.numeric(a, b, plan, rowPtr.Data(), colIdx.Data(), dataOf<T>(values)));
  }
  return makeParts(env, rowPtr, colIdx, values);
}

// A view of an f32 operand with its values widened to f64 (exact), kept in `store`.
CsrView<double> widened(const CsrArg& m, std::vector<double>& store) {
  const CsrView<float> v = m.view<float>();
  store.assign(v.values, v.values + v.valuesLen);
  CsrView<double> w;
  w.rows = v.rows;
  w.cols = v.cols;
  w.rowPtr = v.rowPtr;
  w.rowPtrLen = v.rowPtrLen;
  w.colIdx = v.colIdx;
  w.colIdxLen = v.colIdxLen;
  w.values = store.data();
  w.valuesLen = v.valuesLen;
  return w;
}

// spgemm(A, B) -> { rowPtr, colIdx, values }: C = A B, values of A's dtype. B may have the other
// dtype: the product is then computed from f64 copies (products and sums are in double anyway).
Napi::Value Spgemm(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const CsrArg A = getCsr(info[0], "A");
  const CsrArg B = getCsr(info[1], "B");
  if (A.cols != B.rows) {
    throwShape(env, "spgemm: A is " + num(A.rows) + "x" + num(A.cols) + " and B is " + num(B.rows) + "x" +
                        num(B.cols) + "; A.cols must equal B.rows");
  }
  if (A.dtype == B.dtype) {
    return withDtype(A.dtype, [&](auto zero) {
      using T = decltype(zero);
      return runSpgemm<T>(env, A.view<T>(), B.view<T>(), A.dtype);
    });
  }
  std::vector<double> store;
  if (A.dtype == Dtype::F32) return runSpgemm<double>(env, widened(A, store), B.view<double>(), A.dtype);
  return runSpgemm<double>(env, A.view<double>(), widened(B, store), A.dtype);
}

}  // namespace

void exportSpgemm(Napi::Env env, Napi::Object exports) { exportFunction<Spgemm>(env, exports, "spgemm"); }

}  // namespace sparse::binding
