#include "bus/committer.h"

#include <spdlog/spdlog.h>

#include "protocol/answers.h"

namespace hub::bus {
namespace {

// The single-item batches a failed batch is retried as.
std::vector<store::BatchInput> split(const store::BatchInput& b) {
  std::vector<store::BatchInput> out;
  auto one = [&] {
    store::BatchInput x;
    x.hook_plugin_of = b.hook_plugin_of;
    x.check_reply = b.check_reply;
    x.lifecycle = b.lifecycle;
    x.direct = b.direct;
    return x;
  };
  for (const auto& c : b.cases) out.push_back(one()), out.back().cases.push_back(c);
  for (const auto& r : b.replies) out.push_back(one()), out.back().replies.push_back(r);
  for (const auto& t : b.transitions) out.push_back(one()), out.back().transitions.push_back(t);
  if (!b.acks.empty() || !b.events.empty()) {
    out.push_back(one());
    out.back().acks = b.acks;
    out.back().events = b.events;
  }
  return out;
}

std::size_t items(const store::BatchInput& b) {
  return b.cases.size() + b.replies.size() + b.transitions.size() + b.acks.size() + b.events.size();
}

}  // namespace

Committer::Committer(std::string conninfo, CommitQueue& queue, const Outbox& outbox, const log::RoutingLog& log,
                     const Clock& clock, const CatalogHolder& catalog, const Presence& presence,
                     Dispatcher& dispatcher, std::function<void()> hook_work, CommitQueue::Lane lane)
    : db_(std::move(conninfo), lane == CommitQueue::Lane::kAll ? "committer" : "committer (cases and acks)"),
      queue_(queue), outbox_(outbox), log_(log), clock_(clock), catalog_(catalog), presence_(presence),
      dispatcher_(dispatcher), hook_work_(std::move(hook_work)), lane_(lane) {}

Committer::~Committer() { join(); }

void Committer::start() { thread_ = std::thread([this] { run(); }); }

void Committer::join() {
  if (thread_.joinable()) thread_.join();
}

void Committer::run() {
  for (;;) {
    store::BatchInput batch = queue_.take(lane_);
    if (items(batch) == 0) return;  // closed and drained
    const std::shared_ptr<const Catalog> catalog = catalog_.get();  // held until the batch is answered
    const Catalog* c = catalog.get();
    batch.hook_plugin_of = [c](const std::string& type) {
      const auto* t = c->case_type(type);
      return t && t->hooks ? t->plugin : std::string();
    };
    batch.check_reply = [c](const std::string& type, const ReplyView& reply) {
      const auto* t = c->case_type(type);
      return t ? t->impl->validate_reply(type, reply) : Problems{};
    };
    batch.lifecycle = {&c->lifecycle(), &c->directory(), &c->router()};
    if (!batch.cases.empty()) {
      const auto& hub = c->deployment().hub;
      batch.direct.hub_id = hub.id;
      batch.direct.lease = hub.delivery.backoff_initial;
      batch.direct.here = [this](const std::string& unit) { return presence_.is_online(unit); };
    }
    try {
      commit(batch);
    } catch (const std::exception& e) {  // a bug: refuse this batch, keep the hub serving
      spdlog::error("committer: internal error, batch of {} refused (nothing of it was acknowledged): {}", items(batch),
                    e.what());
      answer_failure(batch, Status::Internal(e.what()));
    }
  }
}

void Committer::commit(const store::BatchInput& batch) {
  store::PgConnection* db = db_.get();
  if (db == nullptr) {
    answer_failure(batch, Status::Unavailable("the database is unreachable"));
    return;
  }
  auto out = store::commit_batch(*db, batch, clock_.now());
  if (out.ok()) {
    answer(batch, *out);
    log_.write(out->events);
    dispatcher_.send_claimed(std::move(out->direct));
    if (out->claimable > 0 || !batch.replies.empty() || !batch.transitions.empty()) dispatcher_.kick();
    if (out->hook_tasks > 0) hook_work_();
    return;
  }
  if (db_.check(out.status()).code() == StatusCode::kUnavailable || items(batch) == 1) {
    if (out.status().code() != StatusCode::kUnavailable)
      spdlog::error("committer: an item could not be stored and was refused: {}", out.status().message());
    answer_failure(batch, out.status());
    return;
  }
  spdlog::warn("committer: a batch of {} failed ({}); retrying its items one by one", items(batch),
               out.status().message());
  for (const auto& single : split(batch)) commit(single);
}

void Committer::answer(const store::BatchInput& batch, const store::BatchOutput& out) {
  for (std::size_t i = 0; i < batch.cases.size(); ++i) {
    const auto& c = batch.cases[i].c;
    const auto& o = out.cases[i];
    (void)outbox_.send(c.origin, protocol::accepted(c.reference, o.id, o.duplicate, o.deliveries, o.parked_reason));
  }
  for (std::size_t i = 0; i < batch.replies.size(); ++i) {
    const auto& r = batch.replies[i];
    const auto& o = out.replies[i];
    (void)outbox_.send(r.sender, o.error_code.empty()
                                     ? protocol::reply_accepted(r.reply.reference, o.reply_id, o.duplicate)
                                     : protocol::error(o.error_code, o.message, false, r.reply.reference, o.problems));
  }
  for (std::size_t i = 0; i < batch.transitions.size(); ++i) {
    const auto& t = batch.transitions[i];
    const auto& o = out.transitions[i];
    (void)outbox_.send(t.unit, o.error_code.empty()
                                   ? protocol::transition_accepted(t.request.reference, protocol::kind_name(t.request.kind),
                                                                   o.case_id, o.deliveries, o.duplicate)
                                   : protocol::error(o.error_code, o.message, false, t.request.reference));
  }
}

void Committer::answer_failure(const store::BatchInput& batch, const Status& why) {
  const bool retry = why.code() == StatusCode::kUnavailable;
  const std::string code = retry ? protocol::code::kUnavailable : protocol::code::kInternal;
  const std::string message = retry ? "the hub's database is temporarily unavailable: nothing was stored; send again"
                                    : "the hub could not store this: " + why.message();
  for (const auto& c : batch.cases) (void)outbox_.send(c.c.origin, protocol::error(code, message, retry, c.c.reference));
  for (const auto& r : batch.replies)
    (void)outbox_.send(r.sender, protocol::error(code, message, retry, r.reply.reference));
  for (const auto& t : batch.transitions)
    (void)outbox_.send(t.unit, protocol::error(code, message, retry, t.request.reference));
  // Acks are not answered: unacked deliveries are sent again and acked again.
}

}  // namespace hub::bus
