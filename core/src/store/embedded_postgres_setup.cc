#include "store/embedded_postgres_setup.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <spdlog/spdlog.h>

namespace hub::store::detail {
namespace fs = std::filesystem;
namespace {

constexpr const char* kSettingsFile = "xinhui_hub.conf";
constexpr const char* kInstallHint = "install the postgresql package (apt-get install postgresql-15)";

Status os_error(const std::string& what) { return Status::Internal(what + ": " + std::strerror(errno)); }

std::string hex_hash(const std::string& s) {
  std::uint64_t h = 1469598103934665603ULL;  // FNV-1a 64
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return std::string(buf, 12);
}

// Characters that pg_ctl's shell command line or the settings file cannot
// carry safely.
Status check_path_chars(const std::string& path) {
  for (char c : path) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f || std::strchr("'\"\\$`,", c) != nullptr)
      return Status::InvalidArgument("the data folder path " + path + " contains a character (code " +
                                     std::to_string(u) + ") that cannot be passed safely to PostgreSQL: choose a "
                                     "folder without control characters or any of ' \" \\ $ ` ,");
  }
  return {};
}

// Creates `path` (mode 0700, owned by user) or checks an existing one. With
// fix, an existing folder is given to the user and set to 0700.
Status ensure_private_dir(const OsUser& user, const std::string& path, bool fix) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) {
    if (errno != ENOENT) return os_error("cannot look at folder " + path);
    if (mkdir(path.c_str(), 0700) != 0 && errno != EEXIST)
      return os_error("cannot create folder " + path + " (check the permissions of its parent)");
    if (user.switch_to && chown(path.c_str(), user.uid, user.gid) != 0)
      return os_error("cannot give folder " + path + " to user " + user.name);
    if (chmod(path.c_str(), 0700) != 0) return os_error("cannot set the mode of folder " + path);
    return {};
  }
  if (!S_ISDIR(st.st_mode)) return Status::InvalidArgument(path + " exists but is not a folder: move it away");
  if (st.st_uid != user.uid) {
    if (!(fix && user.switch_to))
      return Status::PermissionDenied(path + " belongs to uid " + std::to_string(st.st_uid) +
                                      ", but the PostgreSQL server runs as user " + user.name + " (uid " +
                                      std::to_string(user.uid) + "): give it to that user (chown -R " + user.name +
                                      " " + path + ") or run hubd as its owner");
    if (chown(path.c_str(), user.uid, user.gid) != 0)
      return os_error("cannot give folder " + path + " to user " + user.name);
  }
  if (fix && (st.st_mode & 07777) != 0700 && chmod(path.c_str(), 0700) != 0)
    return os_error("cannot set the mode of folder " + path);
  return {};
}

// Creates the top folder: 0711 when another user must pass through it.
Status ensure_base_dir(const OsUser& user, const fs::path& base, bool fallback) {
  std::error_code ec;
  if (!fs::exists(base, ec)) {
    // Missing parents: 0755 whatever the umask when another user must pass.
    std::vector<fs::path> missing;
    for (fs::path p = base.parent_path(); !p.empty() && !fs::exists(p, ec) && p != p.parent_path();
         p = p.parent_path())
      missing.push_back(p);
    for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
      if (mkdir(it->c_str(), 0755) == 0) {
        if (user.switch_to) chmod(it->c_str(), 0755);
      } else if (errno != EEXIST) {
        return os_error("cannot create folder " + it->string());
      }
    }
    const mode_t mode = user.switch_to ? 0711 : 0700;
    if (mkdir(base.c_str(), mode) == 0) {
      if (chmod(base.c_str(), mode) != 0) return os_error("cannot set the mode of " + base.string());  // umask
    } else if (errno != EEXIST) {
      return os_error("cannot create folder " + base.string());
    }
  }
  struct stat st {};
  if ((fallback ? lstat(base.c_str(), &st) : stat(base.c_str(), &st)) != 0)
    return os_error("cannot look at folder " + base.string());
  if (!S_ISDIR(st.st_mode)) return Status::InvalidArgument(base.string() + " exists but is not a folder");
  // A shared folder such as /var/tmp: someone else may have planted it.
  if (fallback && st.st_uid != geteuid())
    return Status::PermissionDenied("refusing to use " + base.string() + ": it belongs to uid " +
                                    std::to_string(st.st_uid) + ", not to us; remove it");
  return {};
}

bool has_tools(const fs::path& dir) {
  for (const char* tool : {"initdb", "pg_ctl", "postgres", "psql"})
    if (access((dir / tool).c_str(), X_OK) != 0) return false;
  return true;
}

std::string read_first_line(const fs::path& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  return line;
}

std::string conf_quote(const std::string& v) {
  std::string out = "'";
  for (char c : v) {
    if (c == '\'' || c == '\\') out += c;
    out += c;
  }
  return out + "'";
}

}  // namespace

UniqueFd& UniqueFd::operator=(UniqueFd&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) close(fd_);
    fd_ = o.fd_;
    o.fd_ = -1;
  }
  return *this;
}

UniqueFd::~UniqueFd() {
  if (fd_ >= 0) close(fd_);
}

Status write_owned(const OsUser& user, const std::string& path_text, const std::string& text) {
  const fs::path path(path_text);
  const fs::path tmp = path.string() + ".tmp";
  const int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return os_error("cannot write " + tmp.string());
  bool ok = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  if (ok && user.switch_to) ok = fchown(fd, user.uid, user.gid) == 0;
  if (ok) ok = fsync(fd) == 0;
  const Status err = ok ? Status{} : os_error("cannot write " + tmp.string());
  close(fd);
  if (!err.ok()) return err;
  if (rename(tmp.c_str(), path.c_str()) != 0) return os_error("cannot replace " + path.string());
  return {};
}

Result<Layout> prepare_layout(const OsUser& user, const std::string& data_dir, int port) {
  if (data_dir.empty())
    return Status::InvalidArgument("the embedded PostgreSQL needs a data folder: set hub.data_dir");
  std::error_code ec;
  fs::path requested = fs::absolute(data_dir, ec).lexically_normal();
  if (ec) return Status::InvalidArgument("cannot make " + data_dir + " absolute: " + ec.message());
  if (!requested.has_filename() && requested.has_parent_path() && requested != requested.root_path())
    requested = requested.parent_path();  // drop a trailing '/'

  fs::path base = requested;
  if (user.switch_to) {
    // The server's user must be able to enter the folder (or, when it does
    // not exist yet, its nearest existing ancestor; we create the rest).
    fs::path probe = requested;
    while (!fs::exists(probe, ec) && probe.has_parent_path() && probe != probe.parent_path())
      probe = probe.parent_path();
    auto reachable = can_access_as(user, probe.string(), X_OK);
    if (!reachable.ok()) return reachable.status();
    if (!*reachable) {
      base = fs::path("/var/tmp") / ("xinhui-hub-" + std::to_string(geteuid()) + "-" + hex_hash(requested.string()));
      auto fallback_ok = can_access_as(user, "/var/tmp", X_OK);
      if (!fallback_ok.ok()) return fallback_ok.status();
      if (!*fallback_ok)
        return Status::PermissionDenied("data folder " + requested.string() + " is not reachable by user " +
                                        user.name + " (" + probe.string() + " does not let it in), and neither is "
                                        "/var/tmp: choose a data folder that user can enter, or set XH_PG_USER");
      spdlog::warn(
          "data folder {} is not reachable by user {}, which runs PostgreSQL ({} does not let it in); the embedded "
          "PostgreSQL keeps its data in {} instead. The system may clean up old files in /var/tmp: for lasting "
          "data choose a data folder that user can reach (every parent folder needs o+x) without chmod'ing /root.",
          requested.string(), user.name, probe.string(), base.string());
    }
  }

  Layout l;
  l.requested = requested.string();
  l.base = base.string();
  l.pgdata = (base / "pgdata").string();
  l.pgrun = (base / "pgrun").string();
  l.log = (base / "pg.log").string();

  if (Status s = check_path_chars(l.base); !s.ok()) return s;
  const std::string socket = l.pgrun + "/.s.PGSQL." + std::to_string(port);
  if (socket.size() >= sizeof(sockaddr_un{}.sun_path))
    return Status::InvalidArgument("the PostgreSQL socket path " + socket + " is " + std::to_string(socket.size()) +
                                   " bytes, longer than a Unix socket allows (" +
                                   std::to_string(sizeof(sockaddr_un{}.sun_path) - 1) +
                                   "): choose a data folder with a shorter path");

  if (Status s = ensure_base_dir(user, base, base != requested); !s.ok()) return s;
  if (user.switch_to) {
    auto reachable = can_access_as(user, l.base, X_OK);
    if (!reachable.ok()) return reachable.status();
    if (!*reachable)
      return Status::PermissionDenied("data folder " + l.base + " is not reachable by user " + user.name +
                                      ", which runs PostgreSQL: let it enter every folder on the way (o+x), or "
                                      "choose another data folder");
  }
  if (Status s = ensure_private_dir(user, l.pgdata, false); !s.ok()) return s;
  if (Status s = ensure_private_dir(user, l.pgrun, true); !s.ok()) return s;
  return l;
}

Result<UniqueFd> open_log(const OsUser& user, const std::string& path) {
  UniqueFd fd(open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (fd.get() < 0) return os_error("cannot open the PostgreSQL log " + path);
  struct stat st {};
  if (user.switch_to && fstat(fd.get(), &st) == 0 && st.st_uid != user.uid &&
      fchown(fd.get(), user.uid, user.gid) != 0)
    return os_error("cannot give the PostgreSQL log " + path + " to user " + user.name);
  return fd;
}

Result<std::string> find_bin_dir(const std::string& configured, const std::string& pgdata) {
  if (!configured.empty()) {
    std::error_code ec;
    const fs::path dir = fs::absolute(configured, ec);
    if (!ec && has_tools(dir)) return dir.string();
    return Status::NotFound("PostgreSQL server binaries (initdb, pg_ctl, postgres, psql) not found in " + configured +
                            ": fix the bin folder setting or " + kInstallHint);
  }
  std::map<int, fs::path> found;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos || name.size() > 4) continue;
    if (has_tools(entry.path() / "bin")) found[std::stoi(name)] = entry.path() / "bin";
  }
  if (found.empty())
    return Status::NotFound(std::string("PostgreSQL server binaries not found in /usr/lib/postgresql/*/bin: ") +
                            kInstallHint);
  const std::string version = read_first_line(fs::path(pgdata) / "PG_VERSION");
  if (!version.empty()) {
    const bool numeric = version.size() <= 4 && version.find_first_not_of("0123456789") == std::string::npos;
    if (numeric && found.count(std::stoi(version)) != 0) return found[std::stoi(version)].string();
    return Status::NotFound("the PostgreSQL cluster in " + pgdata + " was created by PostgreSQL " + version +
                            ", whose server binaries are not installed: install postgresql-" + version +
                            " (or upgrade the cluster with pg_upgrade)");
  }
  if (found.count(15) != 0) return found[15].string();
  return found.rbegin()->second.string();
}

Result<bool> has_cluster(const std::string& pgdata) {
  std::error_code ec;
  if (fs::exists(fs::path(pgdata) / "PG_VERSION", ec)) return true;
  if (fs::is_empty(pgdata, ec) && !ec) return false;
  if (ec) return Status::Internal("cannot list " + pgdata + ": " + ec.message());
  return Status::InvalidArgument(pgdata + " is not empty but holds no PostgreSQL cluster (no PG_VERSION file): "
                                 "move its contents away (a failed first start may have left them) and start again");
}

std::vector<std::string> child_env(const OsUser& user, const std::string& bin_dir) {
  std::vector<std::string> env = {"PATH=" + bin_dir + ":/usr/bin:/bin", "LC_ALL=C", "LANG=C", "HOME=" + user.home,
                                  "USER=" + user.name, "LOGNAME=" + user.name};
  if (const char* tz = std::getenv("TZ"); tz != nullptr) env.push_back(std::string("TZ=") + tz);
  return env;
}

Status init_cluster(const OsUser& user, const std::string& bin_dir, const Layout& layout, int log_fd) {
  spdlog::info("creating a new PostgreSQL cluster in {} (as user {}); its log is {}", layout.pgdata, user.name,
               layout.log);
  // initdb works in a side folder renamed into place when complete, so that
  // an interrupted first start leaves no half-made cluster behind.
  const std::string staging = layout.base + "/pgdata.initdb";
  std::error_code ec;
  if (fs::exists(staging, ec)) {
    spdlog::warn("removing {}, left by an interrupted initdb", staging);
    fs::remove_all(staging, ec);
    if (ec) return Status::Internal("cannot remove " + staging + ": " + ec.message() + "; remove it by hand");
  }
  if (Status s = ensure_private_dir(user, staging, false); !s.ok()) return s;
  const std::vector<std::string> argv = {bin_dir + "/initdb", "-D", staging, "-U", user.name,
                                         "--auth-local=peer", "--auth-host=reject", "-E", "UTF8", "--locale=C",
                                         "--data-checksums", "--no-instructions"};
  auto rc = run_as(user, argv, child_env(user, bin_dir), log_fd);
  if (!rc.ok() || *rc != 0) {
    fs::remove_all(staging, ec);
    if (!rc.ok()) return rc.status();
    return Status::Internal("initdb failed (exit status " + std::to_string(*rc) + "), see " + layout.log +
                            "; fix the cause and start again. Last lines:\n" + log_tail(layout.log));
  }
  // pgdata is an empty folder: rename() replaces it.
  if (rename(staging.c_str(), layout.pgdata.c_str()) != 0)
    return os_error("cannot move the new cluster from " + staging + " to " + layout.pgdata);
  return {};
}

Status write_settings(const OsUser& user, const Layout& layout, int port, const std::vector<std::string>& extra) {
  std::ostringstream conf;
  conf << "# Written by xinhui-hub at every start of the embedded server: edits are lost.\n"
       << "listen_addresses = ''\n"
       << "unix_socket_directories = " << conf_quote(layout.pgrun) << "\n"
       << "unix_socket_permissions = 0700\n"
       << "port = " << port << "\n"
       << "max_connections = 100\n"
       << "shared_buffers = '128MB'\n"
       << "fsync = on\n"
       << "synchronous_commit = on\n"
       << "full_page_writes = on\n"
       << "logging_collector = off\n"
       << "log_destination = 'stderr'\n";
  for (const std::string& line : extra) {
    if (line.find_first_of("\r\n") != std::string::npos)
      return Status::InvalidArgument("an extra PostgreSQL setting holds a line break: " + line);
    conf << line << "\n";
  }
  const fs::path pgdata(layout.pgdata);
  if (Status s = write_owned(user, (pgdata / kSettingsFile).string(), conf.str()); !s.ok()) return s;

  const std::string include_line = std::string("include '") + kSettingsFile + "'";
  const fs::path main_conf = pgdata / "postgresql.conf";
  std::ifstream in(main_conf);
  if (!in) return Status::Internal("cannot read " + main_conf.string() + ": the cluster looks damaged");
  for (std::string line; std::getline(in, line);)
    if (line == include_line) return {};
  in.close();
  std::ofstream out(main_conf, std::ios::app);
  out << "\n# Added by xinhui-hub: settings of the embedded server (rewritten at every start).\n"
      << include_line << "\n";
  out.close();
  if (!out) return Status::Internal("cannot append to " + main_conf.string());
  return {};
}

std::string log_tail(const std::string& path) {
  constexpr std::streamoff kMaxBytes = 4096;
  constexpr std::size_t kMaxLines = 12;
  std::ifstream in(path, std::ios::binary);
  if (!in) return "(cannot read " + path + ")";
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  in.seekg(size > kMaxBytes ? size - kMaxBytes : 0);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::string> lines;
  std::istringstream lines_in(text);
  for (std::string line; std::getline(lines_in, line);)
    if (!line.empty()) lines.push_back(line);
  if (size > kMaxBytes && !lines.empty()) lines.erase(lines.begin());  // likely cut in the middle
  std::string out;
  const std::size_t first = lines.size() > kMaxLines ? lines.size() - kMaxLines : 0;
  for (std::size_t i = first; i < lines.size(); ++i) out += "  " + lines[i] + "\n";
  if (!out.empty()) out.pop_back();
  return out.empty() ? "  (the log is empty)" : out;
}

}  // namespace hub::store::detail
