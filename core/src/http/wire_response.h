// http/wire_response.h: a handler's Response as Beast writes it (internal to
// hub_http). Pure: no I/O, no state.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "http/response.h"

namespace hub::http::detail {

struct WireOptions {
  bool https = false;       // add Strict-Transport-Security
  bool head = false;        // answer to HEAD: Content-Length of the body, no body
  bool keep_alive = false;  // what the connection will do after it
};

// The HTTP/1.1 message for `response`, with the default security headers the
// handler did not set and Content-Length. A status outside 200-599 or a
// header with CR, LF or NUL (a fault in the handler) becomes a 500 instead.
boost::beast::http::response<boost::beast::http::string_body> to_wire(Response response, const WireOptions& options);

}  // namespace hub::http::detail
