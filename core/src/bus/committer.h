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

#include "bus/commit_queue.h"
#include "bus/outbox.h"
#include "hub/clock.h"
#include "log/routing_log.h"
#include "store/db_link.h"

namespace hub::bus {

class Committer {
 public:
  // `committed` is called after every successful commit (wakes the workers).
  // `hook_plugin_of` names the plugin whose on_reply hook a case type's
  // replies need, or ""; `check_reply` is the owning plugin's check of a
  // reply (see store::BatchInput).
  Committer(std::string conninfo, CommitQueue& queue, const Outbox& outbox, const log::RoutingLog& log,
            const Clock& clock, std::function<void()> committed,
            std::function<std::string(const std::string&)> hook_plugin_of,
            std::function<Problems(const std::string&, const ReplyView&)> check_reply);
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
  std::function<void()> committed_;
  std::function<std::string(const std::string&)> hook_plugin_of_;
  std::function<Problems(const std::string&, const ReplyView&)> check_reply_;
  std::thread thread_;
};

}  // namespace hub::bus
