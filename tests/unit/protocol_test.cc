#include <catch2/catch.hpp>

#include "protocol/answers.h"
#include "protocol/messages.h"
#include "util/time_format.h"

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

TEST_CASE("a final reply needs an outcome, the body must be an object", "[protocol]") {
  auto r = message_of<protocol::Reply>(R"({"kind":"reply","delivery":3,"reference":"A","final":true,"outcome":"done","body":{"x":1}})");
  CHECK(r.final);
  CHECK(r.outcome == "done");
  CHECK(error_of(R"({"kind":"reply","delivery":3,"reference":"A","final":true})").message.find("outcome") != std::string::npos);
  CHECK(error_of(R"({"kind":"reply","delivery":3,"reference":"A","body":[]})").code == protocol::code::kInvalidEnvelope);
  CHECK(message_of<protocol::Reply>(R"({"kind":"reply","delivery":3,"reference":"A"})").body == Json::object());
}

TEST_CASE("lifecycle requests are read with the fields their kind needs", "[protocol]") {
  using Kind = protocol::Transition::Kind;
  auto sign = message_of<protocol::Transition>(R"({"kind":"sign","delivery":7,"reference":"S-1"})");
  CHECK(sign.kind == Kind::kSign);
  CHECK(sign.delivery == 7);
  CHECK(sign.reference == "S-1");

  auto extend = message_of<protocol::Transition>(
      R"({"kind":"extend","delivery":7,"reference":"E-1","until":"2026-12-03T18:00:00+08:00","reason":"待材料"})");
  CHECK(extend.kind == Kind::kExtend);
  REQUIRE(extend.until);
  CHECK(hub::to_iso8601(*extend.until) == "2026-12-03T10:00:00.000000Z");
  CHECK(extend.reason == "待材料");

  auto close = message_of<protocol::Transition>(R"({"kind":"close","case":3,"reference":"C-1"})");
  CHECK(close.kind == Kind::kClose);
  CHECK(close.case_id == 3);
  CHECK(close.delivery == 0);
  CHECK(message_of<protocol::Transition>(R"({"kind":"grant_extension","delivery":7,"reference":"G"})").kind ==
        Kind::kGrantExtension);
  auto assign = message_of<protocol::Transition>(R"({"kind":"assign","delivery":7,"reference":"A","to":"pm.hengan"})");
  CHECK(assign.kind == Kind::kAssign);
  CHECK(assign.to == "pm.hengan");
  CHECK(error_of(R"({"kind":"assign","delivery":7,"reference":"A"})").message.find("'to'") != std::string::npos);
}

TEST_CASE("a lifecycle request missing what its kind needs is refused with the right code", "[protocol]") {
  // A reason is mandatory for return, extend, refuse_extension and reopen; blank does not count.
  auto no_reason = error_of(R"({"kind":"return","delivery":7,"reference":"R-1"})");
  CHECK(no_reason.code == protocol::code::kReasonRequired);
  CHECK(no_reason.reference == "R-1");
  CHECK(error_of(R"({"kind":"reopen","case":3,"reference":"R","reason":"  "})").code == protocol::code::kReasonRequired);
  CHECK(error_of(R"({"kind":"refuse_extension","delivery":3,"reference":"R"})").code == protocol::code::kReasonRequired);
  // Ids, references and times.
  CHECK(error_of(R"({"kind":"sign","reference":"S"})").message.find("'delivery'") != std::string::npos);
  CHECK(error_of(R"({"kind":"sign","delivery":7})").message.find("'reference'") != std::string::npos);
  CHECK(error_of(R"({"kind":"close","delivery":7,"reference":"C"})").message.find("'case'") != std::string::npos);
  CHECK(error_of(R"({"kind":"extend","delivery":7,"reference":"E","reason":"x"})").message.find("until") !=
        std::string::npos);
  CHECK(error_of(R"({"kind":"extend","delivery":7,"reference":"E","reason":"x","until":"2026-12-03 18:00"})").code ==
        protocol::code::kInvalidEnvelope);
}

TEST_CASE("an update goes out as stored, with its id and attempt", "[protocol]") {
  const std::string body = R"({"kind":"state","case":3,"change":"signed"})";
  const Json j = Json::parse(protocol::update({42, 2, body}));
  CHECK(j["kind"] == "state");
  CHECK(j["update"] == 42);
  CHECK(j["attempt"] == 2);
  CHECK(j["change"] == "signed");
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

TEST_CASE("every answer names the kind of message it answers and its reference, when they were read", "[protocol]") {
  CHECK(Json::parse(protocol::accepted("R-1", 7, false, {}, ""))["request"] == "send");
  CHECK(Json::parse(protocol::rejected("R-2", "invalid_payload", "m", {}))["request"] == "send");
  CHECK(Json::parse(protocol::reply_accepted("R-3", 9, false))["request"] == "reply");
  CHECK(Json::parse(protocol::transition_accepted("R-4", "sign", 1, {}, false))["request"] == "sign");
  const Json refused = Json::parse(protocol::error("busy", "m", true, "R-5", {}, "extend"));
  CHECK(refused["request"] == "extend");
  CHECK(refused["reference"] == "R-5");
  // Dropped unread: neither is known, neither is written.
  const Json unread = Json::parse(protocol::error("busy", "m", true, ""));
  CHECK_FALSE(unread.contains("request"));
  CHECK_FALSE(unread.contains("reference"));
}

TEST_CASE("a refused message of a known kind carries that kind, an unknown or unreadable kind none",
          "[protocol]") {
  CHECK(error_of(R"({"kind":"sign","reference":"S-1"})").request == "sign");
  CHECK(error_of(R"({"kind":"send","reference":"C-1","type":"x"})").request == "send");
  CHECK(error_of(R"({"kind":"ack"})").request == "ack");
  CHECK(error_of(R"({"kind":"reply","delivery":1,"reference":"P-1","final":true})").request == "reply");
  CHECK(error_of(R"({"kind":"hello","client":7})").request == "hello");
  CHECK(error_of(R"({"kind":"nonsense"})").request.empty());
  CHECK(error_of(R"({"reference":"X"})").request.empty());
  CHECK(error_of("not json").request.empty());
}

TEST_CASE("a read names one case by its id, anything else is an invalid envelope of a read", "[protocol][read]") {
  CHECK(message_of<protocol::Read>(R"({"kind":"read","case":1024})").case_id == 1024);
  CHECK(message_of<protocol::Read>(R"({"kind":"read","case":9007199254740993,"reference":"ignored"})").case_id ==
        9007199254740993);
  for (const char* body : {R"({"kind":"read"})", R"({"kind":"read","case":"1024"})", R"({"kind":"read","case":10.5})",
                           R"({"kind":"read","case":0})", R"({"kind":"read","case":-3})", R"({"kind":"read","case":null})",
                           R"({"kind":"read","case":18446744073709551615})", R"({"kind":"read","case":[1]})"}) {
    INFO(body);
    const auto e = error_of(body);
    CHECK(e.code == protocol::code::kInvalidEnvelope);
    CHECK(e.request == "read");
    CHECK_THAT(e.message, Catch::Contains("'case'"));
  }
  CHECK_THAT(error_of(R"({"kind":"fly"})").message, Catch::Contains("read"));
}

TEST_CASE("a case read goes out with the stored payload, annex, details and bodies spliced in unchanged",
          "[protocol][read]") {
  protocol::CaseState c;
  c.case_id = 1024;
  c.type = "registry.fee_check";
  c.type_name = "物业费结清查询";
  c.origin = "registry";
  c.reference = "ZY-1";
  c.compound = "jinxiu";
  c.created_at = "2026-12-07T09:00:00+08:00";
  c.payload_json = R"({"b": [1, 2.5], "a": "甲"})";
  c.annex_json = R"({"prices": {"x": 1}})";
  protocol::DeliveryState signed_one;
  signed_one.delivery = 2048;
  signed_one.to = "pm.jinxiu";
  signed_one.stage = "signed";
  signed_one.dispatched_at = "2026-12-07T09:00:00+08:00";
  signed_one.sign_by = "2026-12-07T12:00:00+08:00";
  signed_one.extension_until = "2026-12-20T00:00:00+08:00";
  signed_one.extension_reason = "需配合";
  signed_one.extension_approver = "housing_bureau";
  signed_one.resolve_escalations = 2;
  signed_one.detail_json = R"({"assigned": {"by": "sd.xinzhou", "delivery": 2047}})";
  protocol::DeliveryState notice;
  notice.delivery = 2049;
  notice.to = "sd.xinzhou";
  notice.notice = true;
  notice.stage = "notice";
  c.deliveries = {signed_one, notice};
  protocol::ReplyState reply;
  reply.reply = 4096;
  reply.delivery = 2048;
  reply.from = "pm.jinxiu";
  reply.reference = "JX-1";
  reply.final = true;
  reply.outcome = "done";
  reply.at = "2026-12-07T10:00:00+08:00";
  reply.body_json = R"({"note": "无欠费"})";
  c.replies = {reply};
  c.replies_truncated = true;

  const Json j = Json::parse(protocol::case_state(c));
  CHECK(j["kind"] == "case");
  CHECK(j["request"] == "read");
  CHECK(j["case"] == 1024);
  CHECK(j["type_name"] == "物业费结清查询");
  CHECK(j["reference"] == "ZY-1");
  CHECK(j["payload"] == Json::parse(c.payload_json));
  CHECK(j["annex"] == Json::parse(c.annex_json));
  CHECK_FALSE(j.contains("parked"));
  CHECK(j["deliveries_truncated"] == false);
  CHECK(j["replies_truncated"] == true);
  REQUIRE(j["deliveries"].size() == 2);
  const Json& d = j["deliveries"][0];
  CHECK(d["stage"] == "signed");
  CHECK(d["sign_by"] == "2026-12-07T12:00:00+08:00");
  CHECK_FALSE(d.contains("resolve_by"));
  CHECK_FALSE(d.contains("acked_at"));
  CHECK(d["extension"] == Json{{"until", "2026-12-20T00:00:00+08:00"}, {"reason", "需配合"}, {"approver", "housing_bureau"}});
  CHECK(d["escalations"] == Json{{"sign", 0}, {"resolve", 2}});
  CHECK(d["assigned"]["by"] == "sd.xinzhou");
  const Json& n = j["deliveries"][1];
  CHECK(n["notice"] == true);
  CHECK_FALSE(n.contains("escalations"));
  CHECK_FALSE(n.contains("extension"));
  REQUIRE(j["replies"].size() == 1);
  CHECK(j["replies"][0]["body"] == Json{{"note", "无欠费"}});
  CHECK(j["replies"][0]["outcome"] == "done");

  const Json refused = Json::parse(protocol::read_error(77, "unknown_case", "no case 77 that your unit is party to", false));
  CHECK(refused == Json{{"kind", "error"}, {"code", "unknown_case"}, {"message", "no case 77 that your unit is party to"},
                        {"retry", false}, {"request", "read"}, {"case", 77}});
}
