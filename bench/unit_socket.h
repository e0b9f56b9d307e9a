// bench/unit_socket.h: what every bench unit does with its DEALER socket,
// whether it has a thread of its own (load_threads.h) or shares one
// (growth_fleet.h): connect with the unit's CURVE key, send and receive
// messages framed as ["xh1", body] (docs/PROTOCOL.md), and read the numbers
// the bench writes into references and payloads.
//
// Thread-safety: a socket is used by one thread at a time, as ZeroMQ requires.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <zmq.hpp>

#include "keys/key_file.h"

namespace hub::bench {

// Sets up `s` as unit `key` (no linger, no high-water marks: the bench bounds
// what is queued itself; CURVE towards `hub_public_key`) and connects it to
// `endpoint`. Throws zmq::error_t.
void connect_unit_socket(zmq::socket_t& s, const std::string& endpoint, const std::string& hub_public_key,
                         const keys::KeyPair& key);

// Sends ["xh1", body]; false, with nothing sent, when the socket would block.
bool send_message(zmq::socket_t& s, std::string_view body);

// Sends ["xh1", body], waiting while the socket cannot take it.
void send_message_waiting(zmq::socket_t& s, std::string_view body);

// The body of the next message, if one is waiting. Messages that are not
// ["xh1", body] come back as an empty string.
std::optional<std::string> receive_body(zmq::socket_t& s);

// The decimal integer `text` starts with; nullopt when it starts with none.
std::optional<std::int64_t> parse_int(std::string_view text);

}  // namespace hub::bench
