// http/response.h: what a handler answers, and the layer's own error bodies.
//
// The layer adds, when the handler did not set them: Content-Length,
// "X-Content-Type-Options: nosniff", "Cache-Control: no-store", and on HTTPS
// listeners "Strict-Transport-Security: max-age=31536000". Plain values.
#pragma once

#include <string>
#include <string_view>

#include "http/request.h"

namespace hub::http {

struct Response {
  int status = 200;
  Headers headers;
  std::string body;
  // Close the connection after this response (otherwise HTTP/1.1 keep-alive
  // applies as the client asked).
  bool close = false;

  // `body` is JSON text already; sets "Content-Type: application/json".
  static Response json(int status, std::string body);
  // Sets "Content-Type: text/plain; charset=utf-8".
  static Response text(int status, std::string body);
  // {"error":{"code":"<code>","message":"<message>"}} with `status`. The
  // message says what to do; both are escaped here.
  static Response error(int status, std::string_view code, std::string_view message);
};

}  // namespace hub::http
