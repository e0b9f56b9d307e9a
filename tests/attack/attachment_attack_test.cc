// tests/attack/attachment_attack_test.cc: a unit holding a valid key attacks
// the hub through files (uploads, names, fetches), over real ZeroMQ against
// the real hubd and PostgreSQL. After each attack hubd is alive and a
// well-behaved unit's case still flows; what the attacker may leave in the
// database stays within its bounds.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <map>
#include <string>

#include "attack_runner.h"
#include "request_signature.h"
#include "test_hub.h"
#include "well_behaved_flow.h"

using hub::Json;
using namespace hub::testing;
using namespace std::chrono_literals;

namespace {

constexpr std::int64_t kMiB = std::int64_t{1} << 20;

class FilesArena {
 public:
  FilesArena() : hubd_(deployment_) {
    hubd_.start();
    attacker_ = deployment_.client("test.sender");
    calm_ = std::make_unique<WellBehavedFlow>(deployment_);
  }
  HubProcess& hubd() { return hubd_; }
  UnitClient& attacker() { return *attacker_; }
  const TestDeployment& deployment() const { return deployment_; }
  std::string healthy() { return calm_->check(hubd_); }

  // A chunk: the envelope and its bytes as the third frame.
  void chunk(const std::string& sha256, std::int64_t size, const std::string& type, std::int64_t offset,
             const std::string& bytes) {
    const Json envelope{{"kind", "upload"}, {"sha256", sha256}, {"size", size}, {"type", type}, {"offset", offset}};
    attacker_->send_raw({"xh1", envelope.dump(), bytes});
  }

  // The attacker's next `n` answers to uploads and fetches, counted by "kind code".
  std::map<std::string, int> answers(int n) {
    std::map<std::string, int> seen;
    for (int i = 0; i < n; ++i) {
      auto a = attacker_->wait_for(
          [](const Json& j) {
            const std::string request = j.value("request", "");
            return request == "upload" || request == "fetch" || request == "send" ||
                   (j.value("kind", "") == "error" && request.empty());
          },
          20s);
      if (!a) {
        ++seen["no answer"];
        break;
      }
      ++seen[a->value("kind", "?") + (a->contains("code") ? " " + (*a)["code"].get<std::string>() : "")];
    }
    return seen;
  }

 private:
  TestDeployment deployment_{flood_guard_lifted()};
  HubProcess hubd_;
  std::unique_ptr<UnitClient> attacker_;
  std::unique_ptr<WellBehavedFlow> calm_;
};

std::string str(const std::map<std::string, int>& counted) {
  std::string out;
  for (const auto& [answer, n] : counted) out += (out.empty() ? "" : ", ") + fmt::format("{}× {}", n, answer);
  return out;
}

std::string digest(int i) { return hub::http_adapter::sha256_hex("attack-" + std::to_string(i)); }

std::vector<Attack<FilesArena>> attacks() {
  return {
      {"an upload announcing a file of 1 TB",
       [](FilesArena& a) {
         a.chunk(digest(1), std::int64_t{1} << 40, "application/pdf", 0, "%PDF-1.7 and nothing more");
         return str(a.answers(1));
       },
       "error oversized"},
      {"a program's bytes declared as a PDF, then as a JPEG",
       [](FilesArena& a) {
         const std::string program("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xFF\xFF\x00\x00", 16);
         a.chunk(digest(2), 16, "application/pdf", 0, program);
         a.chunk(digest(2), 16, "image/jpeg", 0, program);
         a.chunk(digest(3), 16, "text/html", 0, "<script>1</script>");
         return str(a.answers(3));
       },
       "2× error type_mismatch"},
      {"300 uploads of 20 MB files started at once and never finished",
       [](FilesArena& a) {
         std::map<std::string, int> counted;
         for (int i = 0; i < 300; ++i) {  // one after the other: each is read, none is merely "busy"
           a.chunk(digest(1000 + i), 20 * kMiB, "application/pdf", 0, "%PDF-1.7 " + std::string(4096, 'x'));
           for (const auto& [answer, n] : a.answers(1)) counted[answer] += n;
         }
         const std::string seen = str(counted);
         const std::string held = query_one(a.deployment(),
                                            "SELECT coalesce(sum(length(data)), 0) FROM upload_parts WHERE unit = 'test.sender'");
         // 256 MiB of declared sizes: 12 uploads of 20 MB start, the others are refused.
         return seen + "; " + held + " bytes held" + (std::stoll(held) > 12 * 4105 ? " BEYOND" : "");
       },
       "288× error upload_quota, 12× upload_progress"},
      {"5,000 chunks at full speed, at offsets the hub does not hold",
       [](FilesArena& a) {
         for (int i = 0; i < 5000; ++i) a.chunk(digest(5000), 64 * kMiB / 4, "application/pdf", 4096 + i, "y");
         const auto seen = a.answers(5000);
         return str(seen);
       },
       "error upload_gap"},
      {"a send naming 50 files the attacker never uploaded",
       [](FilesArena& a) {
         Json files = Json::array();
         for (int i = 0; i < 50; ++i) files.push_back({{"sha256", digest(9000 + i)}, {"name", "x.pdf"}});
         a.attacker().send({{"kind", "send"}, {"reference", "FILES-1"}, {"type", "test.faulty"}, {"compound", ""},
                            {"payload", Json::object()}, {"attachments", files}});
         auto answer = a.attacker().wait_answer("FILES-1", 20s);
         if (!answer) return std::string("no answer");
         const std::string stored = query_one(a.deployment(), "SELECT count(*) FROM cases WHERE reference = 'FILES-1'");
         return (*answer)["kind"].get<std::string>() + " " + (*answer)["code"].get<std::string>() + " with " +
                std::to_string((*answer)["problems"].size()) + " problems, " + stored + " stored" +
                (stored != "0" ? " TOO MANY" : "");
       },
       "rejected invalid_payload with 50 problems, 0 stored"},
      {"fetches of files by digest through cases it is no party to",
       [](FilesArena& a) {
         for (int i = 1; i <= 200; ++i)
           a.attacker().send({{"kind", "fetch"}, {"case", i}, {"sha256", digest(i)}, {"length", 1 << 30}});
         return str(a.answers(200));
       },
       "error unknown_attachment"},
  };
}

}  // namespace

TEST_CASE("a unit attacking through files stays within its bounds and stops nobody else", "[attack][attachments]") {
  FilesArena arena;
  REQUIRE(arena.healthy().empty());
  run_attacks(arena, attacks(), "files: ");
  CHECK(arena.hubd().stop() == 0);
}
