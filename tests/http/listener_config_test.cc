// A listener's settings as the config writes them: defaults, every key, and
// refusals that name the key and say what to write.
#include <catch2/catch.hpp>

#include "http/listener_config.h"

using hub::http::ListenerSettings;
using hub::http::read_listener_settings;
using nlohmann::json;

namespace {

std::string refusal(const json& map) {
  ListenerSettings s;
  const hub::Status status = read_listener_settings(map, "adapters[http].settings.listener", &s);
  return status.ok() ? "accepted" : status.message();
}

}  // namespace

TEST_CASE("listener config: only bind given keeps every default") {
  ListenerSettings s;
  REQUIRE(read_listener_settings(json{{"bind", "127.0.0.1:0"}}, "x", &s).ok());
  CHECK(s.bind == "127.0.0.1:0");
  const ListenerSettings defaults;
  CHECK(s.max_header_bytes == defaults.max_header_bytes);
  CHECK(s.header_timeout == defaults.header_timeout);
  CHECK(s.worker_threads == defaults.worker_threads);
  CHECK_FALSE(s.https());
}

TEST_CASE("listener config: every key is read") {
  ListenerSettings s;
  const json map = {{"bind", "0.0.0.0:8443"},        {"certificate_file", "/tls/hub.crt"},
                    {"private_key_file", "/tls/hub.key"}, {"client_ca_file", "/tls/units-ca.crt"},
                    {"allow_plain_http", false},     {"max_header_bytes", 8192},
                    {"max_body_bytes", 2097152},     {"max_connections", 300},
                    {"max_connections_per_address", 8}, {"header_timeout_seconds", 5},
                    {"body_timeout_seconds", 20},    {"idle_timeout_seconds", 90},
                    {"write_timeout_seconds", 15},   {"worker_threads", 4}};
  const hub::Status status = read_listener_settings(map, "x", &s);
  INFO(status.message());
  REQUIRE(status.ok());
  CHECK(s.https());
  CHECK(s.client_ca_file == "/tls/units-ca.crt");
  CHECK(s.max_header_bytes == 8192);
  CHECK(s.max_body_bytes == 2097152);
  CHECK(s.max_connections == 300);
  CHECK(s.max_connections_per_address == 8);
  CHECK(s.header_timeout == std::chrono::seconds(5));
  CHECK(s.body_timeout == std::chrono::seconds(20));
  CHECK(s.idle_timeout == std::chrono::seconds(90));
  CHECK(s.write_timeout == std::chrono::seconds(15));
  CHECK(s.worker_threads == 4);
}

TEST_CASE("listener config: refusals name the key and say what to write") {
  CHECK_THAT(refusal(json::object()), Catch::Contains("settings.listener.bind: required"));
  CHECK_THAT(refusal(json{{"bind", "127.0.0.1:0"}, {"max_body_byte", 10}}),
             Catch::Contains("listener.max_body_byte: unknown listener setting; the known ones are") &&
                 Catch::Contains("max_body_bytes"));
  CHECK_THAT(refusal(json{{"bind", "127.0.0.1:0"}, {"max_body_bytes", "1MB"}}),
             Catch::Contains("max_body_bytes: must be a whole number"));
  CHECK_THAT(refusal(json{{"bind", "127.0.0.1:0"}, {"worker_threads", 0}}),
             Catch::Contains("worker_threads: must be from 1 to 64"));
  CHECK_THAT(refusal(json{{"bind", "127.0.0.1:0"}, {"allow_plain_http", "yes"}}),
             Catch::Contains("allow_plain_http: must be true or false"));
  CHECK_THAT(refusal(json{{"bind", "0.0.0.0:8080"}}), Catch::Contains("plain HTTP on a non-loopback address is refused"));
  CHECK_THAT(refusal(json::array()), Catch::Contains("must be a map of listener settings"));
}
