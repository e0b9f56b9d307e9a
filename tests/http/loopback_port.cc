#include "loopback_port.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <random>

namespace hub::testing {
namespace {

constexpr std::uint16_t kLowest = 20000;   // above the well-known services tests might meet
constexpr std::uint16_t kHighest = 32767;  // below the ephemeral range
constexpr int kTries = 200;

bool bindable(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port);
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

std::uint16_t unused_loopback_port() {
  thread_local std::mt19937 random{std::random_device{}()};
  std::uniform_int_distribution<int> pick(kLowest, kHighest);
  for (int i = 0; i < kTries; ++i) {
    const auto port = static_cast<std::uint16_t>(pick(random));
    if (bindable(port)) return port;
  }
  return 0;
}

}  // namespace hub::testing
