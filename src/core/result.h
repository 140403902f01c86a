// Errors as values at module boundaries. Result<T> is a small stand-in for std::expected (absent from
// GCC 12's C++20 library); it holds either a T or an Error, never both, never neither.
#pragma once
#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace anshin {

enum class Errc {
  kRefused,       // the peer actively refused (TCP RST, ICMP unreachable)
  kTimeout,       // no answer within the deadline
  kClosed,        // the peer closed the connection early
  kTls,           // TLS handshake or certificate failure
  kProtocol,      // the bytes did not follow the protocol (parse error, limit exceeded)
  kIo,            // any other I/O error
  kInvalidInput,  // bad user input (targets, options, files): reported in one line, exit 1
  kNotFound,      // a file, key or record does not exist
  kOutOfScope,    // an address outside what the user allowed
  kCancelled,     // stopped by the user (Ctrl-C) or by shutdown
};

const char* errc_name(Errc code);

// A named value for a message placeholder "{name}" (see i18n/catalog.h).
struct MessageArg {
  std::string name;
  std::string value;
};

// `message` is the complete English text (logs, tests, the English command line). An error meant for
// the user also names its text in the message catalogs (data/i18n): `key` and `args`, from which the
// command line renders it in the user's language (i18n::message); `prefix` is language-neutral text
// before the catalog text, such as a "hosts.txt:3: " location. Errors without a key are shown as
// `message` in every language. Make keyed errors with i18n::error().
struct Error {
  Errc code;
  std::string message;
  std::string key = {};
  std::vector<MessageArg> args = {};
  std::string prefix = {};
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT
  bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }
  T& value() & { assert(has_value()); return std::get<0>(v_); }
  const T& value() const& { assert(has_value()); return std::get<0>(v_); }
  T&& value() && { assert(has_value()); return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { assert(!has_value()); return std::get<1>(v_); }
  template <class U>
  T value_or(U&& fallback) const& { return has_value() ? value() : T(std::forward<U>(fallback)); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT
  bool has_value() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { assert(!ok_); return error_; }

 private:
  Error error_{Errc::kIo, {}};
  bool ok_ = true;
};

inline Error make_error(Errc code, std::string message) { return Error{code, std::move(message)}; }

// The same error with language-neutral text in front (a location, an option name): "--ports: ...".
inline Error with_prefix(Error error, std::string_view prefix) {
  error.message.insert(0, prefix);
  error.prefix.insert(0, prefix);
  return error;
}

}  // namespace anshin
