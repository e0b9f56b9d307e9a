// bus/case_reads.h: answers units' reads of cases (protocol "read") beside
// the write path.
//
// A read never enters the commit queue, so it never waits behind the group
// commits of writes. It runs on threads of its own (a second IntakePool: a
// lane per unit, worked in turns, bounded), on one of as many database
// connections of its own as there are threads; a slow or unreachable database
// holds up reads only, never the intake pool or the committers. The answer
// goes through the outbox to the request that carried the read.
//
// Answers: "case" (protocol::case_state, as store/case_read.h reads it); an
// error "unknown_case" when the unit is party to no such case (the same
// answer whether the case exists or not); "unavailable, retry" when the
// database is unreachable; "busy, retry" when the unit's or the hub's waiting
// reads are at their bound. Every error names the request ("read") and the case.
// A read refused as unknown_case is also recorded (a "rejected" event with the
// code, the case and the request, through the recorder the hub sets), so that
// operators see a unit asking for cases it is not party to.
//
// Thread-safe. stop() answers every read already taken, then joins.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "bus/intake_pool.h"
#include "bus/outbox.h"
#include "catalog/catalog_holder.h"
#include "protocol/messages.h"
#include "store/case_read.h"
#include "store/db_link.h"

namespace hub::bus {

struct CaseReadsLimits {
  std::size_t threads = 2;          // each with its own database connection
  std::size_t unit_waiting = 64;    // reads of one unit waiting for a thread
  std::size_t hub_waiting = 1000;   // reads of all units waiting
  store::CaseReadLimits answer = {};  // what one answer carries
};

class CaseReads {
 public:
  CaseReads(std::string conninfo, CaseReadsLimits limits, const catalog::CatalogHolder& catalog,
            const Outbox& outbox);
  ~CaseReads();  // stops
  CaseReads(const CaseReads&) = delete;
  CaseReads& operator=(const CaseReads&) = delete;

  // Records a refused read: (unit, detail {code, message, request, case}).
  using RefusalRecorder = std::function<void(const std::string& unit, Json detail)>;
  // Set once, before the first submit().
  void record_refusals_with(RefusalRecorder recorder) { record_refusal_ = std::move(recorder); }

  // Takes a read of `unit`, answered later `to`; or answers "busy" at once.
  void submit(const std::string& unit, const protocol::AnswerTo& to, const protocol::Read& request);

  // Refuses new reads ("busy"), answers those already taken, joins. Idempotent.
  void stop();

 private:
  // Runs on the pool's threads; `case_text` is the case id in decimal.
  void read(const std::string& unit, const protocol::AnswerTo& to, const std::string& case_text);
  Result<std::optional<protocol::CaseState>> read_on(store::DbLink& link, const std::string& unit,
                                                     std::int64_t case_id) const;
  void answer(const std::string& unit, const protocol::AnswerTo& to, std::string body) const;

  // A connection for one read, given back after it: never more in use than threads.
  std::unique_ptr<store::DbLink> take_link();
  void give_back(std::unique_ptr<store::DbLink> link);

  const std::string conninfo_;
  const CaseReadsLimits limits_;
  const catalog::CatalogHolder& catalog_;
  const Outbox& outbox_;
  RefusalRecorder record_refusal_;
  std::mutex links_mu_;
  std::vector<std::unique_ptr<store::DbLink>> idle_links_;  // GUARDED_BY(links_mu_)
  IntakePool pool_;  // last: its threads use the members above, and stop first
};

}  // namespace hub::bus
