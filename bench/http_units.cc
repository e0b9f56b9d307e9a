#include "http_units.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <optional>
#include <random>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "request_signature.h"
#include "unit_socket.h"

namespace hub::bench {
namespace {

using Json = nlohmann::json;
namespace sig = hub::http_adapter;

constexpr std::int64_t kMs = 1'000'000;
constexpr std::int64_t kBusyPauseNs = 10 * kMs;  // "send later, more slowly"
constexpr auto kRequestTimeout = std::chrono::seconds(45);  // above the hub's 30 s answer timeout

std::int64_t unix_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// The messages of a batch push, each as the hub wrote it ({"kind":"batch",
// "messages":[{...},...]}, a shape the hub's adapter writes itself: the hub's
// own output, so counting brackets outside strings finds them); nullopt when
// the body is not such a batch.
std::optional<std::vector<std::string>> batch_messages(const std::string& body) {
  constexpr std::string_view kHead = R"({"kind":"batch","messages":[)";
  if (body.rfind(kHead, 0) != 0) return std::nullopt;
  std::vector<std::string> out;
  int depth = 0;
  std::size_t start = 0;
  bool in_string = false;
  for (std::size_t i = kHead.size(); i < body.size(); ++i) {
    const char c = body[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{') {
      if (depth++ == 0) start = i;
    } else if (c == '}') {
      if (--depth == 0) out.push_back(body.substr(start, i + 1 - start));
      if (depth < 0) return out;  // the batch's own closing brace
    }
  }
  return std::nullopt;
}

void sleep_until_ns(std::int64_t t) {
  const std::int64_t left = t - steady_ns();
  if (left > 0) std::this_thread::sleep_for(std::chrono::nanoseconds(left));
}

}  // namespace

// ---------------------------------------------------------------- HttpSender

struct HttpSender::Lane {
  int index = 0;  // 0 .. connections-1
  std::unique_ptr<http::ClientConnection> connection;
  SenderResult r;
  std::uint64_t nonces = 0;
  std::int64_t pause_until_ns = 0;
};

HttpSender::HttpSender(HttpAccess access, int index, const Scenario& scenario, const BenchOptions& options,
                       std::string reference_prefix, ScenarioControl& control)
    : access_(std::move(access)), index_(index), scenario_(scenario), options_(options),
      prefix_(std::move(reference_prefix) + sender_id(index).substr(6) + "-"), fields_(options.payload_bytes),
      control_(control) {
  std::random_device rd;
  nonce_salt_ = fmt::format("{:08x}", rd());
  for (int i = 0; i < options.connections; ++i) {
    auto lane = std::make_unique<Lane>();
    lane->index = i;
    http::ClientSettings c;
    c.https = true;
    c.host = "127.0.0.1";
    c.port = static_cast<std::uint16_t>(access_.port);
    c.ca_file = access_.ca_file;
    c.timeout = kRequestTimeout;
    c.user_agent = "hub_bench/1";
    lane->connection = std::make_unique<http::ClientConnection>(std::move(c));
    lane->r.accept_latency_ns.reserve(1 << 14);
    lanes_.push_back(std::move(lane));
  }
}

HttpSender::~HttpSender() = default;

Status HttpSender::connect(int /*timeout_ms: each step has the request timeout*/) {
  for (auto& lane : lanes_)
    if (Status s = lane->connection->open(); !s.ok()) return Status(s.code(), sender_id(index_) + ": " + s.message());
  return {};
}

void HttpSender::run() noexcept {
  std::vector<std::thread> others;
  for (std::size_t i = 1; i < lanes_.size(); ++i) others.emplace_back([this, i] { drive(*lanes_[i]); });
  drive(*lanes_[0]);
  for (auto& t : others) t.join();
  for (const auto& lane : lanes_) merge_into(r_, lane->r);
  control_.senders_running.fetch_sub(1);
}

void HttpSender::drive(Lane& lane) noexcept {
  try {
    drive_lane(lane);
  } catch (const std::exception& e) {
    lane.r.failure = sender_id(index_) + " connection " + std::to_string(lane.index + 1) + ": " + e.what();
    control_.abort = true;
  }
}

void HttpSender::drive_lane(Lane& lane) {
  const int lanes = options_.connections;
  const bool paced = scenario_.rate > 0;
  // Each connection has its share of the schedule, staggered across all of them.
  const double all_lanes = static_cast<double>(kUnits * lanes);
  const double interval_ns = paced ? 1e9 * all_lanes * options_.batch / scenario_.rate : 0;
  const double phase_ns = paced ? interval_ns * (index_ * lanes + lane.index) / all_lanes : 0;
  sleep_until_ns(control_.start_ns);
  for (std::uint64_t slot = 0, k = 0;; ++k) {
    if (control_.abort.load(std::memory_order_relaxed)) return;
    std::int64_t now = steady_ns();
    if (now >= control_.window_end_ns || control_.stop_sending.load(std::memory_order_relaxed)) return;
    if (paced) {
      std::int64_t due = control_.start_ns + static_cast<std::int64_t>(phase_ns + interval_ns * static_cast<double>(slot));
      // A connection still waiting for an answer when its next slots came skips them.
      while (due + static_cast<std::int64_t>(interval_ns) < now) {
        ++lane.r.skipped_slots;
        due = control_.start_ns + static_cast<std::int64_t>(phase_ns + interval_ns * static_cast<double>(++slot));
      }
      if (due >= control_.window_end_ns) return;
      sleep_until_ns(due);
      ++slot;
    } else if (now < lane.pause_until_ns) {
      sleep_until_ns(lane.pause_until_ns);
    }
    const std::uint64_t request = static_cast<std::uint64_t>(lane.index) + k * static_cast<std::uint64_t>(lanes);
    send_until_answered(lane, request * static_cast<std::uint64_t>(options_.batch) + 1);
  }
}

void HttpSender::send_until_answered(Lane& lane, std::uint64_t first_seq) {
  const auto n = static_cast<std::size_t>(options_.batch);
  const bool batched = n > 1;
  const std::int64_t first_sent = steady_ns();
  std::vector<std::string> references(n), bodies(n);
  for (std::size_t i = 0; i < n; ++i) {
    references[i] = prefix_ + std::to_string(first_seq + i);
    bodies[i] = "{";
    fields_.append(bodies[i], references[i], first_sent);
    bodies[i] += '}';
  }
  lane.r.sent += static_cast<std::int64_t>(n);
  if (control_.in_window(first_sent)) lane.r.sent_in_window += static_cast<std::int64_t>(n);
  control_.outstanding_total.fetch_add(static_cast<std::int64_t>(n), std::memory_order_relaxed);
  std::vector<std::size_t> open(n);  // the cases not yet answered for good
  for (std::size_t i = 0; i < n; ++i) open[i] = i;
  const char* path = batched ? "/v1/case-batches" : "/v1/cases";
  for (bool again = false; !open.empty(); again = true) {
    if (control_.abort.load(std::memory_order_relaxed) || steady_ns() > control_.drain_deadline_ns) {
      lane.r.unanswered += static_cast<std::int64_t>(open.size());
      break;
    }
    if (again) lane.r.resends += static_cast<std::int64_t>(open.size());
    std::string body;
    if (batched) {
      body = R"({"cases":[)";
      for (std::size_t k = 0; k < open.size(); ++k) (k > 0 ? body += ',' : body) += bodies[open[k]];
      body += "]}";
    } else {
      body = bodies[0];
    }
    const std::int64_t timestamp = unix_seconds();
    const std::string nonce = fmt::format("{}s{:02d}c{:02d}n{:012d}", nonce_salt_, index_ + 1, lane.index + 1, ++lane.nonces);
    std::string text;
    if (Status s = sig::canonical_text("POST", path, "", timestamp, nonce, body, &text); !s.ok())
      throw std::runtime_error("canonical text: " + s.message());
    const http::ClientHeaders headers = {{std::string(sig::kKeyHeader), access_.key_id},
                                         {std::string(sig::kTimestampHeader), std::to_string(timestamp)},
                                         {std::string(sig::kNonceHeader), nonce},
                                         {std::string(sig::kSignatureHeader), sig::hmac_sha256_hex(access_.secret, text)}};
    http::ClientAnswer answer;
    const Status sent = lane.connection->request("POST", path, body, headers, &answer);
    if (!sent.ok()) {
      ++lane.r.codes["http_connection_failed"];
      std::this_thread::sleep_for(std::chrono::milliseconds(100));  // then a new connection
      continue;
    }
    const Json j = Json::parse(answer.body, nullptr, false);
    const std::int64_t now = steady_ns();
    if (!j.is_object()) {
      lane.r.other_errors += static_cast<std::int64_t>(open.size());
      lane.r.codes[fmt::format("http_{}_unparsable", answer.status)] += static_cast<std::int64_t>(open.size());
      break;
    }
    // Each case's own answer: the batch's parts, or the request's answer for all of them.
    const Json* parts = nullptr;
    if (batched && answer.status == 200) {
      const auto it = j.find("answers");
      if (it == j.end() || !it->is_array() || it->size() != open.size()) {
        lane.r.other_errors += static_cast<std::int64_t>(open.size());
        lane.r.codes["batch_answer_unreadable"] += static_cast<std::int64_t>(open.size());
        break;
      }
      parts = &*it;
    }
    std::vector<std::size_t> still_open;
    for (std::size_t k = 0; k < open.size(); ++k) {
      const Json& one = parts ? (*parts)[k]["answer"] : j;
      const int status = parts ? (*parts)[k].value("status", 0) : answer.status;
      if (status == 503 && one.value("code", "") == "no_answer") {
        ++lane.r.codes["no_answer"];  // the case may be stored: the same reference again
        still_open.push_back(open[k]);
        continue;
      }
      handle(lane, references[open[k]], status, one, first_sent, now);
    }
    open = std::move(still_open);
  }
  control_.outstanding_total.fetch_sub(static_cast<std::int64_t>(n), std::memory_order_relaxed);
}

void HttpSender::handle(Lane& lane, const std::string& reference, int status, const Json& j,
                        std::int64_t first_sent_ns, std::int64_t now) {
  SenderResult& r = lane.r;
  if (!j.is_object()) {
    ++r.other_errors;
    ++r.codes[fmt::format("http_{}_unparsable", status)];
    return;
  }
  const std::string kind = j.value("kind", "");
  if (kind == "accepted" && (status == 201 || status == 200)) {
    if (j.value("reference", "") != reference) {
      ++r.unmatched_answers;
      return;
    }
    if (j.value("duplicate", false)) ++r.duplicate_answers;
    ++r.accepted;
    ++r.accepted_at[fmt::format("https://127.0.0.1:{}", access_.port)];
    control_.accepted_total.fetch_add(1, std::memory_order_relaxed);
    if (control_.in_window(now)) ++r.accepted_in_window;
    if (control_.in_window(first_sent_ns)) r.accept_latency_ns.push_back(now - first_sent_ns);
    const std::int64_t promised = record_promised(j, j.value("case", std::int64_t{0}), r, nullptr);
    if (promised == 0) ++r.parked;
    control_.expected_deliveries.fetch_add(promised, std::memory_order_relaxed);
    return;
  }
  const std::string code = j.value("code", kind.empty() ? fmt::format("http_{}", status) : kind);
  if (count_refusal(kind, code, control_.in_window(now), r)) lane.pause_until_ns = now + kBusyPauseNs;
  if (j.value("retry", false)) control_.retry_answers.fetch_add(1, std::memory_order_relaxed);
}

// -------------------------------------------------------------- HttpReceiver

HttpReceiver::HttpReceiver(const HttpEdge& edge, int index, std::string reference_prefix, ScenarioControl& control)
    : edge_(edge), index_(index), prefix_(std::move(reference_prefix)), control_(control) {
  endpoint_ = fmt::format("https://127.0.0.1:{}/inbox", edge.webhook_ports.at(static_cast<std::size_t>(index)));
  r_.latency_ns.reserve(1 << 17);
  r_.seen.reserve(1 << 17);
}

HttpReceiver::~HttpReceiver() {
  if (server_) server_->stop();
}

Status HttpReceiver::connect(int /*timeout_ms*/) {
  const std::string path = edge_.secret_file(index_);
  std::ifstream in(path);
  std::getline(in, secret_);
  if (secret_.empty()) return Status::Unavailable(receiver_id(index_) + ": hubd made no webhook secret in " + path);
  http::Router router;
  if (Status s = router.add_sync("POST", "/inbox", [this](const http::Request& r) { return on_push(r); }); !s.ok())
    return s;
  http::ListenerSettings settings;
  settings.bind = fmt::format("127.0.0.1:{}", edge_.webhook_ports.at(static_cast<std::size_t>(index_)));
  settings.certificate_file = edge_.certificate_file;
  settings.private_key_file = edge_.private_key_file;
  server_ = std::make_unique<http::Server>(settings, std::move(router));
  if (Status s = server_->start(); !s.ok()) return Status(s.code(), receiver_id(index_) + "'s webhook: " + s.message());
  return {};
}

void HttpReceiver::run() noexcept {
  while (!control_.abort.load(std::memory_order_relaxed) && !control_.stop_receivers.load(std::memory_order_relaxed))
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  server_->stop();  // no handler runs after this
}

http::Response HttpReceiver::on_push(const http::Request& request) {
  const std::int64_t now = steady_ns();
  // A real receiver checks that the push comes from the hub (docs/ADAPTERS.md, "Webhooks").
  const auto timestamp = request.headers.get(sig::kTimestampHeader);
  const auto nonce = request.headers.get(sig::kNonceHeader);
  const auto signature = request.headers.get(sig::kSignatureHeader);
  std::string text;
  const auto seconds = timestamp ? parse_int(*timestamp) : std::nullopt;
  const bool signed_by_hub =
      seconds && nonce && signature &&
      sig::canonical_text("POST", request.path, request.query, *seconds, *nonce, request.body, &text).ok() &&
      sig::hmac_sha256_hex(secret_, text) == *signature;
  std::lock_guard lock(mu_);
  if (!signed_by_hub) {
    ++r_.errors;
    ++r_.codes["unsigned_push"];
    return http::Response::error(401, "bad_signature", "the push's signature does not verify");
  }
  // A webhook with `batch` > 1 gets {"kind":"batch","messages":[...]}; the 2xx acks them all.
  const auto tally = [&](const std::string& message) {
    if (!tally_message(message, now, prefix_, endpoint_, control_, r_, nullptr)) return;
    ++r_.acks_sent;
    if (control_.in_window(now)) ++r_.acks_in_window;
  };
  if (request.body.rfind(R"({"kind":"batch")", 0) == 0) {
    const auto messages = batch_messages(request.body);
    if (!messages) ++r_.unparsable;
    for (const auto& m : messages.value_or(std::vector<std::string>{})) tally(m);
  } else {
    tally(request.body);
  }
  return http::Response::text(204, "");
}

}  // namespace hub::bench
