// plugins/court/court_settings.h: the court plugin's settings, declared once.
//
// The host checks types and fills defaults from court_setting_decls();
// parse_court_settings() adds the checks the types cannot express.
#pragma once

#include <string>
#include <vector>

#include "hub/plugin.h"

namespace hub::court {

struct CourtSettings {
  // Collection measures that make a referral inadmissible: Civil Code art. 944
  // forbids cutting off water, power, heating or gas to press for fees.
  std::vector<std::string> forbidden_collection_measures{"cut_water", "cut_power", "cut_heating", "cut_gas"};
  // Written reminders (书面催缴) a dossier must list, dated no later than the referral.
  int min_written_reminders = 1;
  // The unit whose replies carry the court's decisions (the referral route's receiver).
  std::string court_unit = "court";
  // True: every evidence item of a dossier names one of the referral's
  // attachments (its /evidence/<i>/attachment), so the court receives the
  // documents with the case instead of on paper.
  bool evidence_as_attachments = false;
};

std::vector<SettingDecl> court_setting_decls();

// Reads settings (keys left out keep their defaults). InvalidArgument names
// the setting and what is wrong with it.
Status parse_court_settings(const Json& settings, CourtSettings& out);

}  // namespace hub::court
