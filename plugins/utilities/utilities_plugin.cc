#include "utilities_plugin.h"

#include "acceptance.h"
#include "case_types.h"
#include "company_exit.h"

namespace hub::utilities {

PluginInfo UtilitiesPlugin::info() const {
  return {std::string(kPluginName), "1.0", "joint acceptance of new compounds; a property company's exit and handover",
          setting_decls(), true};
}

Status UtilitiesPlugin::configure(const Json& settings) { return parse_settings(settings, settings_); }

std::vector<CaseTypeDecl> UtilitiesPlugin::case_types() const { return case_type_decls(); }

Problems UtilitiesPlugin::validate(const CaseView& c) const { return check_case(c, settings_.checklist); }

Problems UtilitiesPlugin::validate_reply(const std::string& case_type, const ReplyView& reply) const {
  return check_reply(case_type, reply);
}

HookResult UtilitiesPlugin::on_accepted(HookContext& ctx, const CaseView& c) {
  if (c.type == kJointAcceptance) return open_acceptance(settings_, ctx, c);
  if (c.type == kReinspection) return reinspect(ctx, c);
  if (c.type == kCompanyExit) return receive_exit(ctx, c);
  return {};  // the plugin's own follow-ups need nothing more
}

HookResult UtilitiesPlugin::on_reply(HookContext& ctx, const CaseView& c, const ReplyView& r) {
  if (c.type == kAcceptanceItem) return record_verdict(ctx, c, r);
  if (c.type == kCompanyExit) return decide_exit(settings_, ctx, c, r);
  if (c.type == kHandover) return record_handover(ctx, c, r);
  return {};  // remarks on notices and copies change nothing
}

}  // namespace hub::utilities
