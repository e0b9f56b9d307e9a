#include "owners_decisions.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "case_types.h"
#include "common.h"
#include "hub/payload.h"

namespace hub::governance {
namespace {

// One side of the consent rule: the area or the owners.
struct Dimension {
  const char* name;           // "area", "owners"
  const char* consenting;     // pointers into the payload
  const char* total;
  const char* participating;
  const char* whole;          // "the exclusive area", "the owners"
  const char* participants;   // "the participants' exclusive area", "the participating owners"
  const char* unit;           // " m²" or ""
};

constexpr Dimension kArea{"area", "/consenting_area_m2", "/total_area_m2", "/participating_area_m2",
                          "the exclusive area", "the participants' exclusive area", " m²"};
constexpr Dimension kOwners{"owners", "/consenting_owners", "/total_owners", "/participating_owners",
                            "the owners", "the participating owners", ""};

// x / base reaches `f` ("at least", or "more than" when strict). Compared as
// x·d against base·n, so that exactly 2/3 counts as 2/3.
bool meets(double x, double base, const Fraction& f, bool strict) {
  const double lhs = x * f.denominator, rhs = base * f.numerator;
  const double eps = 1e-9 * std::max(1.0, std::fabs(rhs));
  return strict ? lhs > rhs + eps : lhs >= rhs - eps;
}

// The share and the required share as text, precise enough to tell them apart.
std::pair<std::string, std::string> shares_text(double share, double required) {
  std::string a = percent(share), b = percent(required);
  if (a == b && std::fabs(share - required) > 0) {
    return {fmt::format("{:.4f}%", share * 100.0), fmt::format("{:.4f}%", required * 100.0)};
  }
  return {a, b};
}

std::string requirement(const Fraction& f, bool strict) {
  return std::string(strict ? "more than " : "at least ") + f.text + " (" + percent(f.value()) + ")";
}

void check_dimension(const Dimension& dim, const Fraction& required, bool strict, const std::optional<Fraction>& quorum,
                     const std::string& matter, const Json& payload, ConsentCheck& out) {
  const Json* total_v = find_number(payload, dim.total);
  const Json* consenting_v = find_number(payload, dim.consenting);
  if (total_v == nullptr || consenting_v == nullptr) return;  // reported by the field check
  const double total = total_v->get<double>(), consenting = consenting_v->get<double>();
  bool ok = true;
  if (total <= 0) out.problems.push_back({dim.total, "must be more than 0"}), ok = false;
  if (consenting < 0) out.problems.push_back({dim.consenting, "must not be negative"}), ok = false;
  if (ok && consenting > total) {
    out.problems.push_back({dim.consenting, "exceeds the total: " + plain_number(consenting) + " of " +
                                                plain_number(total) + dim.unit});
    ok = false;
  }
  if (!ok) return;

  double base = total;
  Json summary = {{"consenting", consenting}, {"total", total}};
  if (quorum) {
    const Json* participating_v = find_number(payload, dim.participating);
    if (participating_v == nullptr) {
      out.problems.push_back({dim.participating, "required: the threshold of " + matter +
                                                     " counts the consent of the owners who took part"});
      return;
    }
    const double participating = participating_v->get<double>();
    if (participating > total || participating < 0) {
      out.problems.push_back({dim.participating, "must be between 0 and the total (" + plain_number(total) + dim.unit + ")"});
      return;
    }
    if (consenting > participating) {
      out.problems.push_back({dim.consenting, "exceeds the participants: " + plain_number(consenting) + " of " +
                                                  plain_number(participating) + dim.unit});
      return;
    }
    const auto [took_part, needed] = shares_text(participating / total, quorum->value());
    summary["participating"] = participating;
    summary["participation"] = participating / total;
    summary["quorum"] = "at least " + quorum->text;
    if (!meets(participating, total, *quorum, false)) {
      out.problems.push_back({dim.participating, "participation covers " + took_part + " of " + dim.whole + " (" +
                                                     plain_number(participating) + " of " + plain_number(total) +
                                                     dim.unit + "); " + matter + " needs at least " + quorum->text +
                                                     " (" + needed + ") to take part"});
      summary["met"] = false;
      out.summary[dim.name] = summary;
      return;
    }
    base = participating;
  }
  const double share = base > 0 ? consenting / base : 0;
  const bool met = base > 0 && meets(consenting, base, required, strict);
  summary["share"] = share;
  summary["share_text"] = percent(share);
  summary["required"] = requirement(required, strict);
  summary["met"] = met;
  out.summary[dim.name] = summary;
  if (!met) {
    const auto [reached, needed] = shares_text(share, required.value());
    out.problems.push_back({dim.consenting, "consent covers " + reached + " of " + (quorum ? dim.participants : dim.whole) +
                                                " (" + plain_number(consenting) + " of " + plain_number(base) +
                                                dim.unit + "); " + matter + " needs " + (strict ? "more than " : "at least ") +
                                                required.text + " (" + needed + ")"});
  }
}

bool is_fund_matter(const std::string& matter) { return matter == "fund_use" || matter == "fund_raise"; }

void check_public_notice(const Settings& settings, const std::string* matter, const Json& payload, Problems& problems) {
  const Json* flag = payload_detail::find(payload, "/by_public_notice");
  if (flag == nullptr || !flag->is_boolean() || !flag->get<bool>()) return;
  if (matter != nullptr && settings.thresholds.count(*matter) && !settings.public_notice_matters.count(*matter)) {
    std::string allowed;
    for (const auto& m : settings.public_notice_matters) allowed += (allowed.empty() ? "" : ", ") + m;
    problems.push_back({"/by_public_notice", "a decision on " + *matter +
                                                 " cannot be made by public notice; only: " +
                                                 (allowed.empty() ? std::string("none") : allowed)});
  }
  if (payload_detail::find(payload, "/notice_period") == nullptr)
    problems.push_back({"/notice_period", "required when the decision is made by public notice: {from, to}"});
  const std::string* from = find_date(payload, "/notice_period/from");
  const std::string* to = find_date(payload, "/notice_period/to");
  if (from != nullptr && to != nullptr && *to < *from)
    problems.push_back({"/notice_period/to", "the notice ends (" + *to + ") before it begins (" + *from + ")"});
  const std::string* closed = find_date(payload, "/voting_closed_on");
  if (from != nullptr && closed != nullptr && *closed < *from)
    problems.push_back({"/voting_closed_on", "the consultation closed (" + *closed + ") before the notice began (" +
                                                 *from + ")"});
  const std::string* group = find_string(payload, "/supervised_by");
  if (group == nullptr)
    problems.push_back({"/supervised_by", "required when the decision is made by public notice: the zone working "
                                          "group (片区工作组) that supervised it, e.g. zg.zone01"});
  else if (!group->starts_with("zg.") || group->size() == 3)
    problems.push_back({"/supervised_by", "must be a zone working group (片区工作组), zg.<zone>; found '" + *group + "'"});
}

}  // namespace

ConsentCheck check_consent(const Threshold& threshold, const std::string& matter, const Json& payload) {
  ConsentCheck out;
  out.summary = {{"matter", matter}, {"of", threshold.quorum ? "participants" : "all owners"}};
  check_dimension(kArea, threshold.area, threshold.strict,
                  threshold.quorum ? std::optional<Fraction>(threshold.quorum->area) : std::nullopt, matter, payload, out);
  check_dimension(kOwners, threshold.owners, threshold.strict,
                  threshold.quorum ? std::optional<Fraction>(threshold.quorum->owners) : std::nullopt, matter, payload,
                  out);
  return out;
}

Problems validate_fund_decision(const Settings& settings, const CaseView& c) {
  Problems problems = check_fields(fields_of(kFundDecision), c.payload);
  require_compound(c, problems);
  committee_acts_for_own_compound(c, problems);

  const std::string* matter = find_string(c.payload, "/matter");
  auto threshold = matter != nullptr ? settings.thresholds.find(*matter) : settings.thresholds.end();
  if (matter != nullptr && !matter->empty() && threshold == settings.thresholds.end()) {
    std::string known;
    for (const auto& [m, t] : settings.thresholds) known += (known.empty() ? "" : ", ") + m;
    problems.push_back({"/matter", "unknown matter '" + *matter + "'; expected one of " + known});
  }

  const Json* amount = find_number(c.payload, "/amount_yuan");
  if (amount != nullptr && amount->get<double>() <= 0) problems.push_back({"/amount_yuan", "must be more than 0"});
  if (amount == nullptr && matter != nullptr && is_fund_matter(*matter) &&
      payload_detail::find(c.payload, "/amount_yuan") == nullptr)
    problems.push_back({"/amount_yuan", "required for " + *matter + ": the amount to raise or use"});

  check_public_notice(settings, matter, c.payload, problems);

  if (threshold != settings.thresholds.end()) {
    ConsentCheck check = check_consent(threshold->second, *matter, c.payload);
    problems.insert(problems.end(), check.problems.begin(), check.problems.end());
  }
  return problems;
}

Problems validate_fund_query(const CaseView& c) {
  Problems problems = check_fields(fields_of(kFundQuery), c.payload);
  require_compound(c, problems);
  committee_acts_for_own_compound(c, problems);
  const std::string* dwelling = find_string(c.payload, "/dwelling");
  const std::string* building = find_string(c.payload, "/building");
  if ((dwelling == nullptr || dwelling->empty()) && (building == nullptr || building->empty()))
    problems.push_back({"/dwelling", "give the dwelling (/dwelling) or the building (/building) whose fund is asked"});
  return problems;
}

Problems validate_common_income(const CaseView& c) {
  Problems problems = check_fields(fields_of(kCommonIncome), c.payload);
  require_compound(c, problems);
  committee_acts_for_own_compound(c, problems);
  if (const Json* amount = find_number(c.payload, "/amount_yuan"); amount != nullptr && amount->get<double>() <= 0)
    problems.push_back({"/amount_yuan", "must be more than 0"});
  return problems;
}

HookResult fund_decision_accepted(HookContext& ctx, const Settings& settings, const CaseView& c) {
  const std::string matter = c.payload.value("matter", "");
  auto threshold = settings.thresholds.find(matter);
  if (threshold != settings.thresholds.end())
    ctx.attach("consent_check", check_consent(threshold->second, matter, c.payload).summary);

  if (!c.payload.value("by_public_notice", false)) return {};
  const std::string named = c.payload.value("supervised_by", "");
  const std::string expected = ctx.resolve_role(c.compound, "zone.group");
  ctx.attach("supervision", {{"supervised_by", named}, {"zone_group", expected}, {"matches", named == expected}});
  if (expected.empty() || named == expected) return {};
  std::vector<std::string> cc;
  if (!raised_by_plugin(c)) cc.push_back(c.origin);
  cc.push_back(expected);
  ctx.raise({kSupervisionNotice, "supervision", c.compound,
             {{"decision_case", c.id},
              {"supervised_by", named},
              {"zone_group", expected},
              {"note", "the public notice of decision " + std::to_string(c.id) + " names " + named +
                           " as its supervisor, but compound " + c.compound + " belongs to " + expected +
                           ", which must supervise it (公告征求意见须在片区工作组监督下进行)"}},
             {},
             cc});
  return {};
}

}  // namespace hub::governance
