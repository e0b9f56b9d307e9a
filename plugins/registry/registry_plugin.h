// plugins/registry/registry_plugin.h: fee settlement at second-hand transfer
// (二手房交易环节物业费结清提醒机制).
//
// The registry sends registry.fee_check; the routes take it to whoever serves
// the compound. The plugin waits answer_timeout_seconds for a final answer
// (a clerk is waiting at the counter) and sends the registry a
// registry.settlement_reminder notice: the answer (settled, or arrears with
// amount and period, and who answered), or "no answer, check manually" when
// the time is up. A late answer still reaches the registry, as an update.
//
// Thread-safety: immutable after configure; validate and validate_reply may
// run concurrently. Hooks keep their state in the hub's store (HookContext).
#pragma once

#include "fee_check.h"

namespace hub::registry {

// Per-case state key and timer name of a fee check.
inline constexpr std::string_view kCheckState = "check";
inline constexpr std::string_view kAnswerTimer = "answer_timeout";

class RegistryPlugin : public Plugin {
 public:
  static constexpr long long kDefaultAnswerTimeoutSeconds = 120;
  static constexpr long long kMaxAnswerTimeoutSeconds = 86400;

  PluginInfo info() const override;
  Status configure(const Json& settings) override;
  std::vector<CaseTypeDecl> case_types() const override;
  Problems validate(const CaseView& c) const override;
  Problems validate_reply(const std::string& case_type, const ReplyView& r) const override;
  // A fee check: remembers it and sets the answer timer.
  HookResult on_accepted(HookContext& ctx, const CaseView& c) override;
  // A final answer to a fee check: cancels the timer, reminds the asking unit.
  HookResult on_reply(HookContext& ctx, const CaseView& c, const ReplyView& r) override;
  // The answer timer: "no answer" reminder unless an answer came first.
  HookResult on_timer(HookContext& ctx, const CaseView& c, const TimerView& t) override;

 private:
  long long answer_timeout_seconds_ = kDefaultAnswerTimeoutSeconds;
};

}  // namespace hub::registry
