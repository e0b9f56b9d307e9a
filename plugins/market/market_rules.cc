#include "market_rules.h"

#include <cctype>
#include <cstdio>
#include <map>
#include <optional>

#include "market_types.h"

namespace hub::market {
namespace {

using F = FieldType;

std::string money(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

std::string join(const std::vector<std::string>& names, const char* sep = ", ") {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : sep) + n;
  return out;
}

void append(Problems& to, Problems from) {
  for (auto& p : from) to.push_back(std::move(p));
}

// Checks every element of the list at `list` against `fields`; pointers name
// the element ("/fee_items/2/price_yuan"). An absent or mistyped list is left
// to check_fields.
void check_elements(const Json& payload, const std::string& list, const std::vector<FieldDecl>& fields,
                    Problems& problems) {
  const Json* items = find_array(payload, list);
  if (items == nullptr) return;
  for (std::size_t i = 0; i < items->size(); ++i) {
    const std::string at = list + "/" + std::to_string(i);
    const Json& item = (*items)[i];
    if (!item.is_object()) {
      problems.push_back({at, "must be an object"});
      continue;
    }
    for (auto& p : check_fields(fields, item)) problems.push_back({at + p.pointer, std::move(p.reason)});
  }
}

void require_non_empty_list(const Json& payload, const std::string& list, const char* what, Problems& problems) {
  const Json* items = find_array(payload, list);
  if (items != nullptr && items->empty()) problems.push_back({list, std::string("must list at least one ") + what});
}

void check_unique_names(const Json& payload, const std::string& list, Problems& problems) {
  const Json* items = find_array(payload, list);
  if (items == nullptr) return;
  std::map<std::string, std::size_t> first;
  for (std::size_t i = 0; i < items->size(); ++i) {
    const std::string* name = find_string((*items)[i], "/name");
    if (name == nullptr || name->empty()) continue;
    auto [it, fresh] = first.emplace(*name, i);
    if (!fresh)
      problems.push_back({list + "/" + std::to_string(i) + "/name",
                          "duplicate item '" + *name + "' (also at " + list + "/" + std::to_string(it->second) + ")"});
  }
}

void check_non_negative(const Json& payload, const std::string& list, const std::string& field, Problems& problems) {
  const Json* items = find_array(payload, list);
  if (items == nullptr) return;
  for (std::size_t i = 0; i < items->size(); ++i) {
    const Json* v = find_number((*items)[i], field);
    if (v != nullptr && v->get<double>() < 0)
      problems.push_back({list + "/" + std::to_string(i) + field, "must not be negative"});
  }
}

void check_fee_list(const Json& payload, const std::string& list, Problems& problems) {
  require_non_empty_list(payload, list, "fee item", problems);
  check_elements(payload, list, fee_item_fields(), problems);
  check_non_negative(payload, list, "/price_yuan", problems);
  check_unique_names(payload, list, problems);
}

void require_compound(const CaseView& c, Problems& problems) {
  if (c.compound.empty())
    problems.push_back({"", "the case must name the compound it concerns (" + c.type + " is about one compound)"});
}

bool is_phone(const std::string& s) {
  int digits = 0;
  for (char ch : s) {
    if (std::isdigit(static_cast<unsigned char>(ch)))
      ++digits;
    else if (ch != '-' && ch != ' ' && ch != '+' && ch != '(' && ch != ')')
      return false;
  }
  return digits >= 5;
}

Problems guided_price(const Settings& settings, const CaseView& c, const std::vector<FieldDecl>& fields) {
  const Json& p = c.payload;
  Problems problems = check_fields(fields, p);
  if (const std::string* klass = find_string(p, "/class"); klass != nullptr && !klass->empty()) {
    bool known = false;
    for (const auto& k : settings.classes) known = known || k == *klass;
    if (!known) problems.push_back({"/class", "must be one of " + join(settings.classes) + ", not '" + *klass + "'"});
  }
  require_non_empty_list(p, "/items", "guided item", problems);
  check_elements(
      p, "/items",
      {{"/name", F::kString, true, ""}, {"/max_price_yuan", F::kNumber, true, ""}, {"/unit", F::kString, true, ""}},
      problems);
  check_non_negative(p, "/items", "/max_price_yuan", problems);
  check_unique_names(p, "/items", problems);
  if (const Json* consulted = find_array(p, "/consulted")) {
    std::vector<std::string> missing = settings.required_consulted;
    for (std::size_t i = 0; i < consulted->size(); ++i) {
      const Json& unit = (*consulted)[i];
      if (!unit.is_string() || unit.get_ref<const std::string&>().empty()) {
        problems.push_back({"/consulted/" + std::to_string(i), "must be a unit id (a non-empty string)"});
        continue;
      }
      std::erase(missing, unit.get<std::string>());
    }
    if (!missing.empty())
      problems.push_back({"/consulted", "guided prices are set with " + join(settings.required_consulted) +
                                            "; missing: " + join(missing)});
  }
  return problems;
}

Problems disclosure(const CaseView& c, const std::vector<FieldDecl>& fields) {
  const Json& p = c.payload;
  Problems problems;
  require_compound(c, problems);
  append(problems, check_fields(fields, p));
  require_non_empty_list(p, "/service_items", "service item", problems);
  if (const Json* items = find_array(p, "/service_items"))
    for (std::size_t i = 0; i < items->size(); ++i)
      if (!(*items)[i].is_string() || (*items)[i].get_ref<const std::string&>().empty())
        problems.push_back({"/service_items/" + std::to_string(i), "must be a non-empty string"});
  check_fee_list(p, "/fee_items", problems);
  if (const std::string* phone = find_string(p, "/repair_phone");
      phone != nullptr && !phone->empty() && !is_phone(*phone))
    problems.push_back({"/repair_phone", "must be a phone number (digits, with '-', '+', spaces or brackets)"});
  return problems;
}

// Adds up the amounts of the list when every one is a number.
std::optional<double> sum_of(const Json& payload, const std::string& list) {
  const Json* items = find_array(payload, list);
  if (items == nullptr) return std::nullopt;
  double sum = 0;
  for (const auto& item : *items) {
    const Json* v = find_number(item, "/amount_yuan");
    if (v == nullptr) return std::nullopt;
    sum += v->get<double>();
  }
  return sum;
}

void check_total(const Json& payload, const std::string& list, const std::string& total, Problems& problems) {
  const auto sum = sum_of(payload, list);
  const Json* stated = find_number(payload, total);
  if (!sum || stated == nullptr) return;
  if (!same_amount(*sum, stated->get<double>()))
    problems.push_back(
        {total, "the items of " + list + " add up to " + money(*sum) + ", not " + money(stated->get<double>())});
}

Problems accounts(const CaseView& c, const std::vector<FieldDecl>& fields) {
  const Json& p = c.payload;
  Problems problems;
  require_compound(c, problems);
  append(problems, check_fields(fields, p));
  if (const std::string* half = find_string(p, "/half"); half != nullptr && !half->empty() && !is_half_year(*half))
    problems.push_back({"/half", "must be a half year such as 2026-H1 or 2026-H2, not '" + *half + "'"});
  check_elements(
      p, "/income_items",
      {{"/name", F::kString, true, ""}, {"/amount_yuan", F::kNumber, true, ""}, {"/category", F::kString, true, ""}},
      problems);
  if (const Json* items = find_array(p, "/income_items"))
    for (std::size_t i = 0; i < items->size(); ++i)
      if (const std::string* cat = find_string((*items)[i], "/category");
          cat != nullptr && !cat->empty() && *cat != "fee" && *cat != "common" && *cat != "other")
        problems.push_back({"/income_items/" + std::to_string(i) + "/category",
                            "must be fee (charged to owners), common (common income) or other, not '" + *cat + "'"});
  check_elements(p, "/expense_items", {{"/name", F::kString, true, ""}, {"/amount_yuan", F::kNumber, true, ""}},
                 problems);
  check_non_negative(p, "/income_items", "/amount_yuan", problems);
  check_non_negative(p, "/expense_items", "/amount_yuan", problems);
  check_total(p, "/income_items", "/income_total_yuan", problems);
  check_total(p, "/expense_items", "/expense_total_yuan", problems);
  return problems;
}

Problems fee_change(const CaseView& c, const std::vector<FieldDecl>& fields) {
  Problems problems;
  require_compound(c, problems);
  append(problems, check_fields(fields, c.payload));
  check_fee_list(c.payload, "/fee_items", problems);
  return problems;
}

Problems complaint(const CaseView& c, const std::vector<FieldDecl>& fields) {
  Problems problems;
  require_compound(c, problems);
  append(problems, check_fields(fields, c.payload));
  if (const Json* amount = find_number(c.payload, "/amount_yuan"); amount != nullptr && amount->get<double>() < 0)
    problems.push_back({"/amount_yuan", "must not be negative"});
  return problems;
}

Problems violation(const CaseView& c, const std::vector<FieldDecl>& fields) {
  Problems problems;
  require_compound(c, problems);
  append(problems, check_fields(fields, c.payload));
  require_non_empty_list(c.payload, "/findings", "finding", problems);
  check_elements(
      c.payload, "/findings",
      {{"/fee_item", F::kString, true, ""}, {"/finding", F::kString, true, ""}, {"/detail", F::kString, true, ""}},
      problems);
  if (const Json* points = find_number(c.payload, "/credit_points"); points != nullptr && points->get<double>() < 0)
    problems.push_back({"/credit_points", "must not be negative"});
  return problems;
}

Problems decision(const CaseView& c, const std::vector<FieldDecl>& fields) {
  Problems problems;
  require_compound(c, problems);
  append(problems, check_fields(fields, c.payload));
  if (const std::string* d = find_string(c.payload, "/decision"); d != nullptr && !d->empty()) {
    if (*d != "approved" && *d != "refused")
      problems.push_back({"/decision", "must be approved or refused, not '" + *d + "'"});
    if (*d == "refused" && find_string(c.payload, "/reason") == nullptr)
      problems.push_back({"/reason", "a refusal carries its reason"});
  }
  return problems;
}

}  // namespace

bool is_half_year(const std::string& s) {
  return s.size() == 7 && std::isdigit(static_cast<unsigned char>(s[0])) &&
         std::isdigit(static_cast<unsigned char>(s[1])) && std::isdigit(static_cast<unsigned char>(s[2])) &&
         std::isdigit(static_cast<unsigned char>(s[3])) && s[4] == '-' && s[5] == 'H' && (s[6] == '1' || s[6] == '2');
}

Problems validate_case(const Settings& settings, const CaseView& c) {
  static const std::vector<CaseTypeDecl> types = declared_case_types();
  const CaseTypeDecl* decl = nullptr;
  for (const auto& t : types)
    if (t.id == c.type) decl = &t;
  if (decl == nullptr) return {{"", "case type " + c.type + " is not a market case type"}};
  if (c.type == kGuidedPrice) return guided_price(settings, c, decl->fields);
  if (c.type == kDisclosure) return disclosure(c, decl->fields);
  if (c.type == kAccounts) return accounts(c, decl->fields);
  if (c.type == kFeeChange) return fee_change(c, decl->fields);
  if (c.type == kComplaint) return complaint(c, decl->fields);
  if (c.type == kViolation) return violation(c, decl->fields);
  return decision(c, decl->fields);
}

Problems validate_fee_change_reply(const ReplyView& r) {
  if (!r.final) return {};
  bool declared = false;
  std::string outcomes;  // "approved or refused"
  for (const auto& o : fee_change_outcomes()) {
    declared = declared || o.id == r.outcome;
    outcomes += (outcomes.empty() ? "" : " or ") + o.id;
  }
  if (!declared)
    return {{"", "the final reply to a fee change decides it: outcome " + outcomes + ", not '" + r.outcome + "'"}};
  if (r.outcome == "refused") {
    const std::string* reason = find_string(r.body, "/reason");
    if (reason == nullptr || reason->empty()) return {{"/reason", "a refusal must give its reason"}};
  }
  return {};
}

}  // namespace hub::market
