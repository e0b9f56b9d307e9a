#include "http/response.h"

#include <fmt/format.h>

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
  return json(status, fmt::format(R"({{"error":{{"code":"{}","message":"{}"}}}})", json_escape(code), json_escape(message)));
}

std::string json_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += fmt::format("\\u{:04x}", static_cast<unsigned>(static_cast<unsigned char>(c)));
        } else {
          out.push_back(c);
        }
    }
  }
  return out;
}

}  // namespace hub::http
