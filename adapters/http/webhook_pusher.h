// webhook_pusher.h: pushes the hub's messages to units that named a webhook.
//
// Each webhook unit has a lane: a bounded queue and `connections` threads,
// each with its own keep-alive connection, taking messages in order. A push
// is a signed POST (request_signature.h, under the webhook's secret: the
// headers X-XH-Timestamp, X-XH-Nonce and X-XH-Signature; the unit checks
// them before trusting the body). A 2xx answer means the unit stored the
// message: `pushed` is called, and the adapter acks the message for the unit.
// A webhook with `batch` > 1 gets whatever waits, up to `batch` messages and
// kLargestBatchBytes of them (or one message, whatever its size), in one push
// (batch_body); its 2xx is `pushed` for each of them, in order.
// Any other answer, or none in time, drops the message here: the hub sends it
// again after its backoff (growing pauses, then parked for the operators), so
// retries need no state of their own. A failing webhook is logged when it
// starts failing, every 100th failure, and when it recovers.
//
// Thread-safe. stop() joins the threads and drops what is queued.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "http_settings.h"

namespace hub::http_adapter {

class WebhookPusher {
 public:
  static constexpr std::size_t kLargestBatchBytes = std::size_t{4} << 20;

  // Called on a worker thread after a 2xx: (unit, the message pushed).
  using Pushed = std::function<void(const std::string& unit, const std::string& body)>;
  using Warn = std::function<void(const std::string& line)>;

  // Each unit's queue holds at most its webhook's queue_limit messages.
  WebhookPusher(const std::map<std::string, WebhookSettings>& webhooks, Pushed pushed, Warn warn);
  ~WebhookPusher();  // stops
  WebhookPusher(const WebhookPusher&) = delete;
  WebhookPusher& operator=(const WebhookPusher&) = delete;

  void start();
  void stop();
  bool serves(const std::string& unit) const { return lanes_.count(unit) > 0; }
  // Queues `body` for `unit`; false when the unit has no webhook or its
  // queue is full.
  bool push(const std::string& unit, std::string body);

 private:
  struct Lane {
    std::string unit;
    const WebhookSettings* webhook = nullptr;
    std::mutex mu;
    std::condition_variable ready;
    std::deque<std::string> queue;  // GUARDED_BY(mu)
    int failures = 0;               // GUARDED_BY(mu): in a row
    std::vector<std::thread> threads;
  };
  void work(Lane& lane);
  void record(Lane& lane, bool ok, const std::string& why);

  std::map<std::string, WebhookSettings> webhooks_;
  const Pushed pushed_;
  const Warn warn_;
  std::map<std::string, std::unique_ptr<Lane>> lanes_;
  std::atomic<bool> stop_flag_{false};
};

// The body of a push of several messages (each a JSON object, as the hub
// wrote it): {"kind":"batch","messages":[m1,m2,...]}.
std::string batch_body(const std::vector<std::string>& messages);

// The signature headers of one push of `body` to `webhook` at `unix_seconds`
// with `nonce`.
std::vector<std::pair<std::string, std::string>> push_signature_headers(const WebhookSettings& webhook,
                                                                        const std::string& body,
                                                                        std::int64_t unix_seconds,
                                                                        const std::string& nonce);

}  // namespace hub::http_adapter
