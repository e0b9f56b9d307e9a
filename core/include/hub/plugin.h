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
// The three after-commit hooks run under a recorded attempt: effects requested
// through HookContext (state, timers, follow-up cases) are committed together,
// only if the hook returns OK. A hook that fails is retried and finally parked.
// Hooks for one case never run concurrently.
//
// No exception may cross the library boundary: HUB_DECLARE_PLUGIN wraps every
// method so that an exception becomes a Status (or, for validate, a Problem).
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

#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hub/abi.h"
#include "hub/case.h"
#include "hub/settings.h"
#include "hub/status.h"

namespace hub {

// A case type the plugin owns. Limits are durations: "<N>h" (wall-clock hours
// from dispatch) or "<N>wd" (end of the Nth working day). Config may override.
struct CaseTypeDecl {
  std::string id;            // e.g. "registry.fee_check"
  std::string display_name;  // Chinese, shown to users
  std::string sign_limit;    // default sign limit, e.g. "4h"
  std::string resolve_limit; // default resolve limit, e.g. "5wd"
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

// What a hook may do besides returning a status. Implemented by the host;
// every effect is buffered and committed only if the hook returns OK.
// Valid only during the hook call; not thread-safe.
class HookContext {
 public:
  virtual ~HookContext() = default;
  virtual TimePoint now() const = 0;

  // Per-case state of this plugin, by key. Returns nullopt when never stored.
  virtual std::optional<Json> load(std::string_view key) = 0;
  virtual void store(std::string_view key, Json value) = 0;
  // Plugin-wide state (tables such as published prices), by key.
  virtual std::optional<Json> load_global(std::string_view key) = 0;
  virtual void store_global(std::string_view key, Json value) = 0;

  // Sets (or moves) the named timer of this case; on_timer runs once it is due.
  virtual void set_timer(std::string_view name, TimePoint due, Json data) = 0;
  virtual void cancel_timer(std::string_view name) = 0;

  // Raises a follow-up case from the hub on behalf of this plugin. `key` must be
  // unique among this case's follow-ups; retries of the hook do not duplicate.
  virtual void raise_case(std::string_view type, std::string_view key, std::string_view compound,
                          Json payload) = 0;

  // The unit holding a directory role for a compound (e.g. "servicer",
  // "subdistrict", "community", "company", "zone.cgj", "team"), or empty.
  virtual std::string resolve_role(std::string_view compound, std::string_view role) = 0;
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
  virtual Status on_accepted(HookContext&, const CaseView&) { return {}; }
  virtual Status on_reply(HookContext&, const CaseView&, const ReplyView&) { return {}; }
  virtual Status on_timer(HookContext&, const CaseView&, const TimerView&) { return {}; }
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
  Status on_accepted(HookContext& h, const CaseView& c) override {
    try { return P::on_accepted(h, c); } catch (...) { return Status::Internal("on_accepted threw: " + describe_current_exception()); }
  }
  Status on_reply(HookContext& h, const CaseView& c, const ReplyView& r) override {
    try { return P::on_reply(h, c, r); } catch (...) { return Status::Internal("on_reply threw: " + describe_current_exception()); }
  }
  Status on_timer(HookContext& h, const CaseView& c, const TimerView& t) override {
    try { return P::on_timer(h, c, t); } catch (...) { return Status::Internal("on_timer threw: " + describe_current_exception()); }
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
