// tests/fuzz/json_mutator.h: a structure-aware libFuzzer mutator for JSON
// bodies, shared by the fuzz targets that read what units send.
//
// Random byte flips rarely get past a JSON parser, and never build what hurts
// a hub: nesting thousands of levels deep, arrays and objects at and beyond
// the limits, strings of 64 KiB, U+0000 and escape sequences in envelope
// fields, numbers beyond 2^64 or a double, repeated keys. mutate_json() works
// on the text (never on a parsed tree, so deep inputs cannot overflow the
// mutator's stack): it picks a place where a value starts and puts one of
// those shapes there, or sets an envelope field, or leaves the bytes to
// libFuzzer's own mutations.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

extern "C" std::size_t LLVMFuzzerMutate(std::uint8_t* data, std::size_t size, std::size_t max_size);

namespace hub::fuzz {

inline std::string repeated(const std::string& piece, std::size_t n) {
  std::string out;
  out.reserve(piece.size() * n);
  for (std::size_t i = 0; i < n; ++i) out += piece;
  return out;
}

// A value with the given shape, `n` its size.
inline std::string shaped_value(std::mt19937& rng, std::size_t n) {
  switch (rng() % 9) {
    case 0: return std::string(n, '[') + std::string(n, ']');
    case 1: return repeated(R"({"o":)", n) + "1" + std::string(n, '}');
    case 2: {
      std::string items = "[";
      for (std::size_t i = 0; i < n; ++i) items += i ? ",0" : "0";
      return items + "]";
    }
    case 3: {
      std::string members = "{";
      for (std::size_t i = 0; i < n; ++i) members += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":0";
      return members + "}";
    }
    case 4: return "\"" + std::string(n, 'x') + "\"";
    case 5: {
      static const char* kStrings[] = {R"("\u0000")", R"("a\u0000b")", R"("\u001b[31m")", R"("line\nbreak")",
                                       "\"\x7f\"", "\"\xc2\x9b\"", "\"\xe2\x80\xae\"", R"("\ud800")",
                                       "\"\xff\"", "\"\xed\xa0\x80\"", R"("\\u0000")", R"("")"};
      return kStrings[rng() % (sizeof kStrings / sizeof *kStrings)];
    }
    case 6: {
      static const char* kNumbers[] = {"123456789012345678901234567890", "1e400", "-1e400", "1e-400",
                                       "18446744073709551615", "18446744073709551616", "-9223372036854775808",
                                       "-9223372036854775809", "0.10000000000000000555", "0.1", "-0", "1E2",
                                       "9007199254740993", "4.9e-324", "1.7976931348623157e308", "1e99999999999"};
      return kNumbers[rng() % (sizeof kNumbers / sizeof *kNumbers)];
    }
    case 7: return R"({"a":1,"a":2})";
    default: return "{}";
  }
}

// Sizes near the hub's default limits and far beyond them.
inline std::size_t interesting_size(std::mt19937& rng) {
  static const std::size_t kSizes[] = {1, 2, 63, 64, 65, 255, 999, 1000, 1001, 9999, 10000, 10001, 20001, 65535, 65536,
                                       65537, 100000};
  return kSizes[rng() % (sizeof kSizes / sizeof *kSizes)];
}

// Sets (or adds) a top-level envelope field of a body that starts with '{'.
inline std::string with_envelope_field(std::mt19937& rng, const std::string& body) {
  static const char* kFields[] = {"kind", "reference", "type", "compound", "payload", "body", "delivery", "reply",
                                  "update", "case", "final", "outcome", "reason", "until", "to", "client"};
  static const char* kKinds[] = {"send", "ack", "reply", "hello", "heartbeat", "sign", "return", "assign", "extend",
                                 "grant_extension", "refuse_extension", "close", "reopen", "read", "x"};
  const std::string field = kFields[rng() % (sizeof kFields / sizeof *kFields)];
  std::string value = field == "kind" ? std::string("\"") + kKinds[rng() % (sizeof kKinds / sizeof *kKinds)] + "\""
                                      : shaped_value(rng, interesting_size(rng) % 300);
  std::string rest = body.size() > 1 && body[0] == '{' ? body.substr(1) : std::string("}");
  if (rest != "}" && rest.front() != '}') rest = "," + rest;
  return "{\"" + field + "\":" + value + rest;
}

// Offsets where a value starts: after ':', '[' or ',' outside strings.
inline std::vector<std::size_t> value_starts(const std::string& text) {
  std::vector<std::size_t> out;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == ':' || c == '[' || c == ',') {
      out.push_back(i + 1);
    }
  }
  return out;
}

// The length of the JSON value starting at `at` (a scalar, string, or a whole
// container found by counting brackets outside strings).
inline std::size_t value_length(const std::string& text, std::size_t at) {
  std::size_t i = at, depth = 0;
  bool in_string = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') {
        in_string = false;
        if (depth == 0) return i + 1 - at;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      ++depth;
    } else if (c == ']' || c == '}') {
      if (depth == 0) return i - at;
      if (--depth == 0) return i + 1 - at;
    } else if (c == ',' && depth == 0) {
      return i - at;
    }
  }
  return i - at;
}

inline std::size_t mutate_json(std::uint8_t* data, std::size_t size, std::size_t max_size, unsigned int seed) {
  std::mt19937 rng(seed);
  std::string text(reinterpret_cast<const char*>(data), size);
  const unsigned choice = rng() % 8;
  if (choice < 3 || text.empty()) return LLVMFuzzerMutate(data, size, max_size);
  if (choice == 3 || text[0] != '{') {
    text = with_envelope_field(rng, text.empty() || text[0] != '{' ? std::string("{}") : text);
  } else {
    const auto starts = value_starts(text);
    if (starts.empty()) return LLVMFuzzerMutate(data, size, max_size);
    const std::size_t at = starts[rng() % starts.size()];
    const std::size_t length = value_length(text, at);
    text.replace(at, length, shaped_value(rng, interesting_size(rng)));
  }
  if (text.size() > max_size) return LLVMFuzzerMutate(data, size, max_size);
  std::memcpy(data, text.data(), text.size());
  return text.size();
}

}  // namespace hub::fuzz
