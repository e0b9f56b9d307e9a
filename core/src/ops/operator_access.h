// ops/operator_access.h: who may use the operator socket, and the folder that
// keeps everybody else away from it.
//
// Operators are root, the hub's own user, and, when hub.operator_group names
// an OS group, that group's members. The kernel enforces it twice: the socket
// lives in a folder of its own (owner the hub's user; mode 0770 with group
// hub.operator_group, else 0700), which others cannot enter; and the hub
// checks every connection's credentials (ops/peer_identity.h) against the
// same rule. Not thread-safe to build; const methods are thread-safe.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

#include "ops/peer_identity.h"
#include "util/result.h"

namespace hub::ops {

class OperatorAccess {
 public:
  // `group`: hub.operator_group, or empty. kNotFound (saying how to create it)
  // when no such group exists on this machine.
  static Result<OperatorAccess> resolve(const std::string& group);
  // Without a lookup, for tests and for a known gid.
  OperatorAccess(uid_t hub_user, std::optional<gid_t> group, std::string group_name)
      : hub_user_(hub_user), group_(group), group_name_(std::move(group_name)) {}

  bool admits(const PeerCredentials& peer) const;
  // Why `peer` is refused and what to do, for the answer and the log.
  std::string refusal(const PeerCredentials& peer) const;

  // Creates the socket's folder when missing and makes it the hub's user's,
  // with the operator group and mode 0770 (0700 without a group); refuses a
  // folder that is a symbolic link or not a folder, that belongs to someone
  // else, or whose group or mode the hub cannot set. The message says what to do.
  Status secure_folder(const std::string& folder) const;
  // Gives a freshly bound socket file the folder's owner and group, mode 0660
  // (0600 without a group).
  Status secure_socket(const std::string& path) const;

  uid_t hub_user() const { return hub_user_; }
  const std::optional<gid_t>& group() const { return group_; }

 private:
  uid_t hub_user_;
  std::optional<gid_t> group_;
  std::string group_name_;
};

}  // namespace hub::ops
