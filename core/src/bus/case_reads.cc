#include "bus/case_reads.h"

#include <spdlog/spdlog.h>

#include "protocol/answers.h"

namespace hub::bus {
namespace {

IntakePoolLimits pool_limits(const CaseReadsLimits& limits) {
  IntakePoolLimits pool;
  pool.workers = limits.threads;
  pool.hub_messages = limits.hub_waiting;
  pool.unit_messages = limits.unit_waiting;
  return pool;  // bytes: a read waits as its case id only, far below the default bounds
}

std::string refusal_text(IntakePool::Admission admission, const std::string& unit, std::size_t unit_waiting) {
  switch (admission) {
    case IntakePool::Admission::kUnitFull:
      return fmt::format("unit {} already has {} reads waiting: wait for their answers, then read again", unit,
                         unit_waiting);
    case IntakePool::Admission::kHubFull: return "the hub is busy with other reads: read again later";
    case IntakePool::Admission::kStopped: return "the hub is stopping: read again later";
    case IntakePool::Admission::kQueued: break;
  }
  return {};
}

}  // namespace

CaseReads::CaseReads(std::string conninfo, CaseReadsLimits limits, const catalog::CatalogHolder& catalog,
                     const Outbox& outbox)
    : conninfo_(std::move(conninfo)),
      limits_(limits),
      catalog_(catalog),
      outbox_(outbox),
      pool_(pool_limits(limits_), [this](const std::string& unit, const protocol::AnswerTo& to, const std::string& body) {
        try {
          read(unit, to, body);
        } catch (const std::exception& e) {
          spdlog::error("case reads: a read of {} dropped after an internal error: {}", unit, e.what());
        }
      }) {}

CaseReads::~CaseReads() { stop(); }

void CaseReads::stop() { pool_.stop(); }

void CaseReads::submit(const std::string& unit, const protocol::AnswerTo& to, const protocol::Read& request) {
  const auto admission = pool_.submit(unit, to, std::to_string(request.case_id));
  if (admission == IntakePool::Admission::kQueued) return;
  answer(unit, to, protocol::read_error(request.case_id, protocol::code::kBusy,
                                        refusal_text(admission, unit, limits_.unit_waiting), true));
}

void CaseReads::answer(const std::string& unit, const protocol::AnswerTo& to, std::string body) const {
  if (Status s = outbox_.answer(unit, to, std::move(body)); !s.ok())
    spdlog::debug("case reads: answer to {} not sent: {}", unit, s.message());
}

std::unique_ptr<store::DbLink> CaseReads::take_link() {
  std::lock_guard lock(links_mu_);
  if (idle_links_.empty()) return std::make_unique<store::DbLink>(conninfo_, "case reads");
  auto link = std::move(idle_links_.back());
  idle_links_.pop_back();
  return link;
}

void CaseReads::give_back(std::unique_ptr<store::DbLink> link) {
  std::lock_guard lock(links_mu_);
  idle_links_.push_back(std::move(link));
}

Result<std::optional<protocol::CaseState>> CaseReads::read_on(store::DbLink& link, const std::string& unit,
                                                              std::int64_t case_id) const {
  // A connection the database closed since the last read (it restarted) fails
  // the first statement: the read is tried once more, on a new connection.
  for (int attempt = 1;; ++attempt) {
    store::PgConnection* db = link.get();
    if (db == nullptr) return Status::Unavailable("the database is unreachable");
    auto found = store::read_case(*db, case_id, unit, limits_.answer);
    if (found.ok()) return found;
    link.check(found.status());
    if (found.status().code() != StatusCode::kUnavailable || attempt == 2) return found;
  }
}

void CaseReads::read(const std::string& unit, const protocol::AnswerTo& to, const std::string& case_text) {
  const std::int64_t case_id = std::stoll(case_text);
  auto link = take_link();
  auto found = read_on(*link, unit, case_id);
  give_back(std::move(link));
  if (!found.ok()) {
    const Status& s = found.status();
    if (s.code() == StatusCode::kUnavailable) {
      answer(unit, to, protocol::read_error(case_id, protocol::code::kUnavailable,
                                            "the hub's database is unavailable: read again later", true));
    } else if (s.code() == StatusCode::kBusy) {
      answer(unit, to, protocol::read_error(case_id, protocol::code::kBusy, "the hub is busy: read again later", true));
    } else {
      spdlog::error("case reads: case {} for {} not read: {}", case_id, unit, s.message());
      answer(unit, to, protocol::read_error(case_id, protocol::code::kInternal,
                                            "the hub failed to read the case; it is logged: tell the operator", false));
    }
    return;
  }
  if (!found->has_value()) {
    const std::string message = "no case " + std::to_string(case_id) + " that your unit is party to";
    answer(unit, to, protocol::read_error(case_id, protocol::code::kUnknownCase, message, false));
    if (record_refusal_)
      record_refusal_(unit, Json{{"code", protocol::code::kUnknownCase}, {"message", message}, {"request", "read"},
                                 {"case", case_id}});
    return;
  }
  protocol::CaseState& c = **found;
  c.type_name = catalog_.get()->case_type_name(c.type);
  answer(unit, to, protocol::case_state(c));
}

}  // namespace hub::bus
