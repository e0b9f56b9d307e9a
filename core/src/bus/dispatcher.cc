#include "bus/dispatcher.h"

#include <spdlog/spdlog.h>

#include "store/dispatch_claims.h"

namespace hub::bus {
namespace {
constexpr int kClaimLimit = 1000;
}  // namespace

Dispatcher::Dispatcher(std::string conninfo, std::string hub_id, const catalog::CatalogHolder& catalog,
                       Presence& presence, const DisabledUnits& disabled, const Outbox& outbox,
                       const log::RoutingLog& log, const Clock& clock, std::chrono::milliseconds poll)
    : db_(std::move(conninfo), "dispatcher"), hub_id_(std::move(hub_id)), catalog_(catalog), presence_(presence),
      disabled_(disabled), outbox_(outbox), log_(log), clock_(clock), poll_(poll) {}

Dispatcher::~Dispatcher() { stop(); }

void Dispatcher::start() { thread_ = std::thread([this] { run(); }); }

void Dispatcher::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Dispatcher::kick() {
  {
    std::lock_guard lock(mu_);
    kicked_ = true;
    announce_ = true;
  }
  wake_.notify_one();
}

void Dispatcher::wake() {
  {
    std::lock_guard lock(mu_);
    kicked_ = true;
  }
  wake_.notify_one();
}

void Dispatcher::unit_arrived(const std::string& unit) {
  {
    std::lock_guard lock(mu_);
    arrived_[unit] = clock_.now();
    kicked_ = true;
  }
  wake_.notify_one();
}

void Dispatcher::send_claimed(std::vector<std::pair<std::string, protocol::OutgoingDelivery>> deliveries) {
  if (deliveries.empty()) return;
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    if (claimed_.empty()) {
      claimed_ = std::move(deliveries);
    } else {
      claimed_.insert(claimed_.end(), std::make_move_iterator(deliveries.begin()),
                      std::make_move_iterator(deliveries.end()));
    }
  }
  wake_.notify_one();
}

void Dispatcher::run() {
  bool more = false;
  auto next_tick = std::chrono::steady_clock::now();
  for (;;) {
    std::map<std::string, TimePoint> arrived;
    std::vector<std::pair<std::string, protocol::OutgoingDelivery>> claimed;
    bool claim = true;
    bool announce = false;
    {
      std::unique_lock lock(mu_);
      if (!more) {
        wake_.wait_until(lock, next_tick, [&] { return kicked_ || stopping_ || !claimed_.empty(); });
        // Claims run when asked to and at every tick (redeliveries), however
        // busy the direct sends keep this thread.
        claim = kicked_ || std::chrono::steady_clock::now() >= next_tick;
      }
      if (stopping_) return;
      kicked_ = false;
      std::swap(announce, announce_);
      arrived.swap(arrived_);
      claimed.swap(claimed_);
    }
    if (!claimed.empty()) send_deliveries(claimed, *catalog_.get());
    if (!claim) continue;
    next_tick = std::chrono::steady_clock::now() + poll_;
    store::PgConnection* db = db_.get();
    if (db == nullptr) {
      more = false;  // the other hubs' own polls find the work
      continue;
    }
    for (const auto& [unit, at] : arrived)
      if (Status s = db_.check(store::make_due_now(*db, unit, at)); !s.ok())
        spdlog::warn("dispatcher: cannot resend pending work to {}: {}", unit, s.message());
    db = db_.get();
    more = db != nullptr && dispatch_once(*db, announce);
  }
}

bool Dispatcher::dispatch_once(store::PgConnection& db, bool announce) {
  const auto catalog = catalog_.get();
  store::ClaimRequest request{disabled_.without(presence_.online()), clock_.now(), hub_id_, catalog->deployment().hub.delivery, kClaimLimit,
                              announce};
  auto claimed = store::claim_due(db, request);
  if (!claimed.ok()) {
    if (db_.check(claimed.status()).code() != StatusCode::kUnavailable)
      spdlog::error("dispatcher: claim failed: {}", claimed.status().message());
    return false;
  }
  send_deliveries(claimed->deliveries, *catalog);
  for (auto& [recipient, r] : claimed->replies) send(recipient, protocol::forwarded_reply(r));
  for (auto& [recipient, u] : claimed->updates) send(recipient, protocol::update(u));
  log_.write(claimed->events);
  return claimed->deliveries.size() >= static_cast<std::size_t>(kClaimLimit) ||
         claimed->replies.size() >= static_cast<std::size_t>(kClaimLimit) ||
         claimed->updates.size() >= static_cast<std::size_t>(kClaimLimit);
}

void Dispatcher::send_deliveries(std::vector<std::pair<std::string, protocol::OutgoingDelivery>>& deliveries,
                                 const catalog::Catalog& catalog) {
  for (auto& [receiver, d] : deliveries) {
    d.type_name = catalog.case_type_name(d.type);
    send(receiver, protocol::delivery(d));
  }
}

void Dispatcher::send(const std::string& unit, std::string body) {
  // The attempt is already counted; the row is sent again after its backoff,
  // once the unit is back (or enabled again: claimed while it was being disabled).
  if (disabled_.contains(unit)) return;
  if (Status s = outbox_.send_expecting_ack(unit, std::move(body)); !s.ok()) presence_.forget(unit);
}

}  // namespace hub::bus
