// store/embedded_postgres_access.h: who may connect to the embedded server,
// as which role (internal to EmbeddedPostgres).
//
// pg_hba.conf allows only the Unix socket, with peer authentication through
// the map kIdentMap of pg_ident.conf:
//   <server's OS user>  -> its superuser (same name), for maintenance;
//   <hub's OS user>     -> kOwnerRole and kRuntimeRole, and the superuser
//                          only when superuser_for_caller is set.
// When both are one OS user (hubd not run as root), that user already owns
// the cluster's files; the roles still keep the hub's connections from DDL.
//
// Thread-safety: plain functions without shared state; callers serialise work
// on one data folder.
#pragma once

#include <string>

#include "store/embedded_postgres_setup.h"
#include "util/result.h"

namespace hub::store::detail {

inline constexpr const char* kIdentMap = "xinhui";

struct AccessPolicy {
  std::string server_user;           // runs the server; also the superuser's name
  std::string hub_user;              // runs this process
  bool superuser_for_caller = false;
};

// The policy for the current process and `server`.
Result<AccessPolicy> access_policy(const OsUser& server, bool superuser_for_caller);

// True when <pgdata>/pg_hba.conf was written by a hub that uses peer
// authentication; false for one of initdb or of an earlier version (trust).
bool has_peer_access(const std::string& pgdata);

// (Re)writes pg_hba.conf and pg_ident.conf in pgdata, owned by `user`.
// Returns whether either file changed (a running server must then reload).
Result<bool> write_access_files(const OsUser& user, const Layout& layout, const AccessPolicy& policy);

// Creates the roles (or takes away any attribute they gained), and, unless
// database is "postgres", creates `database` owned by kOwnerRole when missing,
// gives kOwnerRole the database and everything in its schema public (tables
// an earlier version's superuser made), and lets only the two roles connect.
// Runs psql as `user` (the server's superuser) on the socket; its output goes
// to log_fd. Idempotent.
Status set_up_roles(const OsUser& user, const std::string& bin_dir, const std::string& socket_dir, int port,
                    const std::string& database, int log_fd, const std::string& log_path);

}  // namespace hub::store::detail
