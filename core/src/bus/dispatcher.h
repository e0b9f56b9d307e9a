// bus/dispatcher.h: the thread that sends deliveries and forwarded replies.
//
// Two ways work reaches it. Deliveries the committer wrote already claimed for
// units online here (store::DirectDispatch) are handed over with send_claimed()
// and sent at once, without touching the database. Everything else is claimed:
// when a commit left work for claims, when another hub on the database
// announces new work, when a unit says hello, and every poll interval (hubd
// --dispatch-poll-ms, 200 ms by default) for redelivery,
// it claims due rows for the units online at this hub
// (store/dispatch_claims.h), sends them, and logs what it did. Sending is
// at-least-once: a row is sent again after its backoff until acked, and parked
// after the configured attempts. Units an operator disabled (bus/disabled_units.h)
// are left out of every claim and send: their rows wait, attempts uncounted.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <utility>
#include <vector>

#include "bus/disabled_units.h"
#include "bus/outbox.h"
#include "bus/presence.h"
#include "catalog/catalog_holder.h"
#include "hub/clock.h"
#include "log/routing_log.h"
#include "protocol/answers.h"
#include "store/db_link.h"

namespace hub::bus {

class Dispatcher {
 public:
  Dispatcher(std::string conninfo, std::string hub_id, const catalog::CatalogHolder& catalog, Presence& presence,
             const DisabledUnits& disabled, const Outbox& outbox, const log::RoutingLog& log, const Clock& clock,
             std::chrono::milliseconds poll);
  ~Dispatcher();
  void start();
  void stop();
  // This hub committed new work: claim now, and tell the other hubs on the
  // database (with the claim), whose units it may be for.
  void kick();
  // Another hub committed new work (bus/peer_wake.h): claim now.
  void wake();
  // `unit` (re)connected: everything pending for it becomes due now.
  void unit_arrived(const std::string& unit);
  // Deliveries committed as claimed by this hub (attempt 1, events already
  // written): sent in order, soon, on the dispatcher's thread. After stop()
  // they are dropped; their rows are due again when the lease ends.
  void send_claimed(std::vector<std::pair<std::string, protocol::OutgoingDelivery>> deliveries);

 private:
  void run();
  bool dispatch_once(store::PgConnection& db, bool announce);  // true when it claimed a full batch
  void send_deliveries(std::vector<std::pair<std::string, protocol::OutgoingDelivery>>& deliveries, const catalog::Catalog& catalog);
  void send(const std::string& unit, std::string body);

  store::DbLink db_;
  const std::string hub_id_;
  const catalog::CatalogHolder& catalog_;
  Presence& presence_;
  const DisabledUnits& disabled_;
  const Outbox& outbox_;
  const log::RoutingLog& log_;
  const Clock& clock_;
  const std::chrono::milliseconds poll_;  // the longest wait between two looks for due work

  std::mutex mu_;
  std::condition_variable wake_;
  bool kicked_ = false;              // GUARDED_BY(mu_)
  bool announce_ = false;            // GUARDED_BY(mu_): tell the other hubs at the next claim
  bool stopping_ = false;            // GUARDED_BY(mu_)
  // Units that arrived, with when (the latest arrival): what was dispatched to
  // them before then is sent again at once. GUARDED_BY(mu_)
  std::map<std::string, TimePoint> arrived_;
  std::vector<std::pair<std::string, protocol::OutgoingDelivery>> claimed_;  // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace hub::bus
