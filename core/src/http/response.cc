#include "http/response.h"

#include <nlohmann/json.hpp>

namespace hub::http {

namespace {

Response typed(int status, const char* content_type, std::string body) {
  Response response;
  response.status = status;
  response.headers.set("Content-Type", content_type);
  response.body = std::move(body);
  return response;
}

}  // namespace

Response Response::json(int status, std::string body) { return typed(status, "application/json", std::move(body)); }

Response Response::text(int status, std::string body) {
  return typed(status, "text/plain; charset=utf-8", std::move(body));
}

Response Response::error(int status, std::string_view code, std::string_view message) {
  // Invalid UTF-8 in a message is replaced, never a reason to throw.
  const nlohmann::json body{{"error", {{"code", code}, {"message", message}}}};
  return json(status, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace hub::http
