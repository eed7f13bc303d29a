// Async forms of the products (matvecAsync, matmatAsync, multiplyAsync, transposeAsync).
//
// Each entry function reads and validates its arguments on the main thread exactly as the sync
// binding does (same errors, thrown synchronously; the TS layer turns them into rejections), then
// queues a SparseWorker and returns { promise, cancel } to the TS layer:
// - The worker holds a Persistent reference to every input and output typed array until it is
//   destroyed (after OnOK/OnError, on the main thread), so arrays the caller drops are not
//   collected mid-computation. Execute() sees only raw pointers and lengths taken on the main
//   thread, and the kernel table captured there; it never touches a Napi value.
// - Results go straight into V8 typed arrays (no external ArrayBuffers: Electron's memory cage
//   forbids them). Where the size is known only after a first stage (SpGEMM's nnz), that stage's
//   OnOK allocates the arrays and queues a follow-up stage (next()) that settles the same promise.
// - cancel() sets an atomic flag; Execute runs the kernel inside a CancelScope on it, so every
//   parallelFor stops handing out tasks, and the promise rejects with code ABORT_ERR. The flag is
//   shared (shared_ptr) between the worker and the cancel function, so calling cancel() after the
//   worker is gone is harmless.
// - Inputs must not be detached (transferred) while the promise is pending; OnOK refuses to
//   resolve if one was.
#pragma once

#include <napi.h>

#include <atomic>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "args.hpp"
#include "errors.hpp"
#include "exports.hpp"
#include "kernel_table.hpp"
#include "parallel.hpp"
#include "status.hpp"

namespace sparse::binding {

class SparseWorker : public Napi::AsyncWorker {
 public:
  SparseWorker(const SparseWorker&) = delete;
  SparseWorker& operator=(const SparseWorker&) = delete;

  // Queues `worker` and returns { promise, cancel }. Takes ownership: the worker deletes itself
  // after OnOK/OnError, or here if queueing fails.
  static Napi::Object start(std::unique_ptr<SparseWorker> worker) {
    Napi::Env env = worker->Env();
    Napi::Object handle = Napi::Object::New(env);
    handle.Set("promise", worker->deferred_.Promise());
    std::shared_ptr<std::atomic<bool>> flag = worker->cancel_;
    handle.Set("cancel", Napi::Function::New(
                             env,
                             [flag](const Napi::CallbackInfo& info) -> Napi::Value {
                               flag->store(true, std::memory_order_relaxed);
                               return info.Env().Undefined();
                             },
                             "cancel"));
    worker->Queue();
    worker.release();
    return handle;
  }

 protected:
  explicit SparseWorker(Napi::Env env)
      : Napi::AsyncWorker(env, "sparse-linalg"),
        deferred_(Napi::Promise::Deferred::New(env)),
        cancel_(std::make_shared<std::atomic<bool>>(false)),
        table_(&kernels(env)) {}
  // A follow-up stage of `previous` (see next()): the same promise, cancel flag and kernel table.
  explicit SparseWorker(SparseWorker& previous)
      : Napi::AsyncWorker(previous.Env(), "sparse-linalg"),
        deferred_(previous.deferred_),
        cancel_(previous.cancel_),
        table_(previous.table_) {}

  // Keeps a typed array (or any object) alive until the worker is destroyed.
  void keep(const Napi::Value& value) { refs_.push_back(Napi::Persistent(value.As<Napi::Object>())); }
  void keepCsr(const CsrArg& A) {
    keep(A.rowPtr);
    keep(A.colIdx);
    keep(A.values);
  }
  // Takes over what `previous` keeps alive (a follow-up stage that reads the same inputs).
  void keepWhatPreviousKept(SparseWorker& previous) { refs_ = std::move(previous.refs_); }

  // The kernel table of the addon instance that queued the work (static storage).
  const KernelTable& table() const { return *table_; }

  // Off the main thread: the work. No Napi value may be touched here.
  virtual Status run() = 0;
  // On the main thread after a successful run: the value the promise resolves to (may throw a
  // Napi::Error, e.g. out of memory, which rejects the promise).
  virtual Napi::Value result(Napi::Env env) { return env.Undefined(); }
  // On the main thread after a successful run: a stage to queue in place of resolving (null: resolve
  // with result()). It may allocate (a Napi::Error rejects the promise).
  virtual std::unique_ptr<SparseWorker> next(Napi::Env) { return nullptr; }

 private:
  void Execute() override {
    CancelScope scope(cancel_.get());
    try {
      status_ = run();
    } catch (const std::bad_alloc&) {
      status_ = Status::noMemory("the result");
    } catch (...) {
      status_ = Status::format("unexpected native failure");
    }
    cancelled_ = cancel_->load(std::memory_order_relaxed);
  }

  void OnOK() override {
    Napi::Env env = Env();
    try {
      if (cancelled_) {
        deferred_.Reject(coded(env, "ABORT_ERR", "The operation was aborted").Value());
      } else if (!status_.ok()) {
        deferred_.Reject(coded(env, codeOf(status_.kind), status_.message).Value());
      } else if (anyDetached()) {
        deferred_.Reject(Napi::TypeError::New(env, "an input or output array was detached (transferred) while the "
                                                   "operation was pending")
                             .Value());
      } else if (std::unique_ptr<SparseWorker> stage = next(env)) {
        stage->Queue();
        stage.release();  // deletes itself after its OnOK, as this one does
      } else {
        deferred_.Resolve(result(env));
      }
    } catch (const Napi::Error& e) {
      deferred_.Reject(e.Value());
    } catch (const std::bad_alloc&) {
      deferred_.Reject(coded(env, "ERR_SPARSE_NO_MEMORY", "out of memory").Value());
    }
  }

  // Not reached (Execute never calls SetError), but a rejection is the right answer if it were.
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

  static Napi::Error coded(Napi::Env env, const char* code, const std::string& message) {
    Napi::Error err = Napi::Error::New(env, message);
    err.Set("code", Napi::String::New(env, code));
    return err;
  }

  bool anyDetached() const {
    for (const Napi::ObjectReference& ref : refs_) {
      Napi::Value v = ref.Value();
      // A SharedArrayBuffer cannot be detached; only plain buffers are asked.
      if (!v.IsTypedArray() || onSharedMemory(v.As<Napi::TypedArray>())) continue;
      if (v.As<Napi::TypedArray>().ArrayBuffer().IsDetached()) return true;
    }
    return false;
  }

  Napi::Promise::Deferred deferred_;
  std::shared_ptr<std::atomic<bool>> cancel_;
  const KernelTable* table_;
  std::vector<Napi::ObjectReference> refs_;
  Status status_;
  bool cancelled_ = false;
};

// Entry points (async_products.cpp, async_structure.cpp); exportAsync registers all four.
Napi::Value SpmvAsync(const Napi::CallbackInfo& info);
Napi::Value SpmmAsync(const Napi::CallbackInfo& info);

}  // namespace sparse::binding
