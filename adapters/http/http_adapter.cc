#include "http_adapter.h"

#include <exception>

#include "protocol_message.h"
#include "unit_api.h"

namespace hub::http_adapter {

HttpAdapter::~HttpAdapter() { stop(); }

AdapterInfo HttpAdapter::info() const noexcept {
  return AdapterInfo{"http", "1.0",
                     "units' systems over HTTPS: the /v1 unit API with signed requests or client certificates, "
                     "deliveries by long poll or by webhook (docs/ADAPTERS.md)",
                     setting_declarations(), true};
}

Status HttpAdapter::start(const nlohmann::json& settings, AdapterHost& host) noexcept {
  try {
    std::lock_guard lock(lifecycle_mu_);
    if (server_) return Status::Conflict("the http adapter is already started");
    HttpSettings parsed;
    if (Status s = parse_settings(settings, parsed); !s.ok()) return s;
    settings_ = std::move(parsed);
    host_ = &host;
    timers_ = std::make_unique<TimerThread>();
    pending_ = std::make_unique<PendingAnswers>(*timers_, settings_.answer_timeout);
    inbox_ = std::make_unique<Inbox>(*timers_, settings_.poll_presence, settings_.inbox_limit);
    pusher_ = std::make_unique<WebhookPusher>(
        settings_.webhooks,
        [this](const std::string& unit, const std::string& body) {
          if (auto ack = ack_for_message(body)) host_->on_message(Origin{unit, 0}, std::move(*ack));
        },
        [this](const std::string& line) { host_->log_warn("http adapter: " + line); });

    // Bodies waiting for a worker: as many as 64 of the largest the listener
    // takes, and every upload the listener reads at once.
    workers_ = std::make_unique<RequestWorkers>(
        settings_.request_threads, settings_.listener.max_connections,
        64 * settings_.listener.max_body_bytes + settings_.uploads_at_once * settings_.max_upload_bytes);

    http::Router router;
    if (Status s = add_unit_api(router, UnitApiParts{host_, pending_.get(), inbox_.get(), workers_.get(),
                                                     settings_.max_poll_wait, settings_.max_upload_bytes,
                                                     settings_.uploads_at_once});
        !s.ok())
      return s;
    auto server = std::make_unique<http::Server>(settings_.listener, std::move(router));
    if (Status s = server->start(); !s.ok()) {
      workers_->stop();
      timers_->stop();
      return s;
    }
    server_ = std::move(server);
    pusher_->start();
    for (const auto& [unit, webhook] : settings_.webhooks)
      if (webhook.secret_made)
        host_->log_warn("http adapter: made a new secret for the webhook of " + unit + " in " + webhook.secret_file +
                        ": give it to the unit's IT staff, who check every push with it (docs/ADAPTERS.md)");
    host_->log_info("http adapter: unit API on " + settings_.listener.bind + " (port " +
                    std::to_string(server_->port()) + ", " + (settings_.listener.https() ? "HTTPS" : "plain HTTP") +
                    "), " + std::to_string(settings_.webhooks.size()) + " webhook(s)");
    return {};
  } catch (const std::exception& e) {
    return Status::Internal(std::string("starting the http adapter: ") + e.what());
  }
}

Reach HttpAdapter::reach(const std::string& unit) const noexcept {
  return pusher_ && pusher_->serves(unit) ? Reach::kAnyTime : Reach::kWhileConnected;
}

Status HttpAdapter::answer(const Origin& origin, std::string body) noexcept {
  try {
    if (origin.request == 0) return {};  // the answer to the adapter's own heartbeat: nobody waits for it
    if (!pending_ || !pending_->answer(origin.request, body))
      return Status::Unavailable("the request is no longer waiting (answered by its timeout, or its client left)");
    return {};
  } catch (const std::exception& e) {
    return Status::Internal(std::string("http adapter answer: ") + e.what());
  }
}

Status HttpAdapter::answer_with_data(const Origin& origin, std::string body, std::string data) noexcept {
  try {
    if (!pending_ || !pending_->answer_with_data(origin.request, body, std::move(data)))
      return Status::Unavailable("the request is no longer waiting (answered by its timeout, or its client left)");
    return {};
  } catch (const std::exception& e) {
    return Status::Internal(std::string("http adapter answer: ") + e.what());
  }
}

Status HttpAdapter::send(const std::string& unit, std::string body) noexcept {
  try {
    if (!pusher_) return Status::Unavailable("the http adapter is not started");
    if (pusher_->serves(unit)) {
      if (pusher_->push(unit, std::move(body))) return {};
      return Status::Unavailable("the webhook queue of " + unit + " is full; the hub sends it again later");
    }
    if (inbox_->push(unit, std::move(body))) return {};
    return Status::Unavailable(unit + " is not polling its inbox (or its inbox is full)");
  } catch (const std::exception& e) {
    return Status::Internal(std::string("http adapter send: ") + e.what());
  }
}

void HttpAdapter::stop() noexcept {
  std::lock_guard lock(lifecycle_mu_);
  if (server_) server_->stop();
  if (workers_) workers_->stop();
  if (pusher_) pusher_->stop();
  if (timers_) timers_->stop();
}

}  // namespace hub::http_adapter
