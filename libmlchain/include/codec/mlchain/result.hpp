#pragma once
// Errors as values: every fallible library call returns Result<T>. An error says what kind of failure it is, finely
// enough that a caller can act on it (retry when a lock is held, fetch first when not a fast-forward) without reading
// its message; the command line maps each kind to its exit code in one place (docs/architecture.md, "Errors").

#include <string>
#include <utility>
#include <variant>

namespace mlchain {

enum class ErrorKind {
  corrupt,               // bytes that do not hash to their CID, a damaged or malformed stored object, a lying peer
  bad_signature,         // a signature that does not verify, or a signer that is not allowed
  not_anchored,          // verification asked for a chain anchor that is absent
  invalid_argument,      // a flag or argument value the caller gave is malformed or out of range
  invalid_input,         // data the caller supplied (a file, a URL, a JSON document, a work tree) is malformed
  unsupported,           // the target cannot do this (a read-only gateway, an unknown codec, ...)
  not_found,             // unknown revision, CID, key, path, remote
  remote_unavailable,    // unreachable, connection refused, HTTP error
  timeout,               // a remote or a wait did not finish in time
  exists,                // the thing to create already exists
  locked,                // a lock file is held by another process
  not_fast_forward,      // the remote or the branch moved on: fetch (or pull) first
  changed_concurrently,  // a compare-and-swap lost: a ref, HEAD, the index or a file moved underneath
  refused,               // a safety rule refuses (local changes would be overwritten, an unsafe path, ...)
  refused_by_contract,   // a contract call reverted (the registry refused the transaction)
  access_denied,         // the caller may not read or write this
  internal,              // a bug or an unexpected system failure
};

struct Error {
  ErrorKind kind;
  std::string message;  // one line, names the thing (path, CID, URL); never a secret
};

inline Error make_error(ErrorKind kind, std::string message) { return Error{kind, std::move(message)}; }

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}      // NOLINT: implicit by design
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
  Error error_{ErrorKind::internal, {}};
  bool failed_ = false;
};

using Status = Result<void>;

}  // namespace mlchain

// Propagates the error of a Result-returning expression; otherwise binds its value.
#define MLCHAIN_CONCAT_INNER(a, b) a##b
#define MLCHAIN_CONCAT(a, b) MLCHAIN_CONCAT_INNER(a, b)
#define MLCHAIN_TRY_IMPL(tmp, decl, expr)       \
  auto tmp = (expr);                            \
  if (!tmp.ok()) return std::move(tmp).error(); \
  decl = std::move(tmp).value()
#define MLCHAIN_TRY(decl, expr) MLCHAIN_TRY_IMPL(MLCHAIN_CONCAT(mlchain_try_, __LINE__), decl, expr)
#define MLCHAIN_TRY_STATUS(expr)                                          \
  do {                                                                    \
    auto mlchain_status_ = (expr);                                        \
    if (!mlchain_status_.ok()) return std::move(mlchain_status_).error(); \
  } while (false)
