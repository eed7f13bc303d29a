// Kernel result type: kernels never throw across their boundary; they report one of a few error
// kinds with the exact message the JS backend uses, and the binding turns it into a JS error.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

namespace sparse {

// The largest index an int32 can hold; larger structures are refused (TooLarge).
constexpr int64_t kMaxIndex = 2147483647;

enum class ErrorKind { None, Format, Shape, TooLarge, NoMemory };

struct Status {
  ErrorKind kind = ErrorKind::None;
  std::string message;

  bool ok() const { return kind == ErrorKind::None; }

  static Status okay() { return Status{}; }
  static Status error(ErrorKind kind, std::string message) {
    Status s;
    s.kind = kind;
    s.message = std::move(message);
    return s;
  }
  static Status format(std::string message) { return error(ErrorKind::Format, std::move(message)); }
  static Status shape(std::string message) { return error(ErrorKind::Shape, std::move(message)); }
  static Status tooLarge(std::string message) { return error(ErrorKind::TooLarge, std::move(message)); }
  static Status noMemory(std::string what) {
    return error(ErrorKind::NoMemory, "out of memory while allocating " + std::move(what));
  }
};

// Integers print as JS prints them (every value here is an integer below 2^53).
inline std::string num(int64_t v) { return std::to_string(v); }

}  // namespace sparse
