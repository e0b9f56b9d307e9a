// store/case_batch.h: one group commit of intake work.
//
// Everything that arrived while the previous commit ran — new cases, replies,
// lifecycle requests, acks, rejections to record — is written in ONE
// transaction: cases, deliveries (with their deadlines), replies, stage
// changes (store/lifecycle_writer.h), updates to units, hook tasks and the
// routing events of all of them. Only after it commits are senders told
// "accepted". One statement per table per batch, whatever the batch size.
//
// Thread-safety: one batch at a time per connection.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "config/model.h"
#include "hub/case.h"
#include "protocol/answer_to.h"
#include "protocol/answers.h"
#include "protocol/messages.h"
#include "router/router.h"
#include "store/event.h"
#include "store/lifecycle_context.h"
#include "store/pg.h"

namespace hub::store {

struct NewCase {
  CaseView c;                 // id is 0; origin comes from the sender's key
  // c.payload serialized, done once off the committer's thread (intake then
  // releases c.payload); empty: the committer serializes c.payload.
  std::string payload_json;
  router::Decision decision;  // from the router, before commit
  std::string plugin;         // owning plugin
  bool run_hooks = false;     // queue an on_accepted hook task
  // Deliveries wait ("held") until on_accepted has attached the case's annex
  // (CaseTypeDecl::enriched); REQUIRES run_hooks.
  bool hold_for_annex = false;
  protocol::AnswerTo answer_to;  // where "accepted" or the error goes
};

struct CaseOutcome {
  CaseId id = 0;
  bool duplicate = false;  // (origin, reference) was stored before; nothing new created
  std::vector<protocol::DeliveryRef> deliveries;
  std::string parked_reason;
};

struct NewReply {
  std::string sender;  // the unit that sent it (from its key)
  protocol::Reply reply;
  protocol::AnswerTo answer_to;
  // reply.attachments as stored (uploaded by the sender: checked at intake).
  std::vector<AttachmentView> attachments{};
};

struct ReplyOutcome {
  std::string error_code;  // empty: stored (or duplicate); else a protocol error code
  std::string message;
  Problems problems;       // for invalid_reply: what the owning plugin found
  std::int64_t reply_id = 0;
  bool duplicate = false;
  bool run_hooks = false;
};

struct NewTransition {
  std::string unit;  // the unit that sent it (from its key)
  protocol::Transition request;
  protocol::AnswerTo answer_to;
};

struct TransitionOutcome {
  std::string error_code;  // empty: done (or duplicate); else a protocol error code
  std::string message;
  CaseId case_id = 0;
  std::vector<protocol::StageRef> deliveries;  // each delivery concerned, with its stage now
  bool duplicate = false;                      // the reference was used before
};

struct NewAck {
  std::string unit;
  protocol::Ack ack;
};

// New cases' deliveries to the units `here` says are connected to this hub
// are written already claimed by `hub_id` for `lease` (the first backoff)
// and come back in BatchOutput::direct, to be sent as soon as the batch
// commits: no claim query, no second write of the row before its ack.
// Unset `here`: every delivery waits for a claim.
struct DirectDispatch {
  std::string hub_id;
  std::chrono::milliseconds lease{0};
  std::function<bool(const std::string& unit)> here;
};

struct BatchInput {
  std::vector<NewCase> cases;
  std::vector<NewReply> replies;
  std::vector<NewTransition> transitions;  // applied after the replies
  std::vector<NewAck> acks;
  std::vector<Event> events;  // events without a state change of their own (rejections)
  // Case type → plugin with after-commit hooks, for on_reply tasks.
  std::function<std::string(const std::string& case_type)> hook_plugin_of;
  // The owning plugin's check of a reply to a case of this type; unset: none.
  std::function<Problems(const std::string& case_type, const ReplyView& reply)> check_reply;
  LifecycleContext lifecycle;
  DirectDispatch direct;
};

struct BatchOutput {
  std::vector<CaseOutcome> cases;     // index-aligned with BatchInput::cases
  std::vector<ReplyOutcome> replies;  // index-aligned with BatchInput::replies
  std::vector<TransitionOutcome> transitions;  // index-aligned with BatchInput::transitions
  std::vector<Event> events;          // everything committed, for the routing log
  std::size_t hook_tasks = 0;         // hook tasks written: the hook runner has work
  // Deliveries written claimed (DirectDispatch), (receiver, message), in id
  // order: send each once, after the commit. type_name is left to the caller.
  std::vector<std::pair<std::string, protocol::OutgoingDelivery>> direct;
  std::size_t claimable = 0;          // new case deliveries left for a claim
};

// Cases raised by a plugin have the origin "plugin:<name>". Replies to them go
// to the plugin's on_reply hook only; there is no unit to forward them to.
inline constexpr const char* kPluginOriginPrefix = "plugin:";

// Writes the batch in one transaction and commits it. On any error nothing of
// the batch is stored.
Result<BatchOutput> commit_batch(PgConnection& db, const BatchInput& in, TimePoint now);

// The same, inside the caller's open transaction (hooks raising follow-ups).
Result<BatchOutput> write_batch(PgConnection& db, const BatchInput& in, TimePoint now);

}  // namespace hub::store
