// plugins/testing/recording_context.h: an in-memory HookContext for plugins'
// unit tests, which test a plugin's logic without loading its library or a
// database. It records what a hook asked for (state, timers, follow-ups,
// annex, directory changes) so tests can assert on it, and keeps state across
// hook calls like the hub's store does (per case and plugin-wide).
//
// It is a test double of the SDK interface only; the real store, sockets and
// hub are exercised by each plugin's module and end-to-end tests.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "hub/plugin.h"

namespace hub::plugin_testing {

struct RecordedTimer {
  TimePoint due;
  Json data;
};

struct RecordedDirectoryChange {
  std::string compound, field, unit;
  TimePoint effective_from;
};

class RecordingContext final : public HookContext {
 public:
  // The case the next hook call is about (per-case state and timers are keyed by it).
  CaseId current_case = 1;
  TimePoint clock{};
  // compound id → directory entry as HookContext::compound_info returns it.
  std::map<std::string, Json> compounds;

  // What hooks asked for, in order; tests may clear them between calls.
  std::vector<FollowUpCase> raised;
  Json annex = Json::object();
  std::vector<RecordedDirectoryChange> directory_changes;

  TimePoint now() const override { return clock; }
  std::optional<Json> load(std::string_view key) override { return find(case_state_[current_case], key); }
  void store(std::string_view key, Json value) override { case_state_[current_case][std::string(key)] = std::move(value); }
  std::optional<Json> load_global(std::string_view key) override { return find(global_state_, key); }
  void store_global(std::string_view key, Json value) override { global_state_[std::string(key)] = std::move(value); }
  void set_timer(std::string_view name, TimePoint due, Json data) override {
    timers_[current_case][std::string(name)] = {due, std::move(data)};
  }
  void cancel_timer(std::string_view name) override { timers_[current_case].erase(std::string(name)); }
  void attach(std::string_view key, Json value) override { annex[std::string(key)] = std::move(value); }
  void raise(FollowUpCase follow_up) override { raised.push_back(std::move(follow_up)); }
  std::string resolve_role(std::string_view compound, std::string_view role) override {
    auto it = compounds.find(std::string(compound));
    if (it == compounds.end()) return {};
    std::string key(role);
    for (auto& ch : key)
      if (ch == '.') ch = '_';
    return it->second.value(key, std::string());
  }
  std::optional<Json> compound_info(std::string_view compound) override {
    auto it = compounds.find(std::string(compound));
    if (it == compounds.end()) return std::nullopt;
    return it->second;
  }
  void change_directory(std::string_view compound, std::string_view field, std::string_view unit,
                        TimePoint effective_from) override {
    directory_changes.push_back({std::string(compound), std::string(field), std::string(unit), effective_from});
  }

  // The timer `name` of the current case, if set.
  std::optional<RecordedTimer> timer(std::string_view name) const {
    auto c = timers_.find(current_case);
    if (c == timers_.end()) return std::nullopt;
    auto t = c->second.find(std::string(name));
    if (t == c->second.end()) return std::nullopt;
    return t->second;
  }
  // Follow-ups raised of `type`.
  std::vector<FollowUpCase> raised_of(std::string_view type) const {
    std::vector<FollowUpCase> out;
    for (const auto& f : raised)
      if (f.type == type) out.push_back(f);
    return out;
  }

 private:
  static std::optional<Json> find(const std::map<std::string, Json>& m, std::string_view key) {
    auto it = m.find(std::string(key));
    if (it == m.end()) return std::nullopt;
    return it->second;
  }
  std::map<CaseId, std::map<std::string, Json>> case_state_;
  std::map<std::string, Json> global_state_;
  std::map<CaseId, std::map<std::string, RecordedTimer>> timers_;
};

// A directory entry for tests, shaped like HookContext::compound_info's.
inline Json compound_entry(const std::string& id, const std::string& klass, const std::string& company,
                           const std::string& subdistrict, const std::string& community = "community.test",
                           const std::string& zone_group = "zg.zone01") {
  return {{"id", id},           {"name", id},
          {"community", community}, {"zone", "zone01"},
          {"subdistrict", subdistrict}, {"zone_cgj", "cgj.zone01"},
          {"zone_group", zone_group},   {"class", klass},
          {"company", company},         {"custodian", ""},
          {"team", "team." + id},       {"servicer", company.empty() ? community : company},
          {"committee", "oc." + id}};
}

}  // namespace hub::plugin_testing
