// on_reply with an in-memory context: progress kept per case, each reply of
// the court reported to the compound's 镇街 unless the 镇街 referred the case.
#include <catch2/catch.hpp>

#include "court_plugin.h"
#include "dossiers.h"
#include "recording_context.h"

using hub::Json;
using hub::plugin_testing::compound_entry;
using hub::plugin_testing::RecordingContext;

namespace {

constexpr const char* kCaseNumber = "(2026)内0430民初1234号";

struct Fixture {
  hub::court::CourtPlugin plugin;
  RecordingContext ctx;
  hub::CaseView referral;

  explicit Fixture(const std::string& origin = "pm.jinxiu") {
    REQUIRE(plugin.configure(Json::object()).ok());
    ctx.compounds["jinxiu"] = compound_entry("jinxiu", "A", "pm.jinxiu", "sd.xinzhou");
    ctx.current_case = 41;
    ctx.clock = hub::TimePoint(std::chrono::seconds(1796083200));  // 2026-12-01T00:00:00Z
    referral = {41, "court.arrears_referral", origin, "JX-SS-1", "jinxiu", court_test::complete_dossier()};
  }

  void reply(std::int64_t id, bool final, const std::string& outcome, Json body, const std::string& from = "court") {
    REQUIRE(plugin.on_reply(ctx, referral, {id, 500, from, final, outcome, std::move(body)}).ok());
  }
};

}  // namespace

TEST_CASE("each reply of the court goes to the compound's 镇街 as a status notice", "[court][hooks]") {
  Fixture f;
  f.reply(101, false, "", {{"status", "accepted"}, {"case_number", kCaseNumber}});

  REQUIRE(f.ctx.raised.size() == 1);
  const auto& notice = f.ctx.raised[0];
  CHECK(notice.type == "court.status_notice");
  CHECK(notice.key == "reply-101");
  CHECK(notice.compound == "jinxiu");
  CHECK(notice.to.empty());  // routed by config: cc the compound's 镇街
  CHECK(notice.cc.empty());
  CHECK(notice.payload["referral"] == Json({{"case", 41}, {"reference", "JX-SS-1"}, {"origin", "pm.jinxiu"},
                                            {"defendant", "王某"}, {"dwelling", "3号楼2单元501"}, {"total_yuan", 2224.8}}));
  CHECK(notice.payload["court"] == "court");
  CHECK(notice.payload["reply"] == 101);
  CHECK(notice.payload["status"] == "accepted");
  CHECK(notice.payload["final"] == false);
  CHECK(notice.payload["case_number"] == kCaseNumber);
  // The notice is a valid case of its type (the hub validates follow-ups too).
  CHECK(f.plugin.validate({0, "court.status_notice", "plugin:court", "41/reply/reply-101", "jinxiu", notice.payload})
            .empty());

  auto progress = f.ctx.load("progress");
  REQUIRE(progress);
  CHECK((*progress)["status"] == "accepted");
  CHECK((*progress)["case_number"] == kCaseNumber);
  CHECK((*progress)["final"] == false);
  CHECK((*progress)["history"] == Json::parse(R"([{"reply": 101, "from": "court", "status": "accepted",
                                                   "final": false, "at": "2026-12-01T00:00:00Z"}])"));

  // A hearing, then the judgment: the history grows, the case number stays.
  f.ctx.clock += std::chrono::hours(24 * 20);
  f.reply(102, false, "", {{"status", "under_review"}, {"note", "补充证据"}});
  f.reply(103, true, "judged", {{"case_number", kCaseNumber}, {"judgment", "被告支付物业费及违约金"},
                                 {"amount_awarded_yuan", 2224.8}});
  REQUIRE(f.ctx.raised.size() == 3);
  const auto& review = f.ctx.raised[1].payload;
  CHECK(review["case_number"] == kCaseNumber);  // from the stored progress
  CHECK(review["note"] == "补充证据");
  const auto& judged = f.ctx.raised[2].payload;
  CHECK(judged["status"] == "judged");
  CHECK(judged["final"] == true);
  CHECK(judged["judgment"] == "被告支付物业费及违约金");
  CHECK(judged["amount_awarded_yuan"] == 2224.8);
  CHECK(judged["history"].size() == 3);
  progress = f.ctx.load("progress");
  CHECK((*progress)["status"] == "judged");
  CHECK((*progress)["final"] == true);
  CHECK((*progress)["history"][2]["at"] == "2026-12-21T00:00:00Z");
}

TEST_CASE("a return carries its reasons to the 镇街", "[court][hooks]") {
  Fixture f;
  f.reply(201, true, "returned", {{"reasons", {"缺少书面催缴记录", "欠费金额计算有误"}}});
  REQUIRE(f.ctx.raised.size() == 1);
  const auto& p = f.ctx.raised[0].payload;
  CHECK(p["status"] == "returned");
  CHECK(p["final"] == true);
  CHECK(p["reasons"] == Json({"缺少书面催缴记录", "欠费金额计算有误"}));
  CHECK_FALSE(p.contains("case_number"));
  CHECK((*f.ctx.load("progress"))["status"] == "returned");
}

TEST_CASE("a 镇街 that referred the case itself gets no second copy", "[court][hooks]") {
  Fixture f("sd.xinzhou");
  f.reply(301, false, "", {{"status", "accepted"}, {"case_number", kCaseNumber}});
  CHECK(f.ctx.raised.empty());
  // The progress is kept all the same.
  REQUIRE(f.ctx.load("progress"));
  CHECK((*f.ctx.load("progress"))["case_number"] == kCaseNumber);

  // Another 镇街 (town.xinhui refers for a compound of 新州街道): the compound's 镇街 is told.
  Fixture town("town.xinhui");
  town.reply(302, false, "", {{"status", "accepted"}, {"case_number", kCaseNumber}});
  CHECK(town.ctx.raised.size() == 1);
}

TEST_CASE("replies from others, and a retried hook, change nothing twice", "[court][hooks]") {
  Fixture f;
  // The 镇街's remark on its notice is not the court's.
  f.reply(401, false, "", {{"remark", "已知悉"}}, "sd.xinzhou");
  CHECK(f.ctx.raised.empty());
  CHECK_FALSE(f.ctx.load("progress"));

  // The same reply recorded twice keeps one history entry.
  f.reply(402, false, "", {{"status", "accepted"}, {"case_number", kCaseNumber}});
  f.reply(402, false, "", {{"status", "accepted"}, {"case_number", kCaseNumber}});
  CHECK((*f.ctx.load("progress"))["history"].size() == 1);
  // Both raises carry the same key: the hub keeps one follow-up per key.
  REQUIRE(f.ctx.raised.size() == 2);
  CHECK(f.ctx.raised[0].key == f.ctx.raised[1].key);
}

TEST_CASE("a compound without a known 镇街 gets no notice, and the hook still succeeds", "[court][hooks]") {
  Fixture f;
  f.referral.compound = "nowhere";
  f.reply(501, false, "", {{"status", "under_review"}});
  CHECK(f.ctx.raised.empty());
  CHECK((*f.ctx.load("progress"))["status"] == "under_review");
}
