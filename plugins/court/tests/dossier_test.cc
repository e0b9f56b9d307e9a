// The intake rules of an arrears referral, on the plugin's logic directly.
#include <catch2/catch.hpp>

#include "court_plugin.h"
#include "dossiers.h"

using hub::Json;
using court_test::by_pointer;

namespace {

hub::court::CourtPlugin configured(const Json& settings = Json::object()) {
  hub::court::CourtPlugin p;
  REQUIRE(p.configure(settings).ok());
  return p;
}

hub::CaseView referral(Json payload, std::string compound = "jinxiu") {
  hub::CaseView c;
  c.type = "court.arrears_referral";
  c.origin = "pm.jinxiu";
  c.reference = "JX-SS-1";
  c.compound = std::move(compound);
  c.payload = std::move(payload);
  return c;
}

}  // namespace

TEST_CASE("a complete dossier has no problems", "[court][dossier]") {
  auto p = configured();
  CHECK(p.validate(referral(court_test::complete_dossier())).empty());

  // Optional parts may be left out; amounts add up to the fen despite binary fractions.
  Json minimal = court_test::complete_dossier();
  minimal.erase("collection_measures");
  minimal["plaintiff"].erase("unit");
  minimal["defendant"].erase("phone");
  minimal["claim"] = {{"principal_yuan", 0.1}, {"late_fee_yuan", 0.2}, {"total_yuan", 0.3},
                      {"period", {{"from", "2026-11"}, {"to", "2026-11"}}}};
  minimal["reminders"] = Json::parse(R"([{"date": "2026-11-30", "method": "written"}])");
  CHECK(p.validate(referral(minimal)).empty());
}

TEST_CASE("an incomplete dossier lists every problem at once, each at its pointer", "[court][dossier]") {
  auto p = configured();
  const auto problems = p.validate(referral(court_test::incomplete_dossier()));
  const auto found = by_pointer(problems);
  REQUIRE(problems.size() == 5);
  REQUIRE(found.size() == 5);
  CHECK_THAT(found.at("/reminders"), Catch::StartsWith("no written reminder (书面催缴) sent before the referral") &&
                                         Catch::Contains("art. 944") && Catch::Contains("method \"written\""));
  CHECK(found.at("/claim/total_yuan") ==
        "is 2300.00 but principal_yuan + late_fee_yuan = 2160.00 + 64.80 = 2224.80: the amounts must add up to the fen");
  CHECK(found.at("/claim/period") ==
        "runs backwards: from 2026-06 is after to 2024-07: give the first and the last month claimed");
  CHECK_THAT(found.at("/collection_measures/1"),
             Catch::StartsWith("\"cut_water\" is forbidden") && Catch::Contains("art. 944") &&
                 Catch::Contains("restore the supply"));
  CHECK_THAT(found.at("/evidence"), Catch::StartsWith("is empty") && Catch::Contains("kind: \"contract\""));
}

TEST_CASE("missing parts are listed by pointer, and rules do not trip over them", "[court][dossier]") {
  auto p = configured();
  const auto found = by_pointer(p.validate(referral(Json::object())));
  std::map<std::string, std::string> expected = {
      {"/referred_on", "required date (YYYY-MM-DD) is missing"}, {"/plaintiff", "required object is missing"},
      {"/defendant", "required object is missing"},              {"/contract", "required object is missing"},
      {"/claim", "required object is missing"},                  {"/reminders", "required array is missing"},
      {"/evidence", "required array is missing"}};
  CHECK(found == expected);

  // Inside present objects, each missing or mistyped field is named.
  Json d = court_test::complete_dossier();
  d["defendant"].erase("dwelling");
  d["claim"]["late_fee_yuan"] = "64.8";
  d["claim"]["period"]["to"] = "2026-13";
  d["contract"]["signed_on"] = "2021/06/01";
  const auto inner = by_pointer(p.validate(referral(d)));
  CHECK(inner == std::map<std::string, std::string>{{"/defendant/dwelling", "required string is missing"},
                                                     {"/claim/late_fee_yuan", "must be a number"},
                                                     {"/claim/period/to", "must be a month (YYYY-MM)"},
                                                     {"/contract/signed_on", "must be a date (YYYY-MM-DD)"}});

  auto not_object = p.validate(referral(Json::array()));
  REQUIRE(not_object.size() == 1);
  CHECK(not_object[0].pointer.empty());
}

TEST_CASE("reminders: each is checked, and only a written one before the referral counts", "[court][dossier]") {
  auto p = configured();
  Json d = court_test::complete_dossier();
  d["reminders"] = Json::parse(R"([
      {"date": "2026-12-01", "method": "written"},
      {"date": "2026-08-15", "method": "letter"},
      {"method": "phone", "reference": 7},
      "2026-09-01"])");
  const auto found = by_pointer(p.validate(referral(d)));
  CHECK(found.size() == 6);
  CHECK(found.at("/reminders/0/date") ==
        "2026-12-01 is after the referral date 2026-11-30: list only reminders sent before the case is referred");
  CHECK(found.at("/reminders/1/method") == "must be one of written, phone, visit, notice_posted");
  CHECK(found.at("/reminders/2/date") == "required date (YYYY-MM-DD) is missing: when the reminder was sent");
  CHECK(found.at("/reminders/2/reference") == "must be a string");
  CHECK(found.at("/reminders/3") == "must be an object {date, method, reference?}");
  CHECK_THAT(found.at("/reminders"), Catch::StartsWith("no written reminder"));

  d["reminders"] = Json::array();
  CHECK_THAT(by_pointer(p.validate(referral(d))).at("/reminders"), Catch::StartsWith("no written reminder"));
}

TEST_CASE("amounts, dates and the period are checked against each other and the referral", "[court][dossier]") {
  auto p = configured();
  Json d = court_test::complete_dossier();
  d["claim"] = {{"principal_yuan", 0}, {"late_fee_yuan", -1}, {"total_yuan", -1},
                {"period", {{"from", "2026-01"}, {"to", "2026-12"}}}};
  d["contract"]["signed_on"] = "2026-12-02";
  const auto found = by_pointer(p.validate(referral(d)));
  CHECK(found == std::map<std::string, std::string>{
                     {"/claim/principal_yuan", "must be more than 0 (the unpaid property fees claimed, in yuan)"},
                     {"/claim/late_fee_yuan", "must not be negative (0 when no late fee is claimed)"},
                     {"/claim/period/to",
                      "2026-12 is after the month of the referral (2026-11): only fees already due can be claimed"},
                     {"/contract/signed_on", "2026-12-02 is after the referral date 2026-11-30"}});

  // One fen off is off.
  d = court_test::complete_dossier();
  d["claim"]["total_yuan"] = 2224.81;
  CHECK(by_pointer(p.validate(referral(d))).count("/claim/total_yuan") == 1);
}

TEST_CASE("evidence must list the contract, items need a title", "[court][dossier]") {
  auto p = configured();
  Json d = court_test::complete_dossier();
  d["evidence"] = Json::parse(R"([{"title": "欠费明细", "kind": "arrears_statement"}, {"kind": 3}, "合同"])");
  const auto found = by_pointer(p.validate(referral(d)));
  CHECK(found == std::map<std::string, std::string>{
                     {"/evidence/1/title", "required string is missing"},
                     {"/evidence/1/kind", "must be a string"},
                     {"/evidence/2", "must be an object {title, kind?}"},
                     {"/evidence", "does not list the property service contract (物业服务合同): add it as {title, "
                                   "kind: \"contract\"}"}});
}

TEST_CASE("every forbidden collection measure is named, whatever its case", "[court][dossier]") {
  auto p = configured();
  Json d = court_test::complete_dossier();
  d["collection_measures"] = {"CUT_POWER", "written_reminder", "cut_heating", 5, "cut_gas"};
  const auto found = by_pointer(p.validate(referral(d)));
  CHECK(found.size() == 4);
  CHECK_THAT(found.at("/collection_measures/0"), Catch::StartsWith("\"CUT_POWER\" is forbidden"));
  CHECK_THAT(found.at("/collection_measures/2"), Catch::StartsWith("\"cut_heating\" is forbidden"));
  CHECK_THAT(found.at("/collection_measures/3"), Catch::StartsWith("must be a string"));
  CHECK_THAT(found.at("/collection_measures/4"), Catch::StartsWith("\"cut_gas\" is forbidden"));
}

TEST_CASE("a referral without a compound is rejected: its 镇街 could not be told", "[court][dossier]") {
  auto p = configured();
  const auto problems = p.validate(referral(court_test::complete_dossier(), ""));
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].pointer.empty());
  CHECK_THAT(problems[0].reason, Catch::Contains("names no compound"));
}

TEST_CASE("settings: more written reminders, other forbidden measures, bad values are refused", "[court][settings]") {
  auto strict = configured({{"min_written_reminders", 2}, {"forbidden_collection_measures", {"lock_lift_card"}}});
  Json d = court_test::complete_dossier();
  d["collection_measures"] = {"cut_water", "lock_lift_card"};
  const auto found = by_pointer(strict.validate(referral(d)));
  CHECK(found.size() == 2);
  CHECK_THAT(found.at("/reminders"), Catch::StartsWith("1 written reminder(s) (书面催缴) sent before the referral, 2 "
                                                       "required"));
  CHECK_THAT(found.at("/collection_measures/1"), Catch::StartsWith("\"lock_lift_card\" is forbidden"));

  hub::court::CourtPlugin p;
  auto zero = p.configure({{"min_written_reminders", 0}});
  REQUIRE_FALSE(zero.ok());
  CHECK_THAT(zero.message(), Catch::Contains("min_written_reminders") && Catch::Contains("art. 944"));
  auto empty = p.configure({{"forbidden_collection_measures", Json::array()}});
  REQUIRE_FALSE(empty.ok());
  CHECK_THAT(empty.message(), Catch::Contains("forbidden_collection_measures") && Catch::Contains("non-empty"));
  auto blank = p.configure({{"forbidden_collection_measures", {"cut_water", ""}}});
  REQUIRE_FALSE(blank.ok());
  CHECK_THAT(blank.message(), Catch::Contains("non-empty string"));
  auto unit = p.configure({{"court_unit", ""}});
  REQUIRE_FALSE(unit.ok());
  CHECK_THAT(unit.message(), Catch::Contains("court_unit"));
}

TEST_CASE("the plugin declares both case types with their fields", "[court]") {
  auto p = configured();
  auto types = p.case_types();
  REQUIRE(types.size() == 2);
  CHECK(types[0].id == "court.arrears_referral");
  CHECK(types[0].display_name == "物业费欠费诉讼绿色通道移送");
  CHECK(types[0].sign_limit == "2wd");
  CHECK(types[0].resolve_limit == "60wd");
  CHECK(types[1].id == "court.status_notice");
  CHECK(types[1].display_name == "诉讼进展通知");
  for (const auto& t : types) CHECK_FALSE(t.fields.empty());
  CHECK(p.info().has_hooks);
}

TEST_CASE("with evidence as attachments, every evidence item names one of the referral's files", "[court][dossier]") {
  const std::string contract(64, 'a'), statement(64, 'b'), elsewhere(64, 'c');
  Json d = court_test::complete_dossier();
  d["evidence"] = Json::array({{{"title", "物业服务合同"}, {"kind", "contract"}, {"attachment", contract}},
                               {{"title", "欠费明细"}, {"kind", "arrears_statement"}, {"attachment", elsewhere}},
                               {{"title", "催缴记录"}}, {{"title", "照片"}, {"attachment", 7}}});
  hub::CaseView c = referral(d);
  c.attachments = {{contract, "合同.pdf", "contract", "application/pdf", 1000},
                   {statement, "欠费明细.pdf", "", "application/pdf", 2000}};

  // Off (the default): a named file must still be attached; none is required.
  CHECK(by_pointer(configured().validate(c)) ==
        std::map<std::string, std::string>{
            {"/evidence/1/attachment", "names no file attached to the referral: add the file to the referral's "
                                       "attachments, or correct the sha256"},
            {"/evidence/3/attachment", "must be the sha256 of one of the referral's attached files"}});

  // On: every item names one.
  const auto found = by_pointer(configured({{"evidence_as_attachments", true}}).validate(c));
  CHECK(found.size() == 3);
  CHECK(found.count("/evidence/1/attachment") == 1);
  CHECK(found.count("/evidence/3/attachment") == 1);
  CHECK_THAT(found.at("/evidence/2/attachment"),
             Catch::StartsWith("is required: this court takes the evidence as files"));

  d["evidence"][1]["attachment"] = statement;
  d["evidence"][2]["attachment"] = statement;
  d["evidence"][3]["attachment"] = contract;
  c.payload = d;
  CHECK(configured({{"evidence_as_attachments", true}}).validate(c).empty());
}

TEST_CASE("evidence_as_attachments must be true or false", "[court][dossier]") {
  hub::court::CourtPlugin p;
  const auto s = p.configure({{"evidence_as_attachments", "yes"}});
  CHECK_FALSE(s.ok());
  CHECK_THAT(s.message(), Catch::Contains("evidence_as_attachments must be true or false"));
}
