// How the binding fails: JS errors with a stable `code` that src/errors.ts maps to the SparseError
// classes, TypeError for wrong JS types, and std::bad_alloc turned into ERR_SPARSE_NO_MEMORY at the
// boundary (an uncaught C++ exception would abort the process).
#pragma once

#include <napi.h>

#include <new>
#include <string>

#include "status.hpp"

namespace sparse::binding {

[[noreturn]] inline void throwCoded(Napi::Env env, const char* code, const std::string& message) {
  Napi::Error err = Napi::Error::New(env, message);
  err.Set("code", Napi::String::New(env, code));
  throw err;
}

[[noreturn]] inline void throwTypeError(Napi::Env env, const std::string& message) {
  throw Napi::TypeError::New(env, message);
}

[[noreturn]] inline void throwShape(Napi::Env env, const std::string& message) {
  throwCoded(env, "ERR_SPARSE_SHAPE", message);
}

inline const char* codeOf(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::Shape: return "ERR_SPARSE_SHAPE";
    case ErrorKind::TooLarge: return "ERR_SPARSE_TOO_LARGE";
    case ErrorKind::NoMemory: return "ERR_SPARSE_NO_MEMORY";
    case ErrorKind::Format:
    case ErrorKind::None: break;
  }
  return "ERR_SPARSE_FORMAT";
}

inline void check(Napi::Env env, const Status& status) {
  if (!status.ok()) throwCoded(env, codeOf(status.kind), status.message);
}

// Every exported function goes through this, so no C++ exception but Napi::Error leaves it.
template <Napi::Function::Callback F>
Napi::Value guarded(const Napi::CallbackInfo& info) {
  try {
    return F(info);
  } catch (const std::bad_alloc&) {
    throwCoded(info.Env(), "ERR_SPARSE_NO_MEMORY", "out of memory");
  }
}

template <Napi::Function::Callback F>
void exportFunction(Napi::Env env, Napi::Object exports, const char* name) {
  exports.Set(name, Napi::Function::New<guarded<F>>(env, name));
}

}  // namespace sparse::binding
