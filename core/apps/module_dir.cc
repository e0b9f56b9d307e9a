#include "module_dir.h"

#include <filesystem>
#include <system_error>

namespace hub::apps {

std::string find_module_dir(const std::string& option, const std::string& configured, const char* argv0) {
  if (!option.empty()) return option;
  if (!configured.empty()) return configured;
  std::error_code ec;
  auto exe = std::filesystem::canonical("/proc/self/exe", ec);
  if (ec) exe = std::filesystem::absolute(argv0);
  const auto beside = exe.parent_path().parent_path() / "modules";
  if (std::filesystem::is_directory(beside, ec)) return beside.string();
  return "/usr/lib/xinhui-hub/modules";
}

}  // namespace hub::apps
