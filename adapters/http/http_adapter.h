// http_adapter.h: the HTTP transport adapter (module "http").
//
// Member units' systems call the unit API (unit_api.h) over HTTPS on the
// listener the settings name, built on the hub's one HTTP layer
// (core/src/http). Each request is authenticated by the host from its
// signature or client certificate, turned into a protocol-1 message and
// answered with the hub's answer (docs/ADAPTERS.md).
//
// The hub's own messages (deliveries, forwarded replies, updates) reach a
// unit in one of two ways:
//  - webhook (the unit is named under settings.webhooks): pushed, signed, to
//    the URL the config names; a 2xx answer acks the message for the unit.
//    Reach::kAnyTime: the unit is always online at the hub.
//  - inbox (every other unit): kept in memory for GET /v1/inbox, which the
//    unit calls again and again; a poll counts as a heartbeat, and the unit
//    counts as connected while it polls. Reach::kWhileConnected.
// Either way the hub resends until it gets the unit's ack, so what the
// adapter cannot carry it drops.
//
// Threading: the listener's worker threads run the routes (and call the
// host's authenticate and on_message there); a timer thread answers requests
// and polls that waited too long; each webhook has its own threads. answer()
// and send() may be called from any thread. No method throws.
#pragma once

#include <memory>
#include <mutex>

#include "http/server.h"
#include "http_settings.h"
#include "hub/adapter.h"
#include "inbox.h"
#include "pending_answers.h"
#include "request_workers.h"
#include "timer_thread.h"
#include "webhook_pusher.h"

namespace hub::http_adapter {

class HttpAdapter final : public Adapter {
 public:
  HttpAdapter() = default;
  ~HttpAdapter() override;  // stops
  HttpAdapter(const HttpAdapter&) = delete;
  HttpAdapter& operator=(const HttpAdapter&) = delete;

  AdapterInfo info() const noexcept override;
  Status start(const nlohmann::json& settings, AdapterHost& host) noexcept override;
  Reach reach(const std::string& unit) const noexcept override;
  Status answer(const Origin& origin, std::string body) noexcept override;
  Status answer_with_data(const Origin& origin, std::string body, std::string data) noexcept override;
  Status send(const std::string& unit, std::string body) noexcept override;
  void stop() noexcept override;

 private:
  std::mutex lifecycle_mu_;  // start and stop
  HttpSettings settings_;
  AdapterHost* host_ = nullptr;
  std::unique_ptr<TimerThread> timers_;
  std::unique_ptr<PendingAnswers> pending_;
  std::unique_ptr<Inbox> inbox_;
  std::unique_ptr<WebhookPusher> pusher_;
  std::unique_ptr<RequestWorkers> workers_;
  std::unique_ptr<http::Server> server_;
};

}  // namespace hub::http_adapter
