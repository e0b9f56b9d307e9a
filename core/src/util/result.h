// util/result.h: a value or the Status explaining why there is none.
#pragma once

#include <cassert>
#include <utility>
#include <variant>

#include "hub/status.h"

namespace hub {

template <class T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}          // NOLINT: implicit by design
  Result(Status error) : v_(std::move(error)) {       // NOLINT: implicit by design
    assert(!std::get<Status>(v_).ok() && "a Result error must not be OK");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return ok(); }

  // REQUIRES: ok()
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }

  // OK when a value is held.
  Status status() const { return ok() ? Status{} : std::get<Status>(v_); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace hub
