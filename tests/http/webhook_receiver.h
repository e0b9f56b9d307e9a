// webhook_receiver.h: a unit's webhook receiver for the tests, on a plain
// loopback listener of the hub's own HTTP layer. It answers the first
// `failures` pushes 503 (a receiver down for maintenance), then 204, and keeps
// every push (headers, body) for the test to check. While held (hold()), a
// push is kept and its answer waits until release() (at most 10 s), so that a
// test can let the hub's queue fill behind it.
#pragma once

#include <catch2/catch.hpp>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "http/server.h"

namespace hub::http::testing {

class WebhookReceiver {
 public:
  explicit WebhookReceiver(int failures, std::string path = "/inbox", std::size_t max_body_bytes = 1024 * 1024)
      : path_(std::move(path)), failures_left_(failures) {
    Router router;
    REQUIRE(router.add_sync("POST", path_, [this](const Request& r) {
      std::unique_lock lock(mu_);
      pushes_.push_back(r);
      changed_.notify_all();
      changed_.wait_until(lock, std::chrono::steady_clock::now() + std::chrono::seconds(10), [this] { return !held_; });
      if (failures_left_ > 0) {
        --failures_left_;
        return Response::text(503, "down for maintenance");
      }
      return Response::text(204, "");
    }).ok());
    ListenerSettings settings;
    settings.bind = "127.0.0.1:0";
    settings.max_body_bytes = max_body_bytes;
    server_ = std::make_unique<Server>(settings, std::move(router));
    REQUIRE(server_->start().ok());
  }

  std::uint16_t port() const { return server_->port(); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port()) + path_; }

  // Waits (at most 10 s) until `times` pushes whose body contains `text`
  // ("": any) came; returns every push so far.
  std::vector<Request> wait_for(const std::string& text, std::size_t times = 1) {
    std::unique_lock lock(mu_);
    changed_.wait_until(lock, std::chrono::steady_clock::now() + std::chrono::seconds(10),
                        [&] { return count(text) >= times; });
    return pushes_;
  }
  void hold() {
    std::lock_guard lock(mu_);
    held_ = true;
  }
  void release() {
    {
      std::lock_guard lock(mu_);
      held_ = false;
    }
    changed_.notify_all();
  }
  std::size_t pushes_with(const std::string& text) {
    std::lock_guard lock(mu_);
    return count(text);
  }

 private:
  std::size_t count(const std::string& text) const {
    std::size_t n = 0;
    for (const auto& p : pushes_) n += p.body.find(text) != std::string::npos;
    return n;
  }

  const std::string path_;
  std::mutex mu_;
  std::condition_variable changed_;
  int failures_left_;
  bool held_ = false;
  std::vector<Request> pushes_;
  std::unique_ptr<Server> server_;
};

}  // namespace hub::http::testing
