#include "market_types.h"

namespace hub::market {
namespace {

using F = FieldType;

FieldDecl req(const char* pointer, FieldType type, const char* help) { return {pointer, type, true, help}; }
FieldDecl opt(const char* pointer, FieldType type, const char* help) { return {pointer, type, false, help}; }

}  // namespace

const std::vector<FieldDecl>& fee_item_fields() {
  static const std::vector<FieldDecl> fields{
      req("/name", F::kString, "fee item, e.g. 物业服务费"), req("/price_yuan", F::kNumber, "price in yuan per unit"),
      req("/unit", F::kString, "charging unit, e.g. 元/㎡·月"),
      req("/basis", F::kString, "basis of the price (guided price document, contract, owners' decision)")};
  return fields;
}

const std::vector<OutcomeDecl>& fee_change_outcomes() {
  static const std::vector<OutcomeDecl> outcomes{
      {"approved", "同意", "consent to the new fees; they apply once both the 镇街 and the zone group consent"},
      {"refused", "不同意", "no consent, saying why in /reason; the first refusal ends the application"}};
  return outcomes;
}

const std::vector<FieldDecl>& fee_change_reply_fields() {
  static const std::vector<FieldDecl> fields{
      opt("/reason", F::kString, "refused: required, why; approved: optional, kept with the verdict")};
  return fields;
}

std::vector<CaseTypeDecl> declared_case_types() {
  // Only the fee change's final replies are checked (validate_fee_change_reply):
  // the other types declare no outcomes (any) and no reply fields. Market
  // answers them as it sees fit; the plugin's decision notices are notices.
  std::vector<CaseTypeDecl> types{
      {kGuidedPrice,
       "政府指导价调整",
       "1wd",
       "5wd",
       {req("/class", F::kString, "compound class the table applies to (A, B or C)"),
        req("/items", F::kArray, "guided items: [{name, max_price_yuan, unit}]"),
        req("/effective_from", F::kDate, "first day the table applies"),
        req("/consulted", F::kArray, "units consulted; must include 发改, 住建 and 城管 (fgw, zjj, cgj)"),
        req("/document", F::kString, "reference of the pricing document")}},
      {kDisclosure,
       "物业服务收费公示",
       "1wd",
       "10wd",
       {req("/service_items", F::kArray, "service items offered (strings)"),
        req("/service_standard", F::kString, "service standard (grade or reference)"),
        req("/fee_items", F::kArray, "fee items: [{name, price_yuan, unit, basis}]"),
        req("/repair_phone", F::kString, "repair phone published in the compound"),
        req("/published_on", F::kDate, "date the notice was posted")},
       true},
      {kAccounts,
       "半年度收支公示",
       "1wd",
       "10wd",
       {req("/half", F::kString, "half year, e.g. 2026-H1"),
        req("/income_items", F::kArray, "income: [{name, amount_yuan, category: fee|common|other}]"),
        req("/expense_items", F::kArray, "expenses: [{name, amount_yuan}]"),
        req("/income_total_yuan", F::kNumber, "sum of the income items"),
        req("/expense_total_yuan", F::kNumber, "sum of the expense items")}},
      {kFeeChange,
       "收费标准调整申请",
       "1wd",
       "10wd",
       {req("/fee_items", F::kArray, "the new fee list: [{name, price_yuan, unit, basis}]"),
        req("/reason", F::kString, "why the fees change"),
        req("/effective_from", F::kDate, "first day the new fees would apply")},
       /*enriched=*/false,
       fee_change_outcomes(),
       fee_change_reply_fields()},
      {kDecision,
       "收费调整结果通知",
       "1wd",
       "5wd",
       {req("/decision", F::kString, "approved or refused"),
        req("/fee_change_case", F::kInteger, "the fee change application"),
        req("/company", F::kString, "the applying company"),
        req("/effective_from", F::kDate, "first day of the new fees (when approved)"),
        req("/fee_items", F::kArray, "the fee list applied for"), opt("/reason", F::kString, "why it was refused"),
        opt("/refused_by", F::kString, "the unit that refused"),
        opt("/approved_by", F::kArray, "the units that approved")}},
      {kComplaint,
       "物业收费投诉",
       "1wd",
       "7wd",
       {req("/description", F::kString, "what the complainant says"),
        opt("/fee_item", F::kString, "the fee item complained about"),
        opt("/amount_yuan", F::kNumber, "amount charged"),
        opt("/complainant_phone", F::kString, "how to reach the complainant")},
       true},
      {kViolation,
       "价格违规线索",
       "1wd",
       "15wd",
       {req("/company", F::kString, "the property company"),
        req("/source_case", F::kInteger, "the case in which the violation showed"),
        req("/source_type", F::kString, "that case's type"),
        req("/findings", F::kArray, "[{fee_item, finding: above_guided|not_published, detail}]"),
        req("/occurred_on", F::kDate, "date the violation was found"),
        req("/credit_points", F::kInteger, "points deducted from the company's credit file (0: none)")}},
  };
  return types;
}

}  // namespace hub::market
