// plugins/testing/reply_contract.h: checks, in a plugin's unit tests, that what
// a case type declares about replies (CaseTypeDecl::outcomes and ::reply_fields,
// which `hubctl types` and the docs show to units) is what the plugin's
// validate_reply accepts. Header-only, for Catch2 test files.
//
// A type that restricts its final replies is checked against examples, one per
// declared outcome: a body validate_reply accepts and the pointers that outcome
// cannot do without. Then:
//   - the declared outcome ids are exactly the examples' outcomes, each named
//     once, with a display name and a help line;
//   - every declared reply field is a pointer into the body, named once, with help;
//   - every example passes validate_reply, and its body agrees with the declared
//     reply fields (check_fields: types, and the fields declared required);
//   - a field declared required is needed by every example (when its parent is there);
//   - each needed pointer is a declared reply field, and the example without it
//     is refused with a problem at that pointer;
//   - an outcome not declared ("done", "refused", a made-up one) is refused with
//     a problem at "" (the reply as a whole).
// Fields needed only by some outcomes are declared optional, their help naming
// the outcomes that need them: check_fields(reply_fields, body) must hold for
// every reply the plugin accepts.
//
// A type whose replies the plugin does not check declares no outcomes (any) and
// no reply fields; check_free_replies proves that any reply passes.
#pragma once

#include <set>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "hub/plugin.h"
#include "plugin_host/module_loader.h"
#include "plugin_host/settings_check.h"

namespace hub::plugin_testing {

// A reply validate_reply accepts, and the body fields it cannot do without.
struct ReplyExample {
  std::string outcome;  // a declared outcome (final reply); "" for a progress reply
  Json body;
  std::vector<std::string> needs{};  // pointers into body; each one left out is refused at it
};

// The case type `id` as the plugin declares it; fails the test when it is not declared.
inline CaseTypeDecl declared_type(const Plugin& plugin, const std::string& id) {
  for (auto& t : plugin.case_types())
    if (t.id == id) return t;
  FAIL("case type " << id << " is not declared");
  return {};
}

// "pointer: reason" per problem, one per line, for messages.
inline std::string listing(const Problems& problems) {
  std::string out;
  for (const auto& p : problems) out += "'" + p.pointer + "': " + p.reason + "\n";
  return out.empty() ? "(no problems)" : out;
}

inline bool has_problem_at(const Problems& problems, const std::string& pointer) {
  for (const auto& p : problems)
    if (p.pointer == pointer) return true;
  return false;
}

// `body` without the member `pointer` names.
inline Json without(Json body, const std::string& pointer) {
  const Json::json_pointer p{pointer};
  body.at(p.parent_pointer()).erase(p.back());
  return body;
}

namespace reply_contract_detail {

inline void check_example(const Plugin& plugin, const CaseTypeDecl& decl, const std::string& from, bool final,
                          const ReplyExample& e) {
  INFO("case type " << decl.id << ", " << (final ? "final reply, outcome " + e.outcome : std::string("progress reply"))
                    << ", body " << e.body.dump());
  auto check = [&](const Json& body) { return plugin.validate_reply(decl.id, {1, 1, from, final, e.outcome, body}); };
  const Problems accepted = check(e.body);
  INFO(listing(accepted));
  CHECK(accepted.empty());
  const Problems against_declaration = check_fields(decl.reply_fields, e.body);
  INFO("against the declared reply fields: " << listing(against_declaration));
  CHECK(against_declaration.empty());

  std::set<std::string> declared, needs(e.needs.begin(), e.needs.end());
  for (const auto& f : decl.reply_fields) {
    declared.insert(f.pointer);
    if (f.required && payload_detail::parent_present(e.body, f.pointer)) {
      INFO("declared required: " << f.pointer);
      CHECK(needs.count(f.pointer) == 1);
    }
  }
  for (const auto& pointer : e.needs) {
    INFO("left out: " << pointer);
    CHECK(declared.count(pointer) == 1);
    REQUIRE(payload_detail::find(e.body, pointer) != nullptr);
    const Problems refused = check(without(e.body, pointer));
    INFO(listing(refused));
    CHECK(has_problem_at(refused, pointer));
  }
}

}  // namespace reply_contract_detail

// Checks the declarations of `type`, whose final replies the plugin restricts,
// against one example per declared outcome (the replies come from `from`).
inline void check_reply_contract(const Plugin& plugin, const std::string& type, const std::string& from,
                                 const std::vector<ReplyExample>& examples) {
  const CaseTypeDecl decl = declared_type(plugin, type);
  INFO("case type " << type);
  std::set<std::string> declared, exemplified;
  for (const auto& o : decl.outcomes) {
    INFO("outcome " << o.id);
    CHECK(declared.insert(o.id).second);
    CHECK_FALSE(o.id.empty());
    CHECK_FALSE(o.display_name.empty());
    CHECK_FALSE(o.help.empty());
  }
  for (const auto& e : examples) exemplified.insert(e.outcome);
  CHECK(declared == exemplified);
  CHECK_FALSE(declared.empty());

  std::set<std::string> fields;
  for (const auto& f : decl.reply_fields) {
    INFO("reply field " << f.pointer);
    CHECK(f.pointer.starts_with("/"));
    CHECK(fields.insert(f.pointer).second);
    CHECK_FALSE(f.help.empty());
  }

  for (const auto& e : examples) reply_contract_detail::check_example(plugin, decl, from, true, e);

  const Json body = examples.empty() ? Json::object() : examples.front().body;
  for (const char* other : {"done", "refused", "no_such_outcome"}) {
    if (declared.count(other) != 0) continue;
    INFO("undeclared outcome " << other);
    const Problems refused = plugin.validate_reply(type, {1, 1, from, true, other, body});
    INFO(listing(refused));
    CHECK(has_problem_at(refused, ""));
  }
}

// Checks progress replies (final: false) of `type` against the same declared
// reply fields: each example passes, and each pointer it needs is refused when
// left out.
inline void check_progress_examples(const Plugin& plugin, const std::string& type, const std::string& from,
                                    const std::vector<ReplyExample>& examples) {
  const CaseTypeDecl decl = declared_type(plugin, type);
  for (const auto& e : examples) reply_contract_detail::check_example(plugin, decl, from, false, e);
}

// A type whose replies the plugin does not check: it declares no outcomes (any
// outcome goes) and no reply fields, and any reply passes.
inline void check_free_replies(const Plugin& plugin, const std::string& type, const std::string& from) {
  const CaseTypeDecl decl = declared_type(plugin, type);
  INFO("case type " << type);
  CHECK(decl.outcomes.empty());
  CHECK(decl.reply_fields.empty());
  const Json body = {{"note", "已阅"}, {"reason", 5}, {"reasons", "none"}, {"amount_yuan", "x"}};
  for (const char* outcome : {"done", "refused", "approved", "another_agreed_outcome"}) {
    INFO("outcome " << outcome);
    CHECK(plugin.validate_reply(type, {1, 1, from, true, outcome, body}).empty());
    CHECK(plugin.validate_reply(type, {1, 1, from, true, outcome, Json::object()}).empty());
  }
  CHECK(plugin.validate_reply(type, {1, 1, from, false, "", body}).empty());
}

// Loads the module at `path` as the host does (its ABI checked, its settings'
// defaults filled), configures it, and runs `check` on it: what crosses the
// library boundary is what the plugin declared.
template <class Check>
void check_loaded_module(const char* path, const std::string& name, Check check) {
  auto loaded = plugin_host::load_plugin(path);
  REQUIRE(loaded.ok());
  Plugin& plugin = ***loaded;
  auto defaults = plugin_host::check_settings(plugin.info().settings, Json::object(), "plugin " + name);
  REQUIRE(defaults.ok());
  REQUIRE(plugin.configure(*defaults).ok());
  check(plugin);
}

}  // namespace hub::plugin_testing
