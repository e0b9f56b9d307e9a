// The request workers: requests carried out in arrival order, a bounded
// queue that refuses rather than grows, and nothing taken after stop().
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

}  // namespace

TEST_CASE("request workers carry out requests in order and refuse beyond their queue", "[request_workers]") {
  std::mutex mu;
  std::condition_variable changed;
  bool release = false;
  bool first_started = false;
  std::vector<std::string> done;
  RequestWorkers workers(1, 2);
  const auto record = [&](const hub::http::Request& r, hub::http::Responder) {
    std::unique_lock lock(mu);
    if (r.body == "first") {
      first_started = true;
      changed.notify_all();
      changed.wait(lock, [&] { return release; });
    }
    done.push_back(r.body);
    changed.notify_all();
  };

  hub::http::Responder respond;
  REQUIRE(workers.try_run(request_with_body("first"), respond, record));
  {
    std::unique_lock lock(mu);
    REQUIRE(changed.wait_for(lock, std::chrono::seconds(10), [&] { return first_started; }));
  }
  // The only worker is busy: two wait, the next is refused.
  CHECK(workers.try_run(request_with_body("second"), respond, record));
  CHECK(workers.try_run(request_with_body("third"), respond, record));
  CHECK_FALSE(workers.try_run(request_with_body("fourth"), respond, record));
  {
    std::unique_lock lock(mu);
    release = true;
    changed.notify_all();
    REQUIRE(changed.wait_for(lock, std::chrono::seconds(10), [&] { return done.size() == 3; }));
  }
  CHECK(done == std::vector<std::string>{"first", "second", "third"});
  // Room again once the queue drained.
  CHECK(workers.try_run(request_with_body("fifth"), respond, record));
  {
    std::unique_lock lock(mu);
    REQUIRE(changed.wait_for(lock, std::chrono::seconds(10), [&] { return done.size() == 4; }));
  }
  workers.stop();
  CHECK_FALSE(workers.try_run(request_with_body("after stop"), respond, record));
  workers.stop();  // idempotent
}
