#include "bus/unit_quotas.h"

namespace hub::bus {

void UnitQuotas::shape(Account& a, const config::UnitQuota& q, Time now, bool fresh) {
  a.quota = q;
  const auto d = [](std::int64_t v) { return static_cast<double>(v); };
  if (fresh) {
    a.messages = TokenBucket(d(q.messages_per_second), d(q.burst_messages), now);
    a.bytes = TokenBucket(d(q.bytes_per_second), d(q.burst_bytes), now);
  } else {
    a.messages.reshape(d(q.messages_per_second), d(q.burst_messages), now);
    a.bytes.reshape(d(q.bytes_per_second), d(q.burst_bytes), now);
  }
}

void UnitQuotas::configure(const config::Deployment& deployment, Time now) {
  std::lock_guard lock(mu_);
  default_quota_ = deployment.hub.unit_quota;
  configured_.clear();
  for (const auto& unit : deployment.units) configured_[unit.id] = config::effective_quota(deployment.hub, unit);
  for (auto& [unit, account] : accounts_) {
    const auto it = configured_.find(unit);
    shape(account, it != configured_.end() ? it->second : default_quota_, now, false);
  }
}

UnitQuotas::Account& UnitQuotas::account_locked(const std::string& unit, Time now) {
  auto [it, inserted] = accounts_.try_emplace(unit);
  if (inserted) {
    const auto q = configured_.find(unit);
    shape(it->second, q != configured_.end() ? q->second : default_quota_, now, true);
  }
  return it->second;
}

namespace {

bool may_be_ack(std::string_view body) {
  return body.size() <= UnitQuotas::kMostAckBytes && body.find("\"ack\"") != std::string_view::npos;
}

}  // namespace

void UnitQuotas::expect_ack(const std::string& unit, Time now) {
  std::lock_guard lock(mu_);
  Account& a = account_locked(unit, now);
  if (a.ack_credit < kMostAckCredit) ++a.ack_credit;
}

std::optional<UnitQuotas::Refusal> UnitQuotas::admit(const std::string& unit, std::string_view body, Time now) {
  std::lock_guard lock(mu_);
  Account& a = account_locked(unit, now);
  if (a.ack_credit > 0 && may_be_ack(body)) {
    --a.ack_credit;
    return std::nullopt;
  }
  const auto size = static_cast<double>(body.size());
  // Both buckets are asked before either is spent: a refused message costs nothing.
  if (a.messages.would_take(1, now) && a.bytes.would_take(size, now)) {
    a.messages.take(1, now);
    a.bytes.take(size, now);
    return std::nullopt;
  }
  Refusal r;
  r.quota = a.quota;
  ++a.dropped_unlogged;
  if (!a.answered || now - a.last_answer >= kAnswerEvery) {
    r.answer = true;
    a.answered = true;
    a.last_answer = now;
  }
  if (!a.logged || now - a.last_log >= kLogEvery) {
    r.to_log = a.dropped_unlogged;
    a.dropped_unlogged = 0;
    a.logged = true;
    a.last_log = now;
  }
  return r;
}

}  // namespace hub::bus
