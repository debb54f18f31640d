#pragma once
// Errors as values: every fallible library call returns Result<T>. The codes map one-to-one onto the
// command line's exit codes (docs/architecture.md), so the CLI never has to guess how serious a failure is.

#include <string>
#include <utility>
#include <variant>

namespace mlchain {

enum class ErrorCode : int {
  verification_failed = 1,  // tamper, bad signature, hash mismatch, corruption
  usage = 2,                // bad argument, malformed input given by the caller
  not_found = 3,            // unknown revision, CID, key, path, remote
  remote_unavailable = 4,   // RPC or IPFS unreachable, timeout, HTTP error
  conflict = 5,             // non-fast-forward, lock held, already exists
  internal = 70,            // a bug or an unexpected system failure
};

struct Error {
  ErrorCode code;
  std::string message;  // one line, names the thing (path, CID, URL); never a secret
};

inline Error make_error(ErrorCode code, std::string message) { return Error{code, std::move(message)}; }

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const noexcept { return state_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const& { return std::get<1>(state_); }
  Error&& error() && { return std::get<1>(std::move(state_)); }

 private:
  std::variant<T, Error> state_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), failed_(true) {}  // NOLINT

  bool ok() const noexcept { return !failed_; }
  explicit operator bool() const noexcept { return ok(); }
  const Error& error() const& { return error_; }
  Error&& error() && { return std::move(error_); }

 private:
  Error error_{ErrorCode::internal, {}};
  bool failed_ = false;
};

using Status = Result<void>;

}  // namespace mlchain

// Propagates the error of a Result-returning expression; otherwise binds its value.
#define MLCHAIN_CONCAT_INNER(a, b) a##b
#define MLCHAIN_CONCAT(a, b) MLCHAIN_CONCAT_INNER(a, b)
#define MLCHAIN_TRY_IMPL(tmp, decl, expr) \
  auto tmp = (expr);                      \
  if (!tmp.ok()) return std::move(tmp).error(); \
  decl = std::move(tmp).value()
#define MLCHAIN_TRY(decl, expr) MLCHAIN_TRY_IMPL(MLCHAIN_CONCAT(mlchain_try_, __LINE__), decl, expr)
#define MLCHAIN_TRY_STATUS(expr)                              \
  do {                                                        \
    auto mlchain_status_ = (expr);                            \
    if (!mlchain_status_.ok()) return std::move(mlchain_status_).error(); \
  } while (false)
