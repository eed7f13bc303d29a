#include "args.hpp"
#include "kernel_table.hpp"
#include "errors.hpp"
#include "exports.hpp"

namespace sparse::binding {

namespace {

// toDense(A, out): adds A into the caller-zeroed row-major out of rows*cols entries.
Napi::Value ToDense(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const CsrArg A = getCsr(info[0], "A");
  const Napi::TypedArray out = getValuesOf(info[1], "out", A.dtype);
  requireLength(out, A.rows * A.cols, "toDense", "out");
  check(env, withDtype(A.dtype, [&](auto zero) {
          using T = decltype(zero);
          return kernels(env).csr(T{}).toDense(A.view<T>(), dataOf<T>(out));
        }));
  return env.Undefined();
}

// fromDense(rows, cols, data) -> { rowPtr, colIdx, values }: the entries that are not zero.
Napi::Value FromDense(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int64_t rows = getSize(info[0], "rows");
  const int64_t cols = getSize(info[1], "cols");
  Dtype dtype;
  const Napi::TypedArray data = getValues(info[2], "data", &dtype);
  requireLength(data, rows * cols, "fromDense", "data");
  return withDtype(dtype, [&](auto zero) {
    using T = decltype(zero);
    const T* d = dataOf<T>(data);
    Napi::Int32Array rowPtr = newInt32Array(env, rows + 1);
    check(env, kernels(env).csr(T{}).fromDenseSymbolic(rows, cols, d, rowPtr.Data()));
    const int64_t nnz = rowPtr[static_cast<size_t>(rows)];
    Napi::Int32Array colIdx = newInt32Array(env, nnz);
    Napi::TypedArray values = newValues(env, dtype, nnz);
    check(env, kernels(env).csr(T{}).fromDenseNumeric(rows, cols, d, rowPtr.Data(), colIdx.Data(), dataOf<T>(values)));
    return makeParts(env, rowPtr, colIdx, values);
  });
}

// allFinite(values: Float64Array | Float32Array) -> boolean: no NaN and no +-Infinity.
Napi::Value AllFinite(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Dtype dtype;
  const Napi::TypedArray values = getValues(info[0], "values", &dtype);
  bool result = true;
  check(env, withDtype(dtype, [&](auto zero) {
          using T = decltype(zero);
          return kernels(env).csr(T{}).allFinite(dataOf<T>(values), static_cast<int64_t>(values.ElementLength()), &result);
        }));
  return Napi::Boolean::New(env, result);
}

}  // namespace

void exportDense(Napi::Env env, Napi::Object exports) {
  exportFunction<ToDense>(env, exports, "toDense");
  exportFunction<FromDense>(env, exports, "fromDense");
  exportFunction<AllFinite>(env, exports, "allFinite");
}

}  // namespace sparse::binding
