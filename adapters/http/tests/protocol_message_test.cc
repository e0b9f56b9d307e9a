// Requests of the unit API turned into protocol messages, and statuses of answers.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "answer_status.h"
#include "protocol_message.h"

using namespace hub::http_adapter;

namespace {
std::string spliced(std::string_view body) {
  std::string out;
  REQUIRE(splice_message({{"kind", "\"reply\""}, {"delivery", "2048"}}, body, &out).ok());
  return out;
}
}  // namespace

TEST_CASE("a body's members join the route's fixed members at the same level", "[message]") {
  CHECK(spliced(R"({"reference":"R-1","final":true})") == R"({"kind":"reply","delivery":2048,"reference":"R-1","final":true})");
  CHECK(nlohmann::json::parse(spliced(" \n{ \"a\" : [1] } ")) ==
        nlohmann::json::parse(R"({"kind":"reply","delivery":2048,"a":[1]})"));
  CHECK(spliced("") == R"({"kind":"reply","delivery":2048})");
  CHECK(spliced("{}") == R"({"kind":"reply","delivery":2048})");
  CHECK(spliced("{ }") == R"({"kind":"reply","delivery":2048})");
}

TEST_CASE("what is not an object is refused, what follows the object is left to the hub's reader", "[message]") {
  std::string out;
  CHECK_FALSE(splice_message({{"kind", "\"send\""}}, "[1,2]", &out).ok());
  CHECK_FALSE(splice_message({{"kind", "\"send\""}}, "\"x\"", &out).ok());
  // A body repeating "kind" keeps both: the hub refuses it as duplicate_key.
  REQUIRE(splice_message({{"kind", "\"send\""}}, R"({"kind":"reply"})", &out).ok());
  CHECK(out == R"({"kind":"send","kind":"reply"})");
  // Trailing bytes after the object stay, so the hub refuses them as malformed_json.
  REQUIRE(splice_message({{"kind", "\"send\""}}, "{} x", &out).ok());
  CHECK(out == R"({"kind":"send"} x)");
  CHECK_FALSE(nlohmann::json::accept(out));
}

TEST_CASE("path ids are plain positive integers within 2^53", "[message]") {
  CHECK(parse_id("2048") == 2048);
  CHECK(parse_id("9007199254740991") == 9007199254740991);
  CHECK_FALSE(parse_id("9007199254740992"));
  CHECK_FALSE(parse_id("0"));
  CHECK_FALSE(parse_id("0123"));
  CHECK_FALSE(parse_id("-1"));
  CHECK_FALSE(parse_id("1e3"));
  CHECK_FALSE(parse_id(""));
}

TEST_CASE("messages the hub sends are acked by their own id", "[message]") {
  CHECK(ack_for_message(R"({"kind":"delivery","delivery":2048,"case":1})") == R"({"kind":"ack","delivery":2048})");
  CHECK(ack_for_message(R"({"kind":"reply","reply":4096,"case":1})") == R"({"kind":"ack","reply":4096})");
  CHECK(ack_for_message(R"({"kind":"state","update":5120,"case":1})") == R"({"kind":"ack","update":5120})");
  CHECK(ack_for_message(R"({"kind":"reminder","update":7})") == R"({"kind":"ack","update":7})");
  CHECK_FALSE(ack_for_message(R"({"kind":"welcome"})"));
  CHECK_FALSE(ack_for_message(R"({"kind":"delivery","delivery":"x"})"));
  CHECK_FALSE(ack_for_message("not json"));
}

TEST_CASE("answers map to HTTP statuses a client can act on alone", "[status]") {
  CHECK(verdict_for_answer("accepted", "", false).status == 201);
  CHECK(verdict_for_answer("accepted", "", true).status == 200);
  CHECK(verdict_for_answer("reply_accepted", "", false).status == 201);
  CHECK(verdict_for_answer("transition_accepted", "", false).status == 200);
  CHECK(verdict_for_answer("case", "", false).status == 200);
  CHECK(verdict_for_answer("rejected", "invalid_payload", false).status == 422);
  CHECK(verdict_for_answer("rejected", "not_allowed", false).status == 403);
  CHECK(verdict_for_answer("error", "unknown_delivery", false).status == 404);
  CHECK(verdict_for_answer("error", "illegal_transition", false).status == 409);
  CHECK(verdict_for_answer("error", "too_deep", false).status == 400);
  CHECK(verdict_for_answer("error", "key_revoked", false).status == 401);
  const auto busy = verdict_for_answer("error", "busy", false);
  CHECK(busy.status == 503);
  CHECK(busy.retry_after_seconds > 0);
  const auto limited = verdict_for_answer("error", "rate_limited", false);
  CHECK(limited.status == 429);
  CHECK(limited.retry_after_seconds > 0);
  CHECK(verdict_for_answer("error", "unavailable", false).retry_after_seconds > 0);
  CHECK(verdict_for_answer("error", "something_new", false).status == 500);
}

namespace {
std::vector<std::string> split(std::string_view body, std::size_t max_cases = 100, std::size_t max_depth = 66) {
  std::vector<std::string_view> cases;
  const auto s = split_case_batch(body, max_cases, max_depth, &cases);
  INFO(s.to_string());
  REQUIRE(s.ok());
  return {cases.begin(), cases.end()};
}
std::string refusal(std::string_view body, std::size_t max_cases = 100, std::size_t max_depth = 66) {
  std::vector<std::string_view> cases;
  const auto s = split_case_batch(body, max_cases, max_depth, &cases);
  REQUIRE_FALSE(s.ok());
  CHECK(cases.empty());
  return s.message();
}
}  // namespace

TEST_CASE("a batch's cases are the exact bytes the unit sent, whatever their strings hold", "[message][batch]") {
  CHECK(split(R"({"cases":[{"reference":"A"}]})") == std::vector<std::string>{R"({"reference":"A"})"});
  // Brackets, quotes and backslashes inside strings do not end a case; white space between cases stays out.
  const std::string tricky = R"({"reference":"B","payload":{"note":"}]\"{[\\","list":[1,{"x":[]},2.5e3]}})";
  CHECK(split("{ \"cases\" : [ " + tricky + " ,\n\t{} , {\"a\":\"\\\\\"} ] } ") ==
        std::vector<std::string>{tricky, "{}", R"({"a":"\\"})"});
  // UTF-8 passes untouched.
  CHECK(split(R"({"cases":[{"note":"物业费欠费"}]})") == std::vector<std::string>{R"({"note":"物业费欠费"})"});
}

TEST_CASE("a batch that is not one object holding 1 to N case objects is refused, saying why", "[message][batch]") {
  CHECK_THAT(refusal(R"([{"reference":"A"}])"), Catch::Contains("must be a JSON object"));
  CHECK_THAT(refusal(R"({"cases":{}})"), Catch::Contains("must be an array"));
  CHECK_THAT(refusal(R"({"cases":[1]})"), Catch::Contains("must be a case"));
  CHECK_THAT(refusal(R"({"cases":[[]]})"), Catch::Contains("must be a case"));
  CHECK_THAT(refusal(R"({"cases":[]})"), Catch::Contains("names no case"));
  CHECK_THAT(refusal(R"({})"), Catch::Contains("names no case"));
  CHECK_THAT(refusal(R"({"cases":[{}],"more":1})"), Catch::Contains("one member"));
  CHECK_THAT(refusal(R"({"cases":[{}],"cases":[{}]})"), Catch::Contains("one member"));
  CHECK_THAT(refusal(R"({"cases":[{}]} x)"), Catch::Contains("not valid JSON"));
  CHECK_THAT(refusal(R"({"cases":[{"a":"unterminated}]})"), Catch::Contains("not valid JSON"));
  CHECK_THAT(refusal("{\"cases\":[{\"a\":\"\xff\"}]}"), Catch::Contains("not valid JSON"));
  CHECK_THAT(refusal(""), Catch::Contains("not valid JSON"));
  CHECK_THAT(refusal(R"({"cases":[{},{},{}]})", 2), Catch::Contains("at most 2 cases"));
  std::string deep = R"({"cases":[{"a":)";
  for (int i = 0; i < 100; ++i) deep += "[";
  CHECK_THAT(refusal(deep + std::string(100, ']') + "}]}", 100, 66), Catch::Contains("deeper than 66"));
  std::string at_limit = R"({"cases":[{"a":)";
  for (int i = 0; i < 63; ++i) at_limit += "[";  // depth 3 + 63 = 66
  CHECK(split(at_limit + std::string(63, ']') + "}]}", 100, 66).size() == 1);
}
