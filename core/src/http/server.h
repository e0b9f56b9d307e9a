// http/server.h: one HTTP/1.1 listener (HTTPS or plain) serving a Router.
//
// Every HTTP listener of the hub is one Server: it only differs in its
// settings and routes. Built on Boost.Beast and Boost.Asio: one io_context
// per listener run by `worker_threads` threads; each connection is a chain of
// asynchronous operations on its own strand, so an idle keep-alive or
// long-poll connection holds memory, not a thread. Handlers run on the
// worker threads (never two at once for one connection) and may answer later
// from any thread (responder.h).
//
// What the layer answers by itself, as {"error":{"code","message"}}:
// 400 malformed request or path, 404 / 405 (with Allow) from the router,
// 408 header or body too slow, 413 body over the limit (said from
// Content-Length before reading it, or when a chunked body crosses it),
// 431 header over the limit, 503 over max_connections or
// max_connections_per_address, 500 when a handler never answers. Each of
// these but 404/405 on a request without a body closes the connection. A
// connection silent for idle_timeout between requests, or whose TLS handshake
// does not finish within header_timeout, is closed without an answer.
// While a handler works, the connection keeps reading: a client that goes
// away ends its connection (and frees its place) at once, and the handler's
// answer then goes nowhere.
//
// Thread-safety: start, port and stop may be called from any thread but not
// from a handler (stop joins the worker threads); stop is idempotent and the
// destructor calls it.
#pragma once

#include <cstdint>
#include <memory>

#include "http/listener_settings.h"
#include "http/router.h"
#include "hub/status.h"

namespace hub::http {

class Server {
 public:
  Server(ListenerSettings settings, Router router);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Checks the settings (check_listener_settings), loads the TLS files, binds
  // and starts the worker threads. Once only. The message says what to do.
  Status start();
  // The bound port (useful with port 0); 0 before start.
  std::uint16_t port() const;
  // Stops accepting, closes every connection, joins the worker threads.
  // Pending responders become no-ops. Returns without waiting for handlers'
  // work elsewhere.
  void stop();

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace hub::http
