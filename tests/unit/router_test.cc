#include <catch2/catch.hpp>

#include "config/directory.h"
#include "router/router.h"
#include "router_test_support.h"

using hub::Json;
using namespace hub::config;
using router_test::directory_fixture;
using router_test::unit;

namespace {

Route route(std::string id, RouteMatch m, std::vector<Target> to, std::vector<Target> cc = {}) {
  return Route{std::move(id), std::move(m), std::move(to), std::move(cc), {}};
}

Target role(std::string r) { return {Target::Kind::kRole, std::move(r)}; }

hub::CaseView make_case(std::string type, std::string compound, Json payload = Json::object(), std::string origin = "o") {
  return {0, std::move(type), std::move(origin), "ref", std::move(compound), std::move(payload)};
}

}  // namespace

TEST_CASE("the first matching route decides, in config order, across typed and untyped routes", "[router]") {
  auto d = directory_fixture();
  hub::Directory dir(d);
  hub::router::Router r({route("typed_late", {{"t"}, {}, {}, {}, {}, {{"/k", {Json("v")}}}}, {unit("a")}),
                         route("any_type", {{}, {"special"}, {}, {}, {}, {}}, {unit("b")}),
                         route("typed", {{"t"}, {}, {}, {}, {}, {}}, {unit("c")})});
  CHECK(r.route(make_case("t", "c1", {{"k", "v"}}), dir).route_id == "typed_late");
  CHECK(r.route(make_case("t", "c1", {{"k", "w"}}, "special"), dir).route_id == "any_type");
  CHECK(r.route(make_case("t", "c1", {{"k", "w"}}), dir).route_id == "typed");
  CHECK(r.route(make_case("u", "c1", {}, "special"), dir).route_id == "any_type");
}

TEST_CASE("roles resolve through the directory: company, community without one, custodian", "[router]") {
  auto d = directory_fixture();
  hub::Directory dir(d);
  hub::router::Router r({route("servicer", {{"t"}, {}, {}, {}, {}, {}}, {role("servicer")},
                               {role("subdistrict"), role("zone.cgj"), role("team")})});
  auto with_company = r.route(make_case("t", "c1"), dir);
  REQUIRE(with_company.recipients.size() == 4);
  CHECK(with_company.recipients[0].unit == "pm.x");
  CHECK_FALSE(with_company.recipients[0].notice);
  CHECK(with_company.recipients[1].unit == "sd.a");
  CHECK(with_company.recipients[1].notice);
  CHECK(with_company.recipients[2].unit == "cgj.z1");
  CHECK(with_company.recipients[3].unit == "team.c1");

  auto no_company = r.route(make_case("t", "c2"), dir);
  CHECK(no_company.recipients[0].unit == "community.two");
  CHECK(no_company.recipients.size() == 3);  // c2 has no team: that copy is skipped
  auto custody = r.route(make_case("t", "c3"), dir);
  REQUIRE(custody.recipients.size() == 2);  // the custodian is also the sub-district: one delivery, no notice
  CHECK(custody.recipients[0].unit == "sd.b");
  CHECK_FALSE(custody.recipients[0].notice);
}

TEST_CASE("zone and sub-district conditions use the compound's place in the directory", "[router]") {
  auto d = directory_fixture();
  hub::Directory dir(d);
  hub::router::Router r({route("zone1", {{"t"}, {}, {}, {"z1"}, {}, {}}, {unit("a")}),
                         route("sd_b", {{"t"}, {}, {}, {}, {"sd.b"}, {}}, {unit("b")})});
  CHECK(r.route(make_case("t", "c1"), dir).route_id == "zone1");
  CHECK(r.route(make_case("t", "c2"), dir).route_id == "sd_b");
}

TEST_CASE("a case that matches nothing, or whose receiver role is empty, is parked with the reason", "[router]") {
  auto d = directory_fixture();
  hub::Directory dir(d);
  hub::router::Router r({route("company_only", {{"t"}, {}, {}, {}, {}, {}}, {role("company")})});
  auto none = r.route(make_case("other", "c1"), dir);
  CHECK(none.route_id.empty());
  CHECK_THAT(none.parked_reason, Catch::Contains("no route matches case type other"));
  auto empty_role = r.route(make_case("t", "c2"), dir);
  CHECK(empty_role.recipients.empty());
  CHECK_THAT(empty_role.parked_reason, Catch::Contains("compound.company") && Catch::Contains("c2"));
}

TEST_CASE("a payload predicate on a missing or differently typed field does not match", "[router]") {
  auto d = directory_fixture();
  hub::Directory dir(d);
  hub::router::Router r({route("n", {{"t"}, {}, {}, {}, {}, {{"/a/b", {Json(1), Json(2)}}}}, {unit("a")})});
  CHECK(r.route(make_case("t", "c1", {{"a", {{"b", 2}}}}), dir).route_id == "n");
  CHECK(r.route(make_case("t", "c1", {{"a", {{"b", "2"}}}}), dir).route_id.empty());
  CHECK(r.route(make_case("t", "c1", {{"a", 5}}), dir).route_id.empty());
}
