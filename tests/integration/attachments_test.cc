// Attachments end to end through the real hubd: files uploaded over HTTPS (one
// request) and over ZeroMQ (chunks), named in cases and replies, delivered
// with the case, fetched by parties over both transports and refused to
// everyone else; the checks at upload (type by the bytes, digest) and at
// intake (only the unit's own uploads, the case type's rule).
#include <catch2/catch.hpp>

#include "http_hub.h"
#include "request_signature.h"
#include "unit_client.h"

using namespace hub::testing;
using namespace hub::testing::http_e2e;

namespace {

// A small PDF-looking file: the bytes the hub checks ("%PDF-"), then `filler`.
std::string pdf_bytes(std::size_t size, char filler) {
  std::string bytes = "%PDF-1.7\n";
  bytes.resize(size, filler);
  return bytes;
}

ClientResponse upload(HttpHub& h, TestClient& client, const Credential& c, const std::string& bytes,
                      const std::string& type = "application/pdf") {
  auto response = client.request("POST", "/v1/attachments", bytes,
                                 signed_headers(c, "POST", "/v1/attachments", bytes, 0, "", type));
  INFO("POST /v1/attachments: " << client.last_error() << "; hubd's log:\n" << h.hubd->log());
  REQUIRE(response);
  return *response;
}

ClientResponse fetch(TestClient& client, const Credential& c, std::int64_t case_id, const std::string& sha256) {
  return call(client, c, "GET", "/v1/cases/" + std::to_string(case_id) + "/attachments/" + sha256);
}

Json case_naming(const std::string& reference, const std::string& type, const Json& attachments) {
  return {{"reference", reference}, {"type", type}, {"compound", ""}, {"payload", Json::object()},
          {"attachments", attachments}};
}

// Uploads `bytes` over ZeroMQ in chunks of `chunk` bytes, as PROTOCOL.md says: each chunk waits for its answer.
Json upload_in_chunks(UnitClient& unit, const std::string& bytes, std::size_t chunk, const std::string& type) {
  const std::string sha256 = hub::http_adapter::sha256_hex(bytes);
  Json last;
  for (std::size_t offset = 0; offset < bytes.size(); offset += chunk) {
    const Json envelope{{"kind", "upload"}, {"sha256", sha256}, {"size", bytes.size()}, {"type", type},
                        {"offset", offset}};
    unit.send_raw({"xh1", envelope.dump(), bytes.substr(offset, chunk)});
    auto answer = unit.wait_for([&](const Json& j) { return j.value("request", "") == "upload"; });
    REQUIRE(answer);
    last = *answer;
    if (last["kind"] == "error") return last;
  }
  return last;
}

}  // namespace

TEST_CASE("a file uploaded over HTTPS travels with its case and is fetched by parties only", "[http][attachments]") {
  HttpHub h;
  const Credential web = h.issue("test.web");
  const Credential flood = h.issue("test.webflood");  // a quota of 3 messages at once: used 3 times
  const Credential pushed = h.issue("test.pushed");
  TestClient client;
  h.connect(client);
  auto receiver = h.deployment->client("test.receiver");
  receiver->hello();
  REQUIRE(receiver->wait_kind("welcome"));

  // Uploaded: stored under its digest; the same bytes again are simply uploaded again.
  const std::string file = pdf_bytes(300000, 'x');
  const std::string sha256 = hub::http_adapter::sha256_hex(file);
  const ClientResponse stored = upload(h, client, web, file);
  INFO(stored.body);
  REQUIRE(stored.status == 201);
  CHECK(Json::parse(stored.body) == Json{{"kind", "uploaded"}, {"request", "upload"}, {"sha256", sha256},
                                         {"size", file.size()}, {"type", "application/pdf"}});
  CHECK(upload(h, client, web, file).status == 201);
  CHECK(query_one(*h.deployment, "SELECT count(*) || '/' || sum(length(data)) FROM attachment_chunks WHERE sha256 = '" +
                                     sha256 + "'") == "1/300000");

  // Refused at upload: bytes that are not of the type declared, and JSON sent as a file.
  const ClientResponse not_png = upload(h, client, web, file, "image/png");
  CHECK(not_png.status == 415);
  CHECK(Json::parse(not_png.body)["code"] == "type_mismatch");
  CHECK(upload(h, client, web, "{}", "application/json").status == 415);
  const ClientResponse unknown_type = upload(h, client, web, file, "text/html");
  CHECK(unknown_type.status == 400);
  CHECK(Json::parse(unknown_type.body)["code"] == "invalid_upload");

  // Named in a case: the receiver gets the file's entry with the hub's type and size.
  const Json files = Json::array({{{"sha256", sha256}, {"name", "物业服务合同 2026.pdf"}, {"label", "contract"}}});
  const ClientResponse accepted = call(client, web, "POST", "/v1/cases", case_naming("ATT-1", "test.faulty", files));
  INFO(accepted.body);
  REQUIRE(accepted.status == 201);
  const auto case_id = Json::parse(accepted.body)["case"].get<std::int64_t>();
  const auto delivery = receiver->wait_kind("delivery");
  REQUIRE(delivery);
  CHECK((*delivery)["attachments"] ==
        Json::array({{{"sha256", sha256}, {"name", "物业服务合同 2026.pdf"}, {"label", "contract"},
                      {"type", "application/pdf"}, {"size", file.size()}}}));

  // Fetched over HTTPS by its originator: the bytes, as a download that no browser runs.
  const ClientResponse fetched = fetch(client, web, case_id, sha256);
  REQUIRE(fetched.status == 200);
  CHECK(fetched.body == file);
  CHECK(fetched.header("content-type") == "application/pdf");
  CHECK(fetched.header("x-content-type-options") == "nosniff");
  CHECK(fetched.header("content-disposition") ==
        "attachment; filename=\"______ 2026.pdf\"; "
        "filename*=UTF-8''%E7%89%A9%E4%B8%9A%E6%9C%8D%E5%8A%A1%E5%90%88%E5%90%8C%202026.pdf");

  // Fetched over ZeroMQ by the receiver, in two chunks.
  receiver->send({{"kind", "fetch"}, {"case", case_id}, {"sha256", sha256}, {"length", 200000}});
  const auto first = receiver->wait_kind("file");
  REQUIRE(first);
  CHECK((*first)["offset"] == 0);
  CHECK((*first)["length"] == 200000);
  CHECK((*first)["size"] == file.size());
  receiver->send({{"kind", "fetch"}, {"case", case_id}, {"sha256", sha256}, {"offset", 200000}, {"length", 200000}});
  const auto second = receiver->wait_kind("file");
  REQUIRE(second);
  CHECK((*second)["length"] == 100000);
  CHECK((*first)[UnitClient::kDataFrame].get<std::string>() + (*second)[UnitClient::kDataFrame].get<std::string>() ==
        file);

  // Not to a unit party to no case naming it, and not through another case.
  const ClientResponse stranger = fetch(client, pushed, case_id, sha256);
  CHECK(stranger.status == 404);
  CHECK(Json::parse(stranger.body)["code"] == "unknown_attachment");
  const ClientResponse other_case =
      call(client, flood, "POST", "/v1/cases", case_naming("ATT-OTHER", "test.faulty", Json::array()));
  REQUIRE(other_case.status == 201);
  CHECK(fetch(client, flood, Json::parse(other_case.body)["case"].get<std::int64_t>(), sha256).status == 404);

  // Naming a file the unit did not upload itself is refused, even when the hub holds it.
  const ClientResponse borrowed = call(client, flood, "POST", "/v1/cases", case_naming("ATT-2", "test.faulty", files));
  CHECK(borrowed.status == 422);
  const Json refusal = Json::parse(borrowed.body);
  CHECK(refusal["code"] == "invalid_payload");
  REQUIRE(refusal["problems"].size() == 1);
  CHECK(refusal["problems"][0]["pointer"] == "/attachments/0");
  CHECK_THAT(refusal["problems"][0]["reason"].get<std::string>(),
             Catch::Contains("was not uploaded by unit test.webflood") && Catch::Contains("upload it first"));
  CHECK(query_one(*h.deployment, "SELECT count(*) FROM cases WHERE reference = 'ATT-2'") == "0");
}

TEST_CASE("a file uploaded over ZeroMQ in chunks reaches an HTTPS unit, and its reply carries a file back",
          "[http][attachments]") {
  HttpHub h;
  const Credential web = h.issue("test.web");
  TestClient client;
  h.connect(client);
  auto sender = h.deployment->client("test.sender");
  sender->hello();
  REQUIRE(sender->wait_kind("welcome"));

  // Chunks: a gap is refused with where to go on; a chunk sent twice is harmless; the last stores the file.
  const std::string photo = "\xFF\xD8\xFF\xE0" + std::string(250000, 'j');
  const std::string sha256 = hub::http_adapter::sha256_hex(photo);
  const Json head{{"kind", "upload"}, {"sha256", sha256}, {"size", photo.size()}, {"type", "image/jpeg"}};
  sender->send_raw({"xh1", Json(head).dump(), photo.substr(0, 100000)});
  auto answer = sender->wait_for([](const Json& j) { return j.value("request", "") == "upload"; });
  REQUIRE(answer);
  CHECK((*answer)["kind"] == "upload_progress");
  CHECK((*answer)["received"] == 100000);
  Json gap = head;
  gap["offset"] = 200000;
  sender->send_raw({"xh1", gap.dump(), photo.substr(200000)});
  answer = sender->wait_for([](const Json& j) { return j.value("request", "") == "upload"; });
  REQUIRE(answer);
  CHECK((*answer)["code"] == "upload_gap");
  CHECK_THAT((*answer)["message"].get<std::string>(), Catch::Contains("send the chunk at offset 100000"));
  const Json stored = upload_in_chunks(*sender, photo, 100000, "image/jpeg");
  CHECK(stored == Json{{"kind", "uploaded"}, {"request", "upload"}, {"sha256", sha256}, {"size", photo.size()},
                       {"type", "image/jpeg"}});

  // Bytes that are not those the digest names: dropped, nothing stored.
  std::string corrupted = photo;
  corrupted[123456] = 'k';
  Json wrong = head;
  wrong["offset"] = 0;
  const std::string wrong_sha = std::string(64, '0');
  wrong["sha256"] = wrong_sha;
  sender->send_raw({"xh1", wrong.dump(), corrupted});
  answer = sender->wait_for([](const Json& j) { return j.value("request", "") == "upload"; });
  REQUIRE(answer);
  CHECK((*answer)["code"] == "digest_mismatch");
  CHECK(query_one(*h.deployment, "SELECT count(*) FROM upload_parts WHERE sha256 = '" + wrong_sha + "'") == "0");

  // The case reaches test.web (inbox) with the photo; test.web fetches it over HTTPS.
  Json routed{{"kind", "send"}, {"reference", "ZMQ-ATT-1"}, {"type", "test.routed"}, {"compound", ""},
              {"payload", Json::object()},
              {"attachments", Json::array({{{"sha256", sha256}, {"name", "现场照片.jpg"}}})}};
  sender->send(routed);
  const auto accepted = sender->wait_answer("ZMQ-ATT-1");
  REQUIRE(accepted);
  REQUIRE((*accepted)["kind"] == "accepted");
  const auto case_id = (*accepted)["case"].get<std::int64_t>();
  const Json incoming = poll_for(client, web, "delivery", *h.hubd);
  CHECK(incoming["attachments"][0]["name"] == "现场照片.jpg");
  CHECK(incoming["attachments"][0]["type"] == "image/jpeg");
  const ClientResponse fetched = fetch(client, web, case_id, sha256);
  REQUIRE(fetched.status == 200);
  CHECK(fetched.body == photo);

  // test.web answers with a report of its own; the originator gets the reply with the file and fetches it.
  const std::string report = pdf_bytes(5000, 'r');
  const std::string report_sha = hub::http_adapter::sha256_hex(report);
  REQUIRE(upload(h, client, web, report).status == 201);
  const auto web_delivery = incoming["delivery"].get<std::int64_t>();
  const ClientResponse replied =
      call(client, web, "POST", "/v1/deliveries/" + std::to_string(web_delivery) + "/replies",
           {{"reference", "WR-ATT-1"}, {"final", true}, {"outcome", "done"}, {"body", Json::object()},
            {"attachments", Json::array({{{"sha256", report_sha}, {"name", "整改报告.pdf"}}})}});
  INFO(replied.body);
  REQUIRE(replied.status == 201);
  const auto forwarded = sender->wait_kind("reply");
  REQUIRE(forwarded);
  CHECK((*forwarded)["attachments"][0]["sha256"] == report_sha);
  sender->send({{"kind", "fetch"}, {"case", case_id}, {"sha256", report_sha}});
  const auto file = sender->wait_kind("file");
  REQUIRE(file);
  CHECK((*file)["name"] == "整改报告.pdf");
  CHECK((*file)[UnitClient::kDataFrame] == report);

  // Both files are recorded as named by the case (the unused-upload sweep keeps them).
  CHECK(query_one(*h.deployment, "SELECT count(*) FROM attachment_refs WHERE case_id = " + std::to_string(case_id)) ==
        "2");
}
