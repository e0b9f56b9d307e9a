// hub/adapter.h: the interface a transport adapter implements.
//
// An adapter carries bytes between member units and the hub. It authenticates
// each peer (for zmq: its CURVE key), asks the host which unit owns that
// identity, and hands every message body to the host tagged with that unit. A
// unit's identity always comes from the transport, never from message content.
// The host parses and answers; the adapter never interprets bodies.
//
// Threading: the adapter runs its own threads between start() and stop().
// send() is called from any host thread. AdapterHost methods may be called from
// the adapter's threads and never throw.
#pragma once

#include <string>
#include <string_view>

#include "hub/abi.h"
#include "hub/settings.h"
#include "hub/status.h"

#include <nlohmann/json.hpp>
#include <vector>

namespace hub {

class AdapterHost {
 public:
  virtual ~AdapterHost() = default;
  // The unit id whose key this is (CURVE public key in Z85), or empty if none.
  virtual std::string unit_for_key(std::string_view public_key_z85) noexcept = 0;
  // A message body from an authenticated unit.
  virtual void on_message(const std::string& unit, std::string body) noexcept = 0;
  // The log the adapter should use for its own events (start, refused peers).
  virtual void log_info(std::string_view line) noexcept = 0;
  virtual void log_warn(std::string_view line) noexcept = 0;
};

struct AdapterInfo {
  std::string name;
  std::string version;
  std::string summary;
  std::vector<SettingDecl> settings;
};

class Adapter {
 public:
  virtual ~Adapter() = default;
  virtual AdapterInfo info() const noexcept = 0;
  // Binds and starts serving. `settings` are checked against info().settings.
  // `host` outlives the adapter's running time (until stop() returns).
  virtual Status start(const nlohmann::json& settings, AdapterHost& host) noexcept = 0;
  // Queues `body` for the unit's current connection. Returns Unavailable when the
  // unit has no connection on this adapter. Thread-safe.
  virtual Status send(const std::string& unit, std::string body) noexcept = 0;
  // Stops serving; joins the adapter's threads. Idempotent.
  virtual void stop() noexcept = 0;
};

}  // namespace hub

// Exports the symbols the host looks for. Use once per adapter library. The
// class's methods must already be noexcept (the interface requires it).
#define HUB_DECLARE_ADAPTER(AdapterClass)                                                  \
  extern "C" HUB_EXPORT const char* hub_abi_version() noexcept { return ::hub::kAbiVersion; } \
  extern "C" HUB_EXPORT ::hub::Adapter* hub_create_adapter() noexcept {                    \
    try {                                                                                   \
      return new AdapterClass();                                                            \
    } catch (...) {                                                                         \
      return nullptr;                                                                       \
    }                                                                                       \
  }                                                                                         \
  extern "C" HUB_EXPORT void hub_destroy_adapter(::hub::Adapter* a) noexcept { delete a; }
