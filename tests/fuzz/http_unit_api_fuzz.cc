// The parts of a unit API request the hub reads itself, before the hub's
// bounded JSON reader sees anything: the path and query (core/src/http), the
// signature headers and the canonical text (adapters/http), the splice of
// the body into a protocol message, and the ack built from the hub's own
// messages. Never crash, and hold their contracts:
//  - a canonical query is stable: canonicalising it again changes nothing;
//  - a spliced message of a body that is one JSON object is one JSON object
//    that starts with the route's members and holds every member of the body;
//  - the canonical text is seven lines, the last the body's SHA-256;
//  - a batch body splits only when it is valid JSON of the batch's shape,
//    and then into exactly its cases, each the bytes of one JSON object
//    equal to the parsed body's item.
// The input is split into fields by a FuzzedDataProvider, so each reaches its
// parser whole; bodies may be large (MAX_LEN).
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "http/request.h"
#include "protocol_message.h"
#include "request_signature.h"

using namespace hub::http_adapter;

namespace {

void require(bool condition) {
  if (!condition) std::abort();
}

void check_query(const std::string& raw_query) {
  std::string canonical;
  if (!canonical_query(raw_query, &canonical).ok()) return;
  std::string again;
  require(canonical_query(canonical, &again).ok());
  require(again == canonical);
}

void check_text(const std::string& method, const std::string& path, const std::string& query,
                const SignatureHeaders& h, const std::string& body) {
  std::string text;
  if (!canonical_text(method, path, query, h.timestamp, h.nonce, body, &text).ok()) return;
  std::size_t lines = 1;
  for (char c : text) lines += c == '\n';
  require(lines >= 7);
  require(text.size() >= 64 && text.compare(text.size() - 64, 64, sha256_hex(body)) == 0);
  (void)hmac_sha256_hex(h.key, text);
}

void check_splice(const std::string& body) {
  std::string message;
  if (!splice_message({{"kind", "\"reply\""}, {"delivery", "7"}}, body, &message).ok()) return;
  const auto parsed_body = nlohmann::json::parse(body.empty() ? std::string("{}") : body, nullptr, false);
  if (!parsed_body.is_object() || parsed_body.contains("kind") || parsed_body.contains("delivery")) return;
  const auto parsed = nlohmann::json::parse(message, nullptr, false);
  require(parsed.is_object());
  require(parsed["kind"] == "reply" && parsed["delivery"] == 7);
  require(parsed.size() == parsed_body.size() + 2);
}

void check_batch(const std::string& body) {
  std::vector<std::string_view> cases;
  const bool split = split_case_batch(body, 100, 66, &cases).ok();
  const auto parsed = nlohmann::json::parse(body, nullptr, false);
  if (!split) {
    require(cases.empty());
    return;
  }
  require(parsed.is_object() && parsed.size() == 1 && parsed["cases"].is_array());
  const auto& items = parsed["cases"];
  require(cases.size() == items.size() && !cases.empty() && cases.size() <= 100);
  for (std::size_t i = 0; i < cases.size(); ++i) {
    require(cases[i].front() == '{' && cases[i].back() == '}');
    require(nlohmann::json::parse(cases[i], nullptr, false) == items[i]);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  const std::string method = in.ConsumeRandomLengthString(16);
  const std::string path = in.ConsumeRandomLengthString(512);
  const std::string query = in.ConsumeRandomLengthString(1024);
  const std::string key = in.ConsumeRandomLengthString(80);
  const std::string timestamp = in.ConsumeRandomLengthString(24);
  const std::string nonce = in.ConsumeRandomLengthString(80);
  const std::string signature = in.ConsumeRandomLengthString(80);
  const std::string body = in.ConsumeRemainingBytesAsString();

  std::vector<std::string> segments;
  (void)hub::http::split_path(path, &segments);
  std::vector<std::pair<std::string, std::string>> pairs;
  (void)hub::http::parse_query(query, &pairs);
  check_query(query);

  SignatureHeaders h;
  if (check_signature_headers(key, timestamp, nonce, signature, &h).ok()) {
    require(h.signature.size() == 64 && h.nonce.size() >= 16 && h.timestamp >= 0);
  } else {
    h.nonce = nonce;
    h.key = key;
  }
  check_text(method, path, query, h, body);
  check_splice(body);
  check_batch(body);
  for (const auto& segment : segments) (void)parse_id(segment);
  (void)ack_for_message(body);
  return 0;
}
