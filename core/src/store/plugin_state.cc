// store/plugin_state.cc: the compare-and-set write of plugins' state.
#include "store/plugin_state.h"

#include "util/time_format.h"

namespace hub::store {
namespace {

// The advisory locks' first key; the second is a hash of (plugin, case, key).
// The migrations' lock (store/migrations.cc) is a one-key lock: another space.
constexpr const char* kLockKeys =
    "SELECT pg_advisory_xact_lock(7750002, h) FROM ("
    "  SELECT DISTINCT hashtext($1 || '/' || x.case_id || '/' || x.key) AS h "
    "  FROM jsonb_to_recordset($2::jsonb) AS x(case_id bigint, key text) ORDER BY h) s";

constexpr const char* kStaleReads =
    "SELECT x.case_id, x.key FROM jsonb_to_recordset($2::jsonb) AS x(case_id bigint, key text, version bigint) "
    "LEFT JOIN plugin_state p ON p.plugin = $1 AND p.case_id = x.case_id AND p.key = x.key "
    "WHERE coalesce(p.version, 0) <> x.version ORDER BY x.case_id, x.key";

constexpr const char* kWrite =
    "INSERT INTO plugin_state (plugin, case_id, key, value, updated_at, version) "
    "SELECT $1, case_id, key, value, $3::timestamptz, 1 "
    "FROM jsonb_to_recordset($2::jsonb) AS x(case_id bigint, key text, value jsonb) "
    "ON CONFLICT (plugin, case_id, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, "
    "version = plugin_state.version + 1";

}  // namespace

Result<std::vector<std::string>> write_plugin_state(PgConnection& db, const std::string& plugin, CaseId case_id,
                                                    const HookEffects& effects, TimePoint now) {
  Json touched = Json::array(), reads = Json::array(), writes = Json::array();
  for (const auto& [key, version] : effects.case_reads) reads.push_back({{"case_id", case_id}, {"key", key}, {"version", version}});
  for (const auto& [key, version] : effects.global_reads) reads.push_back({{"case_id", 0}, {"key", key}, {"version", version}});
  for (const auto& [key, value] : effects.case_state) writes.push_back({{"case_id", case_id}, {"key", key}, {"value", value}});
  for (const auto& [key, value] : effects.global_state) writes.push_back({{"case_id", 0}, {"key", key}, {"value", value}});
  if (reads.empty() && writes.empty()) return std::vector<std::string>{};
  for (const auto& r : reads) touched.push_back({{"case_id", r["case_id"]}, {"key", r["key"]}});
  for (const auto& w : writes) touched.push_back({{"case_id", w["case_id"]}, {"key", w["key"]}});

  if (auto r = db.exec_params(kLockKeys, {plugin, touched.dump()}); !r.ok()) return r.status();
  if (!reads.empty()) {
    auto stale = db.exec_params(kStaleReads, {plugin, reads.dump()});
    if (!stale.ok()) return stale.status();
    std::vector<std::string> keys;
    for (int row = 0; row < stale->rows(); ++row) {
      const std::string key(stale->get(row, 1));
      keys.push_back(stale->get(row, 0) == "0" ? "plugin-wide '" + key + "'"
                                                : "case " + std::string(stale->get(row, 0)) + " '" + key + "'");
    }
    if (!keys.empty()) return keys;
  }
  if (!writes.empty())
    if (auto r = db.exec_params(kWrite, {plugin, writes.dump(), to_iso8601(now)}); !r.ok()) return r.status();
  return std::vector<std::string>{};
}

}  // namespace hub::store
