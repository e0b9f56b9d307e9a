#include "registry_plugin.h"

#include <chrono>

#include "settlement_reminder.h"

namespace hub::registry {
namespace {

constexpr std::string_view kWaiting = "waiting";
constexpr std::string_view kAnswered = "answered";

// The reminder goes to the unit that asked, as a notice.
FollowUpCase reminder_to_origin(const CaseView& fee_check, std::string key, Json payload) {
  return {std::string(kSettlementReminder), std::move(key), fee_check.compound, std::move(payload), {}, {fee_check.origin}};
}

}  // namespace

PluginInfo RegistryPlugin::info() const {
  return {"registry",
          "1.0",
          "fee settlement at second-hand transfer: asks whoever serves the compound, reminds the registry",
          {{"answer_timeout_seconds", SettingType::kInt, kDefaultAnswerTimeoutSeconds, false,
            "seconds the registry's counter waits for the answer to a fee check before a \"no answer, check "
            "manually\" reminder (1 to 86400); a later answer still follows as an update"}},
          true};
}

Status RegistryPlugin::configure(const Json& settings) {
  const Json timeout = settings.value("answer_timeout_seconds", Json(kDefaultAnswerTimeoutSeconds));
  if (!timeout.is_number_integer())
    return Status::InvalidArgument("answer_timeout_seconds must be a whole number of seconds, got " + timeout.dump());
  const long long seconds = timeout.get<long long>();
  if (seconds < 1 || seconds > kMaxAnswerTimeoutSeconds)
    return Status::InvalidArgument("answer_timeout_seconds must be between 1 and " +
                                   std::to_string(kMaxAnswerTimeoutSeconds) + " (seconds the counter waits for an "
                                   "answer), got " + std::to_string(seconds));
  answer_timeout_seconds_ = seconds;
  return {};
}

std::vector<CaseTypeDecl> RegistryPlugin::case_types() const { return {fee_check_type(), settlement_reminder_type()}; }

Problems RegistryPlugin::validate(const CaseView& c) const {
  if (c.type == kFeeCheck) return check_fee_check(c);
  if (c.type == kSettlementReminder) return check_settlement_reminder(c);
  return {{"", "case type " + c.type + " is not the registry plugin's"}};
}

Problems RegistryPlugin::validate_reply(const std::string& case_type, const ReplyView& r) const {
  if (case_type == kFeeCheck) return check_fee_check_reply(r);
  return {};  // replies to reminders (notices) are free
}

HookResult RegistryPlugin::on_accepted(HookContext& ctx, const CaseView& c) {
  if (c.type != kFeeCheck) return {};
  if (ctx.load(kCheckState)) return {};  // an answer came before this hook ran: nothing to wait for
  const TimePoint now = ctx.now();
  const TimePoint due = now + std::chrono::seconds(answer_timeout_seconds_);
  ctx.store(kCheckState, {{"status", kWaiting},
                          {"asked_at", local_time_iso8601(now)},
                          {"answer_due", local_time_iso8601(due)},
                          {"timeout_seconds", answer_timeout_seconds_},
                          {"reminders", 0}});
  ctx.set_timer(kAnswerTimer, due, {{"timeout_seconds", answer_timeout_seconds_}});
  return {};
}

HookResult RegistryPlugin::on_reply(HookContext& ctx, const CaseView& c, const ReplyView& r) {
  if (c.type != kFeeCheck) return {};
  const auto answer = read_answer(r);
  if (!answer) return {};  // progress, or not an answer under these rules
  Json state = ctx.load(kCheckState).value_or(Json::object());
  const int reminders = state.value("reminders", 0);
  const TimePoint now = ctx.now();
  ctx.raise(reminder_to_origin(c, "answer-" + std::to_string(r.id),
                               answered_reminder(facts_of(c, ctx.compound_info(c.compound)), *answer, r.from, now,
                                                 reminders > 0)));
  ctx.cancel_timer(kAnswerTimer);
  state["status"] = kAnswered;
  state["outcome"] = answer->status;
  state["answered_by"] = r.from;
  state["answered_at"] = local_time_iso8601(now);
  state["reminders"] = reminders + 1;
  ctx.store(kCheckState, std::move(state));
  return {};
}

HookResult RegistryPlugin::on_timer(HookContext& ctx, const CaseView& c, const TimerView& t) {
  if (c.type != kFeeCheck || t.name != kAnswerTimer) return {};
  Json state = ctx.load(kCheckState).value_or(Json::object());
  if (state.value("status", std::string(kWaiting)) != kWaiting) return {};  // answered in time
  const long long seconds = t.data.is_object() ? t.data.value("timeout_seconds", answer_timeout_seconds_)
                                               : answer_timeout_seconds_;
  ctx.raise(reminder_to_origin(c, "no-answer", no_answer_reminder(facts_of(c, ctx.compound_info(c.compound)), seconds)));
  state["status"] = kNoAnswer;
  state["reminders"] = state.value("reminders", 0) + 1;
  ctx.store(kCheckState, std::move(state));
  return {};
}

}  // namespace hub::registry
