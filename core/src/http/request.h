// http/request.h: one request as a handler sees it, and the helpers that read
// its target.
//
// A Request is a plain value, complete when the handler runs (the body has
// been read, within the route's limit). It is valid for the handler's call:
// an asynchronous handler copies or moves out what it needs later.
//
// Paths, carefully: `path` is the target before '?', exactly as sent (still
// percent-encoded). Routing splits the raw path on '/' and decodes each
// segment apart, so "%2F" inside a segment never makes a new segment; route
// parameters hold decoded segments. `decoded_path()` decodes the whole path
// for display and logs only: there "%2F" and "/" look alike, so never route
// or authorize on it. A path with a "." or ".." segment, or a malformed or
// NUL escape, is refused with 400 before any handler runs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hub/status.h"

namespace hub::http {

// Header fields in arrival order; lookup ignores ASCII case.
class Headers {
 public:
  void add(std::string name, std::string value) { fields_.emplace_back(std::move(name), std::move(value)); }
  // Replaces every field called `name` by one.
  void set(std::string_view name, std::string value);
  // The first field called `name`, if any.
  std::optional<std::string_view> get(std::string_view name) const;
  bool has(std::string_view name) const { return get(name).has_value(); }
  const std::vector<std::pair<std::string, std::string>>& fields() const { return fields_; }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

bool equals_ignoring_case(std::string_view a, std::string_view b);

struct Request {
  std::uint64_t id = 0;  // unique per listener, from 1, in arrival order
  std::string method;    // as sent, e.g. "GET"
  std::string target;    // request-target as sent: path and query
  std::string path;      // raw (percent-encoded) path, before '?'
  std::string query;     // raw query after '?', "" when none
  Headers headers;
  std::string body;
  std::string peer_address;  // client IP (what the connection limits count)
  std::uint16_t peer_port = 0;
  bool https = false;
  // SHA-256 of the client certificate's DER, lower-case hex (64 characters),
  // verified against the listener's client_ca_file; empty without one.
  std::string client_certificate_sha256;
  // Route parameters by name ("{id}" -> "id"; a prefix route's rest is "*"),
  // each percent-decoded.
  std::vector<std::pair<std::string, std::string>> params;

  // A route parameter, "" when the route has none by that name.
  std::string_view param(std::string_view name) const;
  // The whole path decoded, for display only (see the file comment).
  std::string decoded_path() const;
};

// Decodes %XX escapes; `plus_is_space` for query strings. Fails on a
// malformed escape or a decoded NUL.
Status percent_decode(std::string_view in, bool plus_is_space, std::string* out);

// The query's name=value pairs decoded ('+' is a space), sorted by name then
// value (a name without '=' has value ""). Fails on a malformed escape.
Status parse_query(std::string_view query, std::vector<std::pair<std::string, std::string>>* out);

// The raw path's segments, each decoded ("/a/b%2Fc" -> {"a", "b/c"}). Fails
// (a 400, said in the message) on a path not starting with '/', a "." or ".."
// segment, a malformed escape or a decoded NUL.
Status split_path(std::string_view raw_path, std::vector<std::string>* segments);

}  // namespace hub::http
