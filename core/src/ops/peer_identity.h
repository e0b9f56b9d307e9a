// ops/peer_identity.h: who is at the other end of a local socket, as the
// kernel says, and the name the hub logs for them.
//
// Nothing a client sends is used: the uid, gid and groups are those the
// kernel recorded when the client connected (SO_PEERCRED, SO_PEERGROUPS), and
// the login is the kernel's audit login uid of the connecting process
// (/proc/PID/loginuid), the person who logged in before any su or sudo.
// Thread-safe (reentrant user and group database lookups).
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace hub::ops {

struct PeerCredentials {
  uid_t uid = 0;
  gid_t gid = 0;
  pid_t pid = 0;                    // 0: not visible from the hub's PID namespace
  std::vector<gid_t> groups;        // supplementary groups at connect time
  std::optional<uid_t> login_uid;   // the login of the session, when recorded
};

// The credentials of a connected Unix socket's peer. Read the login uid right
// after accepting, while the peer is surely alive: it is taken only when
// /proc/PID still belongs to the peer's uid.
Result<PeerCredentials> peer_credentials(int fd);

// "4294967295" (the kernel's "unset") and anything unreadable give nullopt.
std::optional<uid_t> parse_login_uid(std::string_view text);

// The login name of `uid`, or "uid N" when the user database has none.
std::string user_name(uid_t uid);

// How an operator is named in logs and events: the uid's login, followed by
// the session's login when that is someone else: "alice (as root)".
std::string operator_name(uid_t uid, std::optional<uid_t> login_uid);
inline std::string operator_name(const PeerCredentials& peer) { return operator_name(peer.uid, peer.login_uid); }

}  // namespace hub::ops
