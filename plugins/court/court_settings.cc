#include "court_settings.h"

namespace hub::court {

std::vector<SettingDecl> court_setting_decls() {
  const CourtSettings defaults;
  return {
      {"forbidden_collection_measures", SettingType::kList, defaults.forbidden_collection_measures, false,
       "collection measures (names in a dossier's /collection_measures) that make a referral inadmissible: "
       "Civil Code art. 944 forbids cutting off water, power, heating or gas to collect property fees"},
      {"min_written_reminders", SettingType::kInt, defaults.min_written_reminders, false,
       "written reminders (书面催缴) a dossier must list, dated no later than the referral; at least 1 "
       "(Civil Code art. 944: the owner is reminded before being sued)"},
      {"court_unit", SettingType::kString, defaults.court_unit, false,
       "the unit whose replies carry the court's decisions (the referral route's receiver): its replies are "
       "checked and reported to the compound's 镇街"},
      {"evidence_as_attachments", SettingType::kBool, defaults.evidence_as_attachments, false,
       "true: every evidence item of a dossier names one of the referral's attached files by its sha256 "
       "(/evidence/<i>/attachment), so the documents reach the court with the case"},
  };
}

Status parse_court_settings(const Json& settings, CourtSettings& out) {
  CourtSettings parsed;
  if (!settings.is_null() && !settings.is_object()) return Status::InvalidArgument("settings must be a map");
  const Json values = settings.is_object() ? settings : Json::object();

  if (auto it = values.find("forbidden_collection_measures"); it != values.end()) {
    if (!it->is_array() || it->empty())
      return Status::InvalidArgument(
          "forbidden_collection_measures must be a non-empty list of measure names, e.g. [cut_water, cut_power, "
          "cut_heating, cut_gas]: Civil Code art. 944 forbids these measures and the check cannot be switched off");
    parsed.forbidden_collection_measures.clear();
    for (const auto& m : *it) {
      if (!m.is_string() || m.get_ref<const std::string&>().empty())
        return Status::InvalidArgument("forbidden_collection_measures: every entry must be a non-empty string, got " +
                                       m.dump());
      parsed.forbidden_collection_measures.push_back(m.get<std::string>());
    }
  }
  if (auto it = values.find("min_written_reminders"); it != values.end()) {
    if (!it->is_number_integer() || it->get<long long>() < 1 || it->get<long long>() > 12)
      return Status::InvalidArgument("min_written_reminders must be an integer from 1 to 12, got " + it->dump() +
                                     " (Civil Code art. 944 requires at least one reminder before suing)");
    parsed.min_written_reminders = it->get<int>();
  }
  if (auto it = values.find("court_unit"); it != values.end()) {
    if (!it->is_string() || it->get_ref<const std::string&>().empty())
      return Status::InvalidArgument("court_unit must be a unit id such as \"court\", got " + it->dump());
    parsed.court_unit = it->get<std::string>();
  }
  if (auto it = values.find("evidence_as_attachments"); it != values.end()) {
    if (!it->is_boolean())
      return Status::InvalidArgument("evidence_as_attachments must be true or false, got " + it->dump());
    parsed.evidence_as_attachments = it->get<bool>();
  }
  out = std::move(parsed);
  return {};
}

}  // namespace hub::court
