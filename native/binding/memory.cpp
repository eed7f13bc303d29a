// zeros(kind, length): a zeroed Float64Array ('f64'), Float32Array ('f32') or Int32Array ('i32'),
// allocated as the addon allocates its results (args.cpp, newZeroed: from 1 MiB up, a view aligned
// to 2 MiB in huge pages). The TypeScript layer takes its large scratch and result arrays from here
// (src/memory.ts): an array that V8 allocates is faulted in 4 KiB at a time on first write, which
// on a VM can cost more than the kernel that writes it.
#include <string>

#include "args.hpp"
#include "errors.hpp"
#include "exports.hpp"

namespace sparse::binding {

namespace {

Napi::Value Zeros(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsString()) throw Napi::TypeError::New(env, "kind must be 'f64', 'f32' or 'i32'");
  const std::string kind = info[0].As<Napi::String>().Utf8Value();
  const int64_t length = getSize(info[1], "length");
  if (kind == "f64") return newValues(env, Dtype::F64, length);
  if (kind == "f32") return newValues(env, Dtype::F32, length);
  if (kind == "i32") return newInt32Array(env, length);
  throw Napi::TypeError::New(env, "kind must be 'f64', 'f32' or 'i32', got '" + kind + "'");
}

}  // namespace

void exportMemory(Napi::Env env, Napi::Object exports) { exportFunction<Zeros>(env, exports, "zeros"); }

}  // namespace sparse::binding
