#include "http/wire_response.h"

#include <algorithm>
#include <string_view>

namespace hub::http::detail {

namespace bhttp = boost::beast::http;

namespace {

bool has_control(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) { return c == '\r' || c == '\n' || c == '\0'; });
}

}  // namespace

bhttp::response<bhttp::string_body> to_wire(Response response, const WireOptions& options) {
  if (response.status < 200 || response.status > 599) {  // 1xx would leave the client waiting for more
    response = Response::error(500, "internal", "a handler answered an invalid status; this is a fault in the hub");
  }
  for (const auto& [name, value] : response.headers.fields()) {
    if (name.empty() || has_control(name) || has_control(value)) {
      response = Response::error(500, "internal", "a handler answered an invalid header; this is a fault in the hub");
      break;
    }
  }
  bhttp::response<bhttp::string_body> out;
  out.version(11);
  out.result(static_cast<unsigned>(response.status));
  for (const auto& [name, value] : response.headers.fields()) out.insert(name, value);
  if (!response.headers.has("X-Content-Type-Options")) out.set("X-Content-Type-Options", "nosniff");
  if (!response.headers.has("Cache-Control")) out.set(bhttp::field::cache_control, "no-store");
  if (options.https && !response.headers.has("Strict-Transport-Security")) {
    out.set(bhttp::field::strict_transport_security, "max-age=31536000");
  }
  const std::size_t length = response.body.size();
  if (!options.head) out.body() = std::move(response.body);
  out.keep_alive(options.keep_alive);
  out.prepare_payload();
  if (options.head) out.content_length(length);
  return out;
}

}  // namespace hub::http::detail
