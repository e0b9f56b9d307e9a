#include "market_settings.h"

namespace hub::market {
namespace {

Status read_names(const Json& settings, const char* name, std::vector<std::string>& out, bool allow_empty) {
  const Json& list = settings.at(name);
  out.clear();
  for (const auto& v : list) {
    if (!v.is_string() || v.get_ref<const std::string&>().empty())
      return Status::InvalidArgument(std::string("setting '") + name + "' must list non-empty strings, got " +
                                     v.dump());
    out.push_back(v.get<std::string>());
  }
  if (out.empty() && !allow_empty)
    return Status::InvalidArgument(std::string("setting '") + name + "' must not be empty");
  return {};
}

}  // namespace

std::vector<SettingDecl> setting_decls() {
  const Settings d;
  return {
      {"credit_event_type", SettingType::kString, d.credit_event_type, false,
       "case type of the credit event each violation raises (routed by config); empty: none"},
      {"violation_points", SettingType::kInt, d.violation_points, false,
       "credit points deducted per violation (a positive integer)"},
      {"credit_for_complaints", SettingType::kBool, d.credit_for_complaints, false,
       "whether violations found from complaints (unverified leads) also deduct credit points"},
      {"required_consulted", SettingType::kList, d.required_consulted, false,
       "units every guided-price table must have been set with"},
      {"classes", SettingType::kList, d.classes, false, "compound classes a guided-price table may be set for"},
      {"regulator", SettingType::kString, d.regulator, false, "unit that receives fee-change decision notices"},
  };
}

Status parse_settings(const Json& settings, Settings& out) {
  out = Settings{};
  out.credit_event_type = settings.at("credit_event_type").get<std::string>();
  if (!out.credit_event_type.empty() && out.credit_event_type.find('.') == std::string::npos)
    return Status::InvalidArgument(
        "setting 'credit_event_type' must be a case type id such as governance.credit_event "
        "(or empty for none), got '" +
        out.credit_event_type + "'");
  out.violation_points = settings.at("violation_points").get<int>();
  if (out.violation_points <= 0)
    return Status::InvalidArgument("setting 'violation_points' must be a positive integer, got " +
                                   std::to_string(out.violation_points));
  out.credit_for_complaints = settings.at("credit_for_complaints").get<bool>();
  if (Status s = read_names(settings, "required_consulted", out.required_consulted, true); !s.ok()) return s;
  if (Status s = read_names(settings, "classes", out.classes, false); !s.ok()) return s;
  out.regulator = settings.at("regulator").get<std::string>();
  if (out.regulator.empty()) return Status::InvalidArgument("setting 'regulator' must name a unit");
  return {};
}

}  // namespace hub::market
