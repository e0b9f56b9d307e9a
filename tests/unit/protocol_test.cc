#include <catch2/catch.hpp>

#include "protocol/answers.h"
#include "protocol/messages.h"

using hub::Json;
namespace protocol = hub::protocol;

namespace {

protocol::ParseError error_of(std::string_view body, std::size_t max = 1 << 20) {
  auto r = protocol::parse(body, max);
  REQUIRE(std::holds_alternative<protocol::ParseError>(r));
  return std::get<protocol::ParseError>(r);
}

template <class T>
T message_of(std::string_view body) {
  auto r = protocol::parse(body, 1 << 20);
  REQUIRE(std::holds_alternative<protocol::Message>(r));
  auto& m = std::get<protocol::Message>(r);
  REQUIRE(std::holds_alternative<T>(m));
  return std::get<T>(m);
}

}  // namespace

TEST_CASE("a send message is read with its reference, type, compound and payload", "[protocol]") {
  auto s = message_of<protocol::Send>(
      R"({"kind":"send","reference":"R-1","type":"registry.fee_check","compound":"jinxiu","payload":{"a":1},"from":"court"})");
  CHECK(s.reference == "R-1");
  CHECK(s.type == "registry.fee_check");
  CHECK(s.compound == "jinxiu");
  CHECK(s.payload == Json{{"a", 1}});
}

TEST_CASE("broken envelopes name the field and echo the reference", "[protocol]") {
  auto e = error_of(R"({"kind":"send","reference":"R-2","type":"x"})");
  CHECK(e.code == protocol::code::kInvalidEnvelope);
  CHECK_THAT(e.message, Catch::Contains("payload"));
  CHECK(e.reference == "R-2");
  CHECK(error_of(R"({"kind":"send","reference":"","type":"x","payload":{}})").message.find("reference") != std::string::npos);
  CHECK(error_of(R"({"kind":"send","reference":7,"type":"x","payload":{}})").code == protocol::code::kInvalidEnvelope);
  CHECK(error_of(R"({"kind":"send","reference":")" + std::string(200, 'r') + R"(","type":"x","payload":{}})").message.find("longer") !=
        std::string::npos);
  CHECK(error_of(R"({"reference":"x"})").message.find("kind") != std::string::npos);
}

TEST_CASE("not JSON, not an object, not UTF-8, or too big: each has its code", "[protocol]") {
  CHECK(error_of("{nope").code == protocol::code::kMalformedJson);
  CHECK(error_of("[1]").code == protocol::code::kMalformedJson);
  CHECK(error_of("{\"kind\":\"hello\",\"client\":\"\xc3\x28\"}").code == protocol::code::kMalformedJson);
  CHECK(error_of(R"({"kind":"hello"})", 5).code == protocol::code::kOversized);
  CHECK(error_of(R"({"kind":"fly"})").code == protocol::code::kUnknownKind);
}

TEST_CASE("acks name exactly one delivery or reply", "[protocol]") {
  auto a = message_of<protocol::Ack>(R"({"kind":"ack","delivery":42})");
  CHECK(a.what == protocol::Ack::What::kDelivery);
  CHECK(a.id == 42);
  CHECK(message_of<protocol::Ack>(R"({"kind":"ack","reply":7})").what == protocol::Ack::What::kReply);
  CHECK(error_of(R"({"kind":"ack","delivery":1,"reply":2})").code == protocol::code::kInvalidEnvelope);
  CHECK(error_of(R"({"kind":"ack","delivery":-1})").code == protocol::code::kInvalidEnvelope);
  CHECK(error_of(R"({"kind":"ack","delivery":"1"})").code == protocol::code::kInvalidEnvelope);
}

TEST_CASE("a final reply needs an outcome; the body must be an object", "[protocol]") {
  auto r = message_of<protocol::Reply>(R"({"kind":"reply","delivery":3,"reference":"A","final":true,"outcome":"done","body":{"x":1}})");
  CHECK(r.final);
  CHECK(r.outcome == "done");
  CHECK(error_of(R"({"kind":"reply","delivery":3,"reference":"A","final":true})").message.find("outcome") != std::string::npos);
  CHECK(error_of(R"({"kind":"reply","delivery":3,"reference":"A","body":[]})").code == protocol::code::kInvalidEnvelope);
  CHECK(message_of<protocol::Reply>(R"({"kind":"reply","delivery":3,"reference":"A"})").body == Json::object());
}

TEST_CASE("lifecycle kinds are recognised", "[protocol]") {
  for (const char* kind : {"sign", "return", "extend", "close", "reopen"})
    CHECK(message_of<protocol::Lifecycle>(std::string(R"({"kind":")") + kind + "\"}").kind == kind);
}

TEST_CASE("a delivery carries the stored payload unchanged", "[protocol]") {
  protocol::OutgoingDelivery d;
  d.delivery = 5;
  d.case_id = 9;
  d.type = "t";
  d.type_name = "物业费结清查询";
  d.payload_json = R"({"b": [1, 2], "a": "甲"})";
  Json j = Json::parse(protocol::delivery(d));
  CHECK(j["kind"] == "delivery");
  CHECK(j["type_name"] == "物业费结清查询");
  CHECK(j["payload"] == Json::parse(d.payload_json));
  Json rejected = Json::parse(protocol::rejected("R", "invalid_payload", "m", {{"/x", "bad"}, {"/y", "worse"}}));
  CHECK(rejected["problems"].size() == 2);
  CHECK(rejected["reference"] == "R");
}
