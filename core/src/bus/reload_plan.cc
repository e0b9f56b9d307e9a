#include "bus/reload_plan.h"

#include <map>
#include <set>

#include <fmt/format.h>

#include "keys/key_file.h"

namespace hub::bus {
namespace {

template <class T>
std::set<std::string> ids(const std::vector<T>& items) {
  std::set<std::string> out;
  for (const auto& i : items) out.insert(i.id);
  return out;
}

std::string joined(const std::set<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

// "routes 41 (+1: r9, -1: r3)"
template <class T>
std::string counted(const char* what, const std::vector<T>& before, const std::vector<T>& after) {
  const auto a = ids(before), b = ids(after);
  std::set<std::string> added, removed;
  for (const auto& id : b)
    if (!a.count(id)) added.insert(id);
  for (const auto& id : a)
    if (!b.count(id)) removed.insert(id);
  std::string out = fmt::format("{} {}", what, after.size());
  if (added.empty() && removed.empty()) return out;
  out += " (";
  if (!added.empty()) out += fmt::format("+{}: {}", added.size(), joined(added));
  if (!removed.empty()) out += fmt::format("{}-{}: {}", added.empty() ? "" : ", ", removed.size(), joined(removed));
  return out + ")";
}

// Plugins and adapters: name, file, pin and settings, in order.
template <class T>
void compare_modules(const char* what, const std::vector<T>& a, const std::vector<T>& b, std::vector<std::string>& out) {
  if (a.size() != b.size()) {
    out.push_back(fmt::format("{}: {} configured, {} running", what, b.size(), a.size()));
    return;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].name != b[i].name || a[i].file != b[i].file)
      out.push_back(fmt::format("{}: {} ({}) instead of {} ({})", what, b[i].name, b[i].file, a[i].name, a[i].file));
    else if (a[i].sha256 != b[i].sha256)
      out.push_back(fmt::format("{} {}: sha256", what, a[i].name));
    else if (a[i].settings != b[i].settings)
      out.push_back(fmt::format("{} {}: settings", what, a[i].name));
  }
}

// A unit's keys as the reload line shows them, by fingerprint (never more of a
// key): "K8f2Lm0p…" or "K8f2Lm0p…, previous Ab3dEf9x… until 2026-12-03T18:00:00+08:00".
std::string key_state(const config::Unit& unit) {
  std::string out = unit.public_key.empty() ? "no key" : keys::fingerprint(unit.public_key);
  if (unit.previous_key)
    out += fmt::format(", previous {} until {}", keys::fingerprint(unit.previous_key->public_key),
                       unit.previous_key->valid_until_text);
  return out;
}

}  // namespace

std::string describe_key_changes(const config::Deployment& running, const config::Deployment& next) {
  std::map<std::string, std::string> before, after;
  for (const auto& u : running.units) before[u.id] = key_state(u);
  for (const auto& u : next.units) after[u.id] = key_state(u);
  std::vector<std::string> changed;
  for (const auto& [id, state] : after) {
    const auto old = before.find(id);
    if (old == before.end())
      changed.push_back(fmt::format("{} (new unit: {})", id, state));
    else if (old->second != state)
      changed.push_back(fmt::format("{} ({} -> {})", id, old->second, state));
  }
  for (const auto& [id, state] : before)
    if (!after.count(id)) changed.push_back(fmt::format("{} (unit removed: {} refused from now on)", id, state));
  if (changed.empty()) return "";
  std::string out = fmt::format("keys changed for {} unit(s): ", changed.size());
  for (std::size_t i = 0; i < changed.size(); ++i) out += (i ? "; " : "") + changed[i];
  return out;
}

std::vector<std::string> changes_needing_restart(const config::Deployment& running, const config::Deployment& next) {
  std::vector<std::string> out;
  const auto& a = running.hub;
  const auto& b = next.hub;
  auto field = [&](const char* name, bool same) {
    if (!same) out.push_back(std::string("hub.") + name);
  };
  field("id", a.id == b.id);
  field("database", a.database == b.database);
  field("data_dir", a.data_dir == b.data_dir);
  field("operator_socket", a.operator_socket == b.operator_socket);
  field("operator_group", a.operator_group == b.operator_group);
  field("plugin_dir", a.plugin_dir == b.plugin_dir);
  field("max_payload_bytes", a.max_payload_bytes == b.max_payload_bytes);
  field("limits", a.limits == b.limits);
  field("heartbeat_timeout_seconds", a.heartbeat_timeout_seconds == b.heartbeat_timeout_seconds);
  field("credentials.key_file", a.credentials.key_file == b.credentials.key_file);
  compare_modules("plugins", running.plugins, next.plugins, out);
  compare_modules("adapters", running.adapters, next.adapters, out);
  return out;
}

std::string describe_reload(const config::Deployment& running, const config::Deployment& next) {
  std::string out = fmt::format("{}, {}, {}, {}", counted("units", running.units, next.units),
                                counted("case types", running.case_types, next.case_types),
                                counted("routes", running.routes, next.routes),
                                counted("compounds", running.compounds, next.compounds));
  if (const std::string keys = describe_key_changes(running, next); !keys.empty()) out += "; " + keys;
  return out;
}

}  // namespace hub::bus
