// bus/committer.h: the group-commit thread.
//
// Takes everything the commit queue holds, writes it in one transaction
// (store/case_batch.h) and only then answers the senders and writes the
// routing log. If the database is unreachable every sender of the batch is
// told "unavailable, retry" (nothing was stored) and the committer reconnects
// by itself. A batch that fails for another reason is retried item by item, so
// one bad item cannot hold back the others.
#pragma once

#include <functional>
#include <thread>

#include "bus/catalog_holder.h"
#include "bus/commit_queue.h"
#include "bus/outbox.h"
#include "hub/clock.h"
#include "log/routing_log.h"
#include "store/db_link.h"

namespace hub::bus {

class Committer {
 public:
  // `committed(hook_work)` is called after a successful commit that can have
  // made work for the workers (cases, replies, lifecycle requests), with
  // hook_work true when it wrote hook tasks. A commit of acks and events only
  // wakes nobody: nothing new is due.
  // Each batch is written against one snapshot of `catalog`: its plugins
  // check replies and get on_reply tasks, its lifecycle policy, directory
  // and router give deadlines and re-route returned cases.
  Committer(std::string conninfo, CommitQueue& queue, const Outbox& outbox, const log::RoutingLog& log,
            const Clock& clock, const CatalogHolder& catalog, std::function<void(bool hook_work)> committed);
  ~Committer();
  void start();
  // Returns after the queue is closed and drained.
  void join();

 private:
  void run();
  void commit(const store::BatchInput& batch);
  void answer(const store::BatchInput& batch, const store::BatchOutput& out);
  void answer_failure(const store::BatchInput& batch, const Status& why);

  store::DbLink db_;
  CommitQueue& queue_;
  const Outbox& outbox_;
  const log::RoutingLog& log_;
  const Clock& clock_;
  const CatalogHolder& catalog_;
  std::function<void(bool hook_work)> committed_;
  std::thread thread_;
};

}  // namespace hub::bus
