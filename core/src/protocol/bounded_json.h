// protocol/bounded_json.h: parsing a unit's JSON under limits, before any tree
// exists.
//
// parse_bounded() drives nlohmann's streaming (SAX) parser, which keeps its own
// state on a heap stack, and builds the tree itself one value at a time, so a
// body is refused at the first value that breaks a limit: nothing deeper than
// `max_depth` is ever built, and no code here recurses. Every refusal names one
// code (docs/PROTOCOL.md, "Limits") and the RFC 6901 pointer of the value that
// broke it.
//
// What is refused besides the limits:
//  - U+0000 anywhere (PostgreSQL text and jsonb cannot hold it);
//  - control characters (U+0001..U+001F, U+007F) in object keys and in the
//    strings of the top-level object (the envelope); payload and body strings
//    may hold tabs and line breaks;
//  - a key repeated in one object (RFC 8259 leaves its meaning open);
//  - a number whose decimal value the hub cannot carry exactly: integers
//    outside [-2^63, 2^64-1], and other numbers that do not come back with the
//    same decimal value from a 64-bit double (1e400, 0.1000000000000000055511,
//    2^64). Every other number is carried with its value unchanged.
// Invalid UTF-8 and anything else that is not JSON is `malformed_json`.
//
// Thread-safe (no shared state). Never throws.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>

#include "hub/case.h"

namespace hub::protocol {

struct JsonLimits {
  std::size_t max_depth = 64;             // nested objects and arrays, the message itself counting 1
  std::size_t max_values = 20000;         // every value: objects, arrays, strings, numbers, ...
  std::size_t max_object_keys = 1000;     // members of one object
  std::size_t max_array_items = 10000;    // items of one array
  std::size_t max_string_bytes = 65536;   // one string or key, in UTF-8 bytes
};

struct JsonRefusal {
  std::string code;     // protocol::code::k...
  std::string pointer;  // RFC 6901, "" for the whole body
  std::string message;  // says what the limit is and what to do
  // The top-level member "reference" when the body has one that is itself
  // acceptable (found by reading on after the refusal, building nothing;
  // only a syntax error stops the reading), so that the answer can echo it.
  std::string reference;
};

// `envelope_strings`: whether the strings directly in the top-level object are
// envelope fields (no control characters). Returns the value or the refusal.
std::variant<Json, JsonRefusal> parse_bounded(std::string_view text, const JsonLimits& limits,
                                              bool envelope_strings = true);

// True when `text`, a JSON number, has the same decimal value as `parsed`, the
// double it was read as. Exposed for tests.
bool same_decimal_value(std::string_view text, double parsed);

}  // namespace hub::protocol
