#include "ops/peer_identity.h"

#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <fstream>

namespace hub::ops {
namespace {

// The peer's supplementary groups. A kernel without SO_PEERGROUPS (before
// Linux 4.13) leaves the list empty: the primary gid still counts.
std::vector<gid_t> peer_groups(int fd) {
  std::vector<gid_t> groups(64);
  for (int tries = 0; tries < 3; ++tries) {
    socklen_t size = static_cast<socklen_t>(groups.size() * sizeof(gid_t));
    if (::getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups.data(), &size) == 0) {
      groups.resize(size / sizeof(gid_t));
      return groups;
    }
    if (errno != ERANGE) break;
    groups.resize(size / sizeof(gid_t) + 1);
  }
  return {};
}

std::optional<uid_t> login_uid_of(pid_t pid, uid_t uid) {
  if (pid <= 0) return std::nullopt;
  const std::string proc = "/proc/" + std::to_string(pid);
  struct stat st {};
  // A pid reused by another user's process since the connect says nothing about our peer.
  if (::stat(proc.c_str(), &st) != 0 || st.st_uid != uid) return std::nullopt;
  std::ifstream in(proc + "/loginuid");
  std::string text;
  if (!std::getline(in, text)) return std::nullopt;
  return parse_login_uid(text);
}

}  // namespace

std::optional<uid_t> parse_login_uid(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  if (value >= 4294967295ULL) return std::nullopt;  // (uid_t)-1: no login recorded
  return static_cast<uid_t>(value);
}

Result<PeerCredentials> peer_credentials(int fd) {
  ucred cred{};
  socklen_t size = sizeof cred;
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &size) != 0)
    return Status::Internal(std::string("cannot read the peer's credentials (SO_PEERCRED): ") + std::strerror(errno));
  PeerCredentials peer;
  peer.uid = cred.uid;
  peer.gid = cred.gid;
  peer.pid = cred.pid;
  peer.groups = peer_groups(fd);
  peer.login_uid = login_uid_of(cred.pid, cred.uid);
  return peer;
}

std::string user_name(uid_t uid) {
  long size = ::sysconf(_SC_GETPW_R_SIZE_MAX);
  std::vector<char> buffer(size > 0 ? static_cast<std::size_t>(size) : 1024);
  for (int tries = 0; tries < 8; ++tries) {
    passwd entry{};
    passwd* found = nullptr;
    const int error = ::getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &found);
    if (error == ERANGE) {
      buffer.resize(buffer.size() * 2);
      continue;
    }
    if (error == 0 && found != nullptr) return found->pw_name;
    break;
  }
  return "uid " + std::to_string(uid);
}

std::string operator_name(uid_t uid, std::optional<uid_t> login_uid) {
  if (login_uid && *login_uid != uid) return user_name(*login_uid) + " (as " + user_name(uid) + ")";
  return user_name(uid);
}

}  // namespace hub::ops
