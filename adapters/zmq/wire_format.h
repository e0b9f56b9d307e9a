// wire_format.h: the framing of protocol 1 ("xh1") as the zmq adapter sees it.
//
// A client (DEALER) sends exactly two frames: the tag "xh1" and a UTF-8 JSON
// body; the ROUTER puts the routing-id frame in front. The adapter checks only
// the framing; the body is the host's (docs/PROTOCOL.md). Pure functions.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
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

// What the adapter does with one incoming message: `frame_count` frames came
// after the routing id, and `kept` holds the first of them (as many as there
// were, at most kFramesPerMessage; the adapter reads and drops the rest).
// Either `error` is the body to answer with, or the message is accepted and
// `body` (a view of kept[1]) goes to the host.
// REQUIRES: kept.size() == min(frame_count, kFramesPerMessage).
struct IncomingVerdict {
  std::optional<std::string> error;
  std::string_view body;
};
IncomingVerdict check_incoming(std::size_t frame_count, std::span<const std::string_view> kept,
                               std::size_t max_body_bytes);

}  // namespace hub::zmq_adapter
