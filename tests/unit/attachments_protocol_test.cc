// What the protocol says about files: the types the hub recognises by their
// bytes, names and digests units write, the attachments of a send or reply,
// the upload and fetch kinds and their answers, and a case type's rule.
#include <catch2/catch.hpp>

#include "catalog/attachment_rule.h"
#include "protocol/answers.h"
#include "protocol/attachments.h"
#include "protocol/messages.h"

using hub::Json;
namespace protocol = hub::protocol;

namespace {

const std::string kSha(64, 'a');

template <class T>
T message_of(const Json& body) {
  auto r = protocol::parse(body.dump(), 1 << 20);
  if (auto* e = std::get_if<protocol::ParseError>(&r)) FAIL(e->code << ": " << e->message);
  REQUIRE(std::holds_alternative<T>(std::get<protocol::Message>(r)));
  return std::get<T>(std::get<protocol::Message>(r));
}

protocol::ParseError error_of(const Json& body) {
  auto r = protocol::parse(body.dump(), 1 << 20);
  REQUIRE(std::holds_alternative<protocol::ParseError>(r));
  return std::get<protocol::ParseError>(r);
}

Json send_naming(Json attachments) {
  return {{"kind", "send"}, {"reference", "R-1"}, {"type", "t"}, {"payload", Json::object()},
          {"attachments", std::move(attachments)}};
}

}  // namespace

TEST_CASE("a file's first bytes must be those of its declared type", "[protocol][attachments]") {
  CHECK(protocol::bytes_look_like("image/jpeg", "\xFF\xD8\xFF\xE0\x00\x10JFIF"));
  CHECK(protocol::bytes_look_like("image/png", "\x89PNG\r\n\x1A\n\x00\x00\x00\x0D"));
  CHECK(protocol::bytes_look_like("image/webp", std::string("RIFF\x24\x00\x00\x00WEBP", 12)));
  CHECK(protocol::bytes_look_like("application/pdf", "%PDF-1.7\n%\xE2\xE3"));
  CHECK(protocol::bytes_look_like("application/ofd", std::string("PK\x03\x04\x14\x00", 6)));
  CHECK(protocol::bytes_look_like("video/mp4", std::string("\x00\x00\x00\x18" "ftypmp42", 12)));
  // A web page or a program declared as a document or a picture is not one.
  CHECK_FALSE(protocol::bytes_look_like("application/pdf", "<html><script>"));
  CHECK_FALSE(protocol::bytes_look_like("image/jpeg", "MZ\x90\x00"));
  CHECK_FALSE(protocol::bytes_look_like("image/png", "%PDF-1.7"));
  CHECK_FALSE(protocol::bytes_look_like("image/webp", std::string("RIFF\x24\x00\x00\x00WAVE", 12)));
  CHECK_FALSE(protocol::bytes_look_like("image/webp", "RIFF"));  // a head shorter than the signature
  CHECK_FALSE(protocol::bytes_look_like("video/mp4", "ftyp"));
  CHECK_FALSE(protocol::bytes_look_like("application/pdf", ""));
  CHECK(protocol::is_known_media_type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"));
  CHECK_FALSE(protocol::is_known_media_type("text/html"));
  CHECK_FALSE(protocol::is_known_media_type("application/octet-stream"));
}

TEST_CASE("file names are names for people, digests are 64 lower-case hex digits", "[protocol][attachments]") {
  CHECK_FALSE(protocol::file_name_problem("物业服务合同 (2026).pdf"));
  CHECK(protocol::file_name_problem(""));
  CHECK(protocol::file_name_problem("../../etc/passwd"));
  CHECK(protocol::file_name_problem("a\\b.pdf"));
  CHECK(protocol::file_name_problem(".."));
  CHECK(protocol::file_name_problem("a\tb.pdf"));
  CHECK(protocol::file_name_problem(std::string(256, 'n')));
  CHECK(protocol::is_sha256_hex(kSha));
  CHECK_FALSE(protocol::is_sha256_hex(std::string(64, 'A')));
  CHECK_FALSE(protocol::is_sha256_hex(std::string(63, 'a')));
}

TEST_CASE("a send or reply names files by digest, name and label, each once", "[protocol][attachments]") {
  const auto s = message_of<protocol::Send>(
      send_naming(Json::array({{{"sha256", kSha}, {"name", "合同.pdf"}, {"label", "contract"}},
                               {{"sha256", std::string(64, 'b')}, {"name", "照片.jpg"}}})));
  REQUIRE(s.attachments.size() == 2);
  CHECK(s.attachments[0].name == "合同.pdf");
  CHECK(s.attachments[0].label == "contract");
  CHECK(s.attachments[1].label.empty());
  const auto r = message_of<protocol::Reply>({{"kind", "reply"}, {"delivery", 7}, {"reference", "Y-1"},
                                              {"attachments", Json::array({{{"sha256", kSha}, {"name", "a.pdf"}}})}});
  REQUIRE(r.attachments.size() == 1);

  const auto refused = [](Json attachments) { return error_of(send_naming(std::move(attachments))); };
  CHECK_THAT(refused(Json::object()).message, Catch::Contains("must be an array"));
  CHECK_THAT(refused(Json::array({"x"})).message, Catch::Contains("attachments[0] must be an object"));
  CHECK_THAT(refused(Json::array({{{"sha256", "ABC"}, {"name", "a"}}})).message, Catch::Contains("64 lower-case hex"));
  CHECK_THAT(refused(Json::array({{{"sha256", kSha}}})).message, Catch::Contains("'name' is required"));
  CHECK_THAT(refused(Json::array({{{"sha256", kSha}, {"name", "x/y.pdf"}}})).message, Catch::Contains("not a path"));
  CHECK_THAT(refused(Json::array({{{"sha256", kSha}, {"name", "a"}, {"url", "http://x"}}})).message,
             Catch::Contains("unknown member 'url'"));
  CHECK_THAT(refused(Json::array({{{"sha256", kSha}, {"name", "a"}}, {{"sha256", kSha}, {"name", "b"}}})).message,
             Catch::Contains("attachments[1] names the same file"));
  Json many = Json::array();
  for (int i = 0; i < 51; ++i) many.push_back({{"sha256", kSha}, {"name", "a"}});
  CHECK_THAT(refused(many).message, Catch::Contains("at most 50"));
  CHECK(refused(many).reference == "R-1");
  CHECK(refused(many).request == "send");
}

TEST_CASE("an upload names the whole file and where its chunk goes, a fetch names a case and a file",
          "[protocol][attachments]") {
  const auto u = message_of<protocol::Upload>(
      {{"kind", "upload"}, {"sha256", kSha}, {"size", 5000}, {"type", "application/pdf"}, {"offset", 1000}});
  CHECK(u.size == 5000);
  CHECK(u.offset == 1000);
  CHECK(u.media_type == "application/pdf");
  CHECK(message_of<protocol::Upload>({{"kind", "upload"}, {"sha256", kSha}, {"size", 1}, {"type", "image/png"}}).offset ==
        0);
  CHECK_THAT(error_of({{"kind", "upload"}, {"sha256", kSha}, {"size", 0}, {"type", "image/png"}}).message,
             Catch::Contains("an empty file"));
  CHECK(error_of({{"kind", "upload"}, {"sha256", kSha}, {"size", -1}, {"type", "image/png"}}).request == "upload");
  CHECK(error_of({{"kind", "upload"}, {"size", 10}, {"type", "image/png"}}).code == protocol::code::kInvalidEnvelope);

  const auto f = message_of<protocol::Fetch>({{"kind", "fetch"}, {"case", 12}, {"sha256", kSha}});
  CHECK(f.case_id == 12);
  CHECK(f.offset == 0);
  CHECK(f.length == 0);
  CHECK(error_of({{"kind", "fetch"}, {"sha256", kSha}}).request == "fetch");

  CHECK(Json::parse(protocol::upload_progress(kSha, 100, 5000)) ==
        Json{{"kind", "upload_progress"}, {"request", "upload"}, {"sha256", kSha}, {"received", 100}, {"size", 5000}});
  const Json chunk = Json::parse(protocol::file_chunk({12, {kSha, "合同.pdf", "contract", "application/pdf", 5000}, 0, 100}));
  CHECK(chunk["kind"] == "file");
  CHECK(chunk["request"] == "fetch");
  CHECK(chunk["name"] == "合同.pdf");
  CHECK(chunk["length"] == 100);
}

TEST_CASE("a case type's rule limits the files' count, size and types, each problem at its file",
          "[protocol][attachments]") {
  hub::AttachmentRule rule;
  rule.max_files = 2;
  rule.max_file_bytes = 1000;
  rule.media_types = {"application/pdf"};
  const std::vector<hub::AttachmentView> files = {{kSha, "a.pdf", "", "application/pdf", 1000},
                                                  {kSha, "b.jpg", "", "image/jpeg", 10},
                                                  {kSha, "c.pdf", "", "application/pdf", 1001}};
  const auto problems = hub::catalog::attachment_problems(rule, files, "t.type");
  REQUIRE(problems.size() == 3);
  CHECK(problems[0].pointer == "/attachments");
  CHECK_THAT(problems[0].reason, Catch::Contains("at most 2"));
  CHECK(problems[1].pointer == "/attachments/1");
  CHECK_THAT(problems[1].reason, Catch::Contains("\"b.jpg\" is image/jpeg") && Catch::Contains("takes application/pdf"));
  CHECK(problems[2].pointer == "/attachments/2");
  CHECK_THAT(problems[2].reason, Catch::Contains("at most 1000 bytes"));
  CHECK(hub::catalog::attachment_problems(rule, {}, "t.type").empty());
  rule.max_files = 0;
  CHECK_THAT(hub::catalog::attachment_problems(rule, files, "t.type")[0].reason, Catch::Contains("carries no files"));
}
