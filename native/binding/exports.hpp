// One registration function per kernel family; addon.cpp calls them all.
#pragma once

#include <napi.h>

namespace sparse::binding {

void exportSpmv(Napi::Env env, Napi::Object exports);
void exportSpmm(Napi::Env env, Napi::Object exports);
void exportSpgemm(Napi::Env env, Napi::Object exports);
void exportTranspose(Napi::Env env, Napi::Object exports);
void exportCoo(Napi::Env env, Napi::Object exports);
void exportAdd(Napi::Env env, Napi::Object exports);
void exportScale(Napi::Env env, Napi::Object exports);
void exportReductions(Napi::Env env, Napi::Object exports);
void exportDense(Napi::Env env, Napi::Object exports);

}  // namespace sparse::binding
