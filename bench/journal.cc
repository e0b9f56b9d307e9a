#include "journal.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace hub::bench {

Result<Journal> Journal::open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return Status::Unavailable("cannot create journal " + path + ": " + std::strerror(errno));
  return Journal(fd);
}

Journal::Journal(Journal&& other) noexcept : fd_(other.fd_), buffer_(std::move(other.buffer_)) { other.fd_ = -1; }

Journal::~Journal() {
  if (fd_ < 0) return;
  try {
    sync();
  } catch (const std::exception&) {  // nothing more to do at exit
  }
  ::close(fd_);
}

void Journal::add(std::string_view line) {
  buffer_.append(line);
  buffer_ += '\n';
}

void Journal::sync() {
  std::size_t done = 0;
  while (done < buffer_.size()) {
    const ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw std::runtime_error(std::string("journal write: ") + std::strerror(errno));
    done += static_cast<std::size_t>(n);
  }
  buffer_.clear();
  if (::fdatasync(fd_) != 0) throw std::runtime_error(std::string("journal fdatasync: ") + std::strerror(errno));
}

}  // namespace hub::bench
