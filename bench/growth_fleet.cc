#include "growth_fleet.h"

#include <algorithm>
#include <chrono>
#include <optional>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "load_threads.h"  // steady_ns()
#include "unit_socket.h"

namespace hub::bench {
namespace {

using Json = nlohmann::json;

constexpr std::int64_t kMs = 1'000'000;
constexpr std::int64_t kHeartbeatNs = 3'000 * kMs;
constexpr std::size_t kPacedCap = 4096;  // unanswered sends per shard at a fixed rate; slots beyond are skipped

}  // namespace

// The units one thread drives.
struct Fleet::Shard {
  struct Unit {
    int index = 0;         // in plan.units
    int sender = -1;       // position in plan.senders, -1 when it does not send
    zmq::socket_t socket;
    std::uint64_t next_case = 0;
    std::int64_t last_send_ns = 0;
    std::unordered_set<std::int64_t> seen;  // delivery ids received
  };
  struct Outstanding {
    std::int64_t sent_ns;
    int receiver;  // plan index the answer must name
  };

  int number = 0;
  std::vector<Unit> units;
  std::vector<std::size_t> sending;  // positions in `units` of the senders
  std::string padding;

  // Per phase.
  const PhaseSpec* spec = nullptr;
  std::unordered_map<std::uint64_t, Outstanding> outstanding;
  std::uint64_t next_seq = 0;
  std::size_t next_sender = 0;
  PhaseResult r;

  void send(Unit& u, std::string_view body) {
    send_message_waiting(u.socket, body);
    u.last_send_ns = steady_ns();
  }

  void send_case(const GrowthPlan& plan, int payload_bytes, std::int64_t now) {
    Unit& u = units[sending[next_sender]];
    next_sender = (next_sender + 1) % sending.size();
    const GrowthCase c = plan.case_of(u.sender, u.next_case++);
    const std::uint64_t seq = next_seq++;
    std::string body = fmt::format(R"({{"kind":"send","reference":"{}{}-{}","type":"bench.case","compound":"{}",)"
                                   R"("payload":{{"body":"t={};)",
                                   spec->prefix, number, seq, c.compound, now);
    body.append(padding, 0, static_cast<std::size_t>(std::max(0, payload_bytes - 24)));
    body += '"';
    if (!c.region.empty()) body += R"(,"region":")" + c.region + '"';
    body += "}}";
    send(u, body);
    outstanding[seq] = {now, c.receiver};
    ++r.sent;
    if (now >= spec->window_begin_ns && now < spec->window_end_ns) ++r.sent_in_window;
  }

  bool in_window(std::int64_t t) const { return t >= spec->window_begin_ns && t < spec->window_end_ns; }

  void handle(const GrowthPlan& plan, Unit& u, const std::string& body, std::int64_t now,
              std::atomic<std::int64_t>& promised, std::atomic<std::int64_t>& received) {
    // A delivery's payload is not parsed: only its head.
    const std::size_t payload_at = body.find(",\"payload\":");
    const Json j = Json::parse(payload_at == std::string::npos ? body : body.substr(0, payload_at) + "}", nullptr, false);
    if (!j.is_object()) {
      ++r.errors;
      return;
    }
    const std::string kind = j.value("kind", "");
    if (kind == "delivery") {
      const std::int64_t id = j.value("delivery", std::int64_t{0});
      send(u, R"({"kind":"ack","delivery":)" + std::to_string(id) + "}");
      if (!u.seen.insert(id).second) {
        ++r.redeliveries;
        return;
      }
      if (j.value("reference", "").rfind(spec->prefix, 0) != 0) return;  // an earlier phase's
      ++r.received;
      received.fetch_add(1, std::memory_order_relaxed);
      const std::size_t t_at = payload_at == std::string::npos ? payload_at : body.find("t=", payload_at);
      if (t_at == std::string::npos) return;
      const auto sent = parse_int(std::string_view(body).substr(t_at + 2, body.find(';', t_at) - t_at - 2));
      if (sent && in_window(*sent)) r.e2e_ns.push_back(now - *sent);
      return;
    }
    if (j.contains("update") && kind != "error") {
      send(u, R"({"kind":"ack","update":)" + std::to_string(j.value("update", std::int64_t{0})) + "}");
      return;
    }
    if (kind == "welcome" || kind == "heartbeat") return;
    const std::string reference = j.value("reference", "");
    const std::string mine = spec->prefix + std::to_string(number) + "-";
    std::optional<std::int64_t> seq;
    if (reference.rfind(mine, 0) == 0) seq = parse_int(std::string_view(reference).substr(mine.size()));
    auto it = seq ? outstanding.find(static_cast<std::uint64_t>(*seq)) : outstanding.end();
    if (kind == "accepted" && it != outstanding.end()) {
      ++r.accepted;
      if (in_window(now)) ++r.accepted_in_window;
      if (in_window(it->second.sent_ns)) r.accept_ns.push_back(now - it->second.sent_ns);
      const Json& d = j.contains("deliveries") ? j["deliveries"] : Json::array();
      const std::int64_t n = d.is_array() ? static_cast<std::int64_t>(d.size()) : 0;
      r.promised += n;
      promised.fetch_add(n, std::memory_order_relaxed);
      if (n != 1 || d[0].value("to", "") != plan.units[static_cast<std::size_t>(it->second.receiver)]) {
        if (r.wrong_receiver == 0)
          r.failures.push_back(fmt::format("case {} was routed to {} instead of {}", reference,
                                           d.dump(), plan.units[static_cast<std::size_t>(it->second.receiver)]));
        ++r.wrong_receiver;
      }
      outstanding.erase(it);
      return;
    }
    const std::string code = j.value("code", kind);
    if (code == "busy") ++r.busy;
    else if (kind == "rejected") ++r.rejected;
    else ++r.errors;
    if ((kind == "rejected" || kind == "error") && r.rejected + r.errors == 1 && code != "busy")
      r.failures.push_back("answer: " + body.substr(0, 300));
    if (it != outstanding.end()) outstanding.erase(it);
  }
};

Fleet::Fleet(const GrowthPlan& plan, int threads, int payload_bytes)
    : plan_(plan), payload_bytes_(payload_bytes), ctx_(2) {
  ctx_.set(zmq::ctxopt::max_sockets, static_cast<int>(plan.units.size()) + 64);
  const int shards = std::max(1, std::min<int>(threads, static_cast<int>(plan.units.size())));
  for (int i = 0; i < shards; ++i) {
    shards_.push_back(std::make_unique<Shard>());
    shards_.back()->number = i;
    while (shards_.back()->padding.size() < static_cast<std::size_t>(payload_bytes))
      shards_.back()->padding += "新惠城区物业管理联动枢纽 growth payload 0123456789 abcdefghijklmnopqrstuvwxyz ";
    // Cut at an ASCII character so the body stays valid UTF-8.
    auto& pad = shards_.back()->padding;
    for (std::size_t k = 0; k < pad.size(); ++k)
      if (static_cast<unsigned char>(pad[k]) >= 0x80) pad[k] = 'x';
  }
}

Fleet::~Fleet() {
  for (auto& s : shards_) s->units.clear();  // sockets close before the context
}

Status Fleet::connect(const std::string& endpoint, const std::string& hub_public_key,
                      const std::vector<keys::KeyPair>& keys, int timeout_ms) {
  try {
    for (std::size_t i = 0; i < plan_.units.size(); ++i) {
      Shard& shard = *shards_[i % shards_.size()];
      Shard::Unit u{static_cast<int>(i), -1, zmq::socket_t(ctx_, zmq::socket_type::dealer), 0, 0, {}};
      const auto pos = std::find(plan_.senders.begin(), plan_.senders.end(), static_cast<int>(i));
      if (pos != plan_.senders.end()) u.sender = static_cast<int>(pos - plan_.senders.begin());
      connect_unit_socket(u.socket, endpoint, hub_public_key, keys[i]);
      send_message_waiting(u.socket, R"({"kind":"hello","client":"hub_bench-growth/1"})");
      u.last_send_ns = steady_ns();
      if (u.sender >= 0) shard.sending.push_back(shard.units.size());
      shard.units.push_back(std::move(u));
    }
    std::size_t welcomed = 0;
    std::vector<bool> done(plan_.units.size(), false);
    const std::int64_t deadline = steady_ns() + std::int64_t{timeout_ms} * kMs;
    while (welcomed < plan_.units.size() && steady_ns() < deadline && !abort_) {
      std::vector<zmq::pollitem_t> items;
      std::vector<Shard::Unit*> owners;
      for (auto& s : shards_)
        for (auto& u : s->units)
          if (!done[static_cast<std::size_t>(u.index)]) {
            items.push_back({u.socket.handle(), 0, ZMQ_POLLIN, 0});
            owners.push_back(&u);
          }
      zmq::poll(items.data(), items.size(), std::chrono::milliseconds(100));
      for (std::size_t k = 0; k < items.size(); ++k) {
        if (!(items[k].revents & ZMQ_POLLIN)) continue;
        while (auto body = receive_body(owners[k]->socket)) {
          const Json j = Json::parse(*body, nullptr, false);
          if (j.is_object() && j.value("kind", "") == "welcome") {
            const std::string& id = plan_.units[static_cast<std::size_t>(owners[k]->index)];
            if (j.value("unit", "") != id) return Status::Internal("the hub welcomed " + id + " as " + j.value("unit", ""));
            if (!done[static_cast<std::size_t>(owners[k]->index)]) ++welcomed;
            done[static_cast<std::size_t>(owners[k]->index)] = true;
          }
        }
      }
    }
    if (welcomed < plan_.units.size())
      return Status::Unavailable(fmt::format("{} of {} units were welcomed within {} ms", welcomed, plan_.units.size(),
                                             timeout_ms));
    return {};
  } catch (const zmq::error_t& e) {
    return Status::Internal(std::string("connecting the units: ") + e.what());
  }
}

PhaseResult Fleet::run_phase(const PhaseSpec& spec) {
  std::atomic<std::int64_t> promised{0}, received{0};
  std::atomic<int> senders_done{0};
  const auto total_senders = static_cast<double>(plan_.senders.size());
  std::vector<std::thread> threads;
  for (auto& shard_ptr : shards_) {
    shard_ptr->spec = &spec;
    shard_ptr->outstanding.clear();
    shard_ptr->next_seq = 0;
    shard_ptr->r = PhaseResult{};
    threads.emplace_back([&, this, sp = shard_ptr.get()] {
      Shard& shard = *sp;
      const double share = shard.sending.empty() ? 0 : static_cast<double>(shard.sending.size()) / total_senders;
      const bool paced = spec.rate > 0;
      const double interval_ns = paced && share > 0 ? 1e9 / (spec.rate * share) : 0;
      const double phase_ns = interval_ns * shard.number / static_cast<double>(shards_.size());
      const std::size_t cap = paced ? kPacedCap
                                    : static_cast<std::size_t>(std::max(1.0, spec.in_flight * share));
      std::uint64_t slot = 0;
      bool done_sending = false;
      std::int64_t last_heartbeat_check = 0;
      std::vector<zmq::pollitem_t> items;
      for (auto& u : shard.units) items.push_back({u.socket.handle(), 0, ZMQ_POLLIN, 0});
      try {
        for (;;) {
          if (abort_.load(std::memory_order_relaxed)) break;
          const std::int64_t now = steady_ns();
          const bool sending = now < spec.window_end_ns && !shard.sending.empty();
          if (!sending && shard.outstanding.empty() && !done_sending) {
            done_sending = true;
            senders_done.fetch_add(1);
          }
          if (done_sending && senders_done.load() == static_cast<int>(shards_.size()) &&
              received.load() >= promised.load())
            break;
          if (now > spec.drain_deadline_ns) break;
          std::int64_t wait_ns = 100 * kMs;
          if (sending && now >= spec.start_ns) {
            if (paced) {
              for (;;) {
                const auto due = spec.start_ns + static_cast<std::int64_t>(phase_ns + interval_ns * static_cast<double>(slot));
                if (due > now || due >= spec.window_end_ns) {
                  wait_ns = std::min(wait_ns, due - now);
                  break;
                }
                ++slot;
                if (shard.outstanding.size() < cap) shard.send_case(plan_, payload_bytes_, now);
              }
            } else {
              while (shard.outstanding.size() < cap) shard.send_case(plan_, payload_bytes_, steady_ns());
            }
          } else if (sending) {
            wait_ns = spec.start_ns - now;
          }
          zmq::poll(items.data(), items.size(),
                    std::chrono::milliseconds(std::clamp<std::int64_t>((wait_ns + kMs - 1) / kMs, 1, 100)));
          for (std::size_t k = 0; k < items.size(); ++k) {
            if (!(items[k].revents & ZMQ_POLLIN)) continue;
            while (auto body = receive_body(shard.units[k].socket)) {
              if (body->empty()) {
                ++shard.r.errors;
                continue;
              }
              shard.handle(plan_, shard.units[k], *body, steady_ns(), promised, received);
            }
          }
          if (now - last_heartbeat_check > 500 * kMs) {
            last_heartbeat_check = now;
            for (auto& u : shard.units)
              if (now - u.last_send_ns > kHeartbeatNs) shard.send(u, R"({"kind":"heartbeat"})");
          }
        }
      } catch (const std::exception& e) {
        shard.r.failures.push_back(fmt::format("fleet thread {}: {}", shard.number, e.what()));
        abort_ = true;
      }
      if (!done_sending) senders_done.fetch_add(1);
      shard.r.unanswered = static_cast<std::int64_t>(shard.outstanding.size());
    });
  }
  for (auto& t : threads) t.join();
  PhaseResult total;
  for (auto& s : shards_) {
    const PhaseResult& r = s->r;
    total.sent += r.sent;
    total.sent_in_window += r.sent_in_window;
    total.accepted += r.accepted;
    total.accepted_in_window += r.accepted_in_window;
    total.busy += r.busy;
    total.rejected += r.rejected;
    total.errors += r.errors;
    total.unanswered += r.unanswered;
    total.wrong_receiver += r.wrong_receiver;
    total.promised += r.promised;
    total.received += r.received;
    total.redeliveries += r.redeliveries;
    total.e2e_ns.insert(total.e2e_ns.end(), r.e2e_ns.begin(), r.e2e_ns.end());
    total.accept_ns.insert(total.accept_ns.end(), r.accept_ns.begin(), r.accept_ns.end());
    total.failures.insert(total.failures.end(), r.failures.begin(), r.failures.end());
  }
  std::sort(total.e2e_ns.begin(), total.e2e_ns.end());
  std::sort(total.accept_ns.begin(), total.accept_ns.end());
  return total;
}

}  // namespace hub::bench
