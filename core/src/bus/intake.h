// bus/intake.h: what the hub does with one message from a unit, up to the
// commit queue.
//
// Authentication is already done: `unit` comes from the unit's credential.
// First admit() asks the unit's quota (bus/unit_quotas.h), on the adapter's
// thread: a message over it is dropped unread. handle() then reads it (on the
// intake pool, bus/intake_pool.h). Refusals (malformed message, unknown case
// type, type not allowed, invalid payload) are answered here at once and, up
// to the unit's budget (bus/rejection_budget.h), recorded as events; accepted
// work goes to the commit queue and is answered after its commit, or answered
// "busy" when the unit's or the hub's share of the queue is full. Reads of
// cases go to their own threads (bus/case_reads.h), beside the commit queue,
// and so do fetches of files (bus/attachment_service.h). A send or reply that
// names files is checked against the files its unit uploaded (one database
// query, only for messages naming files) and its case type's AttachmentRule.
// Thread-safe (plugins' validate must be, by contract).
#pragma once

#include <functional>
#include <string>

#include "bus/attachment_service.h"
#include "bus/case_reads.h"
#include "bus/commit_queue.h"
#include "bus/intake_pool.h"
#include "bus/outbox.h"
#include "bus/presence.h"
#include "bus/refusal_pacer.h"
#include "bus/rejection_budget.h"
#include "bus/unit_quotas.h"
#include "catalog/catalog_holder.h"
#include "hub/clock.h"
#include "protocol/answer_to.h"

namespace hub::bus {

struct IntakeSettings {
  std::string hub_id;
  std::size_t max_payload_bytes = 256 * 1024;
  protocol::JsonLimits json_limits;
  int heartbeat_seconds = 5;
};

class Intake {
 public:
  // At most this many problems are told and recorded per refusal.
  static constexpr std::size_t kMostProblems = 100;

  // `unit_arrived` is called when a unit says hello (its pending work is resent).
  // Reads of cases go to `reads`, never to the commit queue.
  Intake(IntakeSettings settings, const catalog::CatalogHolder& catalog, UnitQuotas& quotas, CommitQueue& queue,
         CaseReads& reads, AttachmentService& files, Presence& presence, const Outbox& outbox,
         std::function<void(const std::string&)> unit_arrived)
      : settings_(std::move(settings)), catalog_(catalog), quotas_(quotas), queue_(queue), reads_(reads),
        files_(files), presence_(presence), outbox_(outbox), unit_arrived_(std::move(unit_arrived)) {}

  // False when the message is over the unit's quota (answered rate_limited
  // within its rate, and dropped): then it must not be handled.
  bool admit(const std::string& unit, const protocol::AnswerTo& to, const std::string& body);
  // Reads, checks and answers or queues one admitted message; its answers go `to`.
  void handle(const std::string& unit, const protocol::AnswerTo& to, const std::string& body);
  // An admitted message the intake pool did not take (`admission`) is
  // dropped unread: answered "busy" and logged, within the rates of
  // bus/refusal_pacer.h.
  void not_pooled(const std::string& unit, const protocol::AnswerTo& to, IntakePool::Admission admission);
  // Records one of `unit`'s refusals as a "rejected" event (within the
  // unit's RejectionBudget): a row in the events table and a routing-log line.
  void record_rejection(const std::string& unit, const std::string& case_type, Json detail);

 private:
  void handle_send(const std::string& unit, const protocol::AnswerTo& to, protocol::Send send, std::size_t bytes);
  void handle_reply(const std::string& unit, const protocol::AnswerTo& to, protocol::Reply reply, std::size_t bytes);
  // The files `refs` names as the hub stored them, each uploaded by `unit`;
  // or nullopt after answering: the problems (a file `unit` did not upload)
  // or "unavailable". `request`, `reference`, `case_type`: for the answer.
  std::optional<std::vector<AttachmentView>> stored_files(const std::string& unit, const protocol::AnswerTo& to,
                                                          const std::vector<protocol::AttachmentRef>& refs,
                                                          const std::string& request, const std::string& reference,
                                                          const std::string& case_type);
  void refuse(const std::string& unit, const protocol::AnswerTo& to, const std::string& reference, const std::string& code,
              const std::string& message, Problems problems, const std::string& case_type);
  void over_quota(const std::string& unit, const protocol::AnswerTo& to, const UnitQuotas::Refusal& refusal) const;
  // Answers a message the queue did not take (`what`: "nothing was stored", ...).
  // `request`: the message's kind; `what`: what did not happen ("nothing was stored", ...).
  void not_queued(const std::string& unit, const protocol::AnswerTo& to, CommitQueue::Admission admission,
                  const std::string& request, const std::string& reference, const std::string& what) const;
  void answer(const std::string& unit, const protocol::AnswerTo& to, std::string body) const;

  const IntakeSettings settings_;
  const catalog::CatalogHolder& catalog_;
  UnitQuotas& quotas_;
  RejectionBudget rejections_;
  RefusalPacer unread_;  // messages the intake pool did not take
  CommitQueue& queue_;
  CaseReads& reads_;
  AttachmentService& files_;
  Presence& presence_;
  const Outbox& outbox_;
  const std::function<void(const std::string&)> unit_arrived_;
};

}  // namespace hub::bus
