// spmvAsync / spmmAsync: the in-place products of spmv.cpp / spmm.cpp on a libuv worker thread.
// Arguments are read and checked exactly as the sync forms do; see async_worker.hpp.
#include "args.hpp"
#include "async_worker.hpp"

namespace sparse::binding {

namespace {

template <class T>
class SpmvWorker final : public SparseWorker {
 public:
  SpmvWorker(Napi::Env env, const CsrArg& A, const Napi::TypedArray& x, const Napi::TypedArray& y, double alpha,
             double beta, bool transpose)
      : SparseWorker(env), a_(A.view<T>()), x_(dataOf<T>(x)), y_(dataOf<T>(y)), alpha_(alpha), beta_(beta),
        transpose_(transpose) {
    keepCsr(A);
    keep(x);
    keep(y);
  }

 private:
  Status run() override { return table().spmv(T{})(a_, x_, y_, alpha_, beta_, transpose_); }

  const CsrView<T> a_;
  const T* x_;
  T* y_;
  double alpha_, beta_;
  bool transpose_;
};

template <class T>
class SpmmWorker final : public SparseWorker {
 public:
  SpmmWorker(Napi::Env env, const CsrArg& A, const Napi::TypedArray& X, int64_t k, const Napi::TypedArray& Y,
             double alpha, double beta, bool transpose)
      : SparseWorker(env), a_(A.view<T>()), x_(dataOf<T>(X)), k_(k), y_(dataOf<T>(Y)), alpha_(alpha), beta_(beta),
        transpose_(transpose) {
    keepCsr(A);
    keep(X);
    keep(Y);
  }

 private:
  Status run() override { return table().csr(T{}).spmm(a_, x_, k_, y_, alpha_, beta_, transpose_); }

  const CsrView<T> a_;
  const T* x_;
  int64_t k_;
  T* y_;
  double alpha_, beta_;
  bool transpose_;
};

}  // namespace

// spmvAsync(A, x, y, alpha, beta, transpose) -> { promise<undefined>, cancel }
Napi::Value SpmvAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const CsrArg A = getCsr(info[0], "A", IndexUse::Rechecked);
  const Napi::TypedArray x = getValuesOf(info[1], "x", A.dtype);
  const Napi::TypedArray y = getValuesOf(info[2], "y", A.dtype);
  const double alpha = getNumber(info[3], "alpha");
  const double beta = getNumber(info[4], "beta");
  const bool transpose = info[5].ToBoolean();
  requireLength(x, transpose ? A.rows : A.cols, "spmv", "x");
  requireLength(y, transpose ? A.cols : A.rows, "spmv", "y");
  return withDtype(A.dtype, [&](auto zero) {
    using T = decltype(zero);
    return SparseWorker::start(std::make_unique<SpmvWorker<T>>(env, A, x, y, alpha, beta, transpose));
  });
}

// spmmAsync(A, X, k, Y, alpha, beta, transpose) -> { promise<undefined>, cancel }
Napi::Value SpmmAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const CsrArg A = getCsr(info[0], "A", IndexUse::Rechecked);
  const Napi::TypedArray X = getValuesOf(info[1], "X", A.dtype);
  const int64_t k = getSize(info[2], "k");
  const Napi::TypedArray Y = getValuesOf(info[3], "Y", A.dtype);
  const double alpha = getNumber(info[4], "alpha");
  const double beta = getNumber(info[5], "beta");
  const bool transpose = info[6].ToBoolean();
  requireLength(X, (transpose ? A.rows : A.cols) * k, "spmm", "X");
  requireLength(Y, (transpose ? A.cols : A.rows) * k, "spmm", "Y");
  return withDtype(A.dtype, [&](auto zero) {
    using T = decltype(zero);
    return SparseWorker::start(std::make_unique<SpmmWorker<T>>(env, A, X, k, Y, alpha, beta, transpose));
  });
}

}  // namespace sparse::binding
