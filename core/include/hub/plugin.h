// hub/plugin.h: the interface a member-unit plugin implements.
//
// A plugin owns case types. The host loads it (a shared library), checks its ABI
// version, reads its static description, validates and passes its settings,
// then calls its hooks:
//   validate      before commit; pure; a non-empty result rejects the case and
//                 the sender gets every problem listed. Called concurrently from
//                 several threads: it must not touch shared mutable state.
//   on_accepted   after the case and its deliveries are committed;
//   on_reply      after a reply to one of the plugin's cases is committed;
//   on_timer      when a timer the plugin set for a case is due.
// The three after-commit hooks run under a recorded attempt and answer a
// HookResult (hub/hook_result.h): Ok commits the effects requested through
// HookContext (state, timers, follow-up cases) together; Retry runs the hook
// again later without counting a failure; Error counts a failed attempt and is
// parked at the fifth. Hooks for one case never run concurrently; hooks of
// different cases may (on several hubs sharing one database), and the state
// contract of HookContext keeps their plugin-wide updates from overwriting each
// other. A hook may run more than once for one event (a retry, a lost race, a
// hub stopped mid-way): it acts only through HookContext, whose effects commit
// once.
//
// No exception may cross the library boundary: HUB_DECLARE_PLUGIN wraps every
// method so that an exception becomes a Status, a HookResult::Error or, for
// validate, a Problem.
//
// A complete minimal plugin:
//
//   #include <hub/plugin.h>
//   class Echo : public hub::Plugin {
//    public:
//     hub::PluginInfo info() const override { return {"echo", "1.0", "echoes", {}, false}; }
//     hub::Status configure(const hub::Json&) override { return {}; }
//     std::vector<hub::CaseTypeDecl> case_types() const override {
//       return {{"echo.ping", "回声测试", "2h", "1wd"}};
//     }
//     hub::Problems validate(const hub::CaseView& c) const override {
//       if (!c.payload.contains("text")) return {{"/text", "required"}};
//       return {};
//     }
//   };
//   HUB_DECLARE_PLUGIN(Echo)
#pragma once

#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hub/abi.h"
#include "hub/case.h"
#include "hub/hook_result.h"
#include "hub/payload.h"
#include "hub/settings.h"
#include "hub/status.h"

namespace hub {

// What files the cases of a type, and the replies to them, may carry
// (docs/PROTOCOL.md, "Attachments"). The hub checks every message against it
// before the plugin's validate() sees the message; config may override it
// (case_types.<id>.attachments).
struct AttachmentRule {
  int max_files = 10;                                 // in one case or reply; 0: none
  std::int64_t max_file_bytes = std::int64_t{20} << 20;  // of one file
  // Media types accepted, of those the hub recognises by their bytes
  // (docs/PROTOCOL.md lists them); empty: none.
  std::vector<std::string> media_types{"image/jpeg", "image/png", "application/pdf", "application/ofd"};
};

// A final reply's outcome, as `hubctl types` and the docs show it.
struct OutcomeDecl {
  std::string id;            // on the wire, e.g. "done"
  std::string display_name;  // Chinese, e.g. "已办结"
  std::string help{};        // one line: when to use it
};

// A case type the plugin owns, as data. Limits are durations: "<N>h"
// (wall-clock hours from dispatch) or "<N>wd" (end of the Nth working day).
// Config may override them. `fields` document the payload; validate() checks
// them (hub::check_fields) and adds the type's own rules.
struct CaseTypeDecl {
  std::string id;            // e.g. "registry.fee_check"
  std::string display_name;  // Chinese, shown to users
  std::string sign_limit;    // default sign limit, e.g. "4h"
  std::string resolve_limit; // default resolve limit, e.g. "5wd"
  std::vector<FieldDecl> fields;
  // True: the case's deliveries wait until on_accepted has run, and go out
  // with the annex it attached (HookContext::attach), e.g. a complaint with
  // the compound's published prices. While on_accepted answers Retry they
  // keep waiting; if it is parked they go without.
  bool enriched = false;
  // What the receivers answer: the outcomes a final reply may name (empty:
  // any), and the fields of a reply's body. Documentation for units' IT staff
  // (`hubctl types`, docs/CASE_TYPES.md); validate_reply() enforces them.
  std::vector<OutcomeDecl> outcomes{};
  std::vector<FieldDecl> reply_fields{};
  AttachmentRule attachments{};
};

// A case a hook raises. With `to` and `cc` empty the deployment's routes decide
// who receives it, as for a unit's case; otherwise exactly these units do
// (`to` with deadlines, `cc` as notices). The hub is its originator
// ("plugin:<name>"), so replies to it reach the plugin's on_reply only.
struct FollowUpCase {
  std::string type;
  std::string key;       // unique among this hook call's follow-ups; a retried hook does not duplicate
  std::string compound;  // may be empty
  Json payload = Json::object();
  std::vector<std::string> to;
  std::vector<std::string> cc;
};

struct PluginInfo {
  std::string name;     // matches the plugin's name in config
  std::string version;  // the plugin's own version, for logs
  std::string summary;  // one line
  std::vector<SettingDecl> settings;
  // True when on_accepted, on_reply or on_timer do work. False lets the hub
  // skip storing a hook task for every case.
  bool has_hooks = false;
};

// What a hook may do besides answering. Implemented by the host; every effect
// is buffered and committed only if the hook answers Ok.
// Valid only during the hook call; not thread-safe.
//
// State is compare-and-set: the effects commit only if every value the hook
// loaded (load or load_global, present or absent) is still the stored one at
// commit. If another hook (on another hub) changed one in between, the hub
// discards the effects and runs the hook again on the new values; that rerun is
// neither a failure nor a retry of the plugin's. So a read-modify-write of a
// plugin-wide record (load_global, change, store_global) never loses a
// concurrent update. A value stored without being loaded in the same call is
// written as given (last writer wins).
class HookContext {
 public:
  virtual ~HookContext() = default;
  virtual TimePoint now() const = 0;

  // Per-case state of this plugin, by key. Returns nullopt when never stored.
  // A key stored earlier in the same call reads back the stored value.
  virtual std::optional<Json> load(std::string_view key) = 0;
  virtual void store(std::string_view key, Json value) = 0;
  // Plugin-wide state (tables such as published prices, records several cases
  // update), by key; same rules as load/store.
  virtual std::optional<Json> load_global(std::string_view key) = 0;
  virtual void store_global(std::string_view key, Json value) = 0;

  // Sets (or moves) the named timer of this case; on_timer runs once it is due.
  virtual void set_timer(std::string_view name, TimePoint due, Json data) = 0;
  virtual void cancel_timer(std::string_view name) = 0;

  // Adds `value` under `key` to the case's annex, which every delivery of the
  // case carries beside the payload. Only in on_accepted of a case type
  // declared `enriched`; elsewhere ignored.
  virtual void attach(std::string_view key, Json value) = 0;

  // Raises a follow-up case, committed with the hook's other effects.
  virtual void raise(FollowUpCase follow_up) = 0;
  // Shorthand: a routed follow-up.
  void raise_case(std::string_view type, std::string_view key, std::string_view compound, Json payload) {
    raise({std::string(type), std::string(key), std::string(compound), std::move(payload), {}, {}});
  }

  // The unit holding a directory role for a compound (e.g. "servicer",
  // "subdistrict", "community", "company", "custodian", "zone.cgj", "team";
  // "zone" gives the zone id), or empty.
  virtual std::string resolve_role(std::string_view compound, std::string_view role) = 0;
  // The compound's directory entry, overrides applied: {"id", "name",
  // "community", "zone", "subdistrict", "class", "company", "custodian",
  // "team", "servicer"}; nullopt for an unknown compound.
  virtual std::optional<Json> compound_info(std::string_view compound) = 0;
  // A dated change of the directory: from `effective_from` the compound's
  // `field` ("company" or "custodian") is `unit` ("" clears it). Stored with the
  // hook's effects, it survives restarts and reloads; routes see it once it is
  // effective.
  virtual void change_directory(std::string_view compound, std::string_view field, std::string_view unit,
                                TimePoint effective_from) = 0;
};

class Plugin {
 public:
  virtual ~Plugin() = default;
  // Static description; callable before configure.
  virtual PluginInfo info() const = 0;
  // Receives settings already checked against info().settings, defaults filled.
  virtual Status configure(const Json& settings) = 0;
  // The case types this plugin owns; called after configure.
  virtual std::vector<CaseTypeDecl> case_types() const = 0;
  virtual Problems validate(const CaseView& c) const = 0;
  // Checks a receiver's reply to a case of `case_type` before it is stored; a
  // non-empty result refuses it with every problem listed. Pure, concurrent.
  virtual Problems validate_reply(const std::string& /*case_type*/, const ReplyView& /*reply*/) const { return {}; }
  // After-commit hooks; see hub/hook_result.h for what each answer does.
  virtual HookResult on_accepted(HookContext&, const CaseView&) { return HookResult::Ok(); }
  virtual HookResult on_reply(HookContext&, const CaseView&, const ReplyView&) { return HookResult::Ok(); }
  virtual HookResult on_timer(HookContext&, const CaseView&, const TimerView&) { return HookResult::Ok(); }
};

namespace detail {

inline std::string describe_current_exception() {
  try {
    throw;
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "unknown exception";
  }
}

// Compiled inside the plugin: catches everything the plugin throws.
template <class P>
class GuardedPlugin final : public P {
 public:
  PluginInfo info() const override {
    try { return P::info(); } catch (...) { return {"", "", "info() threw: " + describe_current_exception(), {}, false}; }
  }
  Status configure(const Json& s) override {
    try { return P::configure(s); } catch (...) { return Status::InvalidArgument("configure threw: " + describe_current_exception()); }
  }
  std::vector<CaseTypeDecl> case_types() const override {
    try { return P::case_types(); } catch (...) { return {}; }
  }
  Problems validate(const CaseView& c) const override {
    try { return P::validate(c); } catch (...) { return {{"", "validation failed inside the plugin: " + describe_current_exception()}}; }
  }
  Problems validate_reply(const std::string& t, const ReplyView& r) const override {
    try { return P::validate_reply(t, r); } catch (...) { return {{"", "reply validation failed inside the plugin: " + describe_current_exception()}}; }
  }
  HookResult on_accepted(HookContext& h, const CaseView& c) override {
    try { return P::on_accepted(h, c); } catch (...) { return HookResult::Error("on_accepted threw: " + describe_current_exception()); }
  }
  HookResult on_reply(HookContext& h, const CaseView& c, const ReplyView& r) override {
    try { return P::on_reply(h, c, r); } catch (...) { return HookResult::Error("on_reply threw: " + describe_current_exception()); }
  }
  HookResult on_timer(HookContext& h, const CaseView& c, const TimerView& t) override {
    try { return P::on_timer(h, c, t); } catch (...) { return HookResult::Error("on_timer threw: " + describe_current_exception()); }
  }
};

}  // namespace detail
}  // namespace hub

// Exports the three symbols the host looks for. Use once per plugin library.
#define HUB_DECLARE_PLUGIN(PluginClass)                                                   \
  extern "C" HUB_EXPORT const char* hub_abi_version() noexcept { return ::hub::kAbiVersion; } \
  extern "C" HUB_EXPORT ::hub::Plugin* hub_create_plugin() noexcept {                     \
    try {                                                                                  \
      return new ::hub::detail::GuardedPlugin<PluginClass>();                              \
    } catch (...) {                                                                        \
      return nullptr;                                                                      \
    }                                                                                      \
  }                                                                                        \
  extern "C" HUB_EXPORT void hub_destroy_plugin(::hub::Plugin* p) noexcept { delete p; }
