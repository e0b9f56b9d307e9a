#include "protocol_message.h"

#include <nlohmann/json.hpp>

namespace hub::http_adapter {
namespace {

constexpr std::int64_t kLargestId = 9007199254740991;  // 2^53 - 1: exact in every JSON library

bool is_json_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

Status splice_message(const std::vector<FixedMember>& fixed, std::string_view body, std::string* out) {
  std::size_t start = 0;
  while (start < body.size() && is_json_space(body[start])) ++start;
  std::string_view rest;  // the body after its '{'
  if (start < body.size()) {
    if (body[start] != '{')
      return Status::InvalidArgument("the body must be one JSON object ({...}) in UTF-8");
    rest = body.substr(start + 1);
  }
  std::size_t first = 0;  // does the body's object have members?
  while (first < rest.size() && is_json_space(rest[first])) ++first;
  const bool empty_object = rest.empty() || rest[first] == '}';

  out->clear();
  out->reserve(body.size() + 64);
  out->push_back('{');
  for (std::size_t i = 0; i < fixed.size(); ++i) {
    if (i > 0) out->push_back(',');
    out->append(json_string(fixed[i].name)).push_back(':');
    out->append(fixed[i].json_value);
  }
  if (rest.empty()) {
    out->push_back('}');
  } else if (empty_object) {
    out->append(rest.substr(first));  // "}" and whatever follows it, which the hub judges
  } else {
    if (!fixed.empty()) out->push_back(',');
    out->append(rest);
  }
  return {};
}

std::string json_string(std::string_view text) {
  return nlohmann::json(std::string(text)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::optional<std::int64_t> parse_id(std::string_view text) {
  if (text.empty() || text.size() > 16 || text[0] == '0') return std::nullopt;
  std::int64_t value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  if (value > kLargestId) return std::nullopt;
  return value;
}

}  // namespace hub::http_adapter

namespace hub::http_adapter {

std::optional<std::string> ack_for_message(const std::string& hub_message) {
  const auto message = nlohmann::json::parse(hub_message, nullptr, false);
  if (!message.is_object()) return std::nullopt;
  const auto kind = message.find("kind");
  if (kind == message.end() || !kind->is_string()) return std::nullopt;
  const char* id_field = nullptr;
  if (*kind == "delivery") id_field = "delivery";
  else if (*kind == "reply") id_field = "reply";
  else if (message.contains("update")) id_field = "update";
  if (id_field == nullptr) return std::nullopt;
  const auto id = message.find(id_field);
  if (id == message.end() || !id->is_number_integer()) return std::nullopt;
  return std::string(R"({"kind":"ack",")") + id_field + "\":" + std::to_string(id->get<std::int64_t>()) + "}";
}

}  // namespace hub::http_adapter
