// The router's payload-field index (router/route_index.h) must decide exactly
// as trying every route in config order does: checked by hand on the cases
// that matter and against a plain linear scan on random rule sets.
#include <catch2/catch.hpp>

#include <random>

#include "config/directory.h"
#include "router/route_index.h"
#include "router/router.h"
#include "router_test_support.h"

using hub::Json;
using namespace hub::config;
using router_test::directory_fixture;
using router_test::unit;

namespace {

Route field_route(std::string id, std::vector<FieldPredicate> fields, std::string to, std::vector<std::string> origins = {}) {
  RouteMatch m;
  m.types = {"t"};
  m.origins = std::move(origins);
  m.fields = std::move(fields);
  return Route{std::move(id), std::move(m), {unit(std::move(to))}, {}, {}};
}

hub::CaseView make_case(Json payload, std::string origin = "o1", std::string type = "t", std::string compound = "") {
  return {0, std::move(type), std::move(origin), "ref", std::move(compound), std::move(payload)};
}

// The reference: every route in config order, the first that matches decides.
bool reference_matches(const Route& r, const hub::CaseView& c, const hub::Directory& d) {
  auto listed = [](const std::vector<std::string>& list, const std::string& v) {
    return list.empty() || std::find(list.begin(), list.end(), v) != list.end();
  };
  const auto& m = r.match;
  if (!listed(m.types, c.type) || !listed(m.origins, c.origin) || !listed(m.compounds, c.compound)) return false;
  if (!m.zones.empty() && !listed(m.zones, d.zone_of(c.compound))) return false;
  if (!m.subdistricts.empty() && !listed(m.subdistricts, d.subdistrict_of(c.compound))) return false;
  for (const auto& f : m.fields) {
    const Json::json_pointer ptr(f.pointer);
    if (!c.payload.is_object() || !c.payload.contains(ptr)) return false;
    if (std::find(f.any_of.begin(), f.any_of.end(), c.payload.at(ptr)) == f.any_of.end()) return false;
  }
  return true;
}

hub::router::Decision reference_route(const std::vector<Route>& routes, const hub::CaseView& c, const hub::Directory& d,
                                      const std::vector<std::string>& excluded) {
  for (const auto& r : routes) {
    if (!reference_matches(r, c, d)) continue;
    // A router of this one route decides its recipients (the index has nothing to choose from).
    auto decision = hub::router::Router({r}).route_around(c, d, excluded);
    if (excluded.empty() || !decision.route_id.empty()) return decision;
  }
  hub::router::Decision none;
  none.parked_reason = "no route matches case type " + c.type + (c.compound.empty() ? "" : " for compound " + c.compound);
  if (!excluded.empty()) none.parked_reason += " that reaches another unit";
  return none;
}

std::string describe(const hub::router::Decision& d) {
  std::string out = "route '" + d.route_id + "' parked '" + d.parked_reason + "' to";
  for (const auto& r : d.recipients) out += " " + r.unit + (r.notice ? "(cc)" : "");
  return out;
}

}  // namespace

TEST_CASE("the index keeps first-match order across indexed and unindexed routes", "[router][route_index]") {
  hub::Directory dir(directory_fixture());
  const std::vector<Route> routes = {
      field_route("r1", {{"/region", {Json("r1")}}}, "a"),
      field_route("o2_any_region", {}, "b", {"o2"}),
      field_route("r2", {{"/region", {Json("r2")}}}, "c"),
      field_route("r2_or_r3", {{"/region", {Json("r2"), Json("r3")}}}, "d"),
      field_route("number_5", {{"/region", {Json(5)}}}, "e"),
      field_route("r3_and_kind", {{"/kind", {Json("x")}}, {"/region", {Json("r3")}}}, "g"),
      field_route("fallback", {}, "f"),
  };
  hub::router::Router router(routes);
  auto route_of = [&](Json payload, std::string origin = "o1") {
    return router.route(make_case(std::move(payload), std::move(origin)), dir).route_id;
  };
  CHECK(route_of({{"region", "r1"}}) == "r1");
  CHECK(route_of({{"region", "r2"}}) == "r2");
  CHECK(route_of({{"region", "r2"}}, "o2") == "o2_any_region");  // an earlier route without the predicate wins
  CHECK(route_of({{"region", "r1"}}, "o2") == "r1");
  CHECK(route_of({{"region", "r3"}}) == "r2_or_r3");
  CHECK(route_of({{"region", 5}}) == "number_5");     // a number predicate is not indexed, still honoured
  CHECK(route_of({{"region", 5.0}}) == "number_5");   // and compares as JSON does
  CHECK(route_of({{"region", "5"}}) == "fallback");   // a string is not the number
  CHECK(route_of({{"region", "r9"}}) == "fallback");
  CHECK(route_of({{"other", 1}}) == "fallback");
  CHECK(route_of({{"region", {{"nested", "r1"}}}}) == "fallback");
}

TEST_CASE("the index files routes under the pointer most of them compare with strings", "[router][route_index]") {
  std::vector<Route> routes;
  for (int i = 0; i < 50; ++i) routes.push_back(field_route("r" + std::to_string(i), {{"/region", {Json("r" + std::to_string(i))}}}, "a"));
  routes.push_back(field_route("kind", {{"/kind", {Json("x")}}}, "b"));
  routes.push_back(field_route("mixed", {{"/region", {Json("r1"), Json(1)}}}, "c"));
  std::vector<std::size_t> all(routes.size());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
  hub::router::RouteIndex index(routes, all);
  CHECK(index.pointer() == "/region");
  CHECK(index.unindexed() == 2);  // "kind" has no /region predicate; "mixed" compares a number too
  std::vector<std::size_t> visited;
  index.for_each_candidate(Json{{"region", "r7"}}, [&](std::size_t i) {
    visited.push_back(i);
    return false;
  });
  CHECK(visited == std::vector<std::size_t>{7, 50, 51});
}

TEST_CASE("10,000 payload rules: every case reaches its own rule's receiver", "[router][route_index]") {
  hub::Directory dir(directory_fixture());
  std::vector<Route> routes;
  for (int i = 0; i < 10000; ++i)
    routes.push_back(field_route("rule_" + std::to_string(i), {{"/region", {Json("r" + std::to_string(i))}}},
                                 "u" + std::to_string(i % 8)));
  hub::router::Router router(std::move(routes));
  for (int i = 0; i < 10000; i += 37) {
    const auto d = router.route(make_case({{"region", "r" + std::to_string(i)}}), dir);
    REQUIRE(d.route_id == "rule_" + std::to_string(i));
    REQUIRE(d.recipients.size() == 1);
    CHECK(d.recipients[0].unit == "u" + std::to_string(i % 8));
  }
}

TEST_CASE("the indexed router decides as a linear scan on random rule sets", "[router][route_index]") {
  hub::Directory dir(directory_fixture());
  std::mt19937 rng(20240611);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  const std::vector<std::string> pointers = {"/a", "/b", "/n/x"};
  auto random_value = [&]() -> Json {
    switch (pick(8)) {
      case 0: return Json(1);
      case 1: return Json(1.0);
      case 2: return Json(true);
      default: return Json("v" + std::to_string(pick(6)));
    }
  };
  const std::vector<std::string> units = {"u0", "u1", "u2", "u3"};
  int compared = 0, routed = 0;
  for (int set = 0; set < 200; ++set) {
    std::vector<Route> routes;
    const int count = 1 + pick(40);
    for (int i = 0; i < count; ++i) {
      Route r;
      r.id = "route" + std::to_string(i);
      if (pick(5) != 0) r.match.types = {pick(2) == 0 ? "t1" : "t2"};
      if (pick(10) == 0) r.match.types = {"t1", "t2"};
      if (pick(4) == 0) r.match.origins = {"o" + std::to_string(pick(3))};
      if (pick(8) == 0) r.match.compounds = {"c" + std::to_string(1 + pick(3))};
      if (pick(12) == 0) r.match.zones = {"z1"};
      if (pick(12) == 0) r.match.subdistricts = {"sd.b"};
      const int predicates = pick(3);
      for (int k = 0; k < predicates; ++k) {
        FieldPredicate f{pointers[static_cast<std::size_t>(pick(static_cast<int>(pointers.size())))], {random_value()}};
        if (pick(4) == 0) f.any_of.push_back(random_value());
        r.match.fields.push_back(std::move(f));
      }
      if (pick(6) == 0)
        r.to = {Target{Target::Kind::kRole, "servicer"}};
      else
        r.to = {unit(units[static_cast<std::size_t>(pick(4))])};
      if (pick(4) == 0) r.cc = {unit(units[static_cast<std::size_t>(pick(4))])};
      routes.push_back(std::move(r));
    }
    hub::router::Router router(routes);
    for (int n = 0; n < 100; ++n) {
      Json payload = Json::object();
      if (pick(4) != 0) payload["a"] = random_value();
      if (pick(3) != 0) payload["b"] = random_value();
      if (pick(3) == 0) payload["n"] = pick(2) == 0 ? Json{{"x", random_value()}} : random_value();
      const std::vector<std::string> compounds = {"", "c1", "c2", "c3"};
      auto c = make_case(std::move(payload), "o" + std::to_string(pick(3)), "t" + std::to_string(1 + pick(3)),
                         compounds[static_cast<std::size_t>(pick(4))]);
      std::vector<std::string> excluded;
      if (pick(3) == 0) excluded = {units[static_cast<std::size_t>(pick(4))]};
      if (pick(8) == 0) excluded.push_back("pm.x");
      const auto expected = reference_route(routes, c, dir, excluded);
      const auto got = router.route_around(c, dir, excluded);
      INFO("set " << set << " case " << n << " payload " << c.payload.dump());
      REQUIRE(describe(got) == describe(expected));
      ++compared;
      if (!got.route_id.empty()) ++routed;
    }
  }
  CHECK(compared == 20000);
  CHECK(routed > 2000);   // the sets are not trivially all-parked ...
  CHECK(routed < 19000);  // ... nor trivially all-routed
}
