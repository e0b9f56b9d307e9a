#include "court_plugin.h"

#include "court_reply.h"
#include "dossier.h"
#include "status_notice.h"

namespace hub::court {

PluginInfo CourtPlugin::info() const {
  return {"court", "1.0",
          "green channel for property-fee arrears: dossier checks at intake, the court's replies reported to the 镇街",
          court_setting_decls(), true};
}

Status CourtPlugin::configure(const Json& settings) { return parse_court_settings(settings, settings_); }

std::vector<CaseTypeDecl> CourtPlugin::case_types() const {
  // The court signs for a referral within two working days. The final reply
  // (judged, mediated, withdrawn, or returned) follows the summary procedure
  // (简易程序), which ends within three months of filing.
  CaseTypeDecl referral{kReferralType, "物业费欠费诉讼绿色通道移送", "2wd", "60wd", dossier_fields()};
  // The dossier's documents: scans and photos of the contract, reminders,
  // statements; the court's replies may carry its rulings.
  referral.attachments.max_files = 30;
  referral.attachments.media_types = {"application/pdf", "application/ofd", "image/jpeg", "image/png"};
  // What the court (setting court_unit) answers, as validate_reply checks it
  // (court_reply.h). Replies of other receivers are not checked.
  referral.outcomes = court_outcomes();
  referral.reply_fields = court_reply_fields();
  // Notices only: nobody owes a reply, and they carry no files. No outcomes
  // and no reply fields: validate_reply does not check replies to them (the
  // hub refuses a final reply to a notice; remarks are free).
  CaseTypeDecl notice{kStatusNoticeType, "诉讼进展通知", "1wd", "5wd", status_notice_fields()};
  notice.attachments.max_files = 0;
  return {referral, notice};
}

Problems CourtPlugin::validate(const CaseView& c) const {
  if (c.type == kReferralType) return check_dossier(c, settings_);
  if (c.type == kStatusNoticeType) return check_fields(status_notice_fields(), c.payload);
  return {{"", "case type " + c.type + " is not a court plugin case type"}};
}

Problems CourtPlugin::validate_reply(const std::string& case_type, const ReplyView& reply) const {
  // Other receivers (the 镇街's copy is a notice) may add remarks freely.
  if (case_type != kReferralType || reply.from != settings_.court_unit) return {};
  return check_court_reply(reply);
}

HookResult CourtPlugin::on_reply(HookContext& ctx, const CaseView& c, const ReplyView& reply) {
  if (c.type != kReferralType || reply.from != settings_.court_unit) return {};
  Json progress = record_reply(ctx.load(kProgressKey).value_or(Json::object()), reply, ctx.now());
  ctx.store(kProgressKey, progress);
  // The referring unit has the reply already (the hub forwards it).
  const std::string subdistrict = ctx.resolve_role(c.compound, "subdistrict");
  if (subdistrict.empty() || subdistrict == c.origin) return {};
  ctx.raise_case(kStatusNoticeType, "reply-" + std::to_string(reply.id), c.compound,
                 status_notice_payload(c, reply, progress));
  return {};
}

}  // namespace hub::court
