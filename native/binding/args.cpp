#include "args.hpp"

#include "memory.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

#include "errors.hpp"
#include "exports.hpp"
#include "parallel.hpp"
#include "status.hpp"

namespace sparse::binding {

namespace {

std::string dotted(const char* obj, const char* key) { return std::string(obj) + "." + key; }

}  // namespace

int64_t getSize(const Napi::Value& value, const char* name) {
  Napi::Env env = value.Env();
  if (!value.IsNumber()) throwTypeError(env, std::string(name) + " must be a non-negative integer");
  const double d = value.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d) || d < 0 || std::floor(d) != d) {
    throwTypeError(env, std::string(name) + " must be a non-negative integer");
  }
  if (d > static_cast<double>(kMaxIndex)) {
    throwCoded(env, "ERR_SPARSE_TOO_LARGE",
               std::string(name) + " = " + num(static_cast<int64_t>(std::min(d, 9007199254740992.0))) +
                   " exceeds the int32 index limit " + num(kMaxIndex));
  }
  return static_cast<int64_t>(d);
}

double getNumber(const Napi::Value& value, const char* name) {
  if (!value.IsNumber()) throwTypeError(value.Env(), std::string(name) + " must be a number");
  return value.As<Napi::Number>().DoubleValue();
}

Napi::Int32Array getInt32Array(const Napi::Value& value, const char* name) {
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != napi_int32_array) {
    throwTypeError(value.Env(), std::string(name) + " must be an Int32Array");
  }
  return value.As<Napi::Int32Array>();
}

Napi::TypedArray getValues(const Napi::Value& value, const char* name, Dtype* dtype) {
  if (value.IsTypedArray()) {
    const napi_typedarray_type type = value.As<Napi::TypedArray>().TypedArrayType();
    if (type == napi_float64_array || type == napi_float32_array) {
      *dtype = type == napi_float32_array ? Dtype::F32 : Dtype::F64;
      return value.As<Napi::TypedArray>();
    }
  }
  throwTypeError(value.Env(), std::string(name) + " must be a Float64Array or Float32Array");
}

Napi::TypedArray getValuesOf(const Napi::Value& value, const char* name, Dtype expected) {
  Dtype dtype;
  Napi::TypedArray array = getValues(value, name, &dtype);
  if (dtype != expected) {
    throwTypeError(value.Env(), std::string(name) + " must be a " +
                                    (expected == Dtype::F32 ? "Float32Array" : "Float64Array") +
                                    " to match the matrix's dtype");
  }
  return array;
}

void copyInParallel(void* dst, const void* src, size_t bytes) {
  if (bytes == 0) return;  // src may be null then
  const int64_t chunks = partsFor(static_cast<int64_t>(bytes), int64_t{1} << 20);
  parallelFor(chunks, [&](int64_t c) {
    const size_t b = bytes * static_cast<size_t>(c) / static_cast<size_t>(chunks);
    const size_t e = bytes * static_cast<size_t>(c + 1) / static_cast<size_t>(chunks);
    std::memcpy(static_cast<char*>(dst) + b, static_cast<const char*>(src) + b, e - b);
  });
}

bool onSharedMemory(const Napi::TypedArray& array) {
  napi_env env = array.Env();
  napi_value buffer = nullptr;
  NAPI_THROW_IF_FAILED(env, napi_get_typedarray_info(env, array, nullptr, nullptr, nullptr, &buffer, nullptr), false);
  bool plain = false;
  NAPI_THROW_IF_FAILED(env, napi_is_arraybuffer(env, buffer, &plain), false);
  return !plain;  // a typed array's buffer is an ArrayBuffer or a SharedArrayBuffer
}

Napi::Int32Array privateIndices(const Napi::Int32Array& array) {
  if (!onSharedMemory(array)) return array;
  const size_t n = array.ElementLength();
  Napi::Int32Array copy = newInt32Array(array.Env(), static_cast<int64_t>(n));
  // Another thread may be writing the source: whatever it holds now is what the kernel checks.
  copyInParallel(copy.Data(), array.Data(), n * sizeof(int32_t));
  return copy;
}

CsrArg getCsr(const Napi::Value& value, const char* name, IndexUse use) {
  if (!value.IsObject()) throwTypeError(value.Env(), std::string(name) + " must be a CSR matrix object");
  Napi::Object obj = value.As<Napi::Object>();
  CsrArg a;
  a.rows = getSize(obj.Get("rows"), dotted(name, "rows").c_str());
  a.cols = getSize(obj.Get("cols"), dotted(name, "cols").c_str());
  a.rowPtr = getInt32Array(obj.Get("rowPtr"), dotted(name, "rowPtr").c_str());
  a.colIdx = getInt32Array(obj.Get("colIdx"), dotted(name, "colIdx").c_str());
  if (use == IndexUse::Trusted) {
    a.rowPtr = privateIndices(a.rowPtr);
    a.colIdx = privateIndices(a.colIdx);
  }
  a.values = getValues(obj.Get("values"), dotted(name, "values").c_str(), &a.dtype);
  return a;
}

void requireLength(const Napi::TypedArray& array, int64_t expected, const char* fn, const char* name,
                   bool atLeast) {
  const int64_t length = static_cast<int64_t>(array.ElementLength());
  if (atLeast ? length >= expected : length == expected) return;
  throwShape(array.Env(), std::string(fn) + ": " + name + " has length " + num(length) + ", expected " +
                              (atLeast ? "at least " : "") + num(expected));
}

// The view's first byte, read through napi_get_typedarray_info: TypedArray::ArrayBuffer() fails
// with "Invalid argument" for a view on a SharedArrayBuffer.
static const uint8_t* viewStart(const Napi::TypedArray& a) {
  void* data = nullptr;
  const napi_status status = napi_get_typedarray_info(a.Env(), a, nullptr, nullptr, &data, nullptr, nullptr);
  NAPI_THROW_IF_FAILED(a.Env(), status, nullptr);
  return static_cast<const uint8_t*>(data);
}

bool overlaps(const Napi::TypedArray& p, const Napi::TypedArray& q) {
  const uint8_t* a = viewStart(p);
  const uint8_t* b = viewStart(q);
  return a < b + q.ByteLength() && b < a + p.ByteLength();
}

namespace {

// Arrays from 1 MiB up are views that start on a huge-page boundary of a buffer holding whole huge
// pages past it, with huge pages asked for: all of the view can be huge pages, where a plain
// array's unaligned head and tail (up to 2 MiB each) stay 4 KiB pages and an array under 4 MiB
// gets none; on the project's VMs each 4 KiB fault of a fresh page costs about 10 us. The buffer
// is up to 4 MiB longer than the view: address space, and at most one partly used huge page in
// memory (the bytes before the view are never written).
//
// Buffers from 64 KiB up come from JS's ArrayBuffer constructor: when memory runs out it throws a
// RangeError, which becomes ERR_SPARSE_NO_MEMORY here, where napi_create_arraybuffer
// (v8::ArrayBuffer::New) ends the process. Smaller ones are not worth the call.
template <class T>
Napi::TypedArrayOf<T> newZeroed(Napi::Env env, int64_t length, const char* what) {
  if (length < 0) {
    // Only an invalid structure could size a result so; the checks before every allocation catch it.
    throwCoded(env, "ERR_SPARSE_FORMAT", std::string("cannot allocate ") + what + " of negative length " + num(length));
  }
  try {
    const size_t bytes = static_cast<size_t>(length) * sizeof(T);
    if (bytes < (size_t{1} << 16)) return Napi::TypedArrayOf<T>::New(env, static_cast<size_t>(length));
    auto allocate = [&](size_t n) {
      return arrayBufferConstructor(env).New({Napi::Number::New(env, static_cast<double>(n))}).template As<Napi::ArrayBuffer>();
    };
    if (bytes < (size_t{1} << 20)) return Napi::TypedArrayOf<T>::New(env, static_cast<size_t>(length), allocate(bytes), 0);
    const size_t whole = (bytes + kHugePageBytes - 1) / kHugePageBytes * kHugePageBytes;
    Napi::ArrayBuffer buffer = allocate(whole + kHugePageBytes);
    const uintptr_t start = reinterpret_cast<uintptr_t>(buffer.Data());
    const size_t offset = ((start + kHugePageBytes - 1) & ~(kHugePageBytes - 1)) - start;
    adviseHugePages(buffer.Data(), static_cast<int64_t>(whole + kHugePageBytes));
    return Napi::TypedArrayOf<T>::New(env, static_cast<size_t>(length), buffer, offset);
  } catch (const Napi::Error&) {
    throwCoded(env, "ERR_SPARSE_NO_MEMORY", std::string("cannot allocate ") + what + " of length " + num(length));
  }
}

}  // namespace

Napi::Int32Array newInt32Array(Napi::Env env, int64_t length) { return newZeroed<int32_t>(env, length, "an Int32Array"); }

Napi::TypedArray newValues(Napi::Env env, Dtype dtype, int64_t length) {
  if (dtype == Dtype::F32) return newZeroed<float>(env, length, "a values array");
  return newZeroed<double>(env, length, "a values array");
}

Napi::Object makeParts(Napi::Env env, const Napi::Int32Array& rowPtr, const Napi::Int32Array& colIdx,
                       const Napi::TypedArray& values) {
  Napi::Object parts = Napi::Object::New(env);
  parts.Set("rowPtr", rowPtr);
  parts.Set("colIdx", colIdx);
  parts.Set("values", values);
  return parts;
}

}  // namespace sparse::binding
