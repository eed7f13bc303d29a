// One registration function per kernel family; addon.cpp calls them all.
#pragma once

#include <napi.h>

#include "kernel_table.hpp"

namespace sparse::binding {

// The kernel table this environment's addon instance chose (SIMD level); defined in addon.cpp.
const KernelTable& kernels(Napi::Env env);

// JS's ArrayBuffer constructor as this environment had it when the addon loaded (addon.cpp).
Napi::Function arrayBufferConstructor(Napi::Env env);

void exportSpmv(Napi::Env env, Napi::Object exports);
void exportSpmm(Napi::Env env, Napi::Object exports);
void exportSpgemm(Napi::Env env, Napi::Object exports);
void exportTranspose(Napi::Env env, Napi::Object exports);
void exportCoo(Napi::Env env, Napi::Object exports);
void exportAdd(Napi::Env env, Napi::Object exports);
void exportScale(Napi::Env env, Napi::Object exports);
void exportReductions(Napi::Env env, Napi::Object exports);
void exportDense(Napi::Env env, Napi::Object exports);
void exportBsr(Napi::Env env, Napi::Object exports);
void exportAsync(Napi::Env env, Napi::Object exports);
void exportStream(Napi::Env env, Napi::Object exports);
void exportOt(Napi::Env env, Napi::Object exports);
void exportMemory(Napi::Env env, Napi::Object exports);

}  // namespace sparse::binding
