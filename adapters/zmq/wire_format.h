// wire_format.h: the framing of protocol 1 ("xh1") as the zmq adapter sees it.
//
// A client (DEALER) sends exactly two frames: the tag "xh1" and a UTF-8 JSON
// body; the ROUTER puts the routing-id frame in front. The adapter checks only
// the framing; the body is the host's (docs/PROTOCOL.md). Pure functions.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace hub::zmq_adapter {

inline constexpr std::string_view kProtocolTag = "xh1";
inline constexpr std::size_t kFramesPerMessage = 2;  // tag, body (after the routing id)

// The body of an adapter-generated answer: {"kind":"error","code":..,"message":..,"retry":false}.
std::string error_body(std::string_view code, std::string_view message);

// Checks one incoming message: `frame_count` frames after the routing id, the
// first being `tag`, the second `body_bytes` long. Returns the error body to
// answer with, or nothing when the message is to be handed to the host.
std::optional<std::string> check_frames(std::size_t frame_count, std::string_view tag, std::size_t body_bytes,
                                        std::size_t max_body_bytes);

}  // namespace hub::zmq_adapter
