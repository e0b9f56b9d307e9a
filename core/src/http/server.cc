#include "http/server.h"

#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <mutex>
#include <thread>
#include <vector>

#include "http/connection.h"
#include "http/listener_state.h"
#include "http/tls.h"

namespace hub::http {

namespace net = boost::asio;
using tcp = net::ip::tcp;

class Server::Impl {
 public:
  Impl(ListenerSettings settings, Router router)
      : state_(std::make_shared<detail::ListenerState>(std::move(settings), std::move(router))) {}

  ~Impl() { stop(); }

  Status start() {
    std::lock_guard lock(mu_);
    if (started_) return Status::Conflict("listener " + state_->settings.bind + ": started already");
    const ListenerSettings& settings = state_->settings;
    if (Status status = check_listener_settings(settings); !status.ok()) return status;
    BindAddress bind;
    if (Status status = parse_bind_address(settings.bind, &bind); !status.ok()) return status;
    if (settings.https()) {
      if (Status status = detail::make_tls_context(settings, &state_->tls); !status.ok()) return status;
    }
    const tcp::endpoint endpoint(net::ip::make_address(bind.host), bind.port);
    boost::system::error_code ec;
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec && endpoint.protocol() == tcp::v6()) acceptor_.set_option(net::ip::v6_only(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
      return Status::Unavailable("listener " + settings.bind + ": cannot listen (" + ec.message() +
                                 "): free the port or choose another bind address");
    }
    port_ = acceptor_.local_endpoint().port();
    started_ = true;
    accept();
    for (int i = 0; i < settings.worker_threads; ++i) {
      threads_.emplace_back([this] { run(); });
    }
    return Status::Ok();
  }

  std::uint16_t port() const { return port_; }

  void stop() {
    std::lock_guard lock(mu_);
    if (!started_ || stopped_) return;
    stopped_ = true;
    {
      std::lock_guard gate(state_->gate_mu);
      state_->open = false;  // answers from now on are no-ops
    }
    io_.stop();
    for (std::thread& thread : threads_) thread.join();
    threads_.clear();
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    std::unordered_map<std::uint64_t, std::shared_ptr<detail::ConnectionHandle>> live;
    {
      std::lock_guard registry(state_->registry_mu);
      live.swap(state_->live);
    }
    for (auto& [id, connection] : live) connection->close_now();
    // What queued handlers still hold goes with io_, in ~Impl.
  }

 private:
  void run() {
    for (;;) {
      try {
        io_.run();
        return;
      } catch (const std::exception& e) {
        // A bug in the layer; keep serving the other connections.
        spdlog::error("http {}: unexpected exception in a worker thread: {}", state_->settings.bind, e.what());
      }
    }
  }

  void accept() {
    acceptor_.async_accept(net::make_strand(io_), [this](boost::system::error_code ec, tcp::socket socket) {
      if (ec == net::error::operation_aborted) return;
      if (ec) {
        // Out of file descriptors and the like: pause instead of spinning.
        spdlog::warn("http {}: accept failed: {}", state_->settings.bind, ec.message());
        retry_.expires_after(std::chrono::milliseconds(100));
        retry_.async_wait([this](boost::system::error_code wait_ec) {
          if (!wait_ec) accept();
        });
        return;
      }
      admit(std::move(socket));
      accept();
    });
  }

  void admit(tcp::socket socket) {
    boost::system::error_code ec;
    const tcp::endpoint remote = socket.remote_endpoint(ec);
    if (ec) return;  // gone already
    net::ip::address address = remote.address();
    if (address.is_v6() && address.to_v6().is_v4_mapped()) {
      address = net::ip::make_address_v4(net::ip::v4_mapped, address.to_v6());
    }
    std::string peer = address.to_string();
    socket.set_option(tcp::no_delay(true), ec);  // answers are written whole: no reason to wait
    const char* which = nullptr;
    if (state_->counter.try_acquire(peer, &which)) {
      detail::serve_connection(state_, std::move(socket), std::move(peer), /*counted=*/true, {});
      return;
    }
    // Answer 503 to a few at a time; close the rest at once.
    if (state_->refusing.fetch_add(1) >= kMaxRefusing) {
      state_->refusing.fetch_sub(1);
      socket.close(ec);
      return;
    }
    const ListenerSettings& s = state_->settings;
    const std::size_t limit = std::string(which) == "max_connections" ? s.max_connections : s.max_connections_per_address;
    detail::serve_connection(state_, std::move(socket), std::move(peer), /*counted=*/false,
                             std::string("this listener holds ") + std::to_string(limit) + " connections (" + which +
                                 ") already: close idle connections, reuse one with keep-alive, or retry later");
  }

  static constexpr std::size_t kMaxRefusing = 64;

  std::mutex mu_;  // start and stop
  bool started_ = false;
  bool stopped_ = false;
  std::shared_ptr<detail::ListenerState> state_;
  net::io_context io_;
  tcp::acceptor acceptor_{io_};
  net::steady_timer retry_{io_};
  std::uint16_t port_ = 0;
  std::vector<std::thread> threads_;
};

Server::Server(ListenerSettings settings, Router router)
    : impl_(std::make_unique<Impl>(std::move(settings), std::move(router))) {}

Server::~Server() = default;

Status Server::start() { return impl_->start(); }

std::uint16_t Server::port() const { return impl_->port(); }

void Server::stop() { impl_->stop(); }

}  // namespace hub::http
