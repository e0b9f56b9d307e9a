#include "plugin_host/module_file_check.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <sodium.h>

#include "util/file_mode.h"

namespace hub::plugin_host {
namespace {

// Refuses `path` (the module, or its folder) when someone other than root and
// the hub's user could change it.
Status check_writers(const std::string& path, const char* what, const std::string& module, const char* kind) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return Status::Unavailable(std::string(kind) + " file " + module + ": cannot examine " + what + " " + path + ": " +
                               std::strerror(errno));
  const uid_t hub_user = ::geteuid();
  if (st.st_uid != 0 && st.st_uid != hub_user)
    return Status::PermissionDenied(std::string(kind) + " file " + module + ": " + what + " " + path +
                                    " belongs to uid " + std::to_string(st.st_uid) +
                                    ", who could change the code the hub runs; it must belong to root or to the "
                                    "hub's user (uid " + std::to_string(hub_user) + "): run 'chown root " + path +
                                    "' (or install the module where only root may write)");
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
    return Status::PermissionDenied(std::string(kind) + " file " + module + ": " + what + " " + path +
                                    " may be written by its group or by others (mode " + octal_mode(st.st_mode) +
                                    "), who could change the code the hub runs: run 'chmod go-w " + path + "'");
  return {};
}

}  // namespace

Result<std::string> file_sha256(const std::string& path) {
  if (::sodium_init() < 0) return Status::Internal("libsodium cannot be initialised");
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::NotFound("cannot read " + path + ": " + std::strerror(errno));
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  unsigned char buffer[64 * 1024];
  ssize_t n = 0;
  while ((n = ::read(fd, buffer, sizeof buffer)) != 0) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    crypto_hash_sha256_update(&state, buffer, static_cast<unsigned long long>(n));
  }
  const int error = errno;
  ::close(fd);
  if (n < 0) return Status::Unavailable("cannot read " + path + ": " + std::strerror(error));
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&state, digest);
  char hex[2 * crypto_hash_sha256_BYTES + 1];
  ::sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return std::string(hex);
}

Status check_module_file(const std::string& path, const std::string& sha256, const char* kind) {
  std::error_code ec;
  const std::filesystem::path real = std::filesystem::canonical(path, ec);
  if (ec) return Status::NotFound(std::string(kind) + " file " + path + " cannot be examined: " + ec.message());
  if (Status s = check_writers(real.parent_path().string(), "its folder", path, kind); !s.ok()) return s;
  if (Status s = check_writers(real.string(), "the file", path, kind); !s.ok()) return s;
  if (sha256.empty()) return {};
  auto found = file_sha256(real.string());
  if (!found.ok()) return Status(found.status().code(), std::string(kind) + " file " + path + ": " + found.status().message());
  if (*found != sha256)
    return Status::InvalidArgument(std::string(kind) + " file " + path + " does not match its pin: its SHA-256 is " +
                                   *found + ", the config's sha256 is " + sha256 +
                                   ". If this build is the one you meant to install, put its hash in the config "
                                   "('sha256sum " + real.string() + "'); otherwise reinstall the module");
  return {};
}

}  // namespace hub::plugin_host
