// Pure helpers: headers, percent decoding, queries, paths, JSON errors, and
// the response as written.
#include <catch2/catch.hpp>

#include "http/request.h"
#include "http/response.h"
#include "http/wire_response.h"

namespace hub::http {
namespace {

TEST_CASE("headers: lookup ignores case, set replaces") {
  Headers headers;
  headers.add("Content-Type", "a");
  headers.add("X-Two", "1");
  headers.add("x-two", "2");
  CHECK(headers.get("content-type") == "a");
  CHECK(headers.get("X-TWO") == "1");
  CHECK_FALSE(headers.has("missing"));
  headers.set("X-Two", "3");
  CHECK(headers.get("x-two") == "3");
  CHECK(headers.fields().size() == 2);
}

TEST_CASE("percent decoding, queries and paths") {
  std::string out;
  CHECK(percent_decode("a%20b+c", false, &out).ok());
  CHECK(out == "a b+c");
  CHECK(percent_decode("a%20b+c", true, &out).ok());
  CHECK(out == "a b c");
  CHECK_FALSE(percent_decode("%2", false, &out).ok());
  CHECK_FALSE(percent_decode("%g0", false, &out).ok());
  CHECK_FALSE(percent_decode("%00", false, &out).ok());

  std::vector<std::pair<std::string, std::string>> pairs;
  REQUIRE(parse_query("z=1&a=2&flag&&a=1&e=%3D", &pairs).ok());
  const std::vector<std::pair<std::string, std::string>> expected{{"a", "1"}, {"a", "2"}, {"e", "="}, {"flag", ""}, {"z", "1"}};
  CHECK(pairs == expected);
  CHECK_FALSE(parse_query("a=%", &pairs).ok());

  std::vector<std::string> segments;
  REQUIRE(split_path("/", &segments).ok());
  CHECK(segments == std::vector<std::string>{""});
  REQUIRE(split_path("/a/b%2Fc/", &segments).ok());
  CHECK(segments == std::vector<std::string>{"a", "b/c", ""});
  CHECK_FALSE(split_path("a/b", &segments).ok());
  CHECK_FALSE(split_path("/a/%2e%2e/b", &segments).ok());  // an encoded ".." too

  Request request;
  request.path = "/a/b%2Fc";
  CHECK(request.decoded_path() == "/a/b/c");
}

TEST_CASE("error bodies are JSON with escaped text") {
  const Response response = Response::error(400, "bad", "say \"hi\"\n\\");
  CHECK(response.status == 400);
  CHECK(response.headers.get("content-type") == "application/json");
  CHECK(response.body == R"({"error":{"code":"bad","message":"say \"hi\"\n\\"}})");
  CHECK(Response::error(400, "bad", std::string("\x01", 1)).body == R"({"error":{"code":"bad","message":"\u0001"}})");
}

TEST_CASE("the written response: default security headers unless set, faults become 500") {
  Response plain = Response::text(200, "x");
  auto out = detail::to_wire(plain, {});
  CHECK(out[boost::beast::http::field::cache_control] == "no-store");
  CHECK(out["X-Content-Type-Options"] == "nosniff");
  CHECK(out[boost::beast::http::field::strict_transport_security].empty());
  CHECK(out[boost::beast::http::field::content_length] == "1");
  CHECK_FALSE(out.keep_alive());

  Response cached = Response::text(200, "x");
  cached.headers.set("Cache-Control", "max-age=60");
  out = detail::to_wire(cached, detail::WireOptions{/*https=*/true, /*head=*/false, /*keep_alive=*/true});
  CHECK(out[boost::beast::http::field::cache_control] == "max-age=60");
  CHECK(out[boost::beast::http::field::strict_transport_security] == "max-age=31536000");
  CHECK(out.keep_alive());

  Response injected = Response::text(200, "x");
  injected.headers.set("X-Evil", "a\r\nSet-Cookie: b");
  CHECK(detail::to_wire(injected, {}).result_int() == 500);
}

}  // namespace
}  // namespace hub::http
