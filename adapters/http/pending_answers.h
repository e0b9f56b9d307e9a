// pending_answers.h: the HTTP requests waiting for the hub's answer.
//
// A request handed to the host is kept here under its request id (the
// Origin::request the host answers with) until the hub's answer comes, or
// until the answer timeout, when it is answered 503 "no_answer" (nothing is
// known: resend with the same reference, which the hub answers without doing
// the work twice). Whichever comes first answers; the other finds nothing.
// Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "http/responder.h"
#include "timer_thread.h"

namespace hub::http_adapter {

class PendingAnswers {
 public:
  PendingAnswers(TimerThread& timers, std::chrono::milliseconds timeout) : timers_(timers), timeout_(timeout) {}

  // Keeps `respond` for request `id`; `request_kind` is the protocol kind
  // sent, named in the timeout's answer.
  void wait(std::uint64_t id, std::string request_kind, http::Responder respond);
  // Answers request `id` with the hub's answer `body`; false when it is not
  // waiting (answered by its timeout, or never kept).
  bool answer(std::uint64_t id, const std::string& body);
  // The same for an answer with bytes beside it (a fetched file): answered
  // response_for_file().
  bool answer_with_data(std::uint64_t id, const std::string& body, std::string data);
  std::size_t size() const;

 private:
  struct Waiting {
    std::string request_kind;
    http::Responder respond;
  };
  void expire(std::uint64_t id);
  // The responder of request `id`, no longer waiting; nullopt when it was not.
  std::optional<http::Responder> take(std::uint64_t id);

  TimerThread& timers_;
  const std::chrono::milliseconds timeout_;
  mutable std::mutex mu_;
  std::unordered_map<std::uint64_t, Waiting> waiting_;  // GUARDED_BY(mu_)
};

// The HTTP response for the hub's answer `body` (its status from
// answer_status.h, Retry-After when the code asks to wait).
http::Response response_for_answer(const std::string& body);

// The HTTP response for a fetch's answer `body` ({"kind":"file", "name",
// "type", ...}) with the file's bytes: 200 with the file as the body, its
// type, "Content-Disposition: attachment" with its name (RFC 6266, UTF-8),
// "X-Content-Type-Options: nosniff", a sandboxing Content-Security-Policy and
// no caching; any other answer as response_for_answer.
http::Response response_for_file(const std::string& body, std::string data);

// A protocol-style error the adapter answers itself:
// {"kind":"error","code":...,"message":...,"retry":...,"request":...}.
http::Response adapter_error(std::string_view code, std::string_view message, std::string_view request_kind);

}  // namespace hub::http_adapter
