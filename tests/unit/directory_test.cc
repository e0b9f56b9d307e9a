// Tests of config/directory.h: role resolution through compound, community and
// zone, run-time overrides, and the real Xinhui directory.
#include <set>
#include <string>

#include <catch2/catch.hpp>

#include "config/directory.h"
#include "config/loader.h"

namespace {

using hub::Directory;
using hub::config::Compound;
using hub::config::Deployment;

// Two zones in two sub-districts; compounds with a company, with none, and in custody.
Deployment small_deployment() {
  Deployment d;
  d.zones = {{.id = "zone01", .name = "第一片区", .subdistrict = "sd.a", .cgj = "cgj.zone01", .group = "zg.zone01"},
             {.id = "zone02", .name = "第二片区", .subdistrict = "sd.b", .cgj = "cgj.zone02", .group = ""}};
  d.communities = {{.id = "community.a", .name = "甲社区", .zone = "zone01"},
                   {.id = "community.b", .name = "乙社区", .zone = "zone02"}};
  d.compounds = {
      {.id = "served", .name = "甲小区", .community = "community.a", .company = "pm.a", .custodian = "",
       .klass = "A", .team = "team.served", .committee = "oc.served"},
      {.id = "unserved", .name = "乙小区", .community = "community.b", .company = "", .custodian = "",
       .klass = "C", .team = "", .committee = ""},
      {.id = "custody", .name = "丙小区", .community = "community.b", .company = "", .custodian = "sd.b",
       .klass = "B", .team = "", .committee = ""},
  };
  return d;
}

}  // namespace

TEST_CASE("a compound with a company: every role", "[directory]") {
  const Directory directory(small_deployment());
  CHECK(directory.resolve("served", "servicer") == "pm.a");
  CHECK(directory.resolve("served", "company") == "pm.a");
  CHECK(directory.resolve("served", "custodian").empty());
  CHECK(directory.resolve("served", "community") == "community.a");
  CHECK(directory.resolve("served", "zone") == "zone01");
  CHECK(directory.resolve("served", "subdistrict") == "sd.a");
  CHECK(directory.resolve("served", "zone.cgj") == "cgj.zone01");
  CHECK(directory.resolve("served", "team") == "team.served");
  CHECK(directory.resolve("served", "zone.group") == "zg.zone01");
  CHECK(directory.resolve("served", "committee") == "oc.served");
  CHECK(directory.zone_of("served") == "zone01");
  CHECK(directory.subdistrict_of("served") == "sd.a");
  REQUIRE(directory.compound("served") != nullptr);
  CHECK(directory.compound("served")->name == "甲小区");
}

TEST_CASE("describe gives plugins the whole entry, overrides applied", "[directory]") {
  Directory directory(small_deployment());
  const auto served = directory.describe("served");
  CHECK(served["name"] == "甲小区");
  CHECK(served["community"] == "community.a");
  CHECK(served["zone"] == "zone01");
  CHECK(served["subdistrict"] == "sd.a");
  CHECK(served["zone_group"] == "zg.zone01");
  CHECK(served["servicer"] == "pm.a");
  CHECK(directory.describe("nowhere").is_null());
  REQUIRE(directory.apply_override("served", "company", "").ok());
  REQUIRE(directory.apply_override("served", "custodian", "sd.a").ok());
  CHECK(directory.describe("served")["servicer"] == "sd.a");
  CHECK(directory.describe("unserved")["zone_group"] == "");
  CHECK(directory.resolve("unserved", "committee") == "community.b");  // the community acts for a missing committee
}

TEST_CASE("a compound without a company is served by its community", "[directory]") {
  const Directory directory(small_deployment());
  CHECK(directory.resolve("unserved", "servicer") == "community.b");
  CHECK(directory.resolve("unserved", "company").empty());
  CHECK(directory.resolve("unserved", "team").empty());
  CHECK(directory.subdistrict_of("unserved") == "sd.b");
}

TEST_CASE("a compound in custody is served by its custodian", "[directory]") {
  const Directory directory(small_deployment());
  CHECK(directory.resolve("custody", "servicer") == "sd.b");
  CHECK(directory.resolve("custody", "custodian") == "sd.b");
  CHECK(directory.resolve("custody", "community") == "community.b");
}

TEST_CASE("unknown compounds and roles resolve to nothing", "[directory]") {
  const Directory directory(small_deployment());
  CHECK(directory.compound("nowhere") == nullptr);
  CHECK(directory.resolve("nowhere", "servicer").empty());
  CHECK(directory.resolve("served", "owner").empty());
  CHECK(directory.resolve("served", "compound.servicer").empty());
  CHECK(directory.zone_of("nowhere").empty());
  CHECK(directory.subdistrict_of("nowhere").empty());
}

TEST_CASE("every role a route may name resolves for a fully staffed compound", "[directory]") {
  Deployment deployment = small_deployment();
  deployment.compounds[0].custodian = "sd.a";
  const Directory directory(deployment);
  for (std::string_view role : Directory::kUnitRoles) {
    INFO(role);
    CHECK_FALSE(directory.resolve("served", role).empty());
  }
}

TEST_CASE("overrides change the company or custodian at run time", "[directory]") {
  Directory directory(small_deployment());

  SECTION("a company leaves and its sub-district takes custody") {
    REQUIRE(directory.apply_override("served", "company", "").ok());
    CHECK(directory.resolve("served", "servicer") == "community.a");
    REQUIRE(directory.apply_override("served", "custodian", "sd.a").ok());
    CHECK(directory.resolve("served", "servicer") == "sd.a");
  }
  SECTION("a successor company ends custody as servicer") {
    REQUIRE(directory.apply_override("custody", "company", "pm.new").ok());
    CHECK(directory.resolve("custody", "servicer") == "pm.new");
    CHECK(directory.compound("custody")->company == "pm.new");
  }
  SECTION("unknown compounds and fields are refused") {
    const hub::Status unknown_compound = directory.apply_override("nowhere", "company", "pm.a");
    CHECK(unknown_compound.code() == hub::StatusCode::kNotFound);
    const hub::Status unknown_field = directory.apply_override("served", "community", "community.b");
    CHECK(unknown_field.code() == hub::StatusCode::kInvalidArgument);
    CHECK(directory.resolve("served", "community") == "community.a");
  }
}

TEST_CASE("the Xinhui directory resolves every compound", "[directory][xinhui]") {
  const auto loaded = hub::config::load_deployment(std::string(HUB_SOURCE_DIR) + "/config/hub.yaml");
  REQUIRE(loaded.deployment);
  const Deployment& deployment = *loaded.deployment;
  const Directory directory(deployment);
  std::set<std::string> subdistricts;
  for (const auto& zone : deployment.zones) subdistricts.insert(zone.subdistrict);

  bool saw_company = false, saw_community = false, saw_custody = false;
  for (const Compound& compound : deployment.compounds) {
    INFO(compound.id);
    CHECK(subdistricts.count(directory.subdistrict_of(compound.id)) == 1);
    CHECK_FALSE(directory.resolve(compound.id, "zone.cgj").empty());
    const std::string servicer = directory.resolve(compound.id, "servicer");
    if (!compound.company.empty()) {
      saw_company = true;
      CHECK(servicer == compound.company);
    } else if (!compound.custodian.empty()) {
      saw_custody = true;
      CHECK(servicer == compound.custodian);
      CHECK(compound.custodian == directory.subdistrict_of(compound.id));  // custody by its own 镇街
    } else {
      saw_community = true;
      CHECK(servicer == compound.community);
    }
  }
  CHECK(saw_company);
  CHECK(saw_community);
  CHECK(saw_custody);
}
