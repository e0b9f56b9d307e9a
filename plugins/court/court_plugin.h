// plugins/court/court_plugin.h: the court's green channel for property-fee
// arrears (物业费欠费诉讼绿色通道).
//
// Case types:
//   court.arrears_referral  a property company or 镇街 refers a case with its
//                           dossier (dossier.h); an incomplete dossier is
//                           rejected at intake with every problem listed.
//   court.status_notice     raised by this plugin: every reply of the court is
//                           reported to the compound's 镇街 (status_notice.h).
// The court's replies are checked (court_reply.h); the hub forwards them to the
// referring unit itself. on_reply keeps the referral's progress (status, case
// number, history) and raises a status notice, routed by config, unless the
// referring unit is the compound's 镇街 itself.
// Thread-safety: immutable after configure; validate and validate_reply may
// run concurrently.
#pragma once

#include "court_settings.h"
#include "hub/plugin.h"

namespace hub::court {

class CourtPlugin : public Plugin {
 public:
  PluginInfo info() const override;
  Status configure(const Json& settings) override;
  std::vector<CaseTypeDecl> case_types() const override;
  Problems validate(const CaseView& c) const override;
  Problems validate_reply(const std::string& case_type, const ReplyView& reply) const override;
  HookResult on_reply(HookContext& ctx, const CaseView& c, const ReplyView& reply) override;

 private:
  CourtSettings settings_;
};

}  // namespace hub::court
