// Tests of config/loader.h: the real Xinhui deployment, and one small
// deployment per class of mistake, each checked for file, line, column, key
// and message.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "config_test_support.h"

using namespace config_test;

TEST_CASE("the Xinhui deployment loads without errors", "[config][xinhui]") {
  const LoadResult result = load_deployment(real_config());
  INFO(listing(result.errors));
  REQUIRE(result.ok());
  REQUIRE(result.deployment);
  const auto& d = *result.deployment;

  SECTION("hub settings, with paths relative to config/ made absolute") {
    const fs::path root = fs::path(HUB_SOURCE_DIR).lexically_normal();
    CHECK(d.hub.id == "xinhui");
    CHECK(d.hub.data_dir == (root / "var").string());
    CHECK(d.hub.keys_dir == (root / "var" / "keys").string());
    CHECK(d.hub.operator_socket == (root / "var" / "run" / "operator.sock").string());
    CHECK(d.hub.plugin_dir.empty());
    REQUIRE(d.adapters.size() == 2);
    CHECK(d.adapters[0].settings["secret_key_file"] == (root / "var" / "keys" / "hub.key").string());
    CHECK(d.adapters[1].name == "http");
    CHECK(d.adapters[1].settings["webhooks"]["court"]["secret_file"] ==
          (root / "var" / "keys" / "court.webhook.secret").string());
  }

  SECTION("every member unit of the policy, with a Chinese name") {
    std::set<std::string> ids;
    for (const auto& unit : d.units) ids.insert(unit.id);
    for (const char* id : {"zjj", "cgj", "sd.xinzhou", "sd.huizhou", "town.xinhui", "registry", "court", "market",
                           "fgw", "zrzy", "fire", "police", "water", "heating", "power", "gas", "telecom.mobile",
                           "telecom.unicom", "telecom.telecom", "cable"})
      CHECK(ids.count(id) == 1);
    for (int zone = 1; zone <= 14; ++zone) {
      const std::string number = (zone < 10 ? "0" : "") + std::to_string(zone);
      CHECK(ids.count("cgj.zone" + number) == 1);
    }
    for (const auto& unit : d.units) CHECK_FALSE(unit.name.empty());
  }

  SECTION("14 zones over the three sub-districts") {
    CHECK(d.zones.size() == 14);
    std::set<std::string> subdistricts;
    for (const auto& zone : d.zones) subdistricts.insert(zone.subdistrict);
    CHECK(subdistricts == std::set<std::string>{"sd.xinzhou", "sd.huizhou", "town.xinhui"});
  }

  SECTION("every case type is owned by a configured plugin") {
    std::set<std::string> plugins;
    for (const auto& plugin : d.plugins) plugins.insert(plugin.name);
    for (const auto& type : d.case_types) {
      INFO(type.id);
      CHECK(plugins.count(type.plugin) == 1);
    }
  }

  SECTION("compounds of every class, one without company, one in custody") {
    std::set<std::string> classes;
    for (const auto& compound : d.compounds) classes.insert(compound.klass);
    CHECK(classes == std::set<std::string>{"A", "B", "C"});
    CHECK(std::any_of(d.compounds.begin(), d.compounds.end(),
                      [](const auto& c) { return c.company.empty() && c.custodian.empty(); }));
    CHECK(std::any_of(d.compounds.begin(), d.compounds.end(),
                      [](const auto& c) { return c.company.empty() && !c.custodian.empty(); }));
  }

  SECTION("complaints route by category before the fallback") {
    const auto by_category = std::find_if(d.routes.begin(), d.routes.end(), [](const auto& r) {
      return !r.match.fields.empty() && r.match.fields[0].pointer == "/category";
    });
    REQUIRE(by_category != d.routes.end());
    const auto fallback = std::find_if(by_category, d.routes.end(), [](const auto& r) {
      return r.match.types == std::vector<std::string>{"complaint.general"} && r.match.fields.empty();
    });
    CHECK(fallback != d.routes.end());
  }

  SECTION("the only warnings are units without keys, and the provisional holidays of 2027") {
    for (const auto& warning : result.warnings)
      if (warning.key != "calendar.years[1]") CHECK_THAT(warning.message, Catch::Contains("has no key"));
  }
}

TEST_CASE("the base scenario is valid, so each test's errors are its own", "[config]") {
  Scenario scenario;
  const LoadResult result = scenario.load("");
  INFO(listing(result.errors) + listing(result.warnings));
  CHECK(result.ok());
  CHECK(result.warnings.empty());
  REQUIRE(result.deployment);
  CHECK(result.deployment->units.at(0).public_key == scenario.key);
}

TEST_CASE("lists from several files concatenate, the including file first", "[config]") {
  Scenario scenario;
  const LoadResult result = scenario.load(R"(routes:
  - {id: later, to: [sd.a]}
)");
  REQUIRE(result.ok());
  const auto& routes = result.deployment->routes;
  REQUIRE(routes.size() == 2);
  CHECK(routes[0].id == "complaints");
  CHECK(routes[1].id == "later");
  CHECK(routes[1].where.file == scenario.extra);
  CHECK(routes[1].to.at(0).kind == hub::config::Target::Kind::kUnit);
  CHECK(routes[0].to.at(0).kind == hub::config::Target::Kind::kRole);
  CHECK(routes[0].to.at(0).value == "servicer");
}

TEST_CASE("route field predicates take one value or a list of JSON values", "[config]") {
  Scenario scenario;
  const LoadResult result = scenario.load(R"(routes:
  - id: by_fields
    match: {fields: {"/category": [sanitation, 3, true], "/urgent": yes}}
    to: [sd.a]
)");
  REQUIRE(result.ok());
  const auto& fields = result.deployment->routes.at(1).match.fields;
  REQUIRE(fields.size() == 2);
  CHECK(fields[0].pointer == "/category");
  CHECK(fields[0].any_of == std::vector<hub::config::Json>{"sanitation", 3, true});
  CHECK(fields[1].any_of == std::vector<hub::config::Json>{"yes"});
}

TEST_CASE("a YAML syntax error names file, line and column, and other files are still checked", "[config][errors]") {
  TempDir dir;
  const std::string top = dir.write("hub.yaml", base_config(generated_key(), "broken.yaml, wrong.yaml"));
  const std::string broken_text = "units:\n  - id: pm.b\n    name: 乙物业\n   adapter: zmq\n";
  const std::string broken = dir.write("broken.yaml", broken_text);
  const std::string wrong_text = "units:\n  - {id: pm.c, name: 丙物业, adapter: zmq, colour: red}\n";
  const std::string wrong = dir.write("wrong.yaml", wrong_text);
  const LoadResult result = load_deployment(top);
  INFO(listing(result.errors));
  REQUIRE(result.errors.size() == 2);
  const ConfigError& syntax = problem_at(result.errors, "");
  CHECK(syntax.where.file == broken);
  CHECK(syntax.where.line == position_of(broken, broken_text, "adapter").line);
  CHECK(syntax.where.column > 0);
  CHECK_THAT(syntax.message, Catch::StartsWith("YAML syntax error: "));
  check_error(result, "units[0].colour", position_of(wrong, wrong_text, "colour"), "unknown key");
}

TEST_CASE("wrong node types say what was expected and what was found", "[config][errors]") {
  Scenario scenario;
  const std::string text = R"(units:
  - {id: pm.b, name: 乙物业, adapter: zmq, may_send: complaint.general}
routes:
  - {id: r1, to: {unit: sd.a}}
directory:
  zones: {id: zone02}
)";
  const LoadResult result = scenario.load(text);
  check_error(result, "units[0].may_send", scenario.in_extra("complaint.general}"), "expected a list");
  check_error(result, "routes[0].to", scenario.in_extra("{unit"), "expected a string or a list of strings, found a map");
  check_error(result, "directory.zones", scenario.in_extra("{id: zone02}"), "expected a list");
}

TEST_CASE("unknown keys are errors that list the allowed keys", "[config][errors]") {
  Scenario scenario;
  const std::string text = R"(unit:
  - {id: pm.b}
case_types:
  - id: market.price_complaint
    nmae: 物业收费投诉
    name: 物业收费投诉
    plugin: generic
)";
  const LoadResult result = scenario.load(text);
  check_error(result, "unit", scenario.in_extra("unit:"), "did you mean 'units'?");
  check_error(result, "case_types[0].nmae", scenario.in_extra("nmae"), "(did you mean 'name'?)");
  CHECK_THAT(problem_at(result.errors, "case_types[0].nmae").message,
             Catch::Contains("allowed here: id, name, plugin, sign_limit, resolve_limit"));
}

TEST_CASE("a key written twice in one map is an error", "[config][errors]") {
  Scenario scenario;
  const std::string text = "units:\n  - id: pm.b\n    name: 乙物业\n    adapter: zmq\n    name: 乙物业公司\n";
  const LoadResult result = scenario.load(text);
  check_error(result, "units[0].name", scenario.in_extra("name", "adapter"),
              "key written twice; the first is at line " + std::to_string(scenario.in_extra("name").line));
  CHECK(result.errors.size() == 1);
}

TEST_CASE("a file that is not a map of sections is an error", "[config][errors]") {
  Scenario scenario;
  const LoadResult result = scenario.load("- units\n- routes\n");
  check_error(result, "", scenario.in_extra("- units"), "expected a map (key: value lines), found a list");
}

TEST_CASE("a case type units may send but no route matches is a warning", "[config]") {
  Scenario scenario;
  const std::string text = "case_types:\n  - {id: notice.general, name: 工作通知, plugin: generic, senders: [sd.a]}\n"
                           "  - {id: notice.raised, plugin: generic}  # only a plugin raises it: no warning\n";
  const LoadResult result = scenario.load(text);
  REQUIRE(result.ok());
  REQUIRE(result.warnings.size() == 1);
  CHECK(result.warnings[0].where.line == scenario.in_extra("{id: notice").line);
  CHECK_THAT(result.warnings[0].message, Catch::StartsWith("case type 'notice.general' has no route"));
}

TEST_CASE("missing required keys are reported at their map", "[config][errors]") {
  Scenario scenario;
  const std::string text = R"(units:
  - id: pm.b
    name: 乙物业
directory:
  compounds:
    - {id: c2, name: 乙小区, community: community.a}
)";
  const LoadResult result = scenario.load(text);
  check_error(result, "units[0].adapter", scenario.in_extra("id: pm.b"), "required key is missing");
  check_error(result, "directory.compounds[0].class", scenario.in_extra("{id: c2"), "required key is missing");
}

TEST_CASE("duplicate ids of every kind name the first declaration", "[config][errors]") {
  Scenario scenario;
  const std::string text = R"(adapters: [{name: zmq, file: zmq2}]
plugins: [{name: generic, file: generic2}]
units: [{id: pm.a, name: 甲物业, adapter: zmq}]
case_types: [{id: complaint.general, name: 投诉, plugin: generic}]
routes: [{id: complaints, to: [sd.a]}]
directory:
  zones: [{id: zone01, name: 第一片区, subdistrict: sd.a, cgj: cgj.zone01}]
  communities: [{id: community.a, name: 甲社区, zone: zone01}]
  compounds: [{id: c1, name: 甲小区, community: community.a, class: B}]
)";
  const LoadResult result = scenario.load(text);
  struct Duplicate {
    std::string key, section, id, noun;
  };
  for (const Duplicate& d : std::vector<Duplicate>{
           {"adapters[0].name", "adapters", "zmq", "adapter"},
           {"plugins[0].name", "plugins", "generic", "plugin"},
           {"units[0].id", "units", "pm.a", "unit"},
           {"case_types[0].id", "case_types", "complaint.general", "case type"},
           {"routes[0].id", "routes", "complaints", "route"},
           {"directory.zones[0].id", "zones", "zone01", "zone"},
           {"directory.communities[0].id", "communities", "community.a", "community"},
           {"directory.compounds[0].id", "compounds", "c1", "compound"},
       }) {
    const auto first = scenario.in_top(d.id, d.section);
    check_error(result, d.key, scenario.in_extra(d.id, d.section),
                "duplicate " + d.noun + " id '" + d.id + "', first declared at " + first.file + ":" +
                    std::to_string(first.line) + ":" + std::to_string(first.column));
  }
  CHECK(result.errors.size() == 8);
}

TEST_CASE("every cross-reference must name something declared", "[config][errors]") {
  Scenario scenario;
  const std::string text = R"(units:
  - {id: pm.b, name: 乙物业, adapter: zqm, may_send: [complaint.general, fee.check]}
case_types:
  - {id: notice.general, name: 工作通知, plugin: generc}
routes:
  - id: r1
    match: {type: [notice.general, no.type], origin: pm.z, compound: c9, zone: zone09, subdistrict: pm.a}
    to: [sd.b, compound.owner]
directory:
  zones: [{id: zone02, name: 第二片区, subdistrict: sd.x, cgj: cgj.zone02}]
  communities:
    - {id: community.b, name: 乙社区, zone: zone03}
  compounds:
    - {id: c2, name: 乙小区, community: community.z, company: pm.z, custodian: sd.z, class: B, team: team.z}
)";
  const LoadResult result = scenario.load(text);
  check_error(result, "units[0].adapter", scenario.in_extra("zqm"), "unknown adapter 'zqm' (did you mean 'zmq'?)");
  check_error(result, "units[0].may_send[1]", scenario.in_extra("fee.check"), "unknown case type 'fee.check'");
  check_error(result, "case_types[0].plugin", scenario.in_extra("generc"), "unknown plugin 'generc' (did you mean 'generic'?)");
  check_error(result, "routes[0].match.type[1]", scenario.in_extra("no.type"), "unknown case type 'no.type'");
  check_error(result, "routes[0].match.origin", scenario.in_extra("pm.z"), "unknown unit 'pm.z'");
  check_error(result, "routes[0].match.compound", scenario.in_extra("c9"), "unknown compound 'c9'");
  check_error(result, "routes[0].match.zone", scenario.in_extra("zone09"), "unknown zone 'zone09'");
  check_error(result, "routes[0].match.subdistrict", scenario.in_extra("pm.a"),
              "unknown sub-district 'pm.a'; expected a unit named as the subdistrict of a zone");
  check_error(result, "routes[0].to[0]", scenario.in_extra("sd.b"), "unknown unit 'sd.b'");
  check_error(result, "routes[0].to[1]", scenario.in_extra("compound.owner"),
              "unknown role 'compound.owner'; expected a unit id or one of compound.servicer, compound.company");
  check_error(result, "directory.zones[0].subdistrict", scenario.in_extra("sd.x"), "unknown unit 'sd.x'");
  check_error(result, "directory.zones[0].cgj", scenario.in_extra("cgj.zone02"), "unknown unit 'cgj.zone02'");
  check_error(result, "directory.communities[0].id", scenario.in_extra("community.b"), "unknown unit 'community.b'");
  check_error(result, "directory.communities[0].zone", scenario.in_extra("zone03"), "unknown zone 'zone03'");
  check_error(result, "directory.compounds[0].community", scenario.in_extra("community.z"),
              "unknown community 'community.z'");
  check_error(result, "directory.compounds[0].company", scenario.in_extra("pm.z", "company"), "unknown unit 'pm.z'");
  check_error(result, "directory.compounds[0].custodian", scenario.in_extra("sd.z"), "unknown unit 'sd.z'");
  check_error(result, "directory.compounds[0].team", scenario.in_extra("team.z"), "unknown unit 'team.z'");
  CHECK(result.errors.size() == 18);
}

TEST_CASE("parse_limit reads hours and working days", "[config][limits]") {
  const auto hours = parse_limit("4h");
  REQUIRE(hours.ok());
  CHECK(hours->kind == Limit::Kind::kHours);
  CHECK(hours->amount == 4);
  CHECK(hours->text == "4h");
  const auto days = parse_limit("15wd");
  REQUIRE(days.ok());
  CHECK(days->kind == Limit::Kind::kWorkingDays);
  CHECK(days->amount == 15);
  for (const char* invalid : {"", "h", "wd", "4", "0h", "-1h", "4 h", "4d", "4hh", "+4h", "99999999999h", "1.5h"}) {
    INFO(invalid);
    const auto limit = parse_limit(invalid);
    REQUIRE_FALSE(limit.ok());
    CHECK_THAT(limit.status().message(), Catch::Contains("expected <N>h"));
  }
}

TEST_CASE("an invalid limit in a case type is an error at its value", "[config][errors][limits]") {
  Scenario scenario;
  const std::string text = R"(case_types:
  - {id: notice.general, name: 工作通知, plugin: generic, sign_limit: "2d", resolve_limit: 72h}
routes: [{id: notices, match: {type: notice.general}, to: [compound.community]}]
)";
  const LoadResult result = scenario.load(text);
  check_error(result, "case_types[0].sign_limit", scenario.in_extra("\"2d\""), "invalid limit '2d'");
  CHECK(result.errors.size() == 1);
}

TEST_CASE("include files: missing, cyclic, repeated, or with hub settings", "[config][errors][include]") {
  TempDir dir;
  const std::string top_text = base_config(generated_key(), "a.yaml, missing.yaml, a.yaml");
  const std::string top = dir.write("hub.yaml", top_text);
  const std::string a_text = "include: [sub/b.yaml]\n";
  const std::string a = dir.write("a.yaml", a_text);
  const std::string b_text = "hub: {id: other}\ninclude: [../a.yaml]\n";
  const std::string b = dir.write("sub/b.yaml", b_text);
  const LoadResult result = load_deployment(top);

  check_error(result, "include[1]", position_of(top, top_text, "missing.yaml"),
              "file '" + dir.path("missing.yaml") + "' does not exist");
  check_error(result, "include[2]", position_of(top, top_text, "a.yaml", "missing"), "' is already read");
  check_error(result, "include[0]", position_of(b, b_text, "../a.yaml"),
              "include cycle: " + a + " -> " + b + " -> " + a);
  check_error(result, "hub", position_of(b, b_text, "{id"), "hub: is allowed only in the top-level file");
  CHECK(result.errors.size() == 4);
}

TEST_CASE("an include pattern reads every matching file in name order", "[config][include]") {
  TempDir dir;
  const std::string top = dir.write("hub.yaml", base_config(generated_key(), "parts/*.yaml"));
  dir.write("parts/b.yaml", "routes:\n  - {id: second, to: [sd.a]}\n");
  dir.write("parts/a.yaml", "routes:\n  - {id: first, to: [sd.a]}\n");
  dir.write("parts/notes.txt", "not yaml at all: [");
  const LoadResult result = load_deployment(top);
  INFO(listing(result.errors));
  REQUIRE(result.ok());
  const auto& routes = result.deployment->routes;
  REQUIRE(routes.size() == 3);
  CHECK(routes[1].id == "first");
  CHECK(routes[2].id == "second");

  const std::string empty_text = base_config(generated_key(), "none/*.yaml");
  const std::string empty = dir.write("empty.yaml", empty_text);
  check_error(load_deployment(empty), "include[0]", position_of(empty, empty_text, "none/*.yaml"),
              "no file matches 'none/*.yaml'");
}

TEST_CASE("case type senders grant may_send by id or id prefix", "[config][senders]") {
  Scenario scenario;
  const LoadResult result = scenario.load(R"(case_types:
  - {id: notice.x, plugin: generic, senders: [sd.a, "pm.*"]}
routes:
  - {id: x, match: {type: notice.x}, to: [sd.a]}
)");
  INFO(listing(result.errors));
  REQUIRE(result.ok());
  const auto& d = *result.deployment;
  auto may_send = [&](const std::string& unit) {
    for (const auto& u : d.units)
      if (u.id == unit) return std::find(u.may_send.begin(), u.may_send.end(), "notice.x") != u.may_send.end();
    return false;
  };
  CHECK(may_send("sd.a"));
  CHECK(may_send("pm.a"));
  CHECK_FALSE(may_send("community.a"));
  CHECK(d.case_types.back().name.empty());  // the plugin's display name applies

  const LoadResult typo = scenario.load(R"(case_types:
  - {id: notice.y, plugin: generic, senders: ["pmx.*", nobody]}
routes:
  - {id: y, match: {type: notice.y}, to: [sd.a]}
)");
  CHECK_FALSE(typo.ok());
  const std::string errors = listing(typo.errors);
  CHECK_THAT(errors, Catch::Contains("sender pattern 'pmx.*' matches no unit"));
  CHECK_THAT(errors, Catch::Contains("nobody"));
}

TEST_CASE("a zone may name its working group, which routes address as compound.zone.group", "[config]") {
  Scenario scenario;
  const LoadResult result = scenario.load(R"(units:
  - {id: zg.zone09, name: 第九片区工作组, adapter: zmq, public_key: ")" + generated_key() + R"("}
directory:
  zones: [{id: zone09, name: 第九片区, subdistrict: sd.a, cgj: cgj.zone01, group: zg.zone09}]
routes:
  - {id: group, match: {type: complaint.general}, to: [compound.zone.group]}
)");
  INFO(listing(result.errors));
  REQUIRE(result.ok());
  CHECK(result.deployment->zones.back().group == "zg.zone09");
  CHECK(result.deployment->routes.back().to.at(0).value == "zone.group");
}

TEST_CASE("a missing top-level file is an error, not an exception", "[config][errors]") {
  TempDir dir;
  const LoadResult result = load_deployment(dir.path("nowhere.yaml"));
  REQUIRE(result.errors.size() == 1);
  CHECK(result.errors[0].to_string() ==
        dir.path("nowhere.yaml") + ": file '" + dir.path("nowhere.yaml") + "' does not exist (expected a YAML file)");
  CHECK_FALSE(result.deployment);
}

TEST_CASE("routes need receivers and JSON pointers", "[config][errors][routes]") {
  Scenario scenario;
  const std::string text = R"(routes:
  - id: nowhere
    match: {type: complaint.general}
  - id: empty
    to: []
  - id: bad_pointer
    match: {fields: {category: service, "/nested": {a: 1}}}
    cc: [sd.a]
)";
  const LoadResult result = scenario.load(text);
  check_error(result, "routes[0]", scenario.in_extra("id: nowhere"), "route has no receivers");
  check_error(result, "routes[1]", scenario.in_extra("id: empty"), "route has no receivers");
  check_error(result, "routes[2].match.fields.category", scenario.in_extra("category"),
              "expected a JSON pointer into the payload, starting with '/'");
  check_error(result, "routes[2].match.fields[\"/nested\"]", scenario.in_extra("{a: 1}"), "found a nested map");
  CHECK(result.errors.size() == 4);
}

TEST_CASE("hub values out of range", "[config][errors][hub]") {
  TempDir dir;
  std::string text = base_config(generated_key(), "");
  text.replace(text.find("  keys_dir: keys\n"), 0,
               "  max_payload_bytes: 0\n  heartbeat_timeout_seconds: soon\n  delivery:\n    max_attempts: 0\n"
               "    backoff_initial_ms: 5000\n    backoff_max_ms: 100\n    backoff_multiplier: 0.5\n");
  const std::string top = dir.write("hub.yaml", text);
  const LoadResult result = load_deployment(top);
  check_error(result, "hub.max_payload_bytes", position_of(top, text, "0"),
              "expected an integer from 1 to 67108864, found '0'");
  check_error(result, "hub.heartbeat_timeout_seconds", position_of(top, text, "soon"),
              "expected an integer from 1 to 86400, found 'soon'");
  check_error(result, "hub.delivery.max_attempts", position_of(top, text, "0", "max_attempts"),
              "expected an integer from 1 to 1000");
  check_error(result, "hub.delivery.backoff_max_ms", position_of(top, text, "100"),
              "backoff_max_ms (100) is below backoff_initial_ms (5000)");
  check_error(result, "hub.delivery.backoff_multiplier", position_of(top, text, "0.5"),
              "expected a number of at least 1");
  CHECK(result.errors.size() == 5);
}

TEST_CASE("ids, names and classes are checked", "[config][errors]") {
  Scenario scenario;
  const std::string text = R"(units:
  - {id: PM.Big, name: 大物业, adapter: zmq}
  - {id: pm.c, name: "", adapter: zmq}
  - {id: pm.d, name: Delta Property, adapter: zmq}
directory:
  compounds: [{id: c2, name: 乙小区, community: community.a, class: D}]
)";
  const LoadResult result = scenario.load(text);
  check_error(result, "units[0].id", scenario.in_extra("PM.Big"), "'PM.Big' is not a valid id");
  check_error(result, "units[1].name", scenario.in_extra("\"\""), "empty name (expected the Chinese display name)");
  check_error(result, "directory.compounds[0].class", scenario.in_extra("D}"), "unknown class 'D' (expected A, B or C)");
  CHECK(result.errors.size() == 3);
  const ConfigError& english = problem_at(result.warnings, "units[2].name");
  CHECK(english.where.line == scenario.in_extra("Delta").line);
  CHECK(english.where.column == scenario.in_extra("Delta").column);
  CHECK_THAT(english.message, Catch::Contains("has no Chinese character"));
}

TEST_CASE("unit keys: inline, from a file, from keys_dir, or none", "[config][keys]") {
  Scenario scenario;
  const hub::keys::KeyPair file_pair = generated_pair();
  const hub::keys::KeyPair dir_pair = generated_pair();
  REQUIRE(hub::keys::write(scenario.dir.path("extra_keys"), "pm.file", file_pair).ok());
  REQUIRE(hub::keys::write(scenario.dir.path("extra_keys"), "pm.secret", generated_pair()).ok());
  REQUIRE(hub::keys::write(scenario.dir.path("keys"), "pm.dir", dir_pair).ok());
  scenario.dir.write("keys/pm.bad.pub", "public = not-a-key\n");
  const std::string text = R"(units:
  - {id: pm.file, name: 文件物业, adapter: zmq, public_key_file: extra_keys/pm.file.pub}
  - {id: pm.dir, name: 目录物业, adapter: zmq}
  - {id: pm.none, name: 无钥物业, adapter: zmq}
  - {id: pm.bad, name: 坏钥物业, adapter: zmq}
  - {id: pm.short, name: 短钥物业, adapter: zmq, public_key: abc}
  - {id: pm.both, name: 双钥物业, adapter: zmq, public_key: abc, public_key_file: x.pub}
  - {id: pm.secret, name: 密钥物业, adapter: zmq, public_key_file: extra_keys/pm.secret.key}
)";
  const LoadResult result = scenario.load(text);
  INFO(listing(result.errors) + listing(result.warnings));

  check_error(result, "units[3]", scenario.in_extra("{id: pm.bad"), "'public' is not a 40-character Z85 CURVE key");
  check_error(result, "units[4].public_key", scenario.in_extra("abc"), "expected a CURVE public key");
  check_error(result, "units[5].public_key_file", scenario.in_extra("x.pub"), "give either public_key or public_key_file");
  CHECK(result.errors.size() == 3);

  const ConfigError& keyless = problem_at(result.warnings, "units[2]");
  CHECK(keyless.where.line == scenario.in_extra("{id: pm.none").line);
  CHECK(keyless.message == "unit pm.none has no key: it cannot connect; generate one with 'hubctl keygen --unit "
                           "pm.none --out " + scenario.dir.path("keys") + "' (looked for " +
                           scenario.dir.path("keys/pm.none.pub") + ")");
  CHECK_THAT(problem_at(result.warnings, "units[6].public_key_file").message, Catch::Contains("secret key"));
  CHECK(result.warnings.size() == 2);
}

TEST_CASE("keys read from files reach the deployment", "[config][keys]") {
  Scenario scenario;
  const hub::keys::KeyPair file_pair = generated_pair();
  const hub::keys::KeyPair dir_pair = generated_pair();
  REQUIRE(hub::keys::write(scenario.dir.path("sub/keys"), "pm.file", file_pair).ok());
  REQUIRE(hub::keys::write(scenario.dir.path("keys"), "pm.dir", dir_pair).ok());
  scenario.top_text = base_config(scenario.key, "sub/units.yaml");
  scenario.dir.write("hub.yaml", scenario.top_text);
  scenario.dir.write("sub/units.yaml", R"(units:
  - {id: pm.file, name: 文件物业, adapter: zmq, public_key_file: keys/pm.file.pub}
  - {id: pm.dir, name: 目录物业, adapter: zmq}
)");
  const LoadResult result = load_deployment(scenario.top);
  INFO(listing(result.errors) + listing(result.warnings));
  REQUIRE(result.ok());
  CHECK(result.warnings.empty());
  const auto& units = result.deployment->units;
  CHECK(units.at(units.size() - 2).public_key == file_pair.public_key);
  CHECK(units.at(units.size() - 1).public_key == dir_pair.public_key);
}

TEST_CASE("paths resolve against the declaring files, the database falls back to the environment", "[config][paths]") {
  TempDir dir;
  std::string text = base_config(generated_key(), "adapters/zmq.yaml");
  text.replace(text.find("  keys_dir: keys\n"), 0,
               "  data_dir: ./run/../data\n  operator_socket: ops.sock\n  plugin_dir: /opt/hub/modules\n");
  const std::string top = dir.write("etc/hub.yaml", text);
  dir.write("etc/adapters/zmq.yaml",
            "adapters: [{name: zmq2, file: zmq, settings: {secret_key_file: ../../keys/hub.key, bind: x}},\n"
            "           {name: http, file: http, settings: {listener: {bind: \"127.0.0.1:8443\", certificate_file: "
            "tls/hub.crt}, webhooks: {court: {url: \"https://x/in\", secret_file: /etc/court.secret}}}}]\n");

  const char* previous = std::getenv("XH_DATABASE_URL");
  const std::string saved_url = previous ? previous : "";
  ::unsetenv("XH_DATABASE_URL");
  LoadResult result = load_deployment(top);
  INFO(listing(result.errors));
  REQUIRE(result.ok());
  const auto& hub = result.deployment->hub;
  CHECK(hub.data_dir == dir.path("etc/data"));
  CHECK(hub.keys_dir == dir.path("etc/keys"));
  CHECK(hub.operator_socket == dir.path("etc/ops.sock"));
  CHECK(hub.plugin_dir == "/opt/hub/modules");
  CHECK(hub.database.empty());
  CHECK(result.deployment->adapters.at(1).settings["secret_key_file"] == dir.path("keys/hub.key"));
  CHECK(result.deployment->adapters.at(1).settings["bind"] == "x");
  // "_file" keys of nested maps too; other values as they are.
  const auto& http = result.deployment->adapters.at(2).settings;
  CHECK(http["listener"]["certificate_file"] == dir.path("etc/adapters/tls/hub.crt"));
  CHECK(http["listener"]["bind"] == "127.0.0.1:8443");
  CHECK(http["webhooks"]["court"]["secret_file"] == "/etc/court.secret");
  CHECK(http["webhooks"]["court"]["url"] == "https://x/in");

  ::setenv("XH_DATABASE_URL", "host=/tmp dbname=env", 1);
  CHECK(load_deployment(top).deployment->hub.database == "host=/tmp dbname=env");
  text.replace(text.find("  keys_dir: keys\n"), 0, "  database: \"dbname=config\"\n");
  dir.write("etc/hub.yaml", text);
  CHECK(load_deployment(top).deployment->hub.database == "dbname=config");
  if (previous)
    ::setenv("XH_DATABASE_URL", saved_url.c_str(), 1);
  else
    ::unsetenv("XH_DATABASE_URL");

  // XH_DATA_DIR replaces data_dir, and with it the default operator socket's folder.
  ::setenv("XH_DATA_DIR", dir.path("elsewhere/day1").c_str(), 1);
  text.replace(text.find("  operator_socket: ops.sock\n"), std::string("  operator_socket: ops.sock\n").size(), "");
  dir.write("etc/hub.yaml", text);
  const LoadResult moved = load_deployment(top);
  ::unsetenv("XH_DATA_DIR");
  REQUIRE(moved.ok());
  CHECK(moved.deployment->hub.data_dir == dir.path("elsewhere/day1"));
  CHECK(moved.deployment->hub.operator_socket == dir.path("elsewhere/day1/run/operator.sock"));
}

TEST_CASE("columns count characters, not bytes", "[config][errors]") {
  Scenario scenario;
  const std::string text = "units:\n  - {id: pm.b, name: 乙乙乙物业, adapter: zmx}\n";
  const LoadResult result = scenario.load(text);
  const ConfigError& error = problem_at(result.errors, "units[0].adapter");
  CHECK(error.where.column == scenario.in_extra("zmx").column);
  CHECK(error.to_string() == scenario.extra + ":2:" + std::to_string(scenario.in_extra("zmx").column) +
                                 ": key 'units[0].adapter': unknown adapter 'zmx' (did you mean 'zmq'?); "
                                 "expected a name under adapters:");
}

TEST_CASE("the operators' group and modules' SHA-256 pins are read and checked", "[config][hardening]") {
  Scenario scenario;
  std::string text = scenario.top_text;
  const std::string pin(64, 'A');
  text.replace(text.find("  keys_dir: keys\n"), 0, "  operator_group: xh-operators\n");
  text.replace(text.find("{name: generic, file: generic}"), std::string("{name: generic, file: generic}").size(),
               "{name: generic, file: generic, sha256: " + pin + "}");
  scenario.top_text = text;
  scenario.dir.write("hub.yaml", text);
  LoadResult result = scenario.load("");
  INFO(listing(result.errors));
  REQUIRE(result.ok());
  CHECK(result.deployment->hub.operator_group == "xh-operators");
  CHECK(result.deployment->plugins.at(0).sha256 == std::string(64, 'a'));  // kept in lower case
  CHECK(result.deployment->adapters.at(0).sha256.empty());                 // no pin: none checked

  text.replace(text.find("xh-operators"), std::string("xh-operators").size(), "\"ops team\"");
  text.replace(text.find(pin), pin.size(), "12ab");
  scenario.top_text = text;
  scenario.dir.write("hub.yaml", text);
  result = scenario.load("");
  check_error(result, "hub.operator_group", scenario.in_top("\"ops team\""), "is not a group name");
  check_error(result, "plugins[0].sha256", scenario.in_top("12ab"), "64 hexadecimal digits (as 'sha256sum FILE' prints it)");
}

TEST_CASE("hub.credentials: the key file's default and checked values", "[config][errors][hub][credentials]") {
  TempDir dir;
  std::string text = base_config(generated_key(), "");
  const std::string defaults = dir.write("defaults.yaml", text);
  const LoadResult loaded = load_deployment(defaults);
  REQUIRE(loaded.ok());
  CHECK(loaded.deployment->hub.credentials.key_file ==
        (std::filesystem::path(loaded.deployment->hub.keys_dir) / "credentials.key").string());
  CHECK(loaded.deployment->hub.credentials.max_clock_skew_seconds == 300);

  std::string set = text;
  set.replace(set.find("  keys_dir: keys\n"), 0, "  credentials: {key_file: secret/master.key, max_clock_skew_seconds: 60}\n");
  const LoadResult custom = load_deployment(dir.write("custom.yaml", set));
  REQUIRE(custom.ok());
  CHECK(custom.deployment->hub.credentials.key_file == dir.path("secret/master.key"));
  CHECK(custom.deployment->hub.credentials.max_clock_skew_seconds == 60);

  text.replace(text.find("  keys_dir: keys\n"), 0, "  credentials:\n    key_file: \"\"\n    max_clock_skew_seconds: 5\n");
  const std::string top = dir.write("hub.yaml", text);
  const LoadResult result = load_deployment(top);
  check_error(result, "hub.credentials.key_file", position_of(top, text, "\"\""), "leave the setting out");
  check_error(result, "hub.credentials.max_clock_skew_seconds", position_of(top, text, "5", "max_clock_skew_seconds"),
              "expected an integer from 30 to 86400, found '5'");
  CHECK(result.errors.size() == 2);
}
