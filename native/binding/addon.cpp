// The addon's entry point. Context-aware: each environment (main thread, every worker) gets its own
// Addon instance holding what used to be globals, so nothing mutable is shared between them.
#include <napi.h>

#include <cstdlib>

#include "cpu_features.hpp"
#include "errors.hpp"
#include "exports.hpp"

#ifndef SPARSE_LINALG_VERSION
#define SPARSE_LINALG_VERSION "0.0.0-unknown"
#endif

namespace sparse::binding {

class Addon : public Napi::Addon<Addon> {
 public:
  Addon(Napi::Env env, Napi::Object exports) : cpu_(detectCpuFeatures(std::getenv("SPARSE_LINALG_SIMD"))) {
    exportSpmv(env, exports);
    exportSpmm(env, exports);
    exportSpgemm(env, exports);
    exportTranspose(env, exports);
    exportCoo(env, exports);
    exportAdd(env, exports);
    exportScale(env, exports);
    exportReductions(env, exports);
    exportDense(env, exports);
    DefineAddon(exports, {InstanceMethod("info", &Addon::Info)});
  }

 private:
  // info() -> { version, simd, simdSupported, hardwareThreads, simdWarning? }
  Napi::Value Info(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Napi::Object out = Napi::Object::New(env);
    out.Set("version", SPARSE_LINALG_VERSION);
    out.Set("simd", simdName(cpu_.level));
    Napi::Array supported = Napi::Array::New(env, cpu_.supported.size());
    for (size_t i = 0; i < cpu_.supported.size(); i++) supported.Set(static_cast<uint32_t>(i), simdName(cpu_.supported[i]));
    out.Set("simdSupported", supported);
    out.Set("hardwareThreads", Napi::Number::New(env, cpu_.hardwareThreads));
    if (!cpu_.warning.empty()) out.Set("simdWarning", cpu_.warning);
    return out;
  }

  const CpuFeatures cpu_;
};

}  // namespace sparse::binding

// The macro pastes the class name into an identifier, so it needs an unqualified one.
using SparseLinalgAddon = sparse::binding::Addon;
NODE_API_ADDON(SparseLinalgAddon)
