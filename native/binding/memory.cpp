// zeros(kind, length): a zeroed Float64Array ('f64'), Float32Array ('f32') or Int32Array ('i32')
// whose pages are asked to be huge ones (native/runtime/memory.hpp). The TypeScript layer takes
// its large scratch and result arrays from here (src/memory.ts): an array that V8 allocates is
// faulted in 4 KiB at a time on first write, which on a VM can cost more than the kernel that
// writes it.
#include <cstdint>
#include <string>

#include "memory.hpp"

#include "args.hpp"
#include "errors.hpp"
#include "exports.hpp"

namespace sparse::binding {

namespace {

constexpr size_t kHugePage = size_t{2} << 20;

// A view that starts on a huge-page boundary of a buffer holding whole huge pages past it: all of
// the view can be huge pages, where a plain array's unaligned head and tail (up to 2 MiB each)
// stay 4 KiB pages, and an array under 4 MiB gets none. The buffer is up to 4 MiB longer than the
// view: address space, and at most one partly used huge page at the end in memory (the pages
// before the view are never written).
template <class T>
Napi::Value alignedZeros(Napi::Env env, int64_t length) {
  const size_t bytes = static_cast<size_t>(length) * sizeof(T);
  const size_t whole = (bytes + kHugePage - 1) / kHugePage * kHugePage;
  Napi::ArrayBuffer buffer;
  try {
    buffer = Napi::ArrayBuffer::New(env, whole + kHugePage);
  } catch (const Napi::Error&) {
    throwCoded(env, "ERR_SPARSE_NO_MEMORY", "cannot allocate an aligned array of length " + std::to_string(length));
  }
  const uintptr_t start = reinterpret_cast<uintptr_t>(buffer.Data());
  const size_t offset = ((start + kHugePage - 1) & ~(kHugePage - 1)) - start;
  adviseHugePages(buffer.Data(), static_cast<int64_t>(whole + kHugePage));
  return Napi::TypedArrayOf<T>::New(env, static_cast<size_t>(length), buffer, offset);
}

Napi::Value Zeros(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsString()) throw Napi::TypeError::New(env, "kind must be 'f64', 'f32' or 'i32'");
  const std::string kind = info[0].As<Napi::String>().Utf8Value();
  const int64_t length = getSize(info[1], "length");
  if (kind == "f64") return alignedZeros<double>(env, length);
  if (kind == "f32") return alignedZeros<float>(env, length);
  if (kind == "i32") return alignedZeros<int32_t>(env, length);
  throw Napi::TypeError::New(env, "kind must be 'f64', 'f32' or 'i32', got '" + kind + "'");
}

}  // namespace

void exportMemory(Napi::Env env, Napi::Object exports) { exportFunction<Zeros>(env, exports, "zeros"); }

}  // namespace sparse::binding
