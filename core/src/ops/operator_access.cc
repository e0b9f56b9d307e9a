#include "ops/operator_access.h"

#include <grp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include "util/file_mode.h"

namespace hub::ops {
namespace {

// getgrnam_r with a buffer that grows as needed: the gid, or nullopt.
std::optional<gid_t> group_id(const std::string& name, int& error) {
  long size = ::sysconf(_SC_GETGR_R_SIZE_MAX);
  std::vector<char> buffer(size > 0 ? static_cast<std::size_t>(size) : 4096);
  for (int tries = 0; tries < 10; ++tries) {
    group entry{};
    group* found = nullptr;
    error = ::getgrnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found);
    if (error == ERANGE) {
      buffer.resize(buffer.size() * 2);
      continue;
    }
    if (error == 0 && found != nullptr) return found->gr_gid;
    return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

Result<OperatorAccess> OperatorAccess::resolve(const std::string& group) {
  if (group.empty()) return OperatorAccess(::geteuid(), std::nullopt, "");
  int error = 0;
  const auto gid = group_id(group, error);
  if (!gid)
    return Status::NotFound("hub.operator_group: " +
                            (error != 0 ? "cannot look up group '" + group + "': " + std::strerror(error)
                                        : "there is no group '" + group + "' on this machine") +
                            "; create it ('groupadd " + group + "'), add the hub's user and the operators to it "
                            "('usermod -aG " + group + " LOGIN'), or remove hub.operator_group");
  return OperatorAccess(::geteuid(), gid, group);
}

bool OperatorAccess::admits(const PeerCredentials& peer) const {
  if (peer.uid == 0 || peer.uid == hub_user_) return true;
  if (!group_) return false;
  return peer.gid == *group_ || std::find(peer.groups.begin(), peer.groups.end(), *group_) != peer.groups.end();
}

std::string OperatorAccess::refusal(const PeerCredentials& peer) const {
  const std::string who = operator_name(peer);
  if (!group_)
    return who + " is not an operator of this hub: only root and the hub's user (" + user_name(hub_user_) +
           ") are, since hub.operator_group is not set";
  return who + " is not an operator of this hub: operators are members of group " + group_name_ +
         " ('usermod -aG " + group_name_ + " " + user_name(peer.uid) + "', then log in again)";
}

Status OperatorAccess::secure_folder(const std::string& folder) const {
  const mode_t mode = group_ ? 0770 : 0700;
  const std::string fix = group_ ? "the hub's user must own it and be a member of group " + group_name_
                                 : "the hub's user must own it";
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(folder).parent_path(), ec);
  if (ec) return Status::Unavailable("cannot create the operator socket's folder " + folder + ": " + ec.message());
  if (::mkdir(folder.c_str(), mode) != 0 && errno != EEXIST)
    return Status::Unavailable("cannot create the operator socket's folder " + folder + ": " + std::strerror(errno));
  struct stat st {};
  if (::lstat(folder.c_str(), &st) != 0)
    return Status::Unavailable("cannot examine the operator socket's folder " + folder + ": " + std::strerror(errno));
  if (S_ISLNK(st.st_mode) || !S_ISDIR(st.st_mode))
    return Status::PermissionDenied("the operator socket's folder " + folder + " is " +
                                    (S_ISLNK(st.st_mode) ? "a symbolic link" : "not a folder") +
                                    ": give hub.operator_socket a folder of its own, which the hub creates");
  if (st.st_uid != hub_user_)
    return Status::PermissionDenied("the operator socket's folder " + folder + " belongs to " + user_name(st.st_uid) +
                                    ", not to the hub's user (" + user_name(hub_user_) + "): remove it or 'chown " +
                                    user_name(hub_user_) + " " + folder + "'");
  if (group_ && st.st_gid != *group_ && ::chown(folder.c_str(), static_cast<uid_t>(-1), *group_) != 0)
    return Status::PermissionDenied("cannot give the operator socket's folder " + folder + " to group " + group_name_ +
                                    " (" + std::strerror(errno) + "): " + fix);
  if ((st.st_mode & 07777) != mode && ::chmod(folder.c_str(), mode) != 0)
    return Status::PermissionDenied("cannot set the operator socket's folder " + folder + " to mode " + octal_mode(mode) +
                                    " (" + std::strerror(errno) + "): " + fix);
  // What the kernel will enforce from now on, read back.
  if (::lstat(folder.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != hub_user_ ||
      (st.st_mode & 07777) != mode || (group_ && st.st_gid != *group_))
    return Status::PermissionDenied("the operator socket's folder " + folder + " could not be secured (mode " +
                                    octal_mode(st.st_mode) + ", expected " + octal_mode(mode) + "): " + fix);
  return {};
}

Status OperatorAccess::secure_socket(const std::string& path) const {
  const mode_t mode = group_ ? 0660 : 0600;
  if (group_ && ::chown(path.c_str(), static_cast<uid_t>(-1), *group_) != 0)
    return Status::PermissionDenied("cannot give the operator socket " + path + " to group " + group_name_ + ": " +
                                    std::strerror(errno));
  if (::chmod(path.c_str(), mode) != 0)
    return Status::PermissionDenied("cannot set the operator socket " + path + " to mode " + octal_mode(mode) + ": " +
                                    std::strerror(errno));
  return {};
}

}  // namespace hub::ops
