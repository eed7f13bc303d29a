#include "args.hpp"
#include "kernel_table.hpp"
#include "errors.hpp"
#include "exports.hpp"

namespace sparse::binding {

namespace {

// cooToCsr(rows, cols, rowIdx, colIdx, values) -> { rowPtr, colIdx, values }, canonical.
// Unequal coordinate lengths are a FormatError, as in the JS twin.
Napi::Value CooToCsr(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int64_t rows = getSize(info[0], "rows");
  const int64_t cols = getSize(info[1], "cols");
  // Private copies when shared: the symbolic phase checks the coordinates, the numeric one trusts them.
  const Napi::Int32Array ri = privateIndices(getInt32Array(info[2], "rowIdx"));
  const Napi::Int32Array ci = privateIndices(getInt32Array(info[3], "colIdx"));
  Dtype dtype;
  const Napi::TypedArray vals = getValues(info[4], "values", &dtype);
  return withDtype(dtype, [&](auto zero) {
    using T = decltype(zero);
    Napi::Int32Array rowPtr = newInt32Array(env, rows + 1);
    CooToCsrWork work;
    check(env, kernels(env).csr(T{}).cooSymbolic(rows, cols, ri.Data(), static_cast<int64_t>(ri.ElementLength()), ci.Data(),
                                static_cast<int64_t>(ci.ElementLength()), dataOf<T>(vals),
                                static_cast<int64_t>(vals.ElementLength()), rowPtr.Data(), work));
    const int64_t nnz = rowPtr[static_cast<size_t>(rows)];
    Napi::Int32Array colIdx = newInt32Array(env, nnz);
    Napi::TypedArray values = newValues(env, dtype, nnz);
    kernels(env).csr(T{}).cooNumeric(work, rows, rowPtr.Data(), colIdx.Data(), dataOf<T>(values));
    return makeParts(env, rowPtr, colIdx, values);
  });
}

}  // namespace

void exportCoo(Napi::Env env, Napi::Object exports) { exportFunction<CooToCsr>(env, exports, "cooToCsr"); }

}  // namespace sparse::binding
