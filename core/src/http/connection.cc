#include "http/connection.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <limits>
#include <optional>
#include <type_traits>

#include "http/responder.h"
#include "http/tls.h"
#include "http/wire_response.h"

namespace hub::http::detail {

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kFirstRead = 4096;
constexpr std::size_t kMaxDrainBytes = 2 * 1024 * 1024;  // read and dropped before closing (a refused 1 MiB header fits)
constexpr std::chrono::seconds kMaxDrainTime{2};          // at most, before closing

// A parse error (as opposed to the client closing or resetting).
bool is_malformed(const beast::error_code& ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category() &&
         ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message;
}

template <class Stream>
class Connection : public ConnectionHandle, public std::enable_shared_from_this<Connection<Stream>> {
 public:
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

  Connection(std::shared_ptr<ListenerState> state, tcp::socket socket, std::string peer_address,
             std::uint16_t peer_port, bool counted, std::string refusal)
      : state_(std::move(state)),
        stream_(make_stream(std::move(socket))),
        timer_(stream_.get_executor()),
        peer_address_(std::move(peer_address)),
        peer_port_(peer_port),
        counted_(counted),
        refusal_(std::move(refusal)) {}

  ~Connection() override {
    if (counted_) state_->counter.release(peer_address_);
    if (!refusal_.empty()) state_->refusing.fetch_sub(1);
  }

  void start(std::uint64_t registry_id) {
    registry_id_ = registry_id;
    net::post(stream_.get_executor(), [self = this->shared_from_this()] { self->begin(); });
  }

  void close_now() override {
    finished_ = true;
    boost::system::error_code ignored;
    timer_.cancel();
    beast::get_lowest_layer(stream_).socket().close(ignored);
  }

 private:
  Stream make_stream(tcp::socket socket) {
    if constexpr (kTls) {
      return Stream(PlainStream(std::move(socket)), *state_->tls);
    } else {
      return Stream(std::move(socket));
    }
  }

  const ListenerSettings& settings() const { return state_->settings; }

  void begin() {
    header_deadline_ = Clock::now() + settings().header_timeout;
    if constexpr (kTls) {
      beast::get_lowest_layer(stream_).expires_at(header_deadline_);
      stream_.async_handshake(net::ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) { self->on_handshake(ec); });
    } else {
      after_handshake();
    }
  }

  void on_handshake(beast::error_code ec) {
    beast::get_lowest_layer(stream_).expires_never();
    if (ec) return finish();  // a client that cannot or will not do TLS (or a refused certificate)
    if constexpr (kTls) client_certificate_ = peer_certificate_sha256(stream_.native_handle());
    after_handshake();
  }

  void after_handshake() {
    if (!refusal_.empty()) {
      return send_error(503, "too_many_connections", refusal_);
    }
    wait_for_request(/*first=*/true);
  }

  // ---- reading ----

  // Bounds the next read: at `deadline` the socket's operations are
  // cancelled and timed_out_ says why.
  void arm(Clock::time_point deadline) {
    timed_out_ = false;
    const std::uint64_t generation = ++timer_generation_;
    timer_.expires_at(deadline);
    timer_.async_wait([self = this->shared_from_this(), generation](beast::error_code ec) {
      if (ec || generation != self->timer_generation_ || self->finished_) return;
      self->timed_out_ = true;
      boost::system::error_code ignored;
      beast::get_lowest_layer(self->stream_).socket().cancel(ignored);
    });
  }

  void disarm() {
    ++timer_generation_;
    timer_.cancel();
  }

  void wait_for_request(bool first) {
    if (buffer_.size() > 0) {  // pipelined: the next request began already
      header_deadline_ = Clock::now() + settings().header_timeout;
      return read_header();
    }
    arm(first ? header_deadline_ : Clock::now() + settings().idle_timeout);
    stream_.async_read_some(buffer_.prepare(kFirstRead),
                            [self = this->shared_from_this(), first](beast::error_code ec, std::size_t n) {
                              self->on_first_bytes(ec, n, first);
                            });
  }

  void on_first_bytes(beast::error_code ec, std::size_t n, bool first) {
    disarm();
    if (ec) return finish();  // closed, reset, or silent too long: nothing to answer
    buffer_.commit(n);
    if (!first) header_deadline_ = Clock::now() + settings().header_timeout;
    read_header();
  }

  void read_header() {
    head_ = false;
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(settings().max_header_bytes, UINT32_MAX)));
    // Set once the route is known (on_header). Not boost::none: Boost 1.74
    // compares a Content-Length with an empty limit as if it were exceeded.
    parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    arm(header_deadline_);
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                               self->on_header(ec);
                             });
  }

  void on_header(beast::error_code ec) {
    const bool timed_out = timed_out_;
    disarm();
    if (ec) {
      return read_failed(ec, timed_out, "the request header did not arrive within " +
                                            millis(settings().header_timeout) + ": send the whole header at once");
    }
    auto& message = parser_->get();
    request_.emplace();
    Request& request = *request_;
    request.id = state_->next_request_id.fetch_add(1);
    request.method = std::string(message.method_string());
    request.target = std::string(message.target());
    const auto question = request.target.find('?');
    request.path = request.target.substr(0, question);
    if (question != std::string::npos) request.query = request.target.substr(question + 1);
    for (const auto& field : message) {
      request.headers.add(std::string(field.name_string()), std::string(field.value()));
    }
    request.peer_address = peer_address_;
    request.peer_port = peer_port_;
    request.https = kTls;
    request.client_certificate_sha256 = client_certificate_;
    keep_alive_ = message.keep_alive();
    head_ = message.method() == bhttp::verb::head;

    std::vector<std::string> segments;
    if (Status status = split_path(request.path, &segments); !status.ok()) {
      return send_error(400, "bad_path", status.message());
    }
    Router::Match match = state_->router.match(request.method, segments);
    if (match.route == nullptr) {
      if (match.allow.empty()) {
        return send_error(404, "not_found", "no resource at " + request.path + ": check the path");
      }
      Response response = Response::error(405, "method_not_allowed",
                                          request.method + " is not allowed on " + request.path + ": use " + match.allow);
      response.headers.set("Allow", match.allow);
      return send(std::move(response));
    }
    route_ = match.route;
    request.params = std::move(match.params);
    if (const std::size_t most = route_->options.max_in_flight; most != 0) {
      auto in_flight = route_->in_flight;
      if (in_flight->fetch_add(1) >= most) {
        in_flight->fetch_sub(1);
        Response busy = Response::error(503, "busy", std::to_string(most) + " requests like this one are being "
                                                     "carried out: send it again after the Retry-After pause");
        busy.headers.set("Retry-After", "1");
        busy.close = true;  // its body was not read
        return send(std::move(busy));
      }
      // Released when the answer is written or the connection ends.
      route_slot_ = std::shared_ptr<void>(nullptr, [in_flight](void*) { in_flight->fetch_sub(1); });
    }

    std::size_t limit = settings().max_body_bytes;
    if (route_->options.max_body_bytes != 0) limit = route_->options.max_body_bytes;
    if (parser_->is_done()) return dispatch();
    if (const auto length = parser_->content_length(); length && *length > limit) {
      return send_error(413, "body_too_large", body_too_large(limit));
    }
    parser_->body_limit(limit);
    body_limit_ = limit;
    const auto expect = message[bhttp::field::expect];
    if (equals_ignoring_case(std::string_view(expect.data(), expect.size()), "100-continue")) {
      continue_.emplace(bhttp::status::continue_, 11);
      beast::get_lowest_layer(stream_).expires_after(settings().write_timeout);
      return bhttp::async_write(stream_, *continue_,
                                [self = this->shared_from_this()](beast::error_code write_ec, std::size_t) {
                                  beast::get_lowest_layer(self->stream_).expires_never();
                                  if (write_ec) return self->finish();
                                  self->read_body();
                                });
    }
    read_body();
  }

  void read_body() {
    arm(Clock::now() + settings().body_timeout);
    bhttp::async_read(stream_, buffer_, *parser_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      self->on_body(ec);
    });
  }

  void on_body(beast::error_code ec) {
    const bool timed_out = timed_out_;
    disarm();
    if (ec) {
      return read_failed(ec, timed_out, "the request body did not arrive within " + millis(settings().body_timeout) +
                                            ": send it faster or in smaller requests");
    }
    request_->body = std::move(parser_->get().body());
    dispatch();
  }

  // A read of the header or body failed: 408 when its deadline passed
  // (`late` says what to do), 431 or 413 over a limit, 400 when malformed;
  // a client that closed or reset gets nothing.
  void read_failed(const beast::error_code& ec, bool timed_out, const std::string& late) {
    if (timed_out) return send_error(408, "timeout", late);
    if (ec == bhttp::error::header_limit) {
      return send_error(431, "header_too_large",
                        "the request line and headers exceed " + std::to_string(settings().max_header_bytes) +
                            " bytes: send fewer or shorter headers");
    }
    if (ec == bhttp::error::body_limit) return send_error(413, "body_too_large", body_too_large(body_limit_));
    if (is_malformed(ec)) return send_error(400, "bad_request", "malformed HTTP/1.1 request (" + ec.message() + ")");
    finish();
  }

  // ---- the handler and its answer ----

  void dispatch() {
    std::weak_ptr<Connection> weak = this->shared_from_this();
    const std::uint64_t request_id = request_->id;
    auto pending = std::make_shared<detail::PendingAnswer>(
        [weak, state = state_, request_id](Response response) {
          std::lock_guard lock(state->gate_mu);
          if (!state->open) return;  // the server stopped: a no-op
          if (auto self = weak.lock()) {
            net::post(self->stream_.get_executor(), [self, request_id, response = std::move(response)]() mutable {
              self->on_answer(request_id, std::move(response));
            });
          }
        });
    awaiting_ = request_id;
    const Request& request = *request_;
    try {
      route_->handler(request, Responder(std::move(pending)));
    } catch (const std::exception& e) {
      spdlog::error("http {}: handler of {} {} threw: {}", settings().bind, request.method, route_->pattern, e.what());
    } catch (...) {
      spdlog::error("http {}: handler of {} {} threw", settings().bind, request.method, route_->pattern);
    }
    // Watch only if the answer is not queued already (a handler answering
    // at once posted it first): saves a read and its cancellation per request.
    net::post(stream_.get_executor(), [self = this->shared_from_this(), request_id] {
      if (self->awaiting_ == request_id && !self->finished_) self->watch();
    });
  }

  // While a handler works, a read stays pending so that a client going away
  // is seen at once: its connection ends and its place is free again, and the
  // answer, when it comes, is a no-op. What the client sends meanwhile (the
  // next pipelined request) is kept in buffer_, up to max_header_bytes.
  void watch() {
    if (buffer_.size() >= settings().max_header_bytes) return;
    watching_ = true;
    stream_.async_read_some(buffer_.prepare(kFirstRead), [self = this->shared_from_this()](beast::error_code ec, std::size_t n) {
      self->on_watch(ec, n);
    });
  }

  void on_watch(beast::error_code ec, std::size_t n) {
    watching_ = false;
    if (finished_) return;
    if (!ec) buffer_.commit(n);
    if (awaiting_ != 0) {  // the handler has not answered yet
      if (ec) return finish();
      return watch();
    }
    // The answer is being written, or was (then on_written left it to us).
    if (ec && ec != net::error::operation_aborted) peer_closed_ = true;
    if (resume_after_watch_) {
      resume_after_watch_ = false;
      after_write();
    }
  }

  void on_answer(std::uint64_t request_id, Response response) {
    if (finished_ || awaiting_ != request_id) return;  // the client went away meanwhile
    send(std::move(response));
  }

  void send_error(int status, std::string_view code, const std::string& message) {
    Response response = Response::error(status, code, message);
    // A request whose end was not read cannot be followed by another.
    response.close = !parser_ || !parser_->is_done() || status == 400 || status == 408 || status == 503;
    send(std::move(response));
  }

  void send(Response response) {
    awaiting_ = 0;
    request_.reset();
    const bool keep = keep_alive_ && !response.close && parser_ && parser_->is_done();
    out_.emplace(to_wire(std::move(response), WireOptions{kTls, head_, keep}));
    keep_alive_ = keep;
    beast::get_lowest_layer(stream_).expires_after(settings().write_timeout);
    bhttp::async_write(stream_, *out_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      self->on_written(ec);
    });
  }

  void on_written(beast::error_code ec) {
    beast::get_lowest_layer(stream_).expires_never();
    out_.reset();
    route_slot_.reset();  // the answer (a file, say) is written and freed: the place is free
    if (ec) return finish();
    if (watching_) {  // stop watching first: on_watch goes on
      resume_after_watch_ = true;
      boost::system::error_code ignored;
      beast::get_lowest_layer(stream_).socket().cancel(ignored);
      return;
    }
    after_write();
  }

  void after_write() {
    if (peer_closed_) return finish();
    if (!keep_alive_) return close_gracefully();
    parser_.reset();
    route_ = nullptr;
    wait_for_request(/*first=*/false);
  }

  // ---- closing ----

  // Sends the end of the stream, then reads and drops what the client still
  // sends (a body we did not read) for a moment, so the answer is not lost to
  // a reset.
  void close_gracefully() {
    const auto deadline = Clock::now() + std::min<Clock::duration>(kMaxDrainTime, settings().header_timeout);
    if constexpr (kTls) {
      beast::get_lowest_layer(stream_).expires_at(deadline);
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) { self->finish(); });
    } else {
      boost::system::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
      arm(deadline);
      drain();
    }
  }

  void drain() {
    stream_.async_read_some(net::buffer(drain_buffer_), [self = this->shared_from_this()](beast::error_code ec, std::size_t n) {
      self->drained_ += n;
      if (ec || self->drained_ > kMaxDrainBytes) return self->finish();
      self->drain();
    });
  }

  void finish() {
    if (finished_) return;
    close_now();
    state_->remove(registry_id_);
  }

  std::string body_too_large(std::size_t limit) const {
    return "the request body exceeds " + std::to_string(limit) + " bytes: send a smaller body";
  }
  static std::string millis(std::chrono::milliseconds d) { return std::to_string(d.count()) + " ms"; }

  std::shared_ptr<ListenerState> state_;
  Stream stream_;
  net::steady_timer timer_;
  const std::string peer_address_;
  const std::uint16_t peer_port_;
  bool counted_;
  const std::string refusal_;
  std::uint64_t registry_id_ = 0;

  std::string client_certificate_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::optional<Request> request_;
  const Router::Route* route_ = nullptr;
  std::shared_ptr<void> route_slot_;  // this request's place among its route's max_in_flight
  std::size_t body_limit_ = 0;
  bool keep_alive_ = false;
  bool head_ = false;  // the request is HEAD: the answer has no body
  std::uint64_t awaiting_ = 0;  // the request id whose answer is awaited, 0 for none
  bool watching_ = false;            // watch() has a read pending
  bool resume_after_watch_ = false;  // the answer is written; on_watch continues
  bool peer_closed_ = false;         // the client closed or reset while we answered
  std::optional<bhttp::response<bhttp::empty_body>> continue_;
  std::optional<bhttp::response<bhttp::string_body>> out_;

  Clock::time_point header_deadline_;
  bool timed_out_ = false;
  std::uint64_t timer_generation_ = 0;
  bool finished_ = false;
  std::size_t drained_ = 0;
  char drain_buffer_[4096];
};

template <class Stream>
void start_connection(std::shared_ptr<ListenerState> state, tcp::socket socket, std::string peer_address,
                      std::uint16_t peer_port, bool counted, std::string refusal) {
  auto connection = std::make_shared<Connection<Stream>>(state, std::move(socket), std::move(peer_address), peer_port,
                                                         counted, std::move(refusal));
  const std::uint64_t id = state->add(connection);
  connection->start(id);
}

}  // namespace

void serve_connection(std::shared_ptr<ListenerState> state, tcp::socket socket, std::string peer_address, bool counted,
                      std::string refusal) {
  boost::system::error_code ec;
  const auto remote = socket.remote_endpoint(ec);
  const std::uint16_t port = ec ? 0 : remote.port();
  if (state->tls) {
    start_connection<TlsStream>(std::move(state), std::move(socket), std::move(peer_address), port, counted,
                                std::move(refusal));
  } else {
    start_connection<PlainStream>(std::move(state), std::move(socket), std::move(peer_address), port, counted,
                                  std::move(refusal));
  }
}

}  // namespace hub::http::detail
