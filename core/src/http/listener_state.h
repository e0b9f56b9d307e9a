// http/listener_state.h: what a listener's connections share (internal to
// hub_http).
//
// Shared by the Server and its connections through a shared_ptr, so a
// connection outliving its server's stop (held by a queued handler until the
// io_context is destroyed) still finds it. Guarded as each member says.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include <boost/asio/ssl/context.hpp>

#include "http/listener_settings.h"
#include "http/router.h"

namespace hub::http::detail {

// Open connections, in all and per client address. Thread-safe.
class ConnectionCounter {
 public:
  ConnectionCounter(std::size_t max_total, std::size_t max_per_address)
      : max_total_(max_total), max_per_address_(max_per_address) {}
  // Counts one more connection from `address`; false (nothing counted) when a
  // limit is reached, with the limit's name in `*which`.
  bool try_acquire(const std::string& address, const char** which);
  void release(const std::string& address);

 private:
  const std::size_t max_total_;
  const std::size_t max_per_address_;
  std::mutex mu_;
  std::size_t total_ = 0;                                   // GUARDED_BY(mu_)
  std::unordered_map<std::string, std::size_t> per_address_;  // GUARDED_BY(mu_)
};

// A connection as the server sees it when stopping.
class ConnectionHandle {
 public:
  virtual ~ConnectionHandle() = default;
  // Closes the socket at once. Only once the worker threads are joined.
  virtual void close_now() = 0;
};

struct ListenerState {
  ListenerState(ListenerSettings s, Router r)
      : settings(std::move(s)),
        router(std::move(r)),
        counter(settings.max_connections, settings.max_connections_per_address) {}

  const ListenerSettings settings;
  const Router router;
  std::unique_ptr<boost::asio::ssl::context> tls;  // set before the first accept; null for plain HTTP
  ConnectionCounter counter;
  std::atomic<std::uint64_t> next_request_id{1};
  std::atomic<std::size_t> refusing{0};  // connections being answered 503

  // Answers from other threads reach connections only while open. stop()
  // closes it before stopping the io_context, so nothing is posted to a
  // stopped one.
  std::mutex gate_mu;
  bool open = true;  // GUARDED_BY(gate_mu)

  // Every live connection, owned here until it finishes (a connection
  // waiting for a handler's answer has no operation holding it).
  std::mutex registry_mu;
  std::uint64_t next_connection = 1;                                           // GUARDED_BY(registry_mu)
  std::unordered_map<std::uint64_t, std::shared_ptr<ConnectionHandle>> live;  // GUARDED_BY(registry_mu)

  std::uint64_t add(std::shared_ptr<ConnectionHandle> connection) {
    std::lock_guard lock(registry_mu);
    const std::uint64_t id = next_connection++;
    live.emplace(id, std::move(connection));
    return id;
  }
  void remove(std::uint64_t id) {
    std::shared_ptr<ConnectionHandle> last;  // destroyed after the lock is released
    std::lock_guard lock(registry_mu);
    auto it = live.find(id);
    if (it == live.end()) return;
    last = std::move(it->second);
    live.erase(it);
  }
};

}  // namespace hub::http::detail
