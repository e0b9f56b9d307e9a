#include "ops/local_socket.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace hub::ops {
namespace {

// Waits until `fd` is ready for `events`; false at `deadline`.
bool wait_ready(int fd, short events, Deadline deadline) {
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, events, 0};
    const int n = ::poll(&p, 1, static_cast<int>(left.count()));
    if (n > 0) return true;
    if (n < 0 && errno != EINTR) return false;
  }
}

}  // namespace

UniqueFd& UniqueFd::operator=(UniqueFd&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(o.fd_, -1);
  }
  return *this;
}

UniqueFd::~UniqueFd() {
  if (fd_ >= 0) ::close(fd_);
}

bool unix_address(const std::string& path, sockaddr_un& out) {
  out = {};
  out.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof out.sun_path) return false;
  std::memcpy(out.sun_path, path.c_str(), path.size() + 1);
  return true;
}

Result<std::string> read_line(int fd, std::size_t max_bytes, Deadline deadline) {
  std::string line;
  char buffer[16 * 1024];
  for (;;) {
    if (!wait_ready(fd, POLLIN, deadline)) return Status::Unavailable("nothing (more) came in time");
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
    if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) continue;
    if (n < 0) return Status::Unavailable(std::string("the connection failed: ") + std::strerror(errno));
    if (n == 0) return line;
    const std::string_view got(buffer, static_cast<std::size_t>(n));
    const auto newline = got.find('\n');
    line.append(got.substr(0, newline));
    if (line.size() > max_bytes)
      return Status::InvalidArgument("more than " + std::to_string(max_bytes) + " bytes on one line");
    if (newline != std::string_view::npos) return line;
  }
}

Status write_all(int fd, std::string_view data, Deadline deadline) {
  while (!data.empty()) {
    if (!wait_ready(fd, POLLOUT, deadline)) return Status::Unavailable("the other side did not read in time");
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) continue;
    if (n < 0) return Status::Unavailable(std::string("the connection failed: ") + std::strerror(errno));
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

}  // namespace hub::ops
