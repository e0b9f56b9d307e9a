// plugin_host/module_loader.h: loads plugin and adapter shared libraries.
//
// The only way the hub loads code. Order of checks, before anything in the
// library is called except its version function:
//   1. the file exists; it and its folder may be written by nobody but root
//      and the hub's user, and it matches its SHA-256 pin when it has one
//      (module_file_check.h); it is a loadable shared library;
//   2. it exports hub_abi_version, and that version equals the host's;
//   3. it exports the create/destroy pair for its kind.
// Each refusal names the file and, for a version mismatch, both versions.
#pragma once

#include <memory>
#include <string>

#include <boost/dll/shared_library.hpp>

#include "hub/adapter.h"
#include "hub/plugin.h"
#include "util/result.h"

namespace hub::plugin_host {

// An object created by a module, together with the library that holds its
// code. The object is destroyed (by the module's own destroy function) before
// the library is unloaded.
template <class T>
class Loaded {
 public:
  using Destroy = void(T*) noexcept;
  Loaded(boost::dll::shared_library lib, T* object, Destroy* destroy, std::string path)
      : lib_(std::move(lib)), object_(object), destroy_(destroy), path_(std::move(path)) {}
  Loaded(Loaded&& o) noexcept
      : lib_(std::move(o.lib_)), object_(std::exchange(o.object_, nullptr)), destroy_(o.destroy_), path_(std::move(o.path_)) {}
  Loaded& operator=(Loaded&&) = delete;
  Loaded(const Loaded&) = delete;
  ~Loaded() {
    if (object_) destroy_(object_);
  }

  T& operator*() const { return *object_; }
  T* operator->() const { return object_; }
  const std::string& path() const { return path_; }

 private:
  boost::dll::shared_library lib_;
  T* object_;
  Destroy* destroy_;
  std::string path_;
};

// `file` is a path, or a bare name looked up as <module_dir>/<name>.so.
std::string resolve_module_path(const std::string& file, const std::string& module_dir);

// `sha256`: the file's pin (64 lower-case hex digits), or empty for none.
Result<std::unique_ptr<Loaded<Plugin>>> load_plugin(const std::string& path, const std::string& sha256 = {});
Result<std::unique_ptr<Loaded<Adapter>>> load_adapter(const std::string& path, const std::string& sha256 = {});

}  // namespace hub::plugin_host
