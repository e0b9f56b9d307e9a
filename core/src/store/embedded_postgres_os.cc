#include "store/embedded_postgres_os.h"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>

namespace hub::store::detail {
namespace {

// What a child reports through its error pipe when it cannot exec.
struct ChildError {
  int stage;  // index into kStages
  int err;    // errno
};
constexpr const char* kStages[] = {"redirect output", "set supplementary groups", "set group id", "set user id",
                                   "change folder", "exec"};

// Closes descriptors >= from except keep. Async-signal-safe.
void close_from(int from, int keep, int max_fd) {
#ifdef SYS_close_range
  bool done = true;
  if (keep > from && syscall(SYS_close_range, from, keep - 1, 0) != 0) done = false;
  if (done && syscall(SYS_close_range, keep + 1, ~0U, 0) == 0) return;
#endif
  for (int fd = from; fd < max_fd; ++fd)
    if (fd != keep) close(fd);
}

// Drops to the user's credentials. Async-signal-safe (raw credential
// calls in a single-threaded child). Returns the failed stage or -1.
int drop_privileges(const OsUser& u, const gid_t* groups, std::size_t ngroups) {
  if (!u.switch_to) return -1;
  if (setgroups(ngroups, groups) != 0) return 1;
  if (setresgid(u.gid, u.gid, u.gid) != 0) return 2;
  if (setresuid(u.uid, u.uid, u.uid) != 0) return 3;
  return -1;
}

[[noreturn]] void child_fail(int pipe_fd, int stage) {
  const ChildError e{stage, errno};
  ssize_t ignored = write(pipe_fd, &e, sizeof e);
  (void)ignored;
  _exit(127);
}

int dup_high(int fd) { return fcntl(fd, F_DUPFD_CLOEXEC, 3); }

void close_if(int& fd) {
  if (fd >= 0) close(fd);
  fd = -1;
}

std::string read_proc(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

Status errno_status(const std::string& what) {
  return Status::Internal(what + ": " + std::strerror(errno));
}

Result<std::vector<gid_t>> groups_of(const char* name, gid_t gid) {
  int n = 32;
  std::vector<gid_t> groups(static_cast<std::size_t>(n));
  for (int attempt = 0; attempt < 4; ++attempt) {
    int count = n;
    if (getgrouplist(name, gid, groups.data(), &count) >= 0) {
      groups.resize(static_cast<std::size_t>(count));
      return groups;
    }
    n = count > n ? count : n * 2;
    groups.resize(static_cast<std::size_t>(n));
  }
  return Status::Internal(std::string("cannot list the groups of user ") + name);
}

}  // namespace

Result<OsUser> server_user() {
  std::vector<char> buf(16384);
  passwd pw{};
  passwd* found = nullptr;
  OsUser u;
  if (geteuid() == 0) {
    const char* env = std::getenv("XH_PG_USER");
    const std::string name = (env != nullptr && *env != '\0') ? env : "postgres";
    const int rc = getpwnam_r(name.c_str(), &pw, buf.data(), buf.size(), &found);
    if (rc != 0 || found == nullptr)
      return Status::NotFound("hubd runs as root and PostgreSQL refuses to run as root, but user '" + name +
                              "' (to run it as) does not exist: install the postgresql package (apt-get install "
                              "postgresql-15, which creates user postgres) or set XH_PG_USER to an unprivileged user");
    if (pw.pw_uid == 0)
      return Status::InvalidArgument("XH_PG_USER names '" + name +
                                     "', which is root; PostgreSQL refuses to run as root: name an unprivileged user");
    auto groups = groups_of(pw.pw_name, pw.pw_gid);
    if (!groups.ok()) return groups.status();
    u.groups = std::move(groups).value();
    u.switch_to = true;
  } else {
    const int rc = getpwuid_r(geteuid(), &pw, buf.data(), buf.size(), &found);
    if (rc != 0 || found == nullptr)
      return Status::NotFound("the current user (uid " + std::to_string(geteuid()) +
                              ") has no passwd entry, which initdb needs: add one (e.g. with useradd)");
  }
  u.name = pw.pw_name;
  u.home = pw.pw_dir != nullptr ? pw.pw_dir : "/";
  u.uid = pw.pw_uid;
  u.gid = u.switch_to ? pw.pw_gid : getegid();
  return u;
}

Result<std::string> current_user_name() {
  std::vector<char> buf(16384);
  passwd pw{};
  passwd* found = nullptr;
  if (getpwuid_r(geteuid(), &pw, buf.data(), buf.size(), &found) != 0 || found == nullptr)
    return Status::NotFound("the current user (uid " + std::to_string(geteuid()) +
                            ") has no passwd entry, which peer authentication needs: add one (e.g. with useradd)");
  return std::string(pw.pw_name);
}

Result<int> run_as(const OsUser& user, const std::vector<std::string>& argv, const std::vector<std::string>& env,
                   int out_fd, int stdin_fd) {
  if (argv.empty() || argv[0].empty() || argv[0][0] != '/')
    return Status::InvalidArgument("run_as needs an absolute program path");

  // Everything the child needs is prepared here: after fork only
  // async-signal-safe calls are allowed.
  std::vector<char*> cargv, cenv;
  for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  for (const auto& e : env) cenv.push_back(const_cast<char*>(e.c_str()));
  cenv.push_back(nullptr);
  rlimit lim{};
  const int max_fd = (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur != RLIM_INFINITY && lim.rlim_cur < 1048576)
                         ? static_cast<int>(lim.rlim_cur)
                         : 65536;

  int in_fd = -1, log_fd = -1, pipe_fd[2] = {-1, -1};
  if (stdin_fd >= 0) {
    in_fd = dup_high(stdin_fd);
  } else {
    const int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null_fd >= 0) in_fd = dup_high(null_fd);
    if (null_fd >= 0) close(null_fd);
  }
  log_fd = dup_high(out_fd);
  if (in_fd < 0 || log_fd < 0 || pipe2(pipe_fd, O_CLOEXEC) != 0) {
    const Status s = errno_status("cannot prepare to run " + argv[0]);
    close_if(in_fd);
    close_if(log_fd);
    return s;
  }

  // Block all signals across fork so that no handler runs in the child.
  const pid_t parent = getpid();
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  const pid_t pid = fork();
  if (pid == 0) {
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; ++sig) sigaction(sig, &dfl, nullptr);
    setsid();
    if (dup2(in_fd, 0) < 0 || dup2(log_fd, 1) < 0 || dup2(log_fd, 2) < 0) child_fail(pipe_fd[1], 0);
    close_from(3, pipe_fd[1], max_fd);
    const int stage = drop_privileges(user, user.groups.data(), user.groups.size());
    if (stage >= 0) child_fail(pipe_fd[1], stage);
    // Die with us (the blocked calling thread): a half-done initdb must not
    // outlive a killed hubd. Set after the credential change, which clears
    // it; a postmaster forked by pg_ctl does not inherit it.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    if (chdir("/") != 0) child_fail(pipe_fd[1], 4);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    execve(cargv[0], cargv.data(), cenv.data());
    child_fail(pipe_fd[1], 5);
  }
  const int fork_errno = errno;
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  close_if(in_fd);
  close_if(log_fd);
  close_if(pipe_fd[1]);
  if (pid < 0) {
    close_if(pipe_fd[0]);
    return Status::Internal("cannot start " + argv[0] + ": fork failed: " + std::strerror(fork_errno));
  }

  ChildError failure{-1, 0};
  ssize_t got = 0;
  do got = read(pipe_fd[0], &failure, sizeof failure);
  while (got < 0 && errno == EINTR);
  close_if(pipe_fd[0]);

  int status = 0;
  pid_t waited = 0;
  do waited = waitpid(pid, &status, 0);
  while (waited < 0 && errno == EINTR);

  if (got == static_cast<ssize_t>(sizeof failure) && failure.stage >= 0 && failure.stage <= 5)
    return Status::Internal("cannot run " + argv[0] + (user.switch_to ? " as user " + user.name : std::string()) +
                            ": " + kStages[failure.stage] + " failed: " + std::strerror(failure.err));
  if (waited < 0)
    return Status::Internal("lost track of " + argv[0] + " (pid " + std::to_string(pid) +
                            "): waitpid failed: " + std::strerror(errno) + " (is SIGCHLD ignored?)");
  if (WIFSIGNALED(status))
    return Status::Internal(argv[0] + " was killed by signal " + std::to_string(WTERMSIG(status)));
  return WEXITSTATUS(status);
}

Result<bool> can_access_as(const OsUser& user, const std::string& path, int mode) {
  if (!user.switch_to) return faccessat(AT_FDCWD, path.c_str(), mode, AT_EACCESS) == 0;
  const char* cpath = path.c_str();
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  const pid_t pid = fork();
  if (pid == 0) {
    // Signals stay blocked; only async-signal-safe calls, then _exit.
    if (drop_privileges(user, user.groups.data(), user.groups.size()) >= 0) _exit(2);
    _exit(access(cpath, mode) == 0 ? 0 : 1);
  }
  const int fork_errno = errno;
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  if (pid < 0) return Status::Internal(std::string("fork failed: ") + std::strerror(fork_errno));
  int status = 0;
  pid_t waited = 0;
  do waited = waitpid(pid, &status, 0);
  while (waited < 0 && errno == EINTR);
  if (waited < 0 || !WIFEXITED(status) || WEXITSTATUS(status) == 2)
    return Status::Internal("cannot check whether user " + user.name + " may access " + path);
  return WEXITSTATUS(status) == 0;
}

bool process_alive(pid_t pid) {
  if (pid <= 0) return false;
  if (kill(pid, 0) != 0 && errno != EPERM) return false;
  // A zombie answers kill() but is dead: look at the state in /proc.
  const std::string stat = read_proc("/proc/" + std::to_string(pid) + "/stat");
  const auto paren = stat.rfind(')');
  if (paren == std::string::npos || paren + 2 >= stat.size())  // no /proc: trust kill()
    return kill(pid, 0) == 0 || errno == EPERM;
  const char state = stat[paren + 2];
  return state != 'Z' && state != 'X' && state != 'x';
}

std::string process_cwd(pid_t pid) {
  const std::string link = "/proc/" + std::to_string(pid) + "/cwd";
  std::vector<char> buf(4096);
  const ssize_t n = readlink(link.c_str(), buf.data(), buf.size());
  if (n <= 0 || static_cast<std::size_t>(n) >= buf.size()) return {};
  return {buf.data(), static_cast<std::size_t>(n)};
}

std::string process_cmdline(pid_t pid) {
  std::string s = read_proc("/proc/" + std::to_string(pid) + "/cmdline");
  while (!s.empty() && s.back() == '\0') s.pop_back();
  for (char& c : s)
    if (c == '\0') c = ' ';
  return s;
}

}  // namespace hub::store::detail
