#include "protocol_message.h"

#include <nlohmann/json.hpp>

namespace hub::http_adapter {
namespace {

constexpr std::int64_t kLargestId = 9007199254740991;  // 2^53 - 1: exact in every JSON library

bool is_json_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Checks a batch body's shape while nlohmann's SAX parser reads it; builds nothing.
class BatchShape : public nlohmann::json_sax<nlohmann::json> {
 public:
  BatchShape(std::size_t max_cases, std::size_t max_depth) : max_cases_(max_cases), max_depth_(max_depth) {}

  bool null() override { return scalar(); }
  bool boolean(bool) override { return scalar(); }
  bool number_integer(number_integer_t) override { return scalar(); }
  bool number_unsigned(number_unsigned_t) override { return scalar(); }
  bool number_float(number_float_t, const string_t&) override { return scalar(); }
  bool string(string_t&) override { return scalar(); }
  bool binary(binary_t&) override { return scalar(); }
  bool start_object(std::size_t) override { return open(true); }
  bool start_array(std::size_t) override { return open(false); }
  bool end_object() override { return close(); }
  bool end_array() override { return close(); }
  bool key(string_t& name) override {
    if (depth_ == 1 && (name != "cases" || seen_cases_))
      return fail("the batch's body has one member, \"cases\": an array of the cases to send (each as the body of "
                  "POST /v1/cases)");
    if (depth_ == 1) seen_cases_ = true;
    return true;
  }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception&) override {
    return fail("the body is not valid JSON (at byte " + std::to_string(position) +
                "): send {\"cases\": [{...}, ...]} in UTF-8");
  }

  const std::string& problem() const { return problem_; }
  bool complete() const { return problem_.empty() && seen_cases_ && cases_ > 0; }

 private:
  bool scalar() {
    if (depth_ == 0) return fail("the batch's body must be a JSON object: {\"cases\": [{...}, ...]}");
    if (depth_ == 1) return fail("\"cases\" must be an array of case objects");
    if (depth_ == 2) return fail("each item of \"cases\" must be a case: a JSON object, as the body of POST /v1/cases");
    return true;
  }
  bool open(bool object) {
    if (depth_ == 0 && !object) return fail("the batch's body must be a JSON object: {\"cases\": [{...}, ...]}");
    if (depth_ == 1 && object) return fail("\"cases\" must be an array of case objects");
    if (depth_ == 2) {
      if (!object) return fail("each item of \"cases\" must be a case: a JSON object, as the body of POST /v1/cases");
      if (++cases_ > max_cases_)
        return fail("a batch carries at most " + std::to_string(max_cases_) + " cases: send the rest in another batch");
    }
    if (++depth_ > max_depth_)
      return fail("the batch is nested deeper than " + std::to_string(max_depth_) +
                  " levels (the body itself counting 1); no case may be nested that deep");
    return true;
  }
  bool close() {
    --depth_;
    return true;
  }
  bool fail(std::string why) {
    if (problem_.empty()) problem_ = std::move(why);
    return false;
  }

  const std::size_t max_cases_;
  const std::size_t max_depth_;
  std::size_t depth_ = 0;
  std::size_t cases_ = 0;
  bool seen_cases_ = false;
  std::string problem_;
};

}  // namespace

Status split_case_batch(std::string_view body, std::size_t max_cases, std::size_t max_depth,
                        std::vector<std::string_view>* cases) {
  cases->clear();
  BatchShape shape(max_cases, max_depth);
  const bool read = nlohmann::json::sax_parse(body.begin(), body.end(), &shape, nlohmann::json::input_format_t::json,
                                              /*strict=*/true);
  if (!read || !shape.complete())
    return Status::InvalidArgument(!shape.problem().empty()
                                       ? shape.problem()
                                       : "the batch names no case: send {\"cases\": [{...}, ...]} with 1 to " +
                                             std::to_string(max_cases) + " cases");
  // The text is now known to be valid JSON of that shape: each case is the
  // span of one object at depth 3 (body 1, array 2), found by counting
  // brackets outside strings.
  std::size_t depth = 0;
  std::size_t start = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (in_string) {
      if (c == '\\') ++i;  // the escaped character is never a quote that ends the string
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth == 3) start = i;
    } else if (c == '}' || c == ']') {
      if (depth-- == 3) cases->push_back(body.substr(start, i + 1 - start));
    }
  }
  return {};
}

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
