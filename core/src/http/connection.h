// http/connection.h: serves one accepted connection (internal to hub_http).
//
// Reads one request at a time (header under header_timeout, then the body
// under body_timeout and the route's limit), calls the route's handler, waits
// for its answer (reading meanwhile, to see the client go away), writes it
// under write_timeout, and reads the next one while keep-alive lasts
// (idle_timeout for its first byte). All of it runs on the connection's
// strand; an answer from another thread is posted there.
#pragma once

#include <memory>
#include <string>

#include <boost/asio/ip/tcp.hpp>

#include "http/listener_state.h"

namespace hub::http::detail {

// `counted`: the connection holds one place of state->counter for
// `peer_address`, released when it ends. Otherwise (`refusal` non-empty) it
// only answers 503 with that message and closes.
void serve_connection(std::shared_ptr<ListenerState> state, boost::asio::ip::tcp::socket socket,
                      std::string peer_address, bool counted, std::string refusal);

}  // namespace hub::http::detail
