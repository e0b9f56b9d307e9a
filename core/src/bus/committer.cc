#include "bus/committer.h"

#include <spdlog/spdlog.h>

#include "catalog/attachment_rule.h"
#include "protocol/answers.h"
#include "protocol/messages.h"
#include "store/storable.h"

namespace hub::bus {
namespace {

// How often a piece of work is written again when PostgreSQL rolled it back
// as a serialization failure or deadlock (kBusy) before the senders are told
// "busy, retry".
constexpr int kTransientAttempts = 3;

store::BatchInput empty_like(const store::BatchInput& b) {
  store::BatchInput x;
  x.hook_plugin_of = b.hook_plugin_of;
  x.check_reply = b.check_reply;
  x.lifecycle = b.lifecycle;
  x.direct = b.direct;
  return x;
}

// A failed batch, taken apart: each case, reply and lifecycle request alone
// (they answer their senders), the acks together and the events together
// (`group`: taken apart again, one by one, if they fail together). Items are
// moved, never copied.
struct Piece {
  store::BatchInput input;
  bool group = false;
};

std::vector<Piece> split(store::BatchInput&& b, bool groups) {
  std::vector<Piece> out;
  auto alone = [&](auto member, auto&& item) {
    out.push_back({empty_like(b), false});
    (out.back().input.*member).push_back(std::move(item));
  };
  for (auto& c : b.cases) alone(&store::BatchInput::cases, c);
  for (auto& r : b.replies) alone(&store::BatchInput::replies, r);
  for (auto& t : b.transitions) alone(&store::BatchInput::transitions, t);
  if (groups) {
    if (!b.acks.empty()) out.push_back({empty_like(b), b.acks.size() > 1}), out.back().input.acks = std::move(b.acks);
    if (!b.events.empty())
      out.push_back({empty_like(b), b.events.size() > 1}), out.back().input.events = std::move(b.events);
  } else {
    for (auto& a : b.acks) alone(&store::BatchInput::acks, a);
    for (auto& e : b.events) alone(&store::BatchInput::events, e);
  }
  return out;
}

// Failures that say nothing about the items: the same items succeed later.
bool transient(const Status& s) { return s.code() == StatusCode::kUnavailable || s.code() == StatusCode::kBusy; }

std::size_t items(const store::BatchInput& b) {
  return b.cases.size() + b.replies.size() + b.transitions.size() + b.acks.size() + b.events.size();
}

// Who sent the item of a one-item piece and what it was, for the hub's log
// (every client string cut and cleaned).
std::string describe(const store::BatchInput& b) {
  auto ref = [](const std::string& r) { return store::storable_text(r, 64); };
  if (!b.cases.empty()) return "a case from " + b.cases[0].c.origin + " (reference " + ref(b.cases[0].c.reference) + ")";
  if (!b.replies.empty()) return "a reply from " + b.replies[0].sender + " (reference " + ref(b.replies[0].reply.reference) + ")";
  if (!b.transitions.empty())
    return std::string("a ") + protocol::kind_name(b.transitions[0].request.kind) + " from " + b.transitions[0].unit +
           " (reference " + ref(b.transitions[0].request.reference) + ")";
  if (!b.acks.empty()) return "an ack from " + b.acks[0].unit;
  if (!b.events.empty()) return "a '" + store::storable_text(b.events[0].kind, 32) + "' event";
  return "nothing";
}

}  // namespace

Committer::Committer(std::string conninfo, CommitQueue& queue, const Outbox& outbox, const log::RoutingLog& log,
                     const Clock& clock, const catalog::CatalogHolder& catalog, const Presence& presence,
                     const DisabledUnits& disabled, Dispatcher& dispatcher, std::function<void()> hook_work,
                     CommitQueue::Lane lane)
    : db_(std::move(conninfo), lane == CommitQueue::Lane::kAll ? "committer" : "committer (cases and acks)"),
      queue_(queue), outbox_(outbox), log_(log), clock_(clock), catalog_(catalog), presence_(presence),
      disabled_(disabled), dispatcher_(dispatcher), hook_work_(std::move(hook_work)), lane_(lane) {}

Committer::~Committer() { join(); }

void Committer::start() { thread_ = std::thread([this] { run(); }); }

void Committer::join() {
  if (thread_.joinable()) thread_.join();
}

void Committer::run() {
  for (;;) {
    store::BatchInput batch = queue_.take(lane_);
    if (items(batch) == 0) return;  // closed and drained
    const std::shared_ptr<const catalog::Catalog> catalog = catalog_.get();  // held until the batch is answered
    const catalog::Catalog* c = catalog.get();
    batch.hook_plugin_of = [c](const std::string& type) {
      const auto* t = c->case_type(type);
      return t && t->hooks ? t->plugin : std::string();
    };
    batch.check_reply = [c](const std::string& type, const ReplyView& reply) {
      const auto* t = c->case_type(type);
      if (t == nullptr) return Problems{};
      Problems problems = catalog::attachment_problems(t->attachments, reply.attachments, type);
      Problems plugin = t->impl->validate_reply(type, reply);
      problems.insert(problems.end(), plugin.begin(), plugin.end());
      return problems;
    };
    batch.lifecycle = {&c->lifecycle(), &c->directory(), &c->router()};
    if (!batch.cases.empty()) {
      const auto& hub = c->deployment().hub;
      batch.direct.hub_id = hub.id;
      batch.direct.lease = hub.delivery.backoff_initial;
      batch.direct.here = [this](const std::string& unit) {
        return presence_.is_online(unit) && !disabled_.contains(unit);
      };
    }
    commit(std::move(batch));
  }
}

Status Committer::attempt(const store::BatchInput& batch) {
  Status last;
  for (int i = 0; i < kTransientAttempts; ++i) {
    store::PgConnection* db = db_.get();
    if (db == nullptr) return Status::Unavailable("the database is unreachable");
    Result<store::BatchOutput> out = Status::Internal("not written");
    try {
      out = store::commit_batch(*db, batch, clock_.now());
    } catch (const std::exception& e) {  // a bug; the item that triggers it is isolated like a refused one
      out = Status::Internal(std::string("exception while writing: ") + e.what());
    }
    if (out.ok()) {
      finish(batch, *out);
      return {};
    }
    last = db_.check(out.status());
    if (last.code() != StatusCode::kBusy) return last;
  }
  return last;
}

void Committer::finish(const store::BatchInput& batch, store::BatchOutput& out) {
  answer(batch, out);
  log_.write(out.events);
  dispatcher_.send_claimed(std::move(out.direct));
  if (out.claimable > 0 || !batch.replies.empty() || !batch.transitions.empty()) dispatcher_.kick();
  if (out.hook_tasks > 0) hook_work_();
}

void Committer::commit(store::BatchInput&& batch) {
  const Status first = attempt(batch);
  if (first.ok()) return;
  if (transient(first)) {  // database away or still in conflict: nothing was stored
    answer_failure(batch, first);
    return;
  }
  spdlog::warn("committer: a batch of {} items failed ({}); writing them apart", items(batch), first.message());
  // No recursion and a bound: every item is written at most three times
  // (in the batch, in its group, alone), each time with kTransientAttempts.
  std::vector<Piece> work = split(std::move(batch), /*groups=*/true);
  for (std::size_t i = 0; i < work.size(); ++i) {
    Piece& piece = work[i];
    const Status s = attempt(piece.input);
    if (s.ok()) continue;
    if (transient(s)) {
      answer_failure(piece.input, s);
      continue;
    }
    if (piece.group) {
      for (auto& one : split(std::move(piece.input), /*groups=*/false)) work.push_back(std::move(one));
      continue;  // `piece` may dangle now; it is not used again
    }
    refuse_unstorable(piece.input, s);
  }
}

void Committer::refuse_unstorable(const store::BatchInput& item, const Status& why) {
  spdlog::error("committer: the database refused {}: {}; answered '{}' and recorded", describe(item), why.message(),
                protocol::code::kUnstorable);
  const std::string message =
      "the hub's database could not hold this message, so nothing of it was stored: check its text and values, "
      "correct them and send it again (the hub's operators see the reason in the hub's log)";
  store::BatchInput record = empty_like(item);
  auto rejected = [&](const std::string& unit, const protocol::AnswerTo& to, const std::string& request,
                      const std::string& type, const std::string& reference) {
    (void)outbox_.answer(unit, to, protocol::error(protocol::code::kUnstorable, message, false, reference, {}, request));
    record.events.push_back(store::storable(store::Event{
        "rejected", 0, 0, 0, type, unit, "",
        {{"code", protocol::code::kUnstorable}, {"message", message}, {"reference", reference}}}));
  };
  for (const auto& c : item.cases) rejected(c.c.origin, c.answer_to, "send", c.c.type, c.c.reference);
  for (const auto& r : item.replies) rejected(r.sender, r.answer_to, "reply", "", r.reply.reference);
  for (const auto& t : item.transitions)
    rejected(t.unit, t.answer_to, protocol::kind_name(t.request.kind), "", t.request.reference);
  for (const auto& e : item.events) record.events.push_back(store::storable(e));
  // Acks are not answered (an unacked delivery is sent again) and not recorded.
  if (record.events.empty()) return;
  if (const Status s = attempt(record); !s.ok())
    spdlog::error("committer: the refusal of {} could not be recorded either: {}", describe(item), s.message());
}

void Committer::answer(const store::BatchInput& batch, const store::BatchOutput& out) {
  for (std::size_t i = 0; i < batch.cases.size(); ++i) {
    const auto& c = batch.cases[i].c;
    const auto& o = out.cases[i];
    (void)outbox_.answer(c.origin, batch.cases[i].answer_to, protocol::accepted(c.reference, o.id, o.duplicate, o.deliveries, o.parked_reason));
  }
  for (std::size_t i = 0; i < batch.replies.size(); ++i) {
    const auto& r = batch.replies[i];
    const auto& o = out.replies[i];
    (void)outbox_.answer(r.sender, r.answer_to, o.error_code.empty()
                                     ? protocol::reply_accepted(r.reply.reference, o.reply_id, o.duplicate)
                                     : protocol::error(o.error_code, o.message, false, r.reply.reference, o.problems,
                                                       "reply"));
  }
  for (std::size_t i = 0; i < batch.transitions.size(); ++i) {
    const auto& t = batch.transitions[i];
    const auto& o = out.transitions[i];
    (void)outbox_.answer(t.unit, t.answer_to, o.error_code.empty()
                                   ? protocol::transition_accepted(t.request.reference, protocol::kind_name(t.request.kind),
                                                                   o.case_id, o.deliveries, o.duplicate)
                                   : protocol::error(o.error_code, o.message, false, t.request.reference, {},
                                                     protocol::kind_name(t.request.kind)));
  }
}

void Committer::answer_failure(const store::BatchInput& batch, const Status& why) {
  const bool busy = why.code() == StatusCode::kBusy;
  const std::string code = busy ? protocol::code::kBusy : protocol::code::kUnavailable;
  const std::string message = busy ? "the hub is busy: nothing was stored; send again later"
                                   : "the hub's database is temporarily unavailable: nothing was stored; send again";
  const bool retry = true;  // REQUIRES: transient(why)
  for (const auto& c : batch.cases)
    (void)outbox_.answer(c.c.origin, c.answer_to, protocol::error(code, message, retry, c.c.reference, {}, "send"));
  for (const auto& r : batch.replies)
    (void)outbox_.answer(r.sender, r.answer_to, protocol::error(code, message, retry, r.reply.reference, {}, "reply"));
  for (const auto& t : batch.transitions)
    (void)outbox_.answer(t.unit, t.answer_to,
                         protocol::error(code, message, retry, t.request.reference, {}, protocol::kind_name(t.request.kind)));
  // Acks are not answered: unacked deliveries are sent again and acked again.
}

}  // namespace hub::bus
