// plugins/governance/settings.h: the governance plugin's settings, declared
// once (setting_decls) and checked whole at configure (parse_settings).
//
// Plain data; immutable after configure, so validate() may read it from any
// thread.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "hub/settings.h"
#include "hub/status.h"

namespace hub::governance {

using Json = nlohmann::json;

// The matters an owners' decision may concern (/matter of governance.fund_decision).
inline const std::vector<std::string>& decision_matters() {
  static const std::vector<std::string> kMatters = {"fund_use", "fund_raise", "rebuild", "other_major"};
  return kMatters;
}

// A share such as 2/3, written "2/3" or as a number in (0, 1].
struct Fraction {
  double numerator = 0;
  double denominator = 1;
  std::string text;  // as written, for messages: "2/3", "0.75"
  double value() const { return numerator / denominator; }
};

// Participation quorum (Civil Code art. 278 style): this share of the area and
// of the owners must have taken part before the consent is counted.
struct Quorum {
  Fraction area;
  Fraction owners;
};

// What a decision on one matter needs: consent of `area` of the exclusive area
// and of `owners` of the owners, "at least" (strict = false) or "more than"
// (strict = true). With a quorum, the shares are of the participants.
struct Threshold {
  Fraction area;
  Fraction owners;
  bool strict = false;
  std::optional<Quorum> quorum;
};

struct CreditRules {
  int initial_points = 100;        // a company's points before its first event
  int red_list_at = 120;           // red list (红名单) at or above
  int black_list_at = 60;          // black list (黑名单) at or below
  int max_points_per_event = 50;   // |points| of one event
  std::vector<std::string> status_notice_to;  // units told of every status change, besides company and 镇街
};

struct ElectionRules {
  int members_min = 3;
  int members_max = 11;
  int term_years_max = 5;
};

struct Settings {
  std::map<std::string, std::string> complaint_categories;  // id → Chinese name
  std::map<std::string, Threshold> thresholds;              // matter → threshold
  std::set<std::string> public_notice_matters;              // matters that may be decided by public notice
  CreditRules credit;
  ElectionRules election;
};

// The declarations the host checks config against, with the seed's defaults.
std::vector<SettingDecl> setting_decls();

// Reads settings already checked against setting_decls() (defaults filled) and
// checks what the host cannot: fraction syntax, every matter present, marks in
// order. The message names the setting and what is expected.
Status parse_settings(const Json& settings, Settings& out);

// Parses "n/d" (0 < n <= d) or a number in (0, 1].
std::optional<Fraction> parse_fraction(const Json& value);

}  // namespace hub::governance
