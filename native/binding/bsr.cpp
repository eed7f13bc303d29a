// BSR: conversions to and from CSR, SpMV and SpMM (src/backend/js/bsr-*.ts are the twins).
#include <cmath>
#include <string>

#include "args.hpp"
#include "bsr_convert.hpp"
#include "errors.hpp"
#include "exports.hpp"
#include "kernel_table.hpp"

namespace sparse::binding {

namespace {

// The JS twin's checkBlockShape, with the numbers printed as JS prints them.
void checkBlockShape(Napi::Env env, int64_t rows, int64_t cols, const Napi::Value& rv, const Napi::Value& cv) {
  const double r = getNumber(rv, "r");
  const double c = getNumber(cv, "c");
  const bool ok = std::floor(r) == r && std::floor(c) == c && r >= 1 && c >= 1 && r <= static_cast<double>(kMaxBlock) &&
                  c <= static_cast<double>(kMaxBlock);
  if (!ok) {
    throwShape(env, "block size " + rv.ToString().Utf8Value() + "x" + cv.ToString().Utf8Value() +
                        " is not supported: r and c must be integers in [1, " + num(kMaxBlock) + "]");
  }
  if (rows % static_cast<int64_t>(r) != 0 || cols % static_cast<int64_t>(c) != 0) {
    throwShape(env, "a " + num(rows) + "x" + num(cols) + " matrix cannot be cut into " + num(static_cast<int64_t>(r)) +
                        "x" + num(static_cast<int64_t>(c)) +
                        " blocks: rows must be a multiple of r and cols a multiple of c");
  }
}

struct BsrArg {
  int64_t rows = 0;
  int64_t cols = 0;
  int64_t r = 1;
  int64_t c = 1;
  Napi::Int32Array blockRowPtr;
  Napi::Int32Array blockColIdx;
  Napi::TypedArray values;
  Dtype dtype = Dtype::F64;

  template <class T>
  BsrView<T> view() const {
    BsrView<T> v;
    v.rows = rows;
    v.cols = cols;
    v.r = r;
    v.c = c;
    v.blockRowPtr = blockRowPtr.Data();
    v.blockRowPtrLen = static_cast<int64_t>(blockRowPtr.ElementLength());
    v.blockColIdx = blockColIdx.Data();
    v.blockColIdxLen = static_cast<int64_t>(blockColIdx.ElementLength());
    v.values = values.As<Napi::TypedArrayOf<T>>().Data();
    v.valuesLen = static_cast<int64_t>(values.ElementLength());
    return v;
  }
};

// A BsrMatrix or a plain object { rows, cols, blockSize: [r, c], blockRowPtr, blockColIdx, values }.
BsrArg getBsr(const Napi::Value& value, const char* name, IndexUse use) {
  Napi::Env env = value.Env();
  if (!value.IsObject()) throwTypeError(env, std::string(name) + " must be a BSR matrix object");
  Napi::Object obj = value.As<Napi::Object>();
  BsrArg a;
  const std::string n(name);
  a.rows = getSize(obj.Get("rows"), (n + ".rows").c_str());
  a.cols = getSize(obj.Get("cols"), (n + ".cols").c_str());
  const Napi::Value bs = obj.Get("blockSize");
  if (!bs.IsObject()) throwTypeError(env, n + ".blockSize must be an array [r, c]");
  const Napi::Object bso = bs.As<Napi::Object>();
  const Napi::Value rv = bso.Get(0u);
  const Napi::Value cv = bso.Get(1u);
  checkBlockShape(env, a.rows, a.cols, rv, cv);
  a.r = static_cast<int64_t>(rv.As<Napi::Number>().DoubleValue());
  a.c = static_cast<int64_t>(cv.As<Napi::Number>().DoubleValue());
  a.blockRowPtr = getInt32Array(obj.Get("blockRowPtr"), (n + ".blockRowPtr").c_str());
  a.blockColIdx = getInt32Array(obj.Get("blockColIdx"), (n + ".blockColIdx").c_str());
  if (use == IndexUse::Trusted) {
    a.blockRowPtr = privateIndices(a.blockRowPtr);
    a.blockColIdx = privateIndices(a.blockColIdx);
  }
  a.values = getValues(obj.Get("values"), (n + ".values").c_str(), &a.dtype);
  return a;
}

// csrToBsr(A, r, c) -> { blockRowPtr, blockColIdx, values }
Napi::Value CsrToBsr(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const CsrArg A = getCsr(info[0], "A");
  checkBlockShape(env, A.rows, A.cols, info[1], info[2]);
  const int64_t r = static_cast<int64_t>(info[1].As<Napi::Number>().DoubleValue());
  const int64_t c = static_cast<int64_t>(info[2].As<Napi::Number>().DoubleValue());
  Napi::Int32Array blockRowPtr = newInt32Array(env, A.rows / r + 1);
  Napi::Int32Array blockColIdx;
  Napi::TypedArray values;
  withDtype(A.dtype, [&](auto zero) {
    using T = decltype(zero);
    const CsrView<T> v = A.view<T>();
    check(env, csrToBsrCount(v, r, c, blockRowPtr.Data()));
    const int64_t nnzb = blockRowPtr[static_cast<size_t>(A.rows / r)];
    blockColIdx = newInt32Array(env, nnzb);
    values = newValues(env, A.dtype, nnzb * r * c);
    check(env, csrToBsrFill(v, r, c, blockRowPtr.Data(), blockColIdx.Data(), dataOf<T>(values)));
    return 0;
  });
  Napi::Object parts = Napi::Object::New(env);
  parts.Set("blockRowPtr", blockRowPtr);
  parts.Set("blockColIdx", blockColIdx);
  parts.Set("values", values);
  return parts;
}

// bsrToCsr(B, keepZeros) -> { rowPtr, colIdx, values }
Napi::Value BsrToCsr(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const BsrArg B = getBsr(info[0], "B", IndexUse::Trusted);
  const bool keepZeros = info[1].ToBoolean();
  Napi::Int32Array rowPtr = newInt32Array(env, B.rows + 1);
  Napi::Int32Array colIdx;
  Napi::TypedArray values;
  withDtype(B.dtype, [&](auto zero) {
    using T = decltype(zero);
    const BsrView<T> v = B.view<T>();
    check(env, bsrToCsrCount(v, keepZeros, rowPtr.Data()));
    const int64_t nnz = rowPtr[static_cast<size_t>(B.rows)];
    colIdx = newInt32Array(env, nnz);
    values = newValues(env, B.dtype, nnz);
    check(env, bsrToCsrFill(v, keepZeros, rowPtr.Data(), colIdx.Data(), dataOf<T>(values)));
    return 0;
  });
  return makeParts(env, rowPtr, colIdx, values);
}

// bsrSpmv(B, x, y, alpha, beta, transpose): y = alpha * op(B) x + beta * y, in place.
Napi::Value BsrSpmv(const Napi::CallbackInfo& info) {
  const BsrArg B = getBsr(info[0], "B", IndexUse::Rechecked);
  const Napi::TypedArray x = getValuesOf(info[1], "x", B.dtype);
  const Napi::TypedArray y = getValuesOf(info[2], "y", B.dtype);
  const double alpha = getNumber(info[3], "alpha");
  const double beta = getNumber(info[4], "beta");
  const bool transpose = info[5].ToBoolean();
  requireLength(x, transpose ? B.rows : B.cols, "bsrSpmv", "x");
  requireLength(y, transpose ? B.cols : B.rows, "bsrSpmv", "y");
  check(info.Env(), withDtype(B.dtype, [&](auto zero) {
          using T = decltype(zero);
          return kernels(info.Env()).bsrSpmv(T{})(B.view<T>(), dataOf<T>(x), dataOf<T>(y), alpha, beta, transpose);
        }));
  return info.Env().Undefined();
}

// bsrSpmm(B, X, k, Y, alpha, beta, transpose): Y = alpha * op(B) X + beta * Y, row-major, in place.
Napi::Value BsrSpmm(const Napi::CallbackInfo& info) {
  const BsrArg B = getBsr(info[0], "B", IndexUse::Rechecked);
  const Napi::TypedArray X = getValuesOf(info[1], "X", B.dtype);
  const int64_t k = getSize(info[2], "k");
  const Napi::TypedArray Y = getValuesOf(info[3], "Y", B.dtype);
  const double alpha = getNumber(info[4], "alpha");
  const double beta = getNumber(info[5], "beta");
  const bool transpose = info[6].ToBoolean();
  requireLength(X, (transpose ? B.rows : B.cols) * k, "bsrSpmm", "X");
  requireLength(Y, (transpose ? B.cols : B.rows) * k, "bsrSpmm", "Y");
  check(info.Env(), withDtype(B.dtype, [&](auto zero) {
          using T = decltype(zero);
          return kernels(info.Env()).bsrSpmm(T{})(B.view<T>(), dataOf<T>(X), k, dataOf<T>(Y), alpha, beta, transpose);
        }));
  return info.Env().Undefined();
}

}  // namespace

void exportBsr(Napi::Env env, Napi::Object exports) {
  exportFunction<CsrToBsr>(env, exports, "csrToBsr");
  exportFunction<BsrToCsr>(env, exports, "bsrToCsr");
  exportFunction<BsrSpmv>(env, exports, "bsrSpmv");
  exportFunction<BsrSpmm>(env, exports, "bsrSpmm");
}

}  // namespace sparse::binding
