// protocol_message.h: an HTTP request of the unit API turned into the
// protocol-1 message (docs/PROTOCOL.md) the hub reads, without parsing it.
//
// The request's JSON object body is spliced into an object that starts with
// the members the route fixes: {"kind":"reply","delivery":2048, <the body's
// members>}. The hub's bounded reader then checks everything at once, with its
// limits, and its problems' pointers still point into the body the unit sent
// (the members are at the same level). A body that repeats a fixed member
// ("kind", or "delivery" beside the path's id) is refused by the hub as
// duplicate_key, so a route's kind and ids cannot be overridden. An empty body
// is {}. Pure; no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hub/status.h"

namespace hub::http_adapter {

// One member the route fixes: a JSON name and an already-encoded JSON value.
struct FixedMember {
  std::string name;
  std::string json_value;
};

// Builds the message, or fails (the body is not empty and does not start,
// after white space, with '{'; the message says to send a JSON object).
Status splice_message(const std::vector<FixedMember>& fixed, std::string_view body, std::string* out);

// The cases of a batch body {"cases":[{...},{...}]} (POST /v1/case-batches),
// each as the exact bytes the unit sent, so that the hub judges each one as if
// it came alone (its problems' pointers point into that case). The body is
// read by nlohmann's streaming parser first: it must be valid JSON, one object
// whose only member is "cases", an array of 1..max_cases objects, nested at
// most max_depth deep (the body itself counting 1). Fails with a message
// saying which of these the body breaks. Pure; no I/O.
Status split_case_batch(std::string_view body, std::size_t max_cases, std::size_t max_depth,
                        std::vector<std::string_view>* cases);

// The JSON string of `text` (quoted, escaped), for route parameters.
std::string json_string(std::string_view text);

// A route's id parameter: 1..9007199254740991 in decimal without sign or
// leading zeros; nullopt otherwise.
std::optional<std::int64_t> parse_id(std::string_view text);

}  // namespace hub::http_adapter

namespace hub::http_adapter {

// The ack a unit would send for a message the hub sent it: {"kind":"ack",
// "delivery":N} for a delivery, {"kind":"ack","reply":N} for a forwarded
// reply, {"kind":"ack","update":N} for a state, reminder or extension
// request; nullopt for anything else (nothing to ack).
std::optional<std::string> ack_for_message(const std::string& hub_message);

}  // namespace hub::http_adapter
