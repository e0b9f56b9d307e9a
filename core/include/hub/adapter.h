// hub/adapter.h: the interface a transport adapter implements.
//
// An adapter carries bytes between member units and the hub over one
// transport (ZeroMQ with CURVE, HTTPS, ...). For every peer it asks the host
// which unit the peer's credential belongs to (authenticate), then hands each
// message body to the host tagged with that unit and the request it came in
// (on_message). A unit's identity always comes from the transport's
// credential, never from message content. The host parses and answers; the
// adapter never interprets bodies.
//
// Two ways out:
//  - answer(origin, body): the answer to one message, to the request that
//    carried it (the zmq connection it came on; the HTTP exchange waiting for
//    it). An answer whose request is gone is dropped: units resend by their
//    reference, which the hub answers again without doing the work twice.
//  - send(unit, body): a message the hub starts (deliveries, forwarded
//    replies, updates, notices). The unit acks it; the hub resends until it
//    does, so an adapter may drop what it cannot carry.
//
// Dispatch rule (reach): a unit whose adapters all answer kWhileConnected is
// sent work only while it is connected (it said something within the
// heartbeat timeout); its work waits in the database meanwhile. A unit with an
// adapter answering kAnyTime (a webhook the adapter pushes to, a queue the
// unit pulls from) is always sent its work; the adapter keeps or pushes it and
// the hub's acks and resends do the rest. A unit with several adapters is sent
// through the first, in units.yaml's order, that takes the message.
//
// Threading: the adapter runs its own threads between start() and stop().
// send() and answer() are called from any host thread. AdapterHost methods may
// be called from any of the adapter's threads at once and never throw.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "hub/abi.h"
#include "hub/settings.h"
#include "hub/status.h"

#include <nlohmann/json.hpp>

namespace hub {

// What a peer presented to prove which unit it is.
struct Credential {
  enum class Kind {
    kCurveKey,           // id: the CURVE public key (Z85), proven by the handshake
    kSignedRequest,      // id: the key id; signature over signed_text, with timestamp and nonce
    kClientCertificate,  // id: the certificate's SHA-256 fingerprint (hex), proven by the TLS handshake
  };
  Kind kind = Kind::kCurveKey;
  std::string id;
  std::string signed_text;        // kSignedRequest: the canonical text that was signed
  std::string signature;          // kSignedRequest: the signature as the request carried it (hex for the http adapter)
  std::int64_t timestamp = 0;     // kSignedRequest: seconds since the epoch, as signed
  std::string nonce;              // kSignedRequest: the request's nonce, as signed

  static Credential curve_key(std::string public_key_z85) {
    Credential c;
    c.kind = Kind::kCurveKey;
    c.id = std::move(public_key_z85);
    return c;
  }
};

// The host's verdict on a credential: the unit, or why not.
struct Identity {
  std::string unit;     // empty: refused
  std::string code;     // when refused: a protocol error code (key_revoked, unsupported_credential, ...)
  std::string message;  // when refused: what the peer should do, for its answer
  bool ok() const { return !unit.empty(); }
};

// Where a message came from: the unit, and the adapter's own number for the
// request that carried it (a connection, an HTTP exchange), which answer()
// gets back unchanged. 0: the adapter has no such number.
struct Origin {
  std::string unit;
  std::uint64_t request = 0;
};

class AdapterHost {
 public:
  virtual ~AdapterHost() = default;
  // Which unit the credential belongs to now (checked on every call: a key
  // removed at a reload stops at once).
  virtual Identity authenticate(const Credential& credential) noexcept = 0;
  // A message body from an authenticated unit. Returns at once: the host
  // answers later, through answer(origin, ...).
  virtual void on_message(const Origin& origin, std::string body) noexcept = 0;
  // A message whose bytes travel beside its JSON body: `body` is the
  // envelope, `data` the bytes (a chunk of an attachment: docs/PROTOCOL.md,
  // "upload"). Answered like on_message.
  virtual void on_message_with_data(const Origin& origin, std::string body, std::string data) noexcept = 0;
  // The log the adapter should use for its own events (start, refused peers).
  virtual void log_info(std::string_view line) noexcept = 0;
  virtual void log_warn(std::string_view line) noexcept = 0;
};

struct AdapterInfo {
  std::string name;
  std::string version;
  std::string summary;
  std::vector<SettingDecl> settings;
  // True when every message comes in a request that waits for its own answer
  // (HTTP): the refusals the host answers at most once a second on other
  // transports (over the quota, too much waiting, a disabled unit) are then
  // answered one by one, so that no request waits in vain.
  bool answers_each_request = false;
};

// How the adapter reaches a unit that is not connected (see the dispatch rule above).
enum class Reach {
  kWhileConnected,  // only over a connection the unit holds
  kAnyTime,         // by pushing to the unit or keeping its messages until it pulls
};

class Adapter {
 public:
  virtual ~Adapter() = default;
  virtual AdapterInfo info() const noexcept = 0;
  // Binds and starts serving. `settings` are checked against info().settings.
  // `host` outlives the adapter's running time (until stop() returns).
  virtual Status start(const nlohmann::json& settings, AdapterHost& host) noexcept = 0;
  // How this adapter reaches `unit` (asked at start and at every reload).
  virtual Reach reach(const std::string& unit) const noexcept = 0;
  // The answer to the message that came with `origin`. Unavailable when that
  // request is gone. Thread-safe.
  virtual Status answer(const Origin& origin, std::string body) noexcept = 0;
  // An answer with bytes beside its JSON body (a "fetch" answered with a
  // chunk of an attachment): the adapter carries `data` unchanged, as its
  // transport carries bytes (a third ZeroMQ frame, an HTTP body). Thread-safe.
  virtual Status answer_with_data(const Origin& origin, std::string body, std::string data) noexcept = 0;
  // A message the hub starts, for `unit`. Unavailable when the adapter cannot
  // reach the unit now (kWhileConnected and not connected). Thread-safe.
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
