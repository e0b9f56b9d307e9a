// test_server.h: starting a listener in a test.
#pragma once

#include <catch2/catch.hpp>
#include <memory>

#include "http/server.h"

namespace hub::http::testing {

inline ListenerSettings loopback_settings() {
  ListenerSettings settings;
  settings.bind = "127.0.0.1:0";
  return settings;
}

inline std::unique_ptr<Server> start_server(ListenerSettings settings, Router router) {
  auto server = std::make_unique<Server>(std::move(settings), std::move(router));
  const Status status = server->start();
  INFO(status.to_string());
  REQUIRE(status.ok());
  REQUIRE(server->port() != 0);
  return server;
}

inline void must(const Status& status) {
  INFO(status.to_string());
  REQUIRE(status.ok());
}

}  // namespace hub::http::testing
