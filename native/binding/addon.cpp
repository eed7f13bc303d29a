// The addon's entry point. Context-aware: each environment (main thread, every worker) gets its own
// Addon instance holding what used to be globals, so nothing mutable is shared between them.
#include <napi.h>

#include <cstdlib>

#include "cpu_features.hpp"
#include "kernel_table.hpp"
#include "parallel.hpp"
#include "errors.hpp"
#include "exports.hpp"

#ifndef SPARSE_LINALG_VERSION
#define SPARSE_LINALG_VERSION "0.0.0-unknown"
#endif

namespace sparse::binding {

class Addon : public Napi::Addon<Addon> {
 public:
  Addon(Napi::Env env, Napi::Object exports)
      : cpu_(detectCpuFeatures(std::getenv("SPARSE_LINALG_SIMD"))), table_(kernelTableFor(cpu_.level)) {
    if (table_ == nullptr) table_ = kernelTableFor(SimdLevel::Scalar);
    arrayBuffer_ = Napi::Persistent(env.Global().Get("ArrayBuffer").As<Napi::Function>());
    exportSpmv(env, exports);
    exportSpmm(env, exports);
    exportSpgemm(env, exports);
    exportTranspose(env, exports);
    exportCoo(env, exports);
    exportAdd(env, exports);
    exportScale(env, exports);
    exportReductions(env, exports);
    exportDense(env, exports);
    exportBsr(env, exports);
    exportAsync(env, exports);
    exportStream(env, exports);
    exportOt(env, exports);
    exportMemory(env, exports);
    DefineAddon(exports, {InstanceMethod("info", &Addon::Info), InstanceMethod("setSimd", &Addon::SetSimd),
                          InstanceMethod("setThreads", &Addon::SetThreads), InstanceMethod("getThreads", &Addon::GetThreads)});
  }

  const KernelTable& table() const { return *table_; }
  Napi::Function arrayBuffer() const { return arrayBuffer_.Value(); }

 private:
  // info() -> { version, simd, simdSupported, hardwareThreads, simdWarning? }
  Napi::Value Info(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Napi::Object out = Napi::Object::New(env);
    out.Set("version", SPARSE_LINALG_VERSION);
    out.Set("simd", simdName(table_->level));
    Napi::Array supported = Napi::Array::New(env, cpu_.supported.size());
    for (size_t i = 0; i < cpu_.supported.size(); i++) supported.Set(static_cast<uint32_t>(i), simdName(cpu_.supported[i]));
    out.Set("simdSupported", supported);
    out.Set("hardwareThreads", Napi::Number::New(env, cpu_.hardwareThreads));
    out.Set("threads", Napi::Number::New(env, maxThreads()));
    if (!cpu_.warning.empty()) out.Set("simdWarning", cpu_.warning);
    return out;
  }

  // setSimd(level): switch this instance's kernel table (tests run every level the CPU has).
  // A level the CPU cannot run is refused, never used.
  Napi::Value SetSimd(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    const std::string want = info[0].IsString() ? info[0].As<Napi::String>().Utf8Value() : std::string();
    for (SimdLevel level : cpu_.supported) {
      const KernelTable* t = kernelTableFor(level);
      if (t != nullptr && want == simdName(level)) {
        table_ = t;
        return env.Undefined();
      }
    }
    throwCoded(env, "ERR_SPARSE_SIMD", "SIMD level '" + want + "' is not supported by this CPU or build");
  }

  // setThreads(n): the process-wide cap on threads per kernel call (the pool is shared by every
  // instance, so this affects worker_threads too). n: an integer in [1, 256]; the TS layer
  // validates first, this is the last line of defence.
  Napi::Value SetThreads(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    const double n = info[0].IsNumber() ? info[0].As<Napi::Number>().DoubleValue() : 0;
    if (!(n >= 1 && n <= 256) || n != static_cast<double>(static_cast<int>(n))) {
      throw Napi::RangeError::New(env, "threads must be an integer in [1, 256]");
    }
    setMaxThreads(static_cast<int>(n));
    return env.Undefined();
  }

  Napi::Value GetThreads(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), maxThreads()); }

  const CpuFeatures cpu_;
  const KernelTable* table_;
  Napi::FunctionReference arrayBuffer_;
};

const KernelTable& kernels(Napi::Env env) { return env.GetInstanceData<Addon>()->table(); }

Napi::Function arrayBufferConstructor(Napi::Env env) { return env.GetInstanceData<Addon>()->arrayBuffer(); }

}  // namespace sparse::binding

// The macro pastes the class name into an identifier, so it needs an unqualified one.
using SparseLinalgAddon = sparse::binding::Addon;
NODE_API_ADDON(SparseLinalgAddon)
