#include "webhook_pusher.h"

#include <sodium.h>

#include <array>
#include <chrono>

#include "http/client_connection.h"
#include "request_signature.h"

namespace hub::http_adapter {
namespace {

std::string new_nonce() {
  std::array<unsigned char, 16> bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  std::string hex(bytes.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), bytes.data(), bytes.size());
  hex.pop_back();
  return hex;
}

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::string batch_body(const std::vector<std::string>& messages) {
  std::size_t size = 32;
  for (const auto& m : messages) size += m.size() + 1;
  std::string body;
  body.reserve(size);
  body.append(R"({"kind":"batch","messages":[)");
  for (std::size_t i = 0; i < messages.size(); ++i) {
    if (i > 0) body.push_back(',');
    body.append(messages[i]);
  }
  body.append("]}");
  return body;
}

std::vector<std::pair<std::string, std::string>> push_signature_headers(const WebhookSettings& webhook,
                                                                        const std::string& body,
                                                                        std::int64_t unix_seconds,
                                                                        const std::string& nonce) {
  const std::string& target = webhook.where.target;
  const auto question = target.find('?');
  const std::string path = target.substr(0, question);
  const std::string query = question == std::string::npos ? std::string() : target.substr(question + 1);
  std::string text;
  if (!canonical_text("POST", path, query, unix_seconds, nonce, body, &text).ok()) {
    // The URL's query was checked at load; an unreadable one signs as empty.
    canonical_text("POST", path, "", unix_seconds, nonce, body, &text);
  }
  return {{std::string(kTimestampHeader), std::to_string(unix_seconds)},
          {std::string(kNonceHeader), nonce},
          {std::string(kSignatureHeader), hmac_sha256_hex(webhook.secret, text)}};
}

WebhookPusher::WebhookPusher(const std::map<std::string, WebhookSettings>& webhooks, Pushed pushed, Warn warn)
    : webhooks_(webhooks), pushed_(std::move(pushed)), warn_(std::move(warn)) {
  for (const auto& [unit, webhook] : webhooks_) {
    auto lane = std::make_unique<Lane>();
    lane->unit = unit;
    lane->webhook = &webhook;
    lanes_.emplace(unit, std::move(lane));
  }
}

WebhookPusher::~WebhookPusher() { stop(); }

void WebhookPusher::start() {
  for (auto& [unit, lane] : lanes_)
    for (int i = 0; i < lane->webhook->connections; ++i) lane->threads.emplace_back([this, l = lane.get()] { work(*l); });
}

void WebhookPusher::stop() {
  stop_flag_ = true;
  for (auto& [unit, lane] : lanes_) {
    {
      std::lock_guard lock(lane->mu);
      lane->queue.clear();
    }
    lane->ready.notify_all();
  }
  for (auto& [unit, lane] : lanes_)
    for (auto& t : lane->threads)
      if (t.joinable()) t.join();
}

bool WebhookPusher::push(const std::string& unit, std::string body) {
  const auto it = lanes_.find(unit);
  if (it == lanes_.end() || stop_flag_) return false;
  Lane& lane = *it->second;
  {
    std::lock_guard lock(lane.mu);
    if (lane.queue.size() >= lane.webhook->queue_limit) return false;
    lane.queue.push_back(std::move(body));
  }
  lane.ready.notify_one();
  return true;
}

void WebhookPusher::work(Lane& lane) {
  const WebhookSettings& webhook = *lane.webhook;
  http::ClientSettings client;
  client.https = webhook.where.https;
  client.host = webhook.where.host;
  client.port = webhook.where.port;
  client.ca_file = webhook.ca_file;
  client.timeout = webhook.timeout;
  // A receiver says 2xx; it does not send content.
  client.answer_limit = 64 * 1024;
  http::ClientConnection connection(std::move(client));
  std::vector<std::string> messages;
  while (true) {
    messages.clear();
    {
      std::unique_lock lock(lane.mu);
      lane.ready.wait(lock, [&] { return stop_flag_ || !lane.queue.empty(); });
      if (stop_flag_) return;
      // Up to `batch` messages, and no more bytes than kLargestBatchBytes unless one message alone is more.
      std::size_t bytes = 0;
      while (!lane.queue.empty() && messages.size() < static_cast<std::size_t>(webhook.batch) &&
             (messages.empty() || bytes + lane.queue.front().size() <= kLargestBatchBytes)) {
        bytes += lane.queue.front().size();
        messages.push_back(std::move(lane.queue.front()));
        lane.queue.pop_front();
      }
    }
    const std::string body = webhook.batch > 1 ? batch_body(messages) : std::move(messages.front());
    http::ClientAnswer answer;
    const Status sent = connection.request("POST", webhook.where.target, body,
                                           push_signature_headers(webhook, body, unix_now(), new_nonce()), &answer);
    const int status = answer.status;
    if (sent.ok() && status >= 200 && status < 300) {
      record(lane, true, "");
      if (webhook.batch > 1) {
        for (const auto& message : messages) pushed_(lane.unit, message);
      } else {
        pushed_(lane.unit, body);
      }
    } else {
      record(lane, false, sent.ok() ? "answered HTTP " + std::to_string(status) : sent.message());
    }
  }
}

void WebhookPusher::record(Lane& lane, bool ok, const std::string& why) {
  int failures_before = 0;
  int failures_now = 0;
  {
    std::lock_guard lock(lane.mu);
    failures_before = lane.failures;
    lane.failures = ok ? 0 : lane.failures + 1;
    failures_now = lane.failures;
  }
  if (ok && failures_before > 0) {
    warn_("webhook of " + lane.unit + " works again after " + std::to_string(failures_before) + " failed pushes");
  } else if (!ok && (failures_now == 1 || failures_now % 100 == 0)) {
    warn_("webhook of " + lane.unit + " failed (" + std::to_string(failures_now) + " in a row): " + why +
          "; the hub sends its messages again later");
  }
}

}  // namespace hub::http_adapter
