#include "settings.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace hub::governance {
namespace {

// PROVISIONAL: the duty list (职责清单, attachment 2 of the policy) that should
// define the complaint categories is not in the published text. These follow
// the duties the text names; config may replace them.
Json default_categories() {
  return {{"illegal_construction", "私搭乱建"},
          {"occupation", "占用道路、绿地、场地"},
          {"damage_public_facilities", "破坏公共建筑和公用设施"},
          {"encroachment", "侵占共用部位和空间"},
          {"sanitation", "环境卫生和市容"},
          {"decoration", "违法违规装修装饰"},
          {"service", "物业服务"},
          {"security", "治安安全"},
          {"vehicles", "车辆管理"},
          {"fire_safety", "消防安全"},
          {"water", "供水"},
          {"heating", "供暖"},
          {"power", "供电"},
          {"gas", "供气"},
          {"noise", "噪音扰民"},
          {"dispute", "矛盾纠纷"},
          {"other", "其他"}};
}

// The seed's rule (section 4.1.7): ≥ 2/3 of the area and ≥ 2/3 of the owners to
// raise or use the maintenance fund or to rebuild; > 1/2 of both otherwise.
Json default_thresholds() {
  const Json two_thirds = {{"area", "2/3"}, {"owners", "2/3"}, {"strict", false}};
  return {{"fund_use", two_thirds},
          {"fund_raise", two_thirds},
          {"rebuild", two_thirds},
          {"other_major", {{"area", "1/2"}, {"owners", "1/2"}, {"strict", true}}}};
}

Status bad(const std::string& setting, const std::string& why) {
  return Status::InvalidArgument("setting '" + setting + "': " + why);
}

Status parse_threshold(const std::string& matter, const Json& spec, Threshold& out) {
  const std::string where = "thresholds." + matter;
  if (!spec.is_object()) return bad(where, "expected a map {area, owners, strict, quorum}");
  for (const auto& [key, value] : spec.items())
    if (key != "area" && key != "owners" && key != "strict" && key != "quorum")
      return bad(where, "unknown key '" + key + "' (expected area, owners, strict, quorum)");
  for (const char* key : {"area", "owners"}) {
    auto f = spec.contains(key) ? parse_fraction(spec[key]) : std::nullopt;
    if (!f) return bad(where + "." + key, "expected a share such as \"2/3\" or a number in (0, 1]");
    (std::string(key) == "area" ? out.area : out.owners) = *f;
  }
  if (spec.contains("strict") && !spec["strict"].is_boolean())
    return bad(where + ".strict", "expected true (more than the share) or false (at least the share)");
  out.strict = spec.value("strict", false);
  if (spec.contains("quorum")) {
    const Json& q = spec["quorum"];
    auto area = q.is_object() && q.contains("area") ? parse_fraction(q["area"]) : std::nullopt;
    auto owners = q.is_object() && q.contains("owners") ? parse_fraction(q["owners"]) : std::nullopt;
    if (!area || !owners || q.size() != 2)
      return bad(where + ".quorum", "expected {area: <share>, owners: <share>}, shares such as \"2/3\"");
    out.quorum = Quorum{*area, *owners};
  }
  return {};
}

Status parse_string_list(const Json& list, const std::string& setting, std::vector<std::string>& out) {
  for (const Json& item : list) {
    if (!item.is_string() || item.get_ref<const std::string&>().empty())
      return bad(setting, "expected a list of non-empty strings, found " + item.dump());
    out.push_back(item.get<std::string>());
  }
  return {};
}

}  // namespace

std::optional<Fraction> parse_fraction(const Json& value) {
  Fraction f;
  if (value.is_number()) {
    f.numerator = value.get<double>();
    f.text = value.dump();
  } else if (value.is_string()) {
    const std::string& s = value.get_ref<const std::string&>();
    const auto slash = s.find('/');
    if (slash == std::string::npos) return std::nullopt;
    char* end = nullptr;
    const std::string n = s.substr(0, slash), d = s.substr(slash + 1);
    f.numerator = std::strtod(n.c_str(), &end);
    if (n.empty() || *end != '\0') return std::nullopt;
    f.denominator = std::strtod(d.c_str(), &end);
    if (d.empty() || *end != '\0' || f.denominator <= 0) return std::nullopt;
    f.text = s;
  } else {
    return std::nullopt;
  }
  if (!std::isfinite(f.value()) || f.value() <= 0 || f.value() > 1) return std::nullopt;
  return f;
}

std::vector<SettingDecl> setting_decls() {
  return {
      {"complaint_categories", SettingType::kMap, default_categories(), false,
       "complaint.general categories, id → Chinese name (PROVISIONAL: the duty list is not published); the "
       "routes pick the receiver by /category"},
      {"thresholds", SettingType::kMap, default_thresholds(), false,
       "per matter (fund_use, fund_raise, rebuild, other_major): {area: \"2/3\", owners: \"2/3\", strict: false, "
       "quorum?: {area, owners}}; strict means more than the share"},
      {"public_notice_matters", SettingType::kList, Json::array({"fund_use"}), false,
       "matters that may be decided by public notice under the zone group's supervision"},
      {"credit_initial_points", SettingType::kInt, 100, false, "a company's credit points before its first event"},
      {"credit_red_list_at", SettingType::kInt, 120, false, "red list (红名单) at or above these points"},
      {"credit_black_list_at", SettingType::kInt, 60, false, "black list (黑名单) at or below these points"},
      {"credit_max_points_per_event", SettingType::kInt, 50, false, "largest |points| of one credit event"},
      {"credit_status_notice_to", SettingType::kList, Json::array({"cgj", "bidding"}), false,
       "units told of every credit status change, besides the company and the compound's 镇街"},
      {"oc_members_min", SettingType::kInt, 3, false, "fewest members of an owners' committee"},
      {"oc_members_max", SettingType::kInt, 11, false, "most members of an owners' committee"},
      {"oc_term_years_max", SettingType::kInt, 5, false, "longest term of an owners' committee, in years"},
  };
}

Status parse_settings(const Json& s, Settings& out) {
  Settings parsed;
  for (const auto& [id, name] : s.at("complaint_categories").items()) {
    if (!name.is_string() || name.get_ref<const std::string&>().empty())
      return bad("complaint_categories." + id, "expected the category's Chinese name");
    parsed.complaint_categories[id] = name.get<std::string>();
  }
  if (parsed.complaint_categories.empty()) return bad("complaint_categories", "expected at least one category");

  const Json& thresholds = s.at("thresholds");
  for (const auto& [matter, spec] : thresholds.items()) {
    const auto& matters = decision_matters();
    if (std::find(matters.begin(), matters.end(), matter) == matters.end())
      return bad("thresholds." + matter, "unknown matter (expected fund_use, fund_raise, rebuild, other_major)");
    if (Status st = parse_threshold(matter, spec, parsed.thresholds[matter]); !st.ok()) return st;
  }
  for (const std::string& matter : decision_matters())
    if (!parsed.thresholds.count(matter)) return bad("thresholds", "the matter '" + matter + "' has no threshold");

  std::vector<std::string> notice_matters;
  if (Status st = parse_string_list(s.at("public_notice_matters"), "public_notice_matters", notice_matters); !st.ok())
    return st;
  for (const std::string& m : notice_matters) {
    if (!parsed.thresholds.count(m))
      return bad("public_notice_matters", "unknown matter '" + m + "' (expected fund_use, fund_raise, rebuild, other_major)");
    parsed.public_notice_matters.insert(m);
  }

  CreditRules& c = parsed.credit;
  c.initial_points = s.at("credit_initial_points").get<int>();
  c.red_list_at = s.at("credit_red_list_at").get<int>();
  c.black_list_at = s.at("credit_black_list_at").get<int>();
  c.max_points_per_event = s.at("credit_max_points_per_event").get<int>();
  if (!(c.black_list_at < c.initial_points && c.initial_points < c.red_list_at))
    return bad("credit_initial_points", "expected credit_black_list_at < credit_initial_points < credit_red_list_at "
                                        "(a new company is on neither list), found " +
                                            std::to_string(c.black_list_at) + ", " + std::to_string(c.initial_points) +
                                            ", " + std::to_string(c.red_list_at));
  if (c.max_points_per_event < 1) return bad("credit_max_points_per_event", "expected at least 1");
  if (Status st = parse_string_list(s.at("credit_status_notice_to"), "credit_status_notice_to", c.status_notice_to);
      !st.ok())
    return st;

  ElectionRules& e = parsed.election;
  e.members_min = s.at("oc_members_min").get<int>();
  e.members_max = s.at("oc_members_max").get<int>();
  e.term_years_max = s.at("oc_term_years_max").get<int>();
  if (e.members_min < 1 || e.members_min > e.members_max)
    return bad("oc_members_min", "expected 1 <= oc_members_min <= oc_members_max");
  if (e.term_years_max < 1) return bad("oc_term_years_max", "expected at least 1");

  out = std::move(parsed);
  return {};
}

}  // namespace hub::governance
