// What the court's case types declare about replies (outcomes, reply fields)
// is what validate_reply accepts: in the plugin's logic and in the real module.
#include <catch2/catch.hpp>

#include "court_plugin.h"
#include "plugin_host/module_loader.h"
#include "plugin_host/settings_check.h"
#include "reply_contract.h"

using hub::Json;
using hub::plugin_testing::check_free_replies;
using hub::plugin_testing::check_progress_examples;
using hub::plugin_testing::check_reply_contract;

namespace {

constexpr const char* kCaseNumber = "(2026)内0430民初1234号";

void check_declarations(const hub::Plugin& plugin) {
  check_reply_contract(
      plugin, "court.arrears_referral", "court",
      {{"returned", {{"reasons", {"缺少书面催缴记录", "证据清单未列物业服务合同"}}, {"note", "补正后可重新移送"}},
        {"/reasons"}},
       {"judged",
        {{"case_number", kCaseNumber},
         {"judgment", "被告支付物业费2160元及违约金64.8元"},
         {"amount_awarded_yuan", 2224.8}},
        {"/case_number", "/judgment", "/amount_awarded_yuan"}},
       {"mediated", {{"case_number", kCaseNumber}, {"agreed_amount_yuan", 2000}}, {"/case_number"}},
       {"withdrawn", {{"case_number", kCaseNumber}}, {"/case_number"}}});
  check_progress_examples(
      plugin, "court.arrears_referral", "court",
      {{"", {{"status", "under_review"}, {"note", "材料审查中"}}, {"/status"}},
       {"", {{"status", "accepted"}, {"case_number", kCaseNumber}}, {"/status", "/case_number"}},
       {"",
        {{"status", "hearing_scheduled"}, {"case_number", kCaseNumber}, {"hearing_date", "2027-01-12T09:00:00+08:00"},
         {"hearing_place", "第三法庭"}},
        {"/status", "/case_number", "/hearing_date"}}});
  check_free_replies(plugin, "court.status_notice", "sd.xinzhou");
}

}  // namespace

TEST_CASE("the court declares the outcomes and reply fields its reply checks accept", "[court][reply][declarations]") {
  hub::court::CourtPlugin plugin;
  REQUIRE(plugin.configure(Json::object()).ok());
  check_declarations(plugin);
}

TEST_CASE("the court module declares the same outcomes and reply fields across the library boundary",
          "[court][module][declarations]") {
  hub::plugin_testing::check_loaded_module(COURT_MODULE_PATH, "court", [](hub::Plugin& plugin) { check_declarations(plugin); });
}
