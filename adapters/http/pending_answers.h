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
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "http/responder.h"
#include "timer_thread.h"

namespace hub::http_adapter {

// The answers of several messages that one HTTP request carried (a batch of
// cases), answered together: once every part has its answer (the hub's, or
// no_answer at its timeout), the request gets 200 with
//   {"kind":"answers","request":<kind>,"answers":[{"status":S,"answer":A},...]}
// in the order of the parts, each A as a lone request would have had it as its
// body and S its HTTP status. Thread-safe.
class AnswerBatch {
 public:
  AnswerBatch(std::size_t parts, std::string request_kind, http::Responder respond);
  // Part `index`'s answer (a JSON object, as the hub wrote it); the first for
  // each part counts.
  void set(std::size_t index, int status, std::string answer);

 private:
  std::mutex mu_;
  std::vector<std::string> answers_;  // GUARDED_BY(mu_): "" until answered
  std::vector<int> statuses_;         // GUARDED_BY(mu_)
  std::size_t missing_;               // GUARDED_BY(mu_)
  const std::string request_kind_;
  http::Responder respond_;
};

class PendingAnswers {
 public:
  PendingAnswers(TimerThread& timers, std::chrono::milliseconds timeout) : timers_(timers), timeout_(timeout) {}

  // Keeps `respond` for request `id`; `request_kind` is the protocol kind
  // sent, named in the timeout's answer.
  void wait(std::uint64_t id, std::string request_kind, http::Responder respond);
  // Keeps part `index` of `batch` for request `id`, a message of kind
  // `request_kind`.
  void wait_part(std::uint64_t id, std::string request_kind, std::shared_ptr<AnswerBatch> batch, std::size_t index);
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
    http::Responder respond;               // a lone request's, or
    std::shared_ptr<AnswerBatch> batch;    // the batch this is part `index` of
    std::size_t index = 0;
  };
  void keep(std::uint64_t id, Waiting waiting);
  // Answers `waiting` with `response`.
  static void settle(Waiting& waiting, http::Response response);
  void expire(std::uint64_t id);
  // Request `id`, no longer waiting; nullopt when it was not.
  std::optional<Waiting> take(std::uint64_t id);

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
