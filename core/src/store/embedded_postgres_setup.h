// store/embedded_postgres_setup.h: preparing the folders, binaries and
// settings of the embedded server (internal to EmbeddedPostgres).
//
// Thread-safety: plain functions without shared state; callers serialise work
// on one data folder.
#pragma once

#include <string>
#include <vector>

#include "store/embedded_postgres_os.h"
#include "util/result.h"

namespace hub::store::detail {

// An owned file descriptor.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  UniqueFd& operator=(UniqueFd&& o) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd();
  int get() const { return fd_; }

 private:
  int fd_ = -1;
};

struct Layout {
  std::string requested;  // the requested folder, absolute
  std::string base;       // the folder used (== requested unless it fell back)
  std::string pgdata;     // <base>/pgdata
  std::string pgrun;      // <base>/pgrun
  std::string log;        // <base>/pg.log
};

// Picks the folder (falling back to /var/tmp when `user` cannot reach the
// requested one), checks that its path is usable, and creates base, pgdata
// and pgrun owned by `user` (pgdata and pgrun mode 0700).
Result<Layout> prepare_layout(const OsUser& user, const std::string& data_dir, int port);

// Opens <log> for appending, owned by `user`, mode 0600.
Result<UniqueFd> open_log(const OsUser& user, const std::string& path);

// The folder holding initdb, pg_ctl, postgres and psql: `configured` when set,
// otherwise the one matching an existing cluster's PG_VERSION, else 15, else
// the newest of /usr/lib/postgresql/*/bin.
Result<std::string> find_bin_dir(const std::string& configured, const std::string& pgdata);

// True when pgdata holds a cluster; false when it is empty; an error when it
// holds something else.
Result<bool> has_cluster(const std::string& pgdata);

// The environment for PostgreSQL tools: nothing inherited but TZ.
std::vector<std::string> child_env(const OsUser& user, const std::string& bin_dir);

// Runs initdb (output to log_fd) in a side folder, then renames it to the
// empty layout.pgdata; a leftover side folder of an interrupted run is removed.
// Its superuser is named after `user`; its pg_hba.conf (peer) is replaced by
// write_access_files before the first start.
Status init_cluster(const OsUser& user, const std::string& bin_dir, const Layout& layout, int log_fd);

// (Re)writes <pgdata>/xinhui_hub.conf, with `extra` lines ("name = value")
// after the hub's own, and makes postgresql.conf include it. InvalidArgument
// for an extra line holding a newline.
Status write_settings(const OsUser& user, const Layout& layout, int port, const std::vector<std::string>& extra = {});

// Writes text to path (through a temporary file renamed into place, synced),
// owned by `user`, mode 0600.
Status write_owned(const OsUser& user, const std::string& path, const std::string& text);

// The last lines of the log, on one line each, for error messages.
std::string log_tail(const std::string& path);

}  // namespace hub::store::detail
