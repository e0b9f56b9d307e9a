// plugin_host/plugin_set.h: the plugins of a deployment, loaded and configured.
//
// Owns the libraries; every Plugin* it hands out lives as long as the set.
// Loading order: file → ABI check → settings checked against the plugin's
// declarations → configure. Any failure refuses the whole set with messages
// naming the plugin, its config location and the file.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "config/model.h"
#include "plugin_host/module_loader.h"

namespace hub::plugin_host {

class PluginSet {
 public:
  static Result<std::unique_ptr<PluginSet>> load(const std::vector<config::PluginConfig>& configs,
                                                 const std::string& module_dir);

  Plugin* plugin(const std::string& name) const;
  bool has_hooks(const std::string& name) const;
  // The declaration of `type` by plugin `name`, or null.
  const CaseTypeDecl* case_type(const std::string& name, const std::string& type) const;
  // "a, b, c": the types plugin `name` declares, for messages.
  std::string declared_types(const std::string& name) const;

 private:
  struct Entry {
    std::unique_ptr<Loaded<Plugin>> loaded;
    PluginInfo info;
    std::vector<CaseTypeDecl> types;
  };
  std::map<std::string, Entry> plugins_;
};

}  // namespace hub::plugin_host
