// Reading and checking JS arguments, and allocating results as V8 typed arrays.
#pragma once

#include <napi.h>

#include <cstdint>

#include "csr_view.hpp"

namespace sparse::binding {

enum class Dtype { F64, F32 };

// How a kernel uses an operand's row pointer and column indices. Arrays on a SharedArrayBuffer can
// be written by another thread while the call runs, between a check and the use it guards:
// - Trusted: the kernel validates the structure once and then indexes with it (transpose, SpGEMM,
//   add, scaling, conversions). Shared arrays are replaced by private copies first, so the check
//   holds for the whole call.
// - Rechecked: the kernel checks every row bound and column where it uses it (SpMV, SpMM, the
//   reductions, the BSR products, the OT sparsifier): the live arrays, no copy.
enum class IndexUse { Trusted, Rechecked };

// A CSR operand: a CsrMatrix instance or a plain object with the same fields. The handles keep
// the arrays alive while the kernel runs.
struct CsrArg {
  int64_t rows = 0;
  int64_t cols = 0;
  Napi::Int32Array rowPtr;
  Napi::Int32Array colIdx;
  Napi::TypedArray values;
  Dtype dtype = Dtype::F64;

  template <class T>
  CsrView<T> view() const {
    CsrView<T> v;
    v.rows = rows;
    v.cols = cols;
    v.rowPtr = rowPtr.Data();
    v.rowPtrLen = static_cast<int64_t>(rowPtr.ElementLength());
    v.colIdx = colIdx.Data();
    v.colIdxLen = static_cast<int64_t>(colIdx.ElementLength());
    v.values = values.As<Napi::TypedArrayOf<T>>().Data();
    v.valuesLen = static_cast<int64_t>(values.ElementLength());
    return v;
  }
};

CsrArg getCsr(const Napi::Value& value, const char* name, IndexUse use = IndexUse::Trusted);

// memcpy cut into chunks run on the thread pool (a fresh destination's page faults are shared too).
void copyInParallel(void* dst, const void* src, size_t bytes);

// True when the array is a view on a SharedArrayBuffer.
bool onSharedMemory(const Napi::TypedArray& array);
// The array itself, or a private copy of it when it lies on a SharedArrayBuffer (IndexUse::Trusted).
Napi::Int32Array privateIndices(const Napi::Int32Array& array);

// A size (rows, cols, k): a non-negative integer; above the int32 index limit is ERR_SPARSE_TOO_LARGE.
int64_t getSize(const Napi::Value& value, const char* name);
double getNumber(const Napi::Value& value, const char* name);
Napi::Int32Array getInt32Array(const Napi::Value& value, const char* name);
// A Float64Array or Float32Array; its dtype is returned through `dtype`.
Napi::TypedArray getValues(const Napi::Value& value, const char* name, Dtype* dtype);
// As getValues, but the dtype must be `expected` (the matrix's), else TypeError.
Napi::TypedArray getValuesOf(const Napi::Value& value, const char* name, Dtype expected);

// ERR_SPARSE_SHAPE unless the array has exactly (or, with atLeast, at least) `expected` elements.
void requireLength(const Napi::TypedArray& array, int64_t expected, const char* fn, const char* name,
                   bool atLeast = false);

// True when the two arrays share any byte (an output aliasing an input or another output).
bool overlaps(const Napi::TypedArray& p, const Napi::TypedArray& q);

// Zeroed result arrays; from 1 MiB up, views aligned to 2 MiB in huge pages (args.cpp, newZeroed).
Napi::Int32Array newInt32Array(Napi::Env env, int64_t length);
Napi::TypedArray newValues(Napi::Env env, Dtype dtype, int64_t length);
Napi::Object makeParts(Napi::Env env, const Napi::Int32Array& rowPtr, const Napi::Int32Array& colIdx,
                       const Napi::TypedArray& values);

template <class T>
T* dataOf(const Napi::TypedArray& array) {
  return array.As<Napi::TypedArrayOf<T>>().Data();
}

// Calls f with a value of the C++ type for `dtype` (its value is unused; only its type matters).
template <class F>
decltype(auto) withDtype(Dtype dtype, F&& f) {
  if (dtype == Dtype::F32) return f(float{});
  return f(double{});
}

}  // namespace sparse::binding
