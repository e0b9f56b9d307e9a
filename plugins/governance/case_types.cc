#include "case_types.h"

#include <map>

#include "replies.h"

namespace hub::governance {
namespace {

using T = FieldType;

std::vector<CaseTypeDecl> build() {
  return {
      {kComplaint, "小区综合投诉", "1wd", "7wd",
       {{"/category", T::kString, true, "one of the configured complaint categories; decides the receiver"},
        {"/description", T::kString, true, "what happened"},
        {"/location", T::kString, false, "building, unit, place in the compound"}}},
      {kCreditEvent, "信用事件", "1wd", "5wd",
       {{"/company", T::kString, true, "the property company's unit id, pm.<name>"},
        {"/points", T::kInteger, true, "negative deducts, positive rewards; never 0"},
        {"/reason", T::kString, true, "the conduct, in words"},
        {"/category", T::kString, true, "kind of conduct, e.g. sanitation, price_violation"},
        {"/occurred_on", T::kDate, true, "when the conduct happened"},
        {"/source_case", T::kInteger, false, "the hub case the event comes from"}}},
      {kCreditQuery, "信用档案查询", "1wd", "3wd",
       {{"/company", T::kString, true, "the property company's unit id, pm.<name>"},
        {"/purpose", T::kString, true, "why, e.g. the tender the company bids for"}},
       /*enriched=*/true},
      {kFundDecision, "维修资金使用及重大事项表决", "2wd", "15wd",
       {{"/matter", T::kString, true, "fund_use, fund_raise, rebuild or other_major"},
        {"/description", T::kString, true, "what was decided: scope, use, budget"},
        {"/total_area_m2", T::kNumber, true, "exclusive area of the buildings, m²"},
        {"/total_owners", T::kInteger, true, "number of owners"},
        {"/consenting_area_m2", T::kNumber, true, "exclusive area of the owners who consented, m²"},
        {"/consenting_owners", T::kInteger, true, "number of owners who consented"},
        {"/participating_area_m2", T::kNumber, false, "area of the owners who took part (thresholds with a quorum)"},
        {"/participating_owners", T::kInteger, false, "owners who took part (thresholds with a quorum)"},
        {"/voting_closed_on", T::kDate, true, "when the vote or the consultation closed"},
        {"/amount_yuan", T::kNumber, false, "amount to raise or use; required for fund_use and fund_raise"},
        {"/by_public_notice", T::kBoolean, false, "decided by public notice (公告征求意见) instead of an assembly"},
        {"/notice_period", T::kObject, false, "{from, to}: the public notice; required by public notice"},
        {"/notice_period/from", T::kDate, true, "first day of the public notice"},
        {"/notice_period/to", T::kDate, true, "last day of the public notice"},
        {"/supervised_by", T::kString, false, "the zone working group that supervised the public notice, zg.<zone>"}},
       /*enriched=*/true},
      {kFundQuery, "维修资金查询", "1wd", "5wd",
       {{"/dwelling", T::kString, false, "building, unit and room; or give /building"},
        {"/building", T::kString, false, "the building, for a building's balance"},
        {"/purpose", T::kString, true, "why the balance is asked"}}},
      {kElectionFiling, "业主委员会选举备案", "2wd", "10wd",
       {{"/elected_on", T::kDate, true, "day of the election"},
        {"/term_years", T::kInteger, true, "length of the term"},
        {"/members", T::kArray, true, "[{name, role}], exactly one 主任 (chair)"},
        {"/assembly_record", T::kString, true, "reference of the owners' assembly record"}}},
      {kCommitteeDecision, "业主委员会决定告知", "1wd", "5wd",
       {{"/decision", T::kString, true, "what the committee decided"},
        {"/decided_on", T::kDate, true, "day of the decision"},
        {"/votes", T::kObject, false, "{for, against, abstain}"},
        {"/votes/for", T::kInteger, false, "members for"},
        {"/votes/against", T::kInteger, false, "members against"},
        {"/votes/abstain", T::kInteger, false, "members abstaining"}}},
      {kCommonIncome, "公共收益使用申请", "2wd", "10wd",
       {{"/amount_yuan", T::kNumber, true, "amount of common income to spend"},
        {"/purpose", T::kString, true, "what it pays for (e.g. the committee's working funds)"},
        {"/assembly_approved_on", T::kDate, true, "when the owners' assembly approved it"}}},
      {kCreditEventNotice, "信用事件告知", "1wd", "5wd",
       {{"/company", T::kString, true, "the company"},
        {"/event", T::kObject, true, "the event as recorded (or reversed)"},
        {"/points", T::kInteger, true, "the company's points after it"},
        {"/status", T::kString, true, "normal, red_list or black_list"}}},
      {kCreditStatusNotice, "信用等级变动通知", "1wd", "5wd",
       {{"/company", T::kString, true, "the company"},
        {"/status", T::kString, true, "normal, red_list or black_list"},
        {"/status_name", T::kString, true, "正常, 红名单 or 黑名单"},
        {"/previous_status", T::kString, true, "the status before"},
        {"/points", T::kInteger, true, "the company's points now"},
        {"/changed_on", T::kDate, true, "day of the change"},
        {"/cause", T::kObject, true, "the event that changed it"}}},
      {kCreditReport, "信用档案", "1wd", "5wd",
       {{"/company", T::kString, true, "the company"},
        {"/query_case", T::kInteger, true, "the credit query answered"},
        {"/file", T::kObject, true, "points, status, events"}}},
      {kSupervisionNotice, "公告表决监督提示", "1wd", "5wd",
       {{"/decision_case", T::kInteger, true, "the fund decision concerned"},
        {"/supervised_by", T::kString, true, "the group the decision names"},
        {"/zone_group", T::kString, true, "the compound's zone working group"},
        {"/note", T::kString, true, "what is wrong"}}},
  };
}

}  // namespace

std::vector<CaseTypeDecl> declarations() {
  // Replies as replies.h checks them. Types without rules there declare no
  // outcomes (any) and no reply fields: complaints, credit queries, fund
  // decisions (their receivers answer as they see fit), committee decisions
  // and the plugin's notices (notices: the hub refuses a final reply to them).
  std::vector<CaseTypeDecl> types = build();
  for (auto& t : types) {
    t.outcomes = reply_outcomes(t.id);
    t.reply_fields = reply_fields(t.id);
  }
  return types;
}

const std::vector<FieldDecl>& fields_of(const std::string& type) {
  static const std::map<std::string, std::vector<FieldDecl>> kFields = [] {
    std::map<std::string, std::vector<FieldDecl>> m;
    for (auto& d : build()) m.emplace(d.id, std::move(d.fields));
    return m;
  }();
  static const std::vector<FieldDecl> kNone;
  auto it = kFields.find(type);
  return it == kFields.end() ? kNone : it->second;
}

}  // namespace hub::governance
