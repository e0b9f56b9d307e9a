// A multipart message as the zmq adapter's ROUTER reads it (adapters/zmq/
// wire_format.h): the first byte picks the body limit, the rest are the frames
// after the routing id, split on the byte 0xFF. check_incoming() accepts
// two frames "xh1" + a body within the limit, or three with bytes within the
// limit after the body, handing on that very body (and bytes); anything else is answered with an error body that is one JSON object
// {"kind":"error","code":<the first check that failed>,"message":..,"retry":false}.
// error_body() gives such an object for any code and message bytes.
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "wire_format.h"

namespace {

namespace zmq = hub::zmq_adapter;

// An adapter-generated answer: one JSON object with the error's four members.
nlohmann::json parsed_error(const std::string& body) {
  auto j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || j.size() != 4 || j.value("kind", "") != "error" || !j["code"].is_string() ||
      j["code"].get_ref<const std::string&>().empty() || !j["message"].is_string() || j["retry"] != false)
    std::abort();
  return j;
}

// True when `s` is valid UTF-8: replacing invalid bytes then changes nothing that dropping them does not.
bool valid_utf8(std::string_view s) {
  const nlohmann::json j = std::string(s);
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) ==
         j.dump(-1, ' ', false, nlohmann::json::error_handler_t::ignore);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static constexpr std::array<std::size_t, 8> kLimits = {0, 1, 2, 3, 16, 64, 1024, 1 << 20};
  const std::size_t limit = kLimits[data[0] % kLimits.size()];
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);

  std::vector<std::string_view> frames;
  for (std::size_t from = 0;;) {
    const std::size_t to = rest.find('\xff', from);
    frames.push_back(rest.substr(from, to == std::string_view::npos ? std::string_view::npos : to - from));
    if (to == std::string_view::npos) break;
    from = to + 1;
  }
  const std::size_t kept = std::min(frames.size(), zmq::kMostFramesPerMessage);
  const auto verdict = zmq::check_incoming(frames.size(), std::span(frames.data(), kept), limit);

  const bool with_data = frames.size() == zmq::kMostFramesPerMessage;
  const bool well_formed = frames.size() == zmq::kFramesPerMessage || with_data;
  const bool tagged = well_formed && frames[0] == zmq::kProtocolTag;
  if (!verdict.error) {
    // Accepted: the tag, a body within the limit (the second frame itself),
    // and with three frames the third within the limit, as the bytes.
    if (!tagged || frames[1].size() > limit || verdict.body.data() != frames[1].data() ||
        verdict.body.size() != frames[1].size() || verdict.data.has_value() != with_data)
      std::abort();
    if (with_data && (frames[2].size() > limit || verdict.data->data() != frames[2].data())) std::abort();
  } else {
    const auto j = parsed_error(*verdict.error);
    const std::string expected = !well_formed ? "malformed_frame" : !tagged ? "unsupported_protocol" : "oversized";
    if (j["code"] != expected || !verdict.body.empty()) std::abort();
  }

  // error_body() with any bytes: still one JSON object with kind "error", carrying them when they are UTF-8.
  if (frames.size() >= 2 && !frames[0].empty()) {
    const auto j = parsed_error(zmq::error_body(frames[0], frames[1]));
    if (valid_utf8(frames[0]) && j["code"] != std::string(frames[0])) std::abort();
    if (valid_utf8(frames[1]) && j["message"] != std::string(frames[1])) std::abort();
  }
  return 0;
}
