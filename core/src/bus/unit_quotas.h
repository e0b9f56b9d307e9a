// bus/unit_quotas.h: what each unit may send per second (config::UnitQuota).
//
// Asked about every message before it is read: one message and its bytes are
// taken from the unit's two token buckets, and a message over either is
// dropped unread, so a flooding unit costs the hub one lookup per message and
// leaves the rest of its capacity to the others. Of the refusals, the first
// in each second is to be answered (error rate_limited), so the unit learns
// why its messages go unanswered; the first of each unit and then one every
// 10 s are to be logged, with the count dropped since the last.
//
// Acks are paid for by what the hub sent: every delivery, forwarded reply and
// update sent to a unit (expect_ack) gives it one ack of credit, up to
// kMostAckCredit. A message that looks like an ack (admit's `maybe_ack`: small,
// naming "ack") spends a credit instead of quota, so a unit that is sent more
// than its quota allows can still ack all of it and keep its own quota for its
// own work. A hostile unit gains at most one message per message it was sent.
//
// Units the configuration does not name (a key reloaded away while its
// connection lives on) get the hub's default quota. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "config/model.h"
#include "util/token_bucket.h"

namespace hub::bus {

class UnitQuotas {
 public:
  using Time = std::chrono::steady_clock::time_point;
  static constexpr auto kAnswerEvery = std::chrono::seconds(1);
  static constexpr auto kLogEvery = std::chrono::seconds(10);
  static constexpr std::uint64_t kMostAckCredit = 100000;
  // Larger bodies are never taken for acks (an ack is about 40 bytes).
  static constexpr std::size_t kMostAckBytes = 128;

  struct Refusal {
    bool answer = false;          // answer the unit now (rate_limited)
    std::uint64_t to_log = 0;     // > 0: log now that this many were dropped since the last log line
    config::UnitQuota quota;      // the unit's, for the messages
  };

  // Takes each unit's quota from `deployment`; balances carry over a reload.
  void configure(const config::Deployment& deployment, Time now);

  // nullopt: the message may be read. `body` decides whether it may be an ack.
  std::optional<Refusal> admit(const std::string& unit, std::string_view body, Time now);
  // The hub sent `unit` a message it is to ack.
  void expect_ack(const std::string& unit, Time now);

 private:
  struct Account {
    config::UnitQuota quota;
    TokenBucket messages, bytes;
    Time last_answer{}, last_log{};
    bool answered = false, logged = false;
    std::uint64_t dropped_unlogged = 0;
    std::uint64_t ack_credit = 0;
  };
  Account& account_locked(const std::string& unit, Time now);
  static void shape(Account& a, const config::UnitQuota& q, Time now, bool fresh);

  std::mutex mu_;
  config::UnitQuota default_quota_;                    // GUARDED_BY(mu_)
  std::unordered_map<std::string, config::UnitQuota> configured_;  // GUARDED_BY(mu_)
  std::unordered_map<std::string, Account> accounts_;  // GUARDED_BY(mu_)
};

}  // namespace hub::bus
