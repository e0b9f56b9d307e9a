// apps/module_dir.h: where hubd and hubctl find plugin and adapter modules.
#pragma once

#include <string>

namespace hub::apps {

// `option` (--module-dir) when given, else `configured` (hub.plugin_dir), else
// the "modules" folder beside the binary's own folder (a build tree), else
// /usr/lib/xinhui-hub/modules.
std::string find_module_dir(const std::string& option, const std::string& configured, const char* argv0);

}  // namespace hub::apps
