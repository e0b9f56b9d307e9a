#include "load_threads.h"

#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <exception>
#include <optional>

#include <nlohmann/json.hpp>

#include "bench_deployment.h"
#include "unit_socket.h"

namespace hub::bench {
namespace {

using Json = nlohmann::json;

constexpr std::int64_t kMs = 1'000'000;
constexpr std::int64_t kBusyPauseNs = 10 * kMs;         // "resend later, more slowly"
constexpr std::int64_t kResendCheckNs = 100 * kMs;
// A flooding sender stops listening once the hub has been silent this long after its window.
constexpr std::int64_t kFloodSilenceNs = 2000 * kMs;
constexpr int kFloodBurst = 512;  // sends per turn of the flooding sender's loop

// Sends hello and waits for welcome (messages before it are dropped: there are none at start).
Status hello(zmq::socket_t& s, const std::string& unit, int timeout_ms) {
  const std::string request = R"({"kind":"hello","client":"hub_bench/1"})";
  send_message(s, request);
  const auto deadline = steady_ns() + std::int64_t{timeout_ms} * kMs;
  while (steady_ns() < deadline) {
    zmq::pollitem_t items[] = {{s.handle(), 0, ZMQ_POLLIN, 0}};
    zmq::poll(items, 1, std::chrono::milliseconds(100));
    while (auto body = receive_body(s)) {
      const Json j = Json::parse(*body, nullptr, false);
      if (j.is_object() && j.value("kind", "") == "welcome") {
        if (j.value("unit", "") != unit)
          return Status::Internal("the hub welcomed " + unit + " as '" + j.value("unit", "") + "'");
        return {};
      }
    }
  }
  return Status::Unavailable(unit + ": no welcome from the hub within " + std::to_string(timeout_ms) +
                             " ms (CURVE handshake refused or hub not listening)");
}

int receiver_index(const std::string& unit) {
  // "bench.rNN"
  if (unit.size() != 9 || unit.rfind("bench.r", 0) != 0) return -1;
  return (unit[7] - '0') * 10 + (unit[8] - '0') - 1;
}

}  // namespace

std::int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// ------------------------------------------------------------- shared pieces

CaseFields::CaseFields(int payload_bytes) : payload_bytes_(static_cast<std::size_t>(payload_bytes)) {
  // Readable filler text for the body.
  static constexpr std::string_view kText = "新惠城区物业管理联动枢纽 bench payload 0123456789 abcdefghijklmnopqrstuvwxyz. ";
  while (padding_.size() < payload_bytes_ + kText.size()) padding_ += kText;
}

void CaseFields::append(std::string& out, const std::string& reference, std::int64_t stamp_ns) const {
  out += R"("reference":")";
  out += reference;
  out += R"(","type":"bench.case","compound":"","payload":{"body":"t=)";
  const std::size_t body_start = out.size() - 2;
  out += std::to_string(stamp_ns);
  out += ';';
  // Fill up to payload_bytes bytes, stopping before a multi-byte character
  // would be cut, so that the body stays valid UTF-8 whatever its length.
  const std::size_t target = body_start + payload_bytes_;
  std::size_t i = 0;
  while (out.size() < target && i < padding_.size()) {
    const auto c = static_cast<unsigned char>(padding_[i]);
    const std::size_t len = c < 0x80 ? 1 : (c >= 0xF0 ? 4 : (c >= 0xE0 ? 3 : 2));
    if (out.size() + len > target) break;
    out.append(padding_, i, len);
    i += len;
  }
  while (out.size() < target) out += '.';
  out += R"("})";
}

std::int64_t record_promised(const Json& accepted, std::int64_t case_id, SenderResult& r, std::string* journal_line) {
  std::int64_t promised = 0;
  if (const auto d = accepted.find("deliveries"); d != accepted.end() && d->is_array())
    for (const auto& item : *d) {
      const std::int64_t delivery = item.value("delivery", std::int64_t{0});
      r.expected.push_back({delivery, receiver_index(item.value("to", "")), case_id});
      if (journal_line) *journal_line += (promised ? "," : "") + std::to_string(delivery) + ":" + item.value("to", "");
      ++promised;
    }
  return promised;
}

bool count_refusal(const std::string& kind, const std::string& code, bool in_window, SenderResult& r) {
  ++r.codes[code];
  if (kind == "rejected") {
    ++r.rejected;
    if (in_window) ++r.rejected_in_window;
    return false;
  }
  if (code == "busy") {
    ++r.busy;
    if (in_window) ++r.busy_in_window;
    return true;
  }
  ++r.other_errors;
  if (in_window) ++r.other_errors_in_window;
  return false;
}

void merge_into(SenderResult& into, const SenderResult& from) {
  into.sent += from.sent;
  into.sent_in_window += from.sent_in_window;
  into.accepted += from.accepted;
  into.accepted_in_window += from.accepted_in_window;
  into.duplicate_answers += from.duplicate_answers;
  into.parked += from.parked;
  into.rejected += from.rejected;
  into.busy += from.busy;
  into.other_errors += from.other_errors;
  into.busy_in_window += from.busy_in_window;
  into.rejected_in_window += from.rejected_in_window;
  into.other_errors_in_window += from.other_errors_in_window;
  into.skipped_slots += from.skipped_slots;
  into.resends += from.resends;
  into.unanswered += from.unanswered;
  into.dropped += from.dropped;
  into.unmatched_answers += from.unmatched_answers;
  for (const auto& [at, n] : from.accepted_at) into.accepted_at[at] += n;
  for (const auto& [code, n] : from.codes) into.codes[code] += n;
  into.accept_latency_ns.insert(into.accept_latency_ns.end(), from.accept_latency_ns.begin(),
                                from.accept_latency_ns.end());
  into.expected.insert(into.expected.end(), from.expected.begin(), from.expected.end());
  if (into.failure.empty()) into.failure = from.failure;
}

std::optional<std::int64_t> tally_message(const std::string& body, std::int64_t now, const std::string& prefix,
                                          const std::string& endpoint, ScenarioControl& control, ReceiverResult& r,
                                          Journal* journal) {
  ++r.messages;
  // A delivery is {head fields..., "payload": <stored payload>}: only the head is parsed.
  const std::size_t payload_at = body.find(",\"payload\":");
  const Json head = Json::parse(payload_at == std::string::npos ? body : body.substr(0, payload_at) + "}", nullptr, false);
  if (!head.is_object()) {
    ++r.unparsable;
    return std::nullopt;
  }
  const std::string kind = head.value("kind", "");
  if (kind == "error") {
    ++r.errors;
    const std::string code = head.value("code", "error");
    ++r.codes[code];
    if (control.in_window(now)) ++(code == "busy" ? r.busy_in_window : r.other_errors_in_window);
    return std::nullopt;
  }
  if (kind != "delivery") return std::nullopt;
  ++r.deliveries;
  const std::int64_t id = head.value("delivery", std::int64_t{0});
  if (journal)
    journal->add("delivery\t" + std::to_string(id) + "\t" + std::to_string(head.value("case", std::int64_t{0})) + "\t" +
                 head.value("reference", "") + "\t" + std::to_string(head.value("attempt", 0)));
  r.max_attempt = std::max(r.max_attempt, head.value("attempt", 0));
  if (!r.seen.insert(id).second) {
    ++r.repeats;
    return id;
  }
  ++r.first_receipts;
  ++r.deliveries_at[endpoint];
  if (head.value("reference", "").rfind(prefix, 0) != 0) {
    ++r.foreign;
    return id;
  }
  control.received_distinct.fetch_add(1, std::memory_order_relaxed);
  const std::size_t t_at = payload_at == std::string::npos ? payload_at : body.find("t=", payload_at);
  if (t_at == std::string::npos) {
    ++r.unparsable;
    return id;
  }
  const std::size_t t_end = body.find(';', t_at);
  const auto sent = parse_int(std::string_view(body).substr(t_at + 2, t_end - t_at - 2));
  if (sent && control.in_window(*sent)) r.latency_ns.push_back(now - *sent);
  return id;
}

// --------------------------------------------------------------------- Sender

Sender::Sender(zmq::context_t& ctx, UnitConnection unit, int index, const Scenario& scenario,
               const BenchOptions& options, std::string reference_prefix, ScenarioControl& control)
    : socket_(ctx, zmq::socket_type::dealer), unit_(std::move(unit)), link_(ctx, socket_, unit_), index_(index),
      scenario_(scenario), options_(options), prefix_(std::move(reference_prefix) + sender_id(index).substr(6) + "-"),
      fields_(options.payload_bytes), control_(control) {
  r_.accept_latency_ns.reserve(1 << 16);
}

Status Sender::connect(int timeout_ms) {
  try {
    link_.open();
    return hello(socket_, sender_id(index_), timeout_ms);
  } catch (const zmq::error_t& e) {
    return Status::Internal(sender_id(index_) + ": " + e.what());
  }
}

bool Sender::send_case(std::uint64_t seq, std::int64_t stamp_ns) {
  std::string body;
  body.reserve(static_cast<std::size_t>(options_.payload_bytes) + 160);
  body += R"({"kind":"send",)";
  fields_.append(body, prefix_ + std::to_string(seq), stamp_ns);
  body += '}';
  if (!send_message(socket_, body)) return false;
  link_.sent(steady_ns());
  return true;
}

void Sender::handle(const std::string& body, std::int64_t now) {
  const Json j = Json::parse(body, nullptr, false);
  if (!j.is_object()) {
    ++r_.other_errors;
    ++r_.codes["unparsable_answer"];
    return;
  }
  const std::string kind = j.value("kind", "");
  if (kind == "welcome" || kind == "heartbeat" || kind == "reply") return;
  const std::string reference = j.value("reference", "");
  const bool ours = reference.rfind(prefix_, 0) == 0;
  const auto seq = ours ? parse_int(std::string_view(reference).substr(prefix_.size())) : std::nullopt;
  auto it = seq ? outstanding_.find(static_cast<std::uint64_t>(*seq)) : outstanding_.end();
  if (kind == "accepted") {
    if (j.value("duplicate", false)) ++r_.duplicate_answers;
    if (it == outstanding_.end()) {
      ++r_.unmatched_answers;
      return;
    }
    ++r_.accepted;
    ++r_.accepted_at[link_.endpoint()];
    control_.accepted_total.fetch_add(1, std::memory_order_relaxed);
    if (control_.in_window(now)) ++r_.accepted_in_window;
    if (control_.in_window(it->second.first_sent_ns)) r_.accept_latency_ns.push_back(now - it->second.first_sent_ns);
    const std::int64_t case_id = j.value("case", std::int64_t{0});
    std::string line;
    if (journal_) line = "accepted\t" + reference + "\t" + std::to_string(case_id) + "\t" + (j.value("duplicate", false) ? "1" : "0") + "\t";
    const std::int64_t promised = record_promised(j, case_id, r_, journal_ ? &line : nullptr);
    if (journal_) journal_->add(line);
    if (promised == 0) ++r_.parked;
    control_.expected_deliveries.fetch_add(promised, std::memory_order_relaxed);
    finish(it);
    return;
  }
  const std::string code = j.value("code", kind);
  if (count_refusal(kind, code, control_.in_window(now), r_)) pause_until_ns_ = now + kBusyPauseNs;
  if (kind == "error" && j.value("retry", false)) control_.retry_answers.fetch_add(1, std::memory_order_relaxed);
  if (it == outstanding_.end()) {
    if (!ours) ++r_.unmatched_answers;
    return;
  }
  // A "retry" error (busy, unavailable) says that *this* message stored nothing.
  // After a resend an earlier copy of the same reference may still be queued in
  // the hub and be accepted later: keep waiting, and resend again in 10 s
  // (PROTOCOL.md section 6). Otherwise the answer is final and frees the slot.
  if (kind == "error" && j.value("retry", false) && options_.retry_after_ms > 0) {
    // Sent again by resend_overdue once retry_after_ms have passed.
    it->second.last_sent_ns = now - static_cast<std::int64_t>(options_.resend_seconds * 1e9) +
                              std::int64_t{options_.retry_after_ms} * kMs;
    return;
  }
  if (kind == "error" && j.value("retry", false) && it->second.sends > 1) return;
  if (journal_) journal_->add("refused\t" + reference + "\t" + code);
  finish(it);
}

void Sender::finish(std::map<std::uint64_t, Outstanding>::iterator it) {
  outstanding_.erase(it);
  control_.outstanding_total.fetch_sub(1, std::memory_order_relaxed);
}

bool Sender::send_new(std::uint64_t seq, std::int64_t now) {
  if (control_.send_budget.load(std::memory_order_relaxed) >= 0 &&
      control_.send_budget.fetch_sub(1, std::memory_order_relaxed) <= 0) {
    control_.send_budget.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  if (!send_case(seq, now)) {
    if (control_.send_budget.load(std::memory_order_relaxed) >= 0) control_.send_budget.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  outstanding_[seq] = {now, now, 1};
  control_.outstanding_total.fetch_add(1, std::memory_order_relaxed);
  ++r_.sent;
  if (control_.in_window(now)) ++r_.sent_in_window;
  if (journal_) journal_->add("sent\t" + prefix_ + std::to_string(seq));
  return true;
}

void Sender::resend_overdue(std::int64_t now) {
  for (auto& [seq, o] : outstanding_) {
    if (now - o.last_sent_ns < static_cast<std::int64_t>(options_.resend_seconds * 1e9)) continue;
    if (send_case(seq, o.first_sent_ns)) {
      o.last_sent_ns = now;
      ++o.sends;
      ++r_.resends;
    }
  }
}

void Sender::fail_over(std::int64_t now) {
  link_.move_on(now);
  if (r_.failovers++ == 0) r_.first_failover_ns = now;
  send_message(socket_, R"({"kind":"hello","client":"hub_bench/1"})");
  // What the gone hub did not answer may or may not be stored: the same
  // references again (an earlier copy that was stored answers duplicate=true).
  for (auto& entry : outstanding_) entry.second.last_sent_ns = 0;
  resend_overdue(now);
}

void Sender::loop() {
  // In the fairness scenarios bench.s01 is idle or floods; the other seven are paced at kQuietRate.
  const bool first = index_ == 0;
  const bool fairness = scenario_.fairness != Fairness::kOff;
  if (fairness && first && scenario_.fairness == Fairness::kQuiet) return;
  const bool flood = fairness && first;
  const bool paced = scenario_.rate > 0 && !flood;
  const int paced_senders = fairness ? kUnits - 1 : kUnits;
  const double per_sender_rate = paced ? static_cast<double>(scenario_.rate) / paced_senders : 0;
  const double interval_ns = paced ? 1e9 / per_sender_rate : 0;
  // Senders are staggered so that the sum of their schedules is even.
  const double phase_ns = paced ? interval_ns * (fairness ? index_ - 1 : index_) / paced_senders : 0;
  const std::size_t cap = static_cast<std::size_t>(paced ? options_.paced_cap : options_.window);
  std::int64_t last_heard = steady_ns();
  std::uint64_t slot = 0;
  std::int64_t last_resend_check = steady_ns();
  r_.expected.reserve(1 << 16);

  for (;;) {
    if (control_.abort.load(std::memory_order_relaxed)) break;
    std::int64_t now = steady_ns();
    const bool sending = now < control_.window_end_ns && !control_.stop_sending.load(std::memory_order_relaxed) &&
                         control_.send_budget.load(std::memory_order_relaxed) != 0;
    if (!sending && outstanding_.empty()) break;
    if (!sending && now > control_.drain_deadline_ns) break;
    if (!sending && flood && now - last_heard > kFloodSilenceNs) break;

    std::int64_t wait_ns = 200 * kMs;
    if (sending && now >= control_.start_ns) {
      if (flood) {
        // Without waiting for answers: what the hub drops unread stays outstanding, never resent.
        // At options_.flood_rate (0: whenever the socket takes more), in turns of at most kFloodBurst.
        const auto due_count = options_.flood_rate > 0
                                   ? static_cast<std::uint64_t>(static_cast<double>(now - control_.start_ns) * 1e-9 *
                                                                options_.flood_rate)
                                   : next_seq_ + kFloodBurst;
        wait_ns = options_.flood_rate > 0 ? kMs : 0;
        for (int n = 0; n < kFloodBurst && next_seq_ <= due_count; ++n) {
          if (!send_new(next_seq_, now)) {
            wait_ns = kMs;  // the socket's queue is full: the hub reads no faster
            break;
          }
          ++next_seq_;
        }
      } else if (paced) {
        for (;;) {
          const auto due = control_.start_ns + static_cast<std::int64_t>(phase_ns + interval_ns * static_cast<double>(slot));
          if (due > now || due >= control_.window_end_ns) {
            wait_ns = std::min(wait_ns, due - now);
            break;
          }
          if (outstanding_.size() >= cap) {
            ++r_.skipped_slots;
            ++slot;
            continue;
          }
          if (!send_new(next_seq_, now)) {
            wait_ns = kMs;
            break;
          }
          ++next_seq_;
          ++slot;
        }
      } else if (now >= pause_until_ns_) {
        while (outstanding_.size() < cap) {
          if (!send_new(next_seq_, now)) {
            wait_ns = kMs;
            break;
          }
          ++next_seq_;
          now = steady_ns();
        }
      } else {
        wait_ns = pause_until_ns_ - now;
      }
    } else if (sending) {
      wait_ns = control_.start_ns - now;
    }
    if (!flood && now - last_resend_check > kResendCheckNs) {
      resend_overdue(now);
      last_resend_check = now;
    }

    // Wait for answers or the next slot; whole milliseconds, at least one (no spinning).
    const auto timeout_ms = std::clamp<std::int64_t>((wait_ns + kMs - 1) / kMs, flood ? 0 : 1, 200);
    zmq::pollitem_t items[] = {{socket_.handle(), 0, ZMQ_POLLIN, 0}};
    zmq::poll(items, 1, std::chrono::milliseconds(timeout_ms));
    if (journal_ && journal_->dirty()) journal_->sync();
    if (link_.gone(steady_ns(), control_.failover_after_ns)) fail_over(steady_ns());
    if (!(items[0].revents & ZMQ_POLLIN)) continue;
    while (auto body = receive_body(socket_)) {
      const std::int64_t at = steady_ns();
      last_heard = at;
      link_.heard(at);
      if (body->empty()) {
        ++r_.other_errors;
        ++r_.codes["malformed_message"];
        continue;
      }
      handle(*body, at);
    }
    if (journal_ && journal_->dirty()) journal_->sync();
  }
  if (journal_) journal_->sync();
  if (flood) {
    r_.dropped = static_cast<std::int64_t>(outstanding_.size());
    control_.outstanding_total.fetch_sub(r_.dropped, std::memory_order_relaxed);
    outstanding_.clear();
  }
  r_.unanswered = static_cast<std::int64_t>(outstanding_.size());
}

void Sender::run() noexcept {
  // The flooding sender runs at idle priority (see flood_ctx in main.cc).
  if (scenario_.fairness == Fairness::kFlood && index_ == 0) {
    const sched_param idle{};
    pthread_setschedparam(pthread_self(), SCHED_IDLE, &idle);
  }
  try {
    loop();
  } catch (const std::exception& e) {
    r_.failure = sender_id(index_) + ": " + e.what();
    control_.abort = true;
  }
  control_.senders_running.fetch_sub(1);
}

// ------------------------------------------------------------------- Receiver

Receiver::Receiver(zmq::context_t& ctx, UnitConnection unit, int index, std::string reference_prefix,
                   ScenarioControl& control)
    : socket_(ctx, zmq::socket_type::dealer), unit_(std::move(unit)), link_(ctx, socket_, unit_), index_(index),
      prefix_(std::move(reference_prefix)), control_(control) {
  r_.latency_ns.reserve(1 << 17);
  r_.seen.reserve(1 << 17);
}

Status Receiver::connect(int timeout_ms) {
  try {
    link_.open();
    last_send_ns_ = steady_ns();
    return hello(socket_, receiver_id(index_), timeout_ms);
  } catch (const zmq::error_t& e) {
    return Status::Internal(receiver_id(index_) + ": " + e.what());
  }
}

void Receiver::send(const std::string& body) {
  send_message(socket_, body);
  last_send_ns_ = steady_ns();
  link_.sent(last_send_ns_);
}

void Receiver::send_acks() {
  if (acks_.empty()) return;
  if (journal_) journal_->sync();  // what is acked is on disk first
  for (const std::int64_t id : acks_) send(R"({"kind":"ack","delivery":)" + std::to_string(id) + "}");
  r_.acks_sent += static_cast<std::int64_t>(acks_.size());
  acks_.clear();
}

void Receiver::handle(const std::string& body, std::int64_t now) {
  const auto delivery = tally_message(body, now, prefix_, link_.endpoint(), control_, r_, journal_);
  if (!delivery) return;
  acks_.push_back(*delivery);  // acked after this round's messages (and the journal, if any)
  if (control_.in_window(now)) ++r_.acks_in_window;
}

void Receiver::run() noexcept {
  try {
    while (!control_.abort.load(std::memory_order_relaxed) && !control_.stop_receivers.load(std::memory_order_relaxed)) {
      zmq::pollitem_t items[] = {{socket_.handle(), 0, ZMQ_POLLIN, 0}};
      zmq::poll(items, 1, std::chrono::milliseconds(100));
      if (items[0].revents & ZMQ_POLLIN)
        while (auto body = receive_body(socket_)) {
          const std::int64_t at = steady_ns();
          link_.heard(at);
          if (body->empty()) {
            ++r_.unparsable;
            continue;
          }
          handle(*body, at);
        }
      send_acks();
      if (steady_ns() - last_send_ns_ > control_.heartbeat_every_ns) send(R"({"kind":"heartbeat"})");
      if (link_.gone(steady_ns(), control_.failover_after_ns)) {
        // Acks not yet committed by the gone hub come again from the next one.
        link_.move_on(steady_ns());
        if (r_.failovers++ == 0) r_.first_failover_ns = steady_ns();
        send(R"({"kind":"hello","client":"hub_bench/1"})");
      }
    }
  } catch (const std::exception& e) {
    r_.failure = receiver_id(index_) + ": " + e.what();
    control_.abort = true;
  }
}

}  // namespace hub::bench
