// plugin_host/settings_check.h: checks a module's settings against the
// declarations the module made (hub/settings.h).
#pragma once

#include <string>
#include <vector>

#include "hub/settings.h"
#include "util/result.h"

namespace hub::plugin_host {

// Returns the settings with defaults filled in, or one InvalidArgument listing
// every problem (unknown key with the allowed ones, wrong type, missing required
// value). `owner` names the module in messages, e.g. "plugin generic".
Result<nlohmann::json> check_settings(const std::vector<SettingDecl>& decls, const nlohmann::json& given,
                                      const std::string& owner);

}  // namespace hub::plugin_host
