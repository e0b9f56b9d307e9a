// http/responder.h: the handle a handler answers its request through, now or
// later, from any thread.
//
// A Responder is a cheap copyable handle to the request's one answer. The
// first call answers; later calls are ignored. When the last copy is dropped
// without a call (a handler that forgot, threw, or lost its work), the client
// gets 500 and the connection is closed, so it never hangs. Answering a
// request whose client has gone away, or whose server has stopped, is a
// harmless no-op. Thread-safe: any copy may be called from any thread.
#pragma once

#include <atomic>
#include <functional>
#include <memory>

#include "http/response.h"

namespace hub::http {

namespace detail {

// The answer of one request, shared by the Responder copies. `deliver` hands
// the response to the connection (which ignores it when gone); it runs
// exactly once, from the first call or from the destructor.
class PendingAnswer {
 public:
  explicit PendingAnswer(std::function<void(Response)> deliver) : deliver_(std::move(deliver)) {}
  ~PendingAnswer();
  PendingAnswer(const PendingAnswer&) = delete;
  PendingAnswer& operator=(const PendingAnswer&) = delete;
  // False when the request was answered already.
  bool answer(Response response);
  bool answered() const { return answered_.load(); }

 private:
  std::function<void(Response)> deliver_;
  std::atomic<bool> answered_{false};
};

}  // namespace detail

class Responder {
 public:
  Responder() = default;  // answers nothing (for tests of handlers)
  explicit Responder(std::shared_ptr<detail::PendingAnswer> pending) : pending_(std::move(pending)) {}

  // Answers the request; false (and nothing sent) when it was answered already.
  bool operator()(Response response) const { return pending_ && pending_->answer(std::move(response)); }
  bool answered() const { return pending_ && pending_->answered(); }

 private:
  std::shared_ptr<detail::PendingAnswer> pending_;
};

}  // namespace hub::http
