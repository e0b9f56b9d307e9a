// ops/local_socket.h: the operator socket's transport, a Unix stream socket
// carrying one request and one answer per connection.
//
// Framing (docs/OPERATIONS.md, "The operator socket, for scripts"): the client
// sends one JSON object on one line and ends it with a newline (or by closing
// its sending side); the hub answers one JSON object on one line, ending with
// a newline, and closes the connection.
// Nothing here throws; errors are Status values naming the socket's path.
#pragma once

#include <sys/un.h>

#include <chrono>
#include <string>
#include <string_view>
#include <utility>

#include "util/result.h"

namespace hub::ops {

using Deadline = std::chrono::steady_clock::time_point;

// Owns a file descriptor; closes it on destruction. Move-only.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& o) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd();

  int get() const { return fd_; }
  explicit operator bool() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

// The address of a socket file; false when the path does not fit (108 bytes).
bool unix_address(const std::string& path, sockaddr_un& out);

// Reads up to the first newline (not included) or the peer's end of sending.
// kInvalidArgument beyond `max_bytes`, kUnavailable at `deadline` or on error.
// `fd` may be blocking or not: every wait is a poll bounded by `deadline`.
Result<std::string> read_line(int fd, std::size_t max_bytes, Deadline deadline);

// Writes all of `data` by `deadline` (kUnavailable otherwise).
Status write_all(int fd, std::string_view data, Deadline deadline);

}  // namespace hub::ops
