#include <catch2/catch.hpp>

#include "lifecycle/transitions.h"
#include "protocol/messages.h"
#include "util/time_parse.h"

using namespace hub::lifecycle;
namespace code = hub::protocol::code;
using hub::TimePoint;
using std::chrono::hours;

namespace {

TimePoint at(const char* local) { return *hub::parse_iso8601(local); }

// A delivery of a complaint from sd.xinzhou to pm.jinxiu, dispatched Monday
// 2026-12-07 09:00, sign by 13:00, resolve by Thursday 00:00.
DeliveryFacts complaint() {
  DeliveryFacts d;
  d.id = 11;
  d.case_id = 5;
  d.receiver = "pm.jinxiu";
  d.origin = "sd.xinzhou";
  d.type = "governance.complaint";
  d.compound = "jinxiu";
  d.dispatched_at = at("2026-12-07T09:00:00+08:00");
  d.sign_by = at("2026-12-07T13:00:00+08:00");
  d.resolve_by = at("2026-12-10T00:00:00+08:00");
  return d;
}

Request by(Action action, const char* actor, std::string reason = "") {
  Request r{action, actor};
  r.reason = std::move(reason);
  return r;
}

std::vector<std::string> events_of(const Outcome& o) {
  std::vector<std::string> out;
  for (const auto& c : o.changes) out.push_back(c.event);
  return out;
}

// Applies a request that must be refused and checks nothing changed.
std::string refused(DeliveryFacts& d, const Request& r, TimePoint now) {
  const DeliveryFacts before = d;
  const Outcome o = apply(d, r, now);
  CHECK_FALSE(o.ok());
  CHECK(o.changes.empty());
  CHECK(d.stage == before.stage);
  CHECK(d.resolve_by == before.resolve_by);
  CHECK(d.extension_until == before.extension_until);
  CHECK(d.signed_at == before.signed_at);
  CHECK_FALSE(o.message.empty());
  return o.error_code;
}

}  // namespace

TEST_CASE("a delivery is signed, progressed, resolved and closed", "[lifecycle]") {
  DeliveryFacts d = complaint();
  Outcome o = apply(d, by(Action::kSign, "pm.jinxiu"), at("2026-12-07T10:00:00+08:00"));
  REQUIRE(o.ok());
  CHECK(events_of(o) == std::vector<std::string>{"signed"});
  CHECK(o.changes[0].detail["on_time"] == true);
  CHECK(d.stage == Stage::kSigned);
  CHECK(d.signed_at == at("2026-12-07T10:00:00+08:00"));

  CHECK(apply(d, by(Action::kSign, "pm.jinxiu"), at("2026-12-07T11:00:00+08:00")).duplicate);
  CHECK(d.signed_at == at("2026-12-07T10:00:00+08:00"));

  o = apply(d, by(Action::kProgress, "pm.jinxiu"), at("2026-12-08T09:00:00+08:00"));
  CHECK(events_of(o) == std::vector<std::string>{"in_progress"});
  CHECK(d.stage == Stage::kInProgress);

  Request final = by(Action::kResolve, "pm.jinxiu");
  final.outcome = "done";
  o = apply(d, final, at("2026-12-10T08:00:00+08:00"));  // after the deadline
  CHECK(events_of(o) == std::vector<std::string>{"resolved"});
  CHECK(o.changes[0].detail["on_time"] == false);
  CHECK(o.changes[0].detail["outcome"] == "done");
  CHECK(d.stage == Stage::kResolved);

  o = apply(d, by(Action::kClose, "sd.xinzhou"), at("2026-12-10T09:00:00+08:00"));
  CHECK(events_of(o) == std::vector<std::string>{"closed"});
  CHECK(o.changes[0].tell_receiver);
  CHECK(d.stage == Stage::kClosed);
  CHECK(apply(d, by(Action::kClose, "sd.xinzhou"), at("2026-12-10T09:01:00+08:00")).duplicate);
}

TEST_CASE("a reply to a dispatched delivery signs it implicitly", "[lifecycle]") {
  DeliveryFacts d = complaint();
  Request final = by(Action::kResolve, "pm.jinxiu");
  final.outcome = "done";
  Outcome o = apply(d, final, at("2026-12-07T14:00:00+08:00"));
  CHECK(events_of(o) == std::vector<std::string>{"signed", "resolved"});
  CHECK(o.changes[0].detail["implicit"] == true);
  CHECK(o.changes[0].detail["on_time"] == false);  // 14:00 is after the 13:00 sign deadline
  CHECK(o.changes[1].detail["on_time"] == true);
  CHECK(d.signed_at == at("2026-12-07T14:00:00+08:00"));

  DeliveryFacts e = complaint();
  CHECK(events_of(apply(e, by(Action::kProgress, "pm.jinxiu"), at("2026-12-07T10:00:00+08:00"))) ==
        std::vector<std::string>{"signed", "in_progress"});
}

TEST_CASE("the wrong unit cannot change a delivery", "[lifecycle]") {
  const TimePoint now = at("2026-12-07T10:00:00+08:00");
  DeliveryFacts d = complaint();
  CHECK(refused(d, by(Action::kSign, "pm.hengan"), now) == code::kNotReceiver);
  CHECK(refused(d, by(Action::kReturn, "sd.xinzhou", "不是我们的"), now) == code::kNotReceiver);
  d.stage = Stage::kResolved;
  CHECK(refused(d, by(Action::kClose, "pm.jinxiu"), now) == code::kNotOriginator);
  CHECK(refused(d, by(Action::kReopen, "registry", "未解决"), now) == code::kNotOriginator);
  CHECK(refused(d, by(Action::kGrantExtension, "sd.xinzhou"), now) == code::kIllegalTransition);  // nothing asked
}

TEST_CASE("illegal transitions are refused and change nothing", "[lifecycle]") {
  const TimePoint now = at("2026-12-07T10:00:00+08:00");
  DeliveryFacts d = complaint();
  CHECK(refused(d, by(Action::kClose, "sd.xinzhou"), now) == code::kIllegalTransition);  // not resolved
  CHECK(refused(d, by(Action::kReopen, "sd.xinzhou", "x"), now) == code::kIllegalTransition);
  CHECK(refused(d, by(Action::kReturn, "pm.jinxiu"), now) == code::kReasonRequired);

  d.stage = Stage::kResolved;
  CHECK(refused(d, by(Action::kReturn, "pm.jinxiu", "x"), now) == code::kIllegalTransition);
  Request final = by(Action::kResolve, "pm.jinxiu");
  final.outcome = "done";
  CHECK(refused(d, final, now) == code::kConflict);

  d.stage = Stage::kClosed;
  CHECK(refused(d, final, now) == code::kCaseClosed);
  CHECK(refused(d, by(Action::kProgress, "pm.jinxiu"), now) == code::kCaseClosed);
  CHECK(refused(d, by(Action::kReopen, "sd.xinzhou", "x"), now) == code::kCaseClosed);

  DeliveryFacts notice = complaint();
  notice.stage = Stage::kNotice;
  CHECK(refused(notice, by(Action::kSign, "pm.jinxiu"), now) == code::kIllegalTransition);
  CHECK(apply(notice, by(Action::kProgress, "pm.jinxiu"), now).changes.empty());
}

TEST_CASE("a returned delivery takes no more requests but a repeated return", "[lifecycle]") {
  const TimePoint now = at("2026-12-07T10:00:00+08:00");
  DeliveryFacts d = complaint();
  Outcome o = apply(d, by(Action::kReturn, "pm.jinxiu", "本小区由恒安物业服务"), now);
  CHECK(events_of(o) == std::vector<std::string>{"returned"});
  CHECK(d.stage == Stage::kReturned);
  CHECK(d.returned_reason == "本小区由恒安物业服务");
  CHECK(apply(d, by(Action::kReturn, "pm.jinxiu", "again"), now).duplicate);
  CHECK(refused(d, by(Action::kSign, "pm.jinxiu"), now) == code::kIllegalTransition);
}

TEST_CASE("an extension is asked before the deadline and granted or refused by the approver", "[lifecycle]") {
  DeliveryFacts d = complaint();
  Request ask = by(Action::kExtend, "pm.jinxiu", "等待供水公司检修");
  ask.until = at("2026-12-14T00:00:00+08:00");
  ask.approver = "sd.xinzhou";

  SECTION("granted: the resolve deadline moves and its watch starts again") {
    d.watch.resolve_reminded = true;
    Outcome o = apply(d, ask, at("2026-12-09T10:00:00+08:00"));
    CHECK(events_of(o) == std::vector<std::string>{"extension_requested"});
    CHECK(d.extension_approver == "sd.xinzhou");
    CHECK(d.resolve_by == at("2026-12-10T00:00:00+08:00"));  // unchanged until granted
    CHECK(apply(d, ask, at("2026-12-09T10:01:00+08:00")).duplicate);
    Request other = ask;
    other.until = at("2026-12-15T00:00:00+08:00");
    CHECK(refused(d, other, at("2026-12-09T10:02:00+08:00")) == code::kIllegalTransition);  // one at a time
    CHECK(refused(d, by(Action::kGrantExtension, "lg.office"), at("2026-12-09T11:00:00+08:00")) == code::kNotApprover);

    o = apply(d, by(Action::kGrantExtension, "sd.xinzhou"), at("2026-12-09T11:00:00+08:00"));
    CHECK(events_of(o) == std::vector<std::string>{"extension_granted"});
    CHECK(o.changes[0].tell_receiver);
    CHECK(d.resolve_by == at("2026-12-14T00:00:00+08:00"));
    CHECK(d.extensions == 1);
    CHECK_FALSE(d.extension_until);
    CHECK_FALSE(d.watch.resolve_reminded);
  }
  SECTION("refused: a reason is needed and the deadline stays") {
    apply(d, ask, at("2026-12-09T10:00:00+08:00"));
    CHECK(refused(d, by(Action::kRefuseExtension, "sd.xinzhou"), at("2026-12-09T11:00:00+08:00")) ==
          code::kReasonRequired);
    Outcome o = apply(d, by(Action::kRefuseExtension, "sd.xinzhou", "期限内可完成"), at("2026-12-09T11:00:00+08:00"));
    CHECK(events_of(o) == std::vector<std::string>{"extension_refused"});
    CHECK(d.resolve_by == at("2026-12-10T00:00:00+08:00"));
    CHECK(d.extensions == 0);
    CHECK_FALSE(d.extension_until);
  }
  SECTION("too late, too short, or nobody to ask") {
    CHECK(refused(d, ask, at("2026-12-10T00:00:00+08:00")) == code::kDeadlinePassed);
    Request shorter = ask;
    shorter.until = at("2026-12-09T12:00:00+08:00");
    CHECK(refused(d, shorter, at("2026-12-09T10:00:00+08:00")) == code::kInvalidUntil);
    Request nobody = ask;
    nobody.approver = "";
    CHECK(refused(d, nobody, at("2026-12-09T10:00:00+08:00")) == code::kNoApprover);
  }
}

TEST_CASE("reopening puts a resolved delivery back in progress with a new resolve period", "[lifecycle]") {
  DeliveryFacts d = complaint();
  d.stage = Stage::kResolved;
  d.resolved_at = at("2026-12-08T09:00:00+08:00");
  d.watch.resolve_reminded = true;
  Request reopen = by(Action::kReopen, "sd.xinzhou", "业主反映漏水未修好");
  reopen.reopened_resolve_by = at("2026-12-12T00:00:00+08:00");
  Outcome o = apply(d, reopen, at("2026-12-09T09:00:00+08:00"));
  CHECK(events_of(o) == std::vector<std::string>{"reopened"});
  CHECK(o.changes[0].tell_receiver);
  CHECK(d.stage == Stage::kInProgress);
  CHECK(d.reopens == 1);
  CHECK_FALSE(d.resolved_at);
  CHECK(d.resolve_from == at("2026-12-09T09:00:00+08:00"));
  CHECK(d.resolve_by == at("2026-12-12T00:00:00+08:00"));
  CHECK_FALSE(d.watch.resolve_reminded);
}

TEST_CASE("only a delivery that came after a return can be assigned on, and that resolves it", "[lifecycle]") {
  const TimePoint now = at("2026-12-07T12:00:00+08:00");
  DeliveryFacts d = complaint();
  Request assign = by(Action::kAssign, "pm.jinxiu", "由恒安物业负责");
  assign.to = "pm.hengan";
  CHECK(refused(d, assign, now) == code::kIllegalTransition);  // an ordinary delivery: return it instead

  d.after_return = true;
  Request self = assign;
  self.to = "pm.jinxiu";
  CHECK(refused(d, self, now) == code::kIllegalTransition);
  Outcome o = apply(d, assign, now);
  CHECK(events_of(o) == std::vector<std::string>{"signed", "resolved"});
  CHECK(o.changes[1].detail["outcome"] == "assigned");
  CHECK(o.changes[1].detail["to"] == "pm.hengan");
  CHECK(d.stage == Stage::kResolved);
  CHECK(refused(d, assign, now) == code::kIllegalTransition);  // decided already
}
