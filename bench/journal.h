// bench/journal.h: a client's own durable record of what it sent, was told
// and received, for checks that must not trust the hub (tests/chaos).
//
// Lines are appended to a buffer by add() and reach the disk with sync():
// write(2) then fdatasync(2). A receiver syncs before it acks, so every
// delivery it acked is in its journal even if the machine stopped right after.
// One thread per Journal.
#pragma once

#include <string>
#include <string_view>

#include "util/result.h"

namespace hub::bench {

class Journal {
 public:
  // Creates (truncates) `path`.
  static Result<Journal> open(const std::string& path);
  Journal(Journal&& other) noexcept;
  Journal& operator=(Journal&&) = delete;
  Journal(const Journal&) = delete;
  ~Journal();

  // Appends one line (a '\n' is added).
  void add(std::string_view line);
  // Writes what was added and waits until it is on disk. Throws
  // std::runtime_error when the disk refuses: the client must not go on
  // as if it had recorded.
  void sync();
  bool dirty() const { return !buffer_.empty(); }

 private:
  explicit Journal(int fd) : fd_(fd) {}
  int fd_ = -1;
  std::string buffer_;
};

}  // namespace hub::bench
