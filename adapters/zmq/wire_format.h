// wire_format.h: the framing of protocol 1 ("xh1") as the zmq adapter sees it.
//
// A client (DEALER) sends two frames, the tag "xh1" and a UTF-8 JSON body,
// or three when bytes travel beside the body (a chunk of an upload): the
// third frame is those bytes. The ROUTER puts the routing-id frame in front.
// The adapter checks only the framing; the body is the host's
// (docs/PROTOCOL.md). Pure functions.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace hub::zmq_adapter {

inline constexpr std::string_view kProtocolTag = "xh1";
inline constexpr std::size_t kFramesPerMessage = 2;     // tag, body (after the routing id)
inline constexpr std::size_t kMostFramesPerMessage = 3;  // tag, body, bytes beside the body

// The body of an adapter-generated answer: {"kind":"error","code":..,"message":..,"retry":false}.
std::string error_body(std::string_view code, std::string_view message);

// Checks one incoming message: `frame_count` frames after the routing id, the
// first being `tag`, the second `body_bytes` long, the third (if any)
// `data_bytes` long; body and bytes each at most `max_body_bytes`. Returns the
// error body to answer with, or nothing when the message is to be handed to
// the host.
std::optional<std::string> check_frames(std::size_t frame_count, std::string_view tag, std::size_t body_bytes,
                                        std::size_t data_bytes, std::size_t max_body_bytes);

// What the adapter does with one incoming message: `frame_count` frames came
// after the routing id, and `kept` holds the first of them (as many as there
// were, at most kMostFramesPerMessage; the adapter reads and drops the rest).
// Either `error` is the body to answer with, or the message is accepted:
// `body` (a view of kept[1]) goes to the host, with `data` (a view of kept[2])
// when there were three frames.
// REQUIRES: kept.size() == min(frame_count, kMostFramesPerMessage).
struct IncomingVerdict {
  std::optional<std::string> error;
  std::string_view body;
  std::optional<std::string_view> data;
};
IncomingVerdict check_incoming(std::size_t frame_count, std::span<const std::string_view> kept,
                               std::size_t max_body_bytes);

}  // namespace hub::zmq_adapter
