#include "plugin_host/plugin_set.h"

#include <spdlog/spdlog.h>

#include "plugin_host/settings_check.h"

namespace hub::plugin_host {

Result<std::unique_ptr<PluginSet>> PluginSet::load(const std::vector<config::PluginConfig>& configs,
                                                   const std::string& module_dir) {
  auto set = std::make_unique<PluginSet>();
  for (const auto& c : configs) {
    const std::string where = c.where.file + ":" + std::to_string(c.where.line) + ": plugin " + c.name + ": ";
    const std::string path = resolve_module_path(c.file, module_dir);
    auto loaded = load_plugin(path, c.sha256);
    if (!loaded.ok()) return Status(loaded.status().code(), where + loaded.status().message());
    Entry e;
    e.info = (*loaded)->operator*().info();
    if (e.info.name != c.name)
      return Status::InvalidArgument(where + "the file " + path + " holds plugin '" + e.info.name +
                                     "', not '" + c.name + "': check 'file'");
    auto settings = check_settings(e.info.settings, c.settings, "plugin " + c.name);
    if (!settings.ok()) return Status(settings.status().code(), where + settings.status().message());
    Plugin& p = **loaded.value();
    if (Status s = p.configure(*settings); !s.ok())
      return Status(s.code(), where + "refused its settings: " + s.message());
    e.types = p.case_types();
    e.loaded = std::move(loaded.value());
    spdlog::info("plugin {} {} loaded from {} ({} case types)", c.name, e.info.version, path, e.types.size());
    set->plugins_.emplace(c.name, std::move(e));
  }
  return set;
}

Plugin* PluginSet::plugin(const std::string& name) const {
  auto it = plugins_.find(name);
  return it == plugins_.end() ? nullptr : &**it->second.loaded;
}

bool PluginSet::has_hooks(const std::string& name) const {
  auto it = plugins_.find(name);
  return it != plugins_.end() && it->second.info.has_hooks;
}

const CaseTypeDecl* PluginSet::case_type(const std::string& name, const std::string& type) const {
  auto it = plugins_.find(name);
  if (it == plugins_.end()) return nullptr;
  for (const auto& t : it->second.types)
    if (t.id == type) return &t;
  return nullptr;
}

std::string PluginSet::declared_types(const std::string& name) const {
  auto it = plugins_.find(name);
  if (it == plugins_.end()) return "plugin not loaded";
  std::string out;
  for (const auto& t : it->second.types) out += (out.empty() ? "" : ", ") + t.id;
  return out.empty() ? "none" : out;
}

}  // namespace hub::plugin_host
