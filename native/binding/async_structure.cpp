// spgemmAsync / transposeAsync: products that build a new structure. Each writes straight into V8
// typed arrays: transpose's size is known from A's row pointer; SpGEMM computes C in a first stage
// and copies it into arrays of the size it found in a second (async_worker.hpp). Errors match
// spgemm.cpp / transpose.cpp.
#include <memory>
#include <utility>
#include <vector>

#include "args.hpp"
#include "async_worker.hpp"
#include "csr_check.hpp"
#include "workspace.hpp"

namespace sparse::binding {

namespace {

// The main thread runs on while the worker computes and may write an operand's arrays, shared or
// not; the kernels here check the structure once and then index with it. So they work on private
// copies of the row pointer and column indices, taken in the worker (the copy is what gets checked).
// Call copied() before using the view: false when out of memory or cancelled (a cancelled
// parallelFor skips chunks, so the copy may be partial and must not be checked or used).
template <class T>
struct PrivateStructure {
  Scratch rowPtr;
  Scratch colIdx;
  bool ok = false;

  CsrView<T> of(CsrView<T> v) {
    const size_t rp = static_cast<size_t>(v.rowPtrLen) * sizeof(int32_t);
    const size_t ci = static_cast<size_t>(v.colIdxLen) * sizeof(int32_t);
    ok = rowPtr.allocateBytes(rp) && colIdx.allocateBytes(ci);
    if (!ok) return v;
    copyInParallel(rowPtr.data(), v.rowPtr, rp);
    copyInParallel(colIdx.data(), v.colIdx, ci);
    ok = !cancelRequested();
    v.rowPtr = static_cast<const int32_t*>(rowPtr.data());
    v.colIdx = static_cast<const int32_t*>(colIdx.data());
    return v;
  }
};

// What a worker returns when PrivateStructure::of failed: cancelled (OnOK rejects with AbortError
// and ignores the status) or out of memory.
inline Status copyFailed() { return cancelRequested() ? Status::okay() : Status::noMemory("the copy of the structure"); }

// Stage two of spgemmAsync: writes C's columns and values into arrays of plan.nnz entries,
// allocated by stage one's OnOK: rows from the plan's buffers, and the rows numeric computes
// straight into C from A and B (stage one's private structures, moved here, and the inputs' values,
// kept alive here from then on).
template <class T>
class SpgemmCopyWorker final : public SparseWorker {
 public:
  SpgemmCopyWorker(SparseWorker& previous, Napi::Env env, SpgemmPlan plan, Napi::Int32Array rowPtr, Dtype dtype,
                   CsrView<T> a, CsrView<T> b, PrivateStructure<T> ownA, PrivateStructure<T> ownB)
      : SparseWorker(previous),
        plan_(std::move(plan)),
        a_(a),
        b_(b),
        ownA_(std::move(ownA)),
        ownB_(std::move(ownB)) {
    keepWhatPreviousKept(previous);
    Napi::Int32Array colIdx = newInt32Array(env, plan_.nnz);
    Napi::TypedArray values = newValues(env, dtype, plan_.nnz);
    colIdxOut_ = colIdx.Data();
    valuesOut_ = dataOf<T>(values);
    rowPtr_ = Napi::Persistent(rowPtr);
    rowPtrOut_ = rowPtr.Data();
    colIdx_ = Napi::Persistent(colIdx);
    values_ = Napi::Persistent(values);
  }

 private:
  Status run() override {
    return table().spgemm(T{}).numeric(a_, b_, plan_, rowPtrOut_, colIdxOut_, valuesOut_);
  }

  Napi::Value result(Napi::Env env) override {
    return makeParts(env, rowPtr_.Value(), colIdx_.Value(), values_.Value());
  }

  SpgemmPlan plan_;
  const CsrView<T> a_;
  const CsrView<T> b_;
  PrivateStructure<T> ownA_;
  PrivateStructure<T> ownB_;
  const int32_t* rowPtrOut_ = nullptr;
  int32_t* colIdxOut_ = nullptr;
  T* valuesOut_ = nullptr;
  Napi::Reference<Napi::Int32Array> rowPtr_;
  Napi::Reference<Napi::Int32Array> colIdx_;
  Napi::Reference<Napi::TypedArray> values_;
};

// Stage one of spgemmAsync: validates A and B and runs the symbolic phase (C's row pointer, and
// most rows of C into the plan).
template <class T>
class SpgemmWorker final : public SparseWorker {
 public:
  SpgemmWorker(Napi::Env env, const CsrArg& A, const CsrArg& B)
      : SparseWorker(env), a_(A.view<T>()), b_(B.view<T>()), dtype_(A.dtype) {
    keepCsr(A);
    keepCsr(B);
    Napi::Int32Array rowPtr = newInt32Array(env, A.rows + 1);
    rowPtrOut_ = rowPtr.Data();
    rowPtr_ = Napi::Persistent(rowPtr);
  }

 private:
  Status run() override {
    // The symbolic phase validates A and B (the sync binding's order and messages), on private
    // copies of their structures (PrivateStructure), kept for stage two; C's rows go into the plan
    // or, short ones, are only counted (stage two computes them).
    ownViewA_ = ownA_.of(a_);
    ownViewB_ = ownB_.of(b_);
    if (!ownA_.ok || !ownB_.ok) return copyFailed();
    return table().spgemm(T{}).symbolic(ownViewA_, ownViewB_, rowPtrOut_, plan_);
  }

  std::unique_ptr<SparseWorker> next(Napi::Env env) override {
    return std::make_unique<SpgemmCopyWorker<T>>(*this, env, std::move(plan_), rowPtr_.Value(), dtype_, ownViewA_,
                                                 ownViewB_, std::move(ownA_), std::move(ownB_));
  }

  const CsrView<T> a_;
  const CsrView<T> b_;
  PrivateStructure<T> ownA_;
  PrivateStructure<T> ownB_;
  CsrView<T> ownViewA_;  // a_ and b_ on the private structures
  CsrView<T> ownViewB_;
  const Dtype dtype_;
  SpgemmPlan plan_;
  int32_t* rowPtrOut_ = nullptr;
  Napi::Reference<Napi::Int32Array> rowPtr_;
};

// The result's size is known from A's row pointer, so the worker writes straight into typed arrays
// allocated here (as the sync binding does), with no native buffers to copy in OnOK.
template <class T>
class TransposeWorker final : public SparseWorker {
 public:
  TransposeWorker(Napi::Env env, const CsrArg& A, int64_t nnz) : SparseWorker(env), a_(A.view<T>()), nnz_(nnz) {
    keepCsr(A);
    Napi::Int32Array rowPtr = newInt32Array(env, A.cols + 1);
    Napi::Int32Array colIdx = newInt32Array(env, nnz);
    const Napi::TypedArray values = newValues(env, A.dtype, nnz);
    out_.rowPtr = rowPtr.Data();
    out_.colIdx = colIdx.Data();
    out_.values = dataOf<T>(values);
    rowPtr_ = Napi::Persistent(rowPtr);
    colIdx_ = Napi::Persistent(colIdx);
    values_ = Napi::Persistent(values);
  }

 private:
  Status run() override {
    PrivateStructure<T> own;
    const CsrView<T> a = own.of(a_);
    if (!own.ok) return copyFailed();
    // The ends were checked on the live array to size the result; the copy must agree.
    Status s = checkRowPtrEnds(a);
    if (!s.ok()) return s;
    if (a.nnz() != nnz_) return changedDuringCall();
    return table().csr(T{}).transpose(a, out_.rowPtr, out_.colIdx, out_.values);
  }

  Napi::Value result(Napi::Env env) override {
    return makeParts(env, rowPtr_.Value(), colIdx_.Value(), values_.Value());
  }

  struct Out {
    int32_t* rowPtr = nullptr;
    int32_t* colIdx = nullptr;
    T* values = nullptr;
  };
  const CsrView<T> a_;
  const int64_t nnz_;
  Out out_;  // the worker writes through these; the references below keep the arrays alive
  Napi::Reference<Napi::Int32Array> rowPtr_;
  Napi::Reference<Napi::Int32Array> colIdx_;
  Napi::Reference<Napi::TypedArray> values_;
};

// spgemmAsync(A, B) -> { promise<{ rowPtr, colIdx, values }>, cancel }. A and B must share a
// dtype (the TS layer widens a mixed pair to f64 first, as the sync multiply does).
Napi::Value SpgemmAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  // No copy here: the worker copies the structure (PrivateStructure), off the main thread.
  const CsrArg A = getCsr(info[0], "A", IndexUse::Rechecked);
  const CsrArg B = getCsr(info[1], "B", IndexUse::Rechecked);
  if (A.cols != B.rows) {
    throwShape(env, "spgemm: A is " + num(A.rows) + "x" + num(A.cols) + " and B is " + num(B.rows) + "x" +
                        num(B.cols) + "; A.cols must equal B.rows");
  }
  if (A.dtype != B.dtype) throwTypeError(env, "spgemmAsync: A and B must have the same dtype");
  return withDtype(A.dtype, [&](auto zero) {
    using T = decltype(zero);
    return SparseWorker::start(std::make_unique<SpgemmWorker<T>>(env, A, B));
  });
}

// transposeAsync(A) -> { promise<{ rowPtr, colIdx, values }>, cancel }
Napi::Value TransposeAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const CsrArg A = getCsr(info[0], "A", IndexUse::Rechecked);  // copied in the worker
  return withDtype(A.dtype, [&](auto zero) {
    using T = decltype(zero);
    check(env, checkRowPtrEnds(A.view<T>()));  // as transpose.cpp: sizes the result
    const int64_t nnz = A.rowPtr[static_cast<size_t>(A.rows)];  // read again: shared arrays may have moved
    if (nnz < 0 || nnz > static_cast<int64_t>(A.colIdx.ElementLength())) check(env, changedDuringCall());
    return SparseWorker::start(std::make_unique<TransposeWorker<T>>(env, A, nnz));
  });
}

}  // namespace

void exportAsync(Napi::Env env, Napi::Object exports) {
  exportFunction<SpmvAsync>(env, exports, "spmvAsync");
  exportFunction<SpmmAsync>(env, exports, "spmmAsync");
  exportFunction<SpgemmAsync>(env, exports, "spgemmAsync");
  exportFunction<TransposeAsync>(env, exports, "transposeAsync");
}

}  // namespace sparse::binding
