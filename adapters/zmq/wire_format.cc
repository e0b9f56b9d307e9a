#include "wire_format.h"

#include <utility>

#include <nlohmann/json.hpp>

namespace hub::zmq_adapter {
namespace {

// A client's bytes quoted in a message: short, and JSON-safe whatever they are.
std::string quoted_excerpt(std::string_view bytes) {
  constexpr std::size_t kLongest = 16;
  std::string text(bytes.substr(0, kLongest));
  if (bytes.size() > kLongest) text += "...";
  return nlohmann::json(text).dump(-1, ' ', true, nlohmann::json::error_handler_t::replace);
}

}  // namespace

std::string error_body(std::string_view code, std::string_view message) {
  const nlohmann::json body = {
      {"kind", "error"}, {"code", code}, {"message", message}, {"retry", false}};
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::optional<std::string> check_frames(std::size_t frame_count, std::string_view tag, std::size_t body_bytes,
                                        std::size_t data_bytes, std::size_t max_body_bytes) {
  if (frame_count != kFramesPerMessage && frame_count != kMostFramesPerMessage)
    return error_body("malformed_frame", "expected 2 frames (the tag \"xh1\" and a JSON body), or 3 for an upload "
                                         "(its bytes after the body), got " + std::to_string(frame_count));
  if (tag != kProtocolTag)
    return error_body("unsupported_protocol",
                      "unsupported protocol tag " + quoted_excerpt(tag) + "; this hub supports \"xh1\" only");
  if (body_bytes > max_body_bytes)
    return error_body("oversized", "the body is " + std::to_string(body_bytes) + " bytes; the limit is " +
                                       std::to_string(max_body_bytes) + " bytes");
  if (data_bytes > max_body_bytes)
    return error_body("oversized", "the bytes beside the body are " + std::to_string(data_bytes) +
                                       " bytes; the limit is " + std::to_string(max_body_bytes) +
                                       " bytes: upload in smaller chunks");
  return std::nullopt;
}

IncomingVerdict check_incoming(std::size_t frame_count, std::span<const std::string_view> kept,
                               std::size_t max_body_bytes) {
  const std::string_view tag = kept.empty() ? std::string_view() : kept[0];
  const std::size_t body_bytes = kept.size() > 1 ? kept[1].size() : 0;
  const std::size_t data_bytes = kept.size() > 2 ? kept[2].size() : 0;
  if (auto error = check_frames(frame_count, tag, body_bytes, data_bytes, max_body_bytes))
    return {std::move(error), {}, std::nullopt};
  return {std::nullopt, kept[1], kept.size() > 2 ? std::optional(kept[2]) : std::nullopt};
}

}  // namespace hub::zmq_adapter
