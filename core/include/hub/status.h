// hub/status.h: the error value used at every boundary of the hub.
//
// A Status is OK or carries a code and a human-readable message that says what
// went wrong and, where possible, what to do. It never throws. Cheap on the OK
// path (no allocation).
#pragma once

#include <string>
#include <string_view>
#include <utility>

namespace hub {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,   // the input is wrong; retrying the same input will fail again
  kNotFound,          // a named thing (unit, case, file, symbol) does not exist
  kPermissionDenied,  // the caller may not do this
  kConflict,          // the thing is in a state that does not allow this
  kUnavailable,       // temporary (database down, peer gone): retry later
  kBusy,              // back-pressure: retry later, more slowly
  kInternal,          // a bug or an unexpected failure inside the hub or a plugin
};

// Stable lower-case name of a code, used on the wire and in logs.
constexpr std::string_view to_string(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "ok";
    case StatusCode::kInvalidArgument: return "invalid_argument";
    case StatusCode::kNotFound: return "not_found";
    case StatusCode::kPermissionDenied: return "permission_denied";
    case StatusCode::kConflict: return "conflict";
    case StatusCode::kUnavailable: return "unavailable";
    case StatusCode::kBusy: return "busy";
    case StatusCode::kInternal: return "internal";
  }
  return "internal";
}

class Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return {}; }
  static Status InvalidArgument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status PermissionDenied(std::string m) { return {StatusCode::kPermissionDenied, std::move(m)}; }
  static Status Conflict(std::string m) { return {StatusCode::kConflict, std::move(m)}; }
  static Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
  static Status Busy(std::string m) { return {StatusCode::kBusy, std::move(m)}; }
  static Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "code: message", or "ok".
  std::string to_string() const {
    if (ok()) return "ok";
    return std::string(hub::to_string(code_)) + ": " + message_;
  }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

}  // namespace hub
