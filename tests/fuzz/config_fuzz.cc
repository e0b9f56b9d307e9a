// A deployment file of any content: the loader reports problems (with file,
// line, column and key) or loads it, never crashes, and never leaves a loaded
// deployment that breaks the catalog's invariants (every reference resolves).
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>

#include "config/directory.h"
#include "config/loader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string path = [] {
    std::string dir = "/tmp/xh-fuzz-config-XXXXXX";
    if (::mkdtemp(dir.data()) == nullptr) std::abort();
    return dir + "/hub.yaml";
  }();
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  auto loaded = hub::config::load_deployment(path);
  for (const auto& e : loaded.errors) (void)e.to_string();
  if (loaded.ok()) hub::Directory directory(*loaded.deployment);  // REQUIRES a deployment that loaded
  return 0;
}
