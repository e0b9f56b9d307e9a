// store/embedded_postgres_os.h: the operating-system side of EmbeddedPostgres
// (internal): which user the server runs as, running its tools as that user,
// and looking at other processes through /proc.
//
// Thread-safety: every function may be called from any thread, also while
// other threads of the process run. Children are started with fork+exec; the
// child only makes async-signal-safe calls, resets signal dispositions and
// mask, closes every inherited descriptor above 2 and starts a new session, so
// descriptors and signal settings of other threads never leak into the server.
// A caller must not ignore SIGCHLD (SIG_IGN), or exit codes are lost.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "util/result.h"

namespace hub::store::detail {

// The OS user the PostgreSQL tools and server run as.
struct OsUser {
  std::string name;
  std::string home;
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;  // supplementary groups (incl. gid)
  bool switch_to = false;     // true when we are root and children change to this user
};

// As root (PostgreSQL refuses to run as root): env XH_PG_USER or "postgres".
// Otherwise the current user, without switching.
Result<OsUser> server_user();

// The name of the user this process runs as (its effective uid).
Result<std::string> current_user_name();

// Runs argv (argv[0] an absolute path) with exactly env, as `user`, with
// stdin from in_fd (-1: /dev/null) and stdout+stderr appended to out_fd,
// cwd "/". Waits for it and returns its exit code; death by a signal is an
// error. The child is killed (SIGKILL) if this process dies while it runs;
// what it forks itself (the postmaster started by pg_ctl) is not.
Result<int> run_as(const OsUser& user, const std::vector<std::string>& argv, const std::vector<std::string>& env,
                   int out_fd, int in_fd = -1);

// Whether `user` may access(path, mode), e.g. X_OK to enter a folder. This
// checks every folder on the way, with the user's real credentials.
Result<bool> can_access_as(const OsUser& user, const std::string& path, int mode);

// True when pid exists and is not a zombie.
bool process_alive(pid_t pid);
// The process' working folder, or "" when unknown (gone, not permitted).
std::string process_cwd(pid_t pid);
// The process' command line, arguments separated by ' ', or "".
std::string process_cmdline(pid_t pid);

}  // namespace hub::store::detail
