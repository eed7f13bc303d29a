// The memory-bandwidth probe for bench/ (kernels/stream.hpp). The caller allocates the arrays and
// times the calls, so the bench measures bandwidth with the same clock as every kernel:
//   streamRead(a: Float64Array) -> sum of a
//   streamTriad(a, b, c: Float64Array (same length, distinct buffers), s: number) -> a = b + s*c
// Both use the current thread setting. Not part of the public API (src/backend/native.ts types it
// on NativeControl for the bench and tests).
#include "args.hpp"
#include "errors.hpp"
#include "exports.hpp"
#include "kernel_table.hpp"

namespace sparse::binding {

namespace {

Napi::Float64Array getF64(const Napi::CallbackInfo& info, size_t at, const char* name) {
  Dtype dtype = Dtype::F64;
  const Napi::TypedArray a = getValues(info[at], name, &dtype);
  if (dtype != Dtype::F64) throwTypeError(info.Env(), std::string(name) + " must be a Float64Array");
  return a.As<Napi::Float64Array>();
}

Napi::Value StreamRead(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Napi::Float64Array a = getF64(info, 0, "a");
  double sum = 0;
  check(env, kernels(env).streamRead(double{})(a.Data(), static_cast<int64_t>(a.ElementLength()), &sum));
  return Napi::Number::New(env, sum);
}

Napi::Value StreamTriad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Float64Array a = getF64(info, 0, "a");
  const Napi::Float64Array b = getF64(info, 1, "b");
  const Napi::Float64Array c = getF64(info, 2, "c");
  const double s = getNumber(info[3], "s");
  const int64_t n = static_cast<int64_t>(a.ElementLength());
  requireLength(b, n, "streamTriad", "b");
  requireLength(c, n, "streamTriad", "c");
  if (overlaps(a, b) || overlaps(a, c)) throwShape(env, "streamTriad: a must not overlap b or c");
  check(env, kernels(env).streamTriad(double{})(a.Data(), b.Data(), c.Data(), s, n));
  return env.Undefined();
}

}  // namespace

void exportStream(Napi::Env env, Napi::Object exports) {
  exportFunction<StreamRead>(env, exports, "streamRead");
  exportFunction<StreamTriad>(env, exports, "streamTriad");
}

}  // namespace sparse::binding
