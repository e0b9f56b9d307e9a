#include "plugin_host/module_loader.h"

#include <cstring>
#include <filesystem>

#include "plugin_host/module_file_check.h"

namespace hub::plugin_host {
namespace {

using VersionFn = const char*() noexcept;

// Opens the library and checks its ABI version. Calls nothing else in it.
Result<boost::dll::shared_library> open_checked(const std::string& path, const std::string& sha256, const char* kind) {
  std::error_code fs_error;
  if (!std::filesystem::exists(path, fs_error))
    return Status::NotFound(std::string(kind) + " file " + path +
                            " does not exist: check 'file' in the config and that the module was built or installed");
  if (Status s = check_module_file(path, sha256, kind); !s.ok()) return s;
  boost::dll::shared_library lib;
  boost::system::error_code ec;
  lib.load(path, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local, ec);
  if (ec)
    return Status::InvalidArgument(std::string(kind) + " file " + path + " cannot be loaded (" + ec.message() +
                                   "): it is not a shared library built for this hub, or it is corrupt; rebuild it");
  if (!lib.has("hub_abi_version"))
    return Status::InvalidArgument(std::string(kind) + " file " + path +
                                   " does not export hub_abi_version: it is not a hub module (expected ABI version " +
                                   kAbiVersion + ", found none); declare it with HUB_DECLARE_PLUGIN or HUB_DECLARE_ADAPTER");
  const char* found = lib.get<VersionFn>("hub_abi_version")();
  if (found == nullptr || std::strcmp(found, kAbiVersion) != 0)
    return Status::InvalidArgument(std::string(kind) + " file " + path + " was built for ABI version " +
                                   (found ? found : "(null)") + ", this hub expects " + kAbiVersion +
                                   ": rebuild the module against this hub's SDK");
  return lib;
}

template <class T>
Result<std::unique_ptr<Loaded<T>>> load(const std::string& path, const std::string& sha256, const char* kind,
                                        const char* create_symbol, const char* destroy_symbol) {
  auto lib = open_checked(path, sha256, kind);
  if (!lib.ok()) return lib.status();
  for (const char* symbol : {create_symbol, destroy_symbol})
    if (!lib->has(symbol))
      return Status::InvalidArgument(std::string(kind) + " file " + path + " does not export " + symbol +
                                     ": is it a " + kind + "? (ABI version " + kAbiVersion + " matches)");
  auto* create = &lib->template get<T*() noexcept>(create_symbol);
  auto* destroy = &lib->template get<void(T*) noexcept>(destroy_symbol);
  T* object = create();
  if (object == nullptr)
    return Status::Internal(std::string(kind) + " file " + path + ": " + create_symbol + " returned no object");
  return std::make_unique<Loaded<T>>(std::move(lib.value()), object, destroy, path);
}

}  // namespace

std::string resolve_module_path(const std::string& file, const std::string& module_dir) {
  if (file.find('/') != std::string::npos) return file;
  return (std::filesystem::path(module_dir) / (file + ".so")).string();
}

Result<std::unique_ptr<Loaded<Plugin>>> load_plugin(const std::string& path, const std::string& sha256) {
  return load<Plugin>(path, sha256, "plugin", "hub_create_plugin", "hub_destroy_plugin");
}

Result<std::unique_ptr<Loaded<Adapter>>> load_adapter(const std::string& path, const std::string& sha256) {
  return load<Adapter>(path, sha256, "adapter", "hub_create_adapter", "hub_destroy_adapter");
}

}  // namespace hub::plugin_host
