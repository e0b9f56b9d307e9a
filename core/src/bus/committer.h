// bus/committer.h: a group-commit thread (a hub runs two, one per lane of the
// commit queue, each with its own connection).
//
// Takes what the commit queue holds for its lane, writes it in one transaction
// (store/case_batch.h) and only then answers the senders and writes the
// routing log. If the database is unreachable every sender of the batch is
// told "unavailable, retry" (nothing was stored) and the committer reconnects
// by itself; work PostgreSQL rolls back as a deadlock or serialization failure
// is written again, up to three times, then answered "busy, retry". A batch
// that fails for another reason is written apart (each item alone, acks and
// events in groups), so one item the database refuses fails alone: its sender
// is answered `unstorable`, the refusal is recorded with its text cleaned
// (store/storable.h), and the rest commits. Nothing recurses; every item is
// written at most three times.
#pragma once

#include <functional>
#include <thread>

#include "bus/commit_queue.h"
#include "bus/disabled_units.h"
#include "bus/dispatcher.h"
#include "bus/outbox.h"
#include "bus/presence.h"
#include "catalog/catalog_holder.h"
#include "hub/clock.h"
#include "log/routing_log.h"
#include "store/db_link.h"

namespace hub::bus {

class Committer {
 public:
  // New cases' deliveries to units online at this hub (`presence`) and not
  // disabled (`disabled`: theirs wait unclaimed) are
  // written already claimed and handed to `dispatcher` after the commit
  // (store::DirectDispatch). The dispatcher is woken for claims only when the
  // commit left work for them (deliveries to units elsewhere, replies,
  // lifecycle requests); `hook_work` is called when it wrote hook tasks. A
  // commit of acks and events only wakes nobody: nothing new is due.
  // Each batch is written against one snapshot of `catalog`: its plugins
  // check replies and get on_reply tasks, its lifecycle policy, directory
  // and router give deadlines and re-route returned cases.
  Committer(std::string conninfo, CommitQueue& queue, const Outbox& outbox, const log::RoutingLog& log,
            const Clock& clock, const catalog::CatalogHolder& catalog, const Presence& presence,
            const DisabledUnits& disabled, Dispatcher& dispatcher,
            std::function<void()> hook_work, CommitQueue::Lane lane = CommitQueue::Lane::kAll);
  ~Committer();
  void start();
  // Returns after the queue is closed and drained.
  void join();

 private:
  void run();
  void commit(store::BatchInput&& batch);
  // Writes one batch (retrying kBusy) and on success answers and logs it.
  Status attempt(const store::BatchInput& batch);
  void finish(const store::BatchInput& batch, store::BatchOutput& out);
  void refuse_unstorable(const store::BatchInput& item, const Status& why);
  void answer(const store::BatchInput& batch, const store::BatchOutput& out);
  void answer_failure(const store::BatchInput& batch, const Status& why);

  store::DbLink db_;
  CommitQueue& queue_;
  const Outbox& outbox_;
  const log::RoutingLog& log_;
  const Clock& clock_;
  const catalog::CatalogHolder& catalog_;
  const Presence& presence_;
  const DisabledUnits& disabled_;
  Dispatcher& dispatcher_;
  std::function<void()> hook_work_;
  const CommitQueue::Lane lane_;
  std::thread thread_;
};

}  // namespace hub::bus
