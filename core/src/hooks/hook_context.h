// hooks/hook_context.h: the host side of hub::HookContext for one hook call.
//
// Reads go to the store (seeing this call's own buffered writes first) and
// record the version they found; writes are buffered in store::HookEffects and
// applied by the runner only when the hook answers Ok and every version read is
// still current (store/plugin_state.h). Valid during one hook call; one thread.
#pragma once

#include "config/directory.h"
#include "hub/plugin.h"
#include "store/hook_effects.h"
#include "store/pg.h"

namespace hub::hooks {

class HookContextImpl final : public HookContext {
 public:
  HookContextImpl(store::PgConnection& db, std::string plugin, CaseId case_id, TimePoint now,
                  const Directory& directory)
      : db_(db), plugin_(std::move(plugin)), case_id_(case_id), now_(now), directory_(directory) {}

  TimePoint now() const override { return now_; }
  std::optional<Json> load(std::string_view key) override {
    return read(effects_.case_state, effects_.case_reads, case_id_, key);
  }
  void store(std::string_view key, Json value) override { effects_.case_state[std::string(key)] = std::move(value); }
  std::optional<Json> load_global(std::string_view key) override {
    return read(effects_.global_state, effects_.global_reads, 0, key);
  }
  void store_global(std::string_view key, Json value) override {
    effects_.global_state[std::string(key)] = std::move(value);
  }
  void set_timer(std::string_view name, TimePoint due, Json data) override {
    effects_.timers.push_back({std::string(name), due, std::move(data)});
  }
  void cancel_timer(std::string_view name) override { effects_.timers.push_back({std::string(name), std::nullopt, {}}); }
  void attach(std::string_view key, Json value) override { effects_.annex[std::string(key)] = std::move(value); }
  void raise(FollowUpCase follow_up) override { effects_.follow_ups.push_back(std::move(follow_up)); }
  std::string resolve_role(std::string_view compound, std::string_view role) override {
    return directory_.resolve(compound, role);
  }
  std::optional<Json> compound_info(std::string_view compound) override {
    Json info = directory_.describe(compound);
    if (info.is_null()) return std::nullopt;
    return info;
  }
  void change_directory(std::string_view compound, std::string_view field, std::string_view unit,
                        TimePoint effective_from) override {
    effects_.directory_changes.push_back(
        {std::string(compound), std::string(field), std::string(unit), effective_from});
  }

  store::HookEffects& effects() { return effects_; }
  // The first store error a read met, if any (the hook is then retried).
  const Status& read_error() const { return read_error_; }

 private:
  std::optional<Json> read(const std::map<std::string, Json>& buffered, std::map<std::string, std::int64_t>& versions,
                           CaseId scope, std::string_view key);

  store::PgConnection& db_;
  const std::string plugin_;
  const CaseId case_id_;
  const TimePoint now_;
  const Directory& directory_;
  store::HookEffects effects_;
  Status read_error_;
};

}  // namespace hub::hooks
