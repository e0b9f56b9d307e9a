// http_library_bench: why the HTTP layer is built on Boost.Beast. Compares
// our Beast server (hub_http) with cpp-httplib 0.11.4, both plain HTTP on
// loopback with a trivial handler, each with its defaults except that
// cpp-httplib gets TCP_NODELAY and keep-alive unlimited in count (by default
// it closes after 5 requests, and Nagle delays every answer by 40 ms):
//
//  1. throughput and latency (p50/p99) with 8 and 64 keep-alive client
//     connections, each sending its next request as soon as the last is
//     answered, for --seconds;
//  2. --idle connections (default 200) each send one request and then stay
//     open and silent, as long-polling clients and browsers do; then one new
//     connection sends a request: how long until it is answered (at most
//     --wait seconds)?
//
// Usage: http_library_bench [--seconds 3] [--idle 200] [--wait 15]
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "http/server.h"

namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr char kRequest[] = "GET /ping HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

int connect_loopback(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

bool send_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
    if (n <= 0) return false;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

// Bytes of one response so far; complete() once header and body are in.
struct ResponseReader {
  std::string data;
  bool complete() {
    const auto end = data.find("\r\n\r\n");
    if (end == std::string::npos) return false;
    std::size_t length = 0;
    const auto at = data.find("ength: ");  // Content-Length / content-length
    if (at != std::string::npos && at < end) length = std::strtoul(data.c_str() + at + 7, nullptr, 10);
    if (data.size() < end + 4 + length) return false;
    data.erase(0, end + 4 + length);
    return true;
  }
};

// Waits for one whole response on `fd` until `deadline`; false on close,
// error or deadline.
bool read_response(int fd, ResponseReader& reader, Clock::time_point deadline) {
  char buffer[4096];
  while (!reader.complete()) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(std::min<long long>(left, 100))) <= 0) continue;
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) return false;
    reader.data.append(buffer, static_cast<std::size_t>(n));
  }
  return true;
}

struct LoadResult {
  double requests_per_second = 0;
  double p50_us = 0;
  double p99_us = 0;
  int connections_answered = 0;  // connections that got at least one answer
};

LoadResult run_load(int port, int connections, std::chrono::seconds duration) {
  std::vector<std::vector<double>> latencies(static_cast<std::size_t>(connections));
  std::vector<std::thread> threads;
  const auto end = Clock::now() + duration;
  for (int i = 0; i < connections; ++i) {
    threads.emplace_back([&, i] {
      const int fd = connect_loopback(port);
      if (fd < 0) return;
      ResponseReader reader;
      auto& mine = latencies[static_cast<std::size_t>(i)];
      while (Clock::now() < end) {
        const auto begin = Clock::now();
        if (!send_all(fd, kRequest, sizeof kRequest - 1) || !read_response(fd, reader, end)) break;
        mine.push_back(std::chrono::duration<double, std::micro>(Clock::now() - begin).count());
      }
      ::close(fd);
    });
  }
  for (auto& thread : threads) thread.join();
  std::vector<double> all;
  LoadResult result;
  for (const auto& mine : latencies) {
    if (!mine.empty()) ++result.connections_answered;
    all.insert(all.end(), mine.begin(), mine.end());
  }
  if (all.empty()) return result;
  std::sort(all.begin(), all.end());
  result.requests_per_second = static_cast<double>(all.size()) / static_cast<double>(duration.count());
  result.p50_us = all[all.size() / 2];
  result.p99_us = all[std::min(all.size() - 1, all.size() * 99 / 100)];
  return result;
}

struct IdleResult {
  int idle_answered = 0;                // of the idle connections, answered within 2 s
  std::optional<double> new_request_ms;  // none: not answered within --wait
};

IdleResult run_idle(int port, int idle, std::chrono::seconds wait) {
  IdleResult result;
  std::vector<int> fds;
  for (int i = 0; i < idle; ++i) {
    const int fd = connect_loopback(port);
    if (fd < 0) break;
    send_all(fd, kRequest, sizeof kRequest - 1);
    fds.push_back(fd);
  }
  const auto first_deadline = Clock::now() + 2s;
  for (const int fd : fds) {
    ResponseReader reader;
    if (read_response(fd, reader, first_deadline)) ++result.idle_answered;
  }
  // The idle connections stay open and silent; one more client arrives.
  const int fd = connect_loopback(port);
  const auto begin = Clock::now();
  ResponseReader reader;
  if (fd >= 0 && send_all(fd, kRequest, sizeof kRequest - 1) && read_response(fd, reader, begin + wait)) {
    result.new_request_ms = std::chrono::duration<double, std::milli>(Clock::now() - begin).count();
  }
  if (fd >= 0) ::close(fd);
  for (const int idle_fd : fds) ::close(idle_fd);
  return result;
}

// A server under test: started on a free loopback port, stopped on destruction.
struct Subject {
  std::string name;
  int port = 0;
  std::function<void()> stop;
};

Subject start_beast() {
  hub::http::ListenerSettings settings;
  settings.bind = "127.0.0.1:0";
  settings.max_connections_per_address = 4096;  // every bench client is 127.0.0.1
  settings.max_connections = 4096;
  hub::http::Router router;
  (void)router.add_sync("GET", "/ping", [](const hub::http::Request&) { return hub::http::Response::text(200, "pong"); });
  auto server = std::make_shared<hub::http::Server>(settings, std::move(router));
  if (hub::Status status = server->start(); !status.ok()) {
    std::fprintf(stderr, "beast: %s\n", status.to_string().c_str());
    std::exit(1);
  }
  return Subject{"Boost.Beast (hub_http, 2 threads)", server->port(), [server] { server->stop(); }};
}

Subject start_httplib() {
  auto server = std::make_shared<httplib::Server>();
  server->Get("/ping", [](const httplib::Request&, httplib::Response& response) {
    response.set_content("pong", "text/plain");
  });
  server->set_keep_alive_max_count(1000000000);
  server->set_tcp_nodelay(true);  // its default (Nagle on, header and body written apart) costs 40 ms a request
  const int port = server->bind_to_any_port("127.0.0.1");
  auto thread = std::make_shared<std::thread>([server] { server->listen_after_bind(); });
  while (!server->is_running()) std::this_thread::sleep_for(1ms);
  const unsigned pool = std::max(8u, std::thread::hardware_concurrency() > 0 ? std::thread::hardware_concurrency() - 1 : 0);
  return Subject{"cpp-httplib 0.11.4 (" + std::to_string(pool) + "-thread pool)", port, [server, thread] {
                   server->stop();
                   thread->join();
                 }};
}

}  // namespace

int main(int argc, char** argv) {
  int seconds = 3;
  int idle = 200;
  int wait = 15;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const int value = std::atoi(argv[i + 1]);
    if (flag == "--seconds") seconds = value;
    else if (flag == "--idle") idle = value;
    else if (flag == "--wait") wait = value;
    else {
      std::fprintf(stderr, "usage: http_library_bench [--seconds 3] [--idle 200] [--wait 15]\n");
      return 2;
    }
  }
  std::printf("plain HTTP on loopback, GET /ping -> \"pong\", %d s per row, keep-alive clients (one thread each)\n\n", seconds);
  std::printf("| server | connections | requests/s | p50 µs | p99 µs | connections answered |\n");
  std::printf("|---|---:|---:|---:|---:|---:|\n");
  for (const auto& start : {start_beast, start_httplib}) {
    Subject subject = start();
    for (const int connections : {8, 64}) {
      const LoadResult r = run_load(subject.port, connections, std::chrono::seconds(seconds));
      std::printf("| %s | %d | %.0f | %.0f | %.0f | %d of %d |\n", subject.name.c_str(), connections, r.requests_per_second,
                  r.p50_us, r.p99_us, r.connections_answered, connections);
      std::fflush(stdout);
    }
    subject.stop();
  }
  std::printf("\n%d connections send one request each, then stay open and silent; then one new request:\n\n", idle);
  std::printf("| server | idle connections answered within 2 s | new request answered after |\n");
  std::printf("|---|---:|---:|\n");
  for (const auto& start : {start_beast, start_httplib}) {
    Subject subject = start();
    const IdleResult r = run_idle(subject.port, idle, std::chrono::seconds(wait));
    std::string answer = r.new_request_ms ? std::to_string(*r.new_request_ms).substr(0, 6) + " ms"
                                          : "not within " + std::to_string(wait) + " s";
    std::printf("| %s | %d of %d | %s |\n", subject.name.c_str(), r.idle_answered, idle, answer.c_str());
    std::fflush(stdout);
    subject.stop();
  }
  return 0;
}
