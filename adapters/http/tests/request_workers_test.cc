// The request workers: requests carried out in arrival order, a queue bounded
// in requests and in body bytes that refuses rather than grows, and nothing
// taken after stop().
#include <catch2/catch.hpp>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

#include "request_workers.h"

using hub::http_adapter::RequestWorkers;

namespace {

hub::http::Request request_with_body(std::string body) {
  hub::http::Request r;
  r.body = std::move(body);
  return r;
}

// Work that records each request's body; the request "block" holds its
// worker until release().
class Recorder {
 public:
  RequestWorkers::Work work() {
    return [this](const hub::http::Request& r, hub::http::Responder) {
      std::unique_lock lock(mu_);
      if (r.body == "block") {
        blocked_ = true;
        changed_.notify_all();
        changed_.wait(lock, [&] { return released_; });
      }
      done_.push_back(r.body);
      changed_.notify_all();
    };
  }
  // Waits (at most 10 s) until "block" holds its worker.
  bool wait_blocked() {
    std::unique_lock lock(mu_);
    return changed_.wait_for(lock, std::chrono::seconds(10), [&] { return blocked_; });
  }
  void release() {
    std::lock_guard lock(mu_);
    released_ = true;
    changed_.notify_all();
  }
  // The bodies carried out, once there are `n` (at most 10 s of waiting).
  std::vector<std::string> wait_done(std::size_t n) {
    std::unique_lock lock(mu_);
    changed_.wait_for(lock, std::chrono::seconds(10), [&] { return done_.size() >= n; });
    return done_;
  }

 private:
  std::mutex mu_;
  std::condition_variable changed_;
  bool blocked_ = false;
  bool released_ = false;
  std::vector<std::string> done_;
};

}  // namespace

TEST_CASE("request workers carry out requests in order and refuse beyond their queue", "[request_workers]") {
  Recorder recorder;
  RequestWorkers workers(1, 2, 1000);
  hub::http::Responder respond;
  REQUIRE(workers.try_run(request_with_body("block"), respond, recorder.work()));
  REQUIRE(recorder.wait_blocked());
  // The only worker is busy: two wait, the next is refused.
  CHECK(workers.try_run(request_with_body("second"), respond, recorder.work()));
  CHECK(workers.try_run(request_with_body("third"), respond, recorder.work()));
  CHECK_FALSE(workers.try_run(request_with_body("fourth"), respond, recorder.work()));
  recorder.release();
  CHECK(recorder.wait_done(3) == std::vector<std::string>{"block", "second", "third"});
  // Room again once the queue drained.
  CHECK(workers.try_run(request_with_body("fifth"), respond, recorder.work()));
  CHECK(recorder.wait_done(4).size() == 4);
  workers.stop();
  CHECK_FALSE(workers.try_run(request_with_body("after stop"), respond, recorder.work()));
  workers.stop();  // idempotent
}

TEST_CASE("request workers refuse a request whose body would take the waiting bodies over their bound",
          "[request_workers]") {
  Recorder recorder;
  RequestWorkers workers(1, 100, 10);
  hub::http::Responder respond;
  REQUIRE(workers.try_run(request_with_body("block"), respond, recorder.work()));
  REQUIRE(recorder.wait_blocked());
  // "block" is being carried out, so it no longer counts: 10 bytes may wait.
  CHECK(workers.try_run(request_with_body("12345678"), respond, recorder.work()));
  CHECK_FALSE(workers.try_run(request_with_body("abc"), respond, recorder.work()));  // 11 bytes
  CHECK(workers.try_run(request_with_body("ab"), respond, recorder.work()));         // 10 bytes
  CHECK_FALSE(workers.try_run(request_with_body("x"), respond, recorder.work()));
  recorder.release();
  CHECK(recorder.wait_done(3) == std::vector<std::string>{"block", "12345678", "ab"});
  // The bytes are given back as requests leave the queue.
  CHECK(workers.try_run(request_with_body("0123456789"), respond, recorder.work()));
  CHECK(recorder.wait_done(4).size() == 4);
}
