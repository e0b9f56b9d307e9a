// The attachments' store on a real PostgreSQL: chunks taken in order, a
// chunk again, a gap, an overlap, a restart with another size; the digest
// checked by the database; a file stored once for two units; each unit's
// quotas; who may read a file through a case; and the sweep of unused
// uploads, which never removes a file a message names.
#include <catch2/catch.hpp>

#include "request_signature.h"
#include "store/attachments.h"
#include "store/case_batch.h"
#include "test_database.h"
#include "util/time_parse.h"

using hub::Json;
using namespace hub::store;
using Kind = UploadProgress::Kind;

namespace {

std::string one(PgConnection& db, const std::string& sql) {
  auto r = db.exec(sql);
  REQUIRE(r.ok());
  return std::string(r->get(0, 0));
}

const hub::TimePoint kNoon = *hub::parse_iso8601("2026-12-07T12:00:00+08:00");

hub::protocol::Upload upload_of(const std::string& bytes, std::int64_t offset, const std::string& type = "application/pdf") {
  return {hub::http_adapter::sha256_hex(bytes), static_cast<std::int64_t>(bytes.size()), type, offset};
}

UploadProgress take(PgConnection& db, const std::string& unit, const std::string& file, std::int64_t offset,
                    std::size_t length, const UploadQuota& quota = {}, hub::TimePoint at = kNoon) {
  auto p = take_upload_chunk(db, unit, upload_of(file, offset), std::string_view(file).substr(offset, length), quota, at);
  REQUIRE(p.ok());
  return *p;
}

// A case from `origin` to `receiver` naming `files`, written as the committer writes it.
std::int64_t store_case(PgConnection& db, const std::string& origin, const std::string& receiver,
                        const std::string& reference, std::vector<hub::AttachmentView> files) {
  BatchInput in;
  NewCase n;
  n.c = {0, "t.type", origin, reference, "", Json::object(), std::move(files)};
  n.decision.route_id = "r";
  n.decision.recipients = {{receiver, false}};
  n.plugin = "p";
  in.cases.push_back(std::move(n));
  auto out = commit_batch(db, in, kNoon);
  REQUIRE(out.ok());
  return out->cases[0].id;
}

}  // namespace

TEST_CASE("chunks are taken in order, a chunk again is harmless, gaps and overlaps are refused", "[attachments]") {
  auto db = hub::test::migrated_database();
  const std::string file = "%PDF-" + std::string(995, 'p');
  const std::string sha256 = hub::http_adapter::sha256_hex(file);

  CHECK(take(db, "pm.a", file, 0, 400).kind == Kind::kPartial);
  const auto again = take(db, "pm.a", file, 0, 400);
  CHECK(again.kind == Kind::kPartial);
  CHECK(again.received == 400);
  const auto gap = take(db, "pm.a", file, 800, 200);
  CHECK(gap.kind == Kind::kGap);
  CHECK(gap.received == 400);
  CHECK(gap.code == "upload_gap");
  const auto overlap = take(db, "pm.a", file, 300, 300);
  CHECK(overlap.kind == Kind::kRefused);
  CHECK_THAT(overlap.message, Catch::Contains("send the chunk at offset 400"));
  CHECK(take(db, "pm.a", file, 400, 400).received == 800);
  CHECK(take(db, "pm.a", file, 800, 200).kind == Kind::kComplete);
  CHECK(one(db, "SELECT count(*) FROM upload_parts") == "0");
  CHECK(one(db, "SELECT size FROM attachment_blobs WHERE sha256 = '" + sha256 + "'") == "1000");

  // After it is complete, any chunk of it is answered complete, with the stored size and type
  // whatever the chunk declares.
  const auto done = take(db, "pm.a", file, 0, 400);
  CHECK(done.kind == Kind::kComplete);
  CHECK(done.size == 1000);
  CHECK(done.media_type == "application/pdf");
  hub::protocol::Upload other_claim = upload_of(file, 0, "image/png");
  other_claim.size = 5000;
  auto claimed = take_upload_chunk(db, "pm.a", other_claim, std::string_view(file).substr(0, 100), {}, kNoon);
  REQUIRE(claimed.ok());
  CHECK(claimed->kind == Kind::kComplete);
  CHECK(claimed->size == 1000);
  CHECK(claimed->media_type == "application/pdf");
  auto mine = files_uploaded_by(db, "pm.a", {sha256, std::string(64, 'f')});
  REQUIRE(mine.ok());
  REQUIRE(mine->size() == 1);
  CHECK((*mine)[0].media_type == "application/pdf");
  CHECK((*mine)[0].size == 1000);
  auto none = files_uploaded_by(db, "pm.b", {sha256});
  REQUIRE(none.ok());
  CHECK(none->empty());

  // Stored as its three chunks came. Another unit uploads the same bytes: every byte again, stored once.
  CHECK(one(db, "SELECT string_agg(\"offset\"::text, ',' ORDER BY \"offset\") FROM attachment_chunks") == "0,400,800");
  CHECK(take(db, "pm.b", file, 0, 1000).kind == Kind::kComplete);
  CHECK(one(db, "SELECT count(*) FROM attachment_blobs") == "1");
  CHECK(one(db, "SELECT count(*) FROM attachment_chunks") == "3");
  CHECK(one(db, "SELECT count(*) FROM attachment_uploads") == "2");
  auto bytes = read_file_bytes(db, sha256, 395, 10);
  REQUIRE(bytes.ok());
  CHECK(*bytes == file.substr(395, 10));
  bytes = read_file_bytes(db, sha256, 0, 5000);
  REQUIRE(bytes.ok());
  CHECK(*bytes == file);
}

TEST_CASE("a digest that the bytes do not have drops the upload, a new start replaces one of another size",
          "[attachments]") {
  auto db = hub::test::migrated_database();
  const std::string file = "%PDF-" + std::string(95, 'q');
  auto u = upload_of(file, 0);
  u.sha256 = std::string(64, 'a');
  auto wrong = take_upload_chunk(db, "pm.a", u, file, {}, kNoon);
  REQUIRE(wrong.ok());
  CHECK(wrong->code == "digest_mismatch");
  CHECK(one(db, "SELECT count(*) FROM upload_parts") == "0");
  CHECK(one(db, "SELECT count(*) FROM attachment_blobs") == "0");

  // Half of a file declared 100 bytes, then the same digest declared 50: refused mid-way, taken at offset 0.
  REQUIRE(take(db, "pm.a", file, 0, 50).kind == Kind::kPartial);
  auto other = upload_of(file, 50);
  other.size = 60;
  auto refused = take_upload_chunk(db, "pm.a", other, std::string_view(file).substr(50, 10), {}, kNoon);
  REQUIRE(refused.ok());
  CHECK(refused->code == "invalid_upload");
  other.offset = 0;
  auto restarted = take_upload_chunk(db, "pm.a", other, std::string_view(file).substr(0, 10), {}, kNoon);
  REQUIRE(restarted.ok());
  CHECK(restarted->kind == Kind::kPartial);
  CHECK(one(db, "SELECT string_agg(DISTINCT size::text, ',') FROM upload_parts") == "60");
}

TEST_CASE("a unit's unfinished and unused bytes are bounded, named files no longer count", "[attachments]") {
  auto db = hub::test::migrated_database();
  const UploadQuota quota{2000, 2500};
  const std::string a = "%PDF-" + std::string(995, 'a'), b = "%PDF-" + std::string(995, 'b'),
                    c = "%PDF-" + std::string(995, 'c');
  // An upload reserves its whole size when it starts: two of 1000 bytes are at the bound, a third passes it.
  REQUIRE(take(db, "pm.a", a, 0, 10, quota).kind == Kind::kPartial);
  REQUIRE(take(db, "pm.a", b, 0, 10, quota).kind == Kind::kPartial);
  const auto full = take(db, "pm.a", c, 0, 10, quota);
  CHECK(full.code == "upload_quota");
  CHECK_THAT(full.message, Catch::Contains("unfinished uploads of 2000 bytes in all"));
  // Other units are not held up by it.
  CHECK(take(db, "pm.b", c, 0, 500, quota).kind == Kind::kPartial);

  REQUIRE(take(db, "pm.a", a, 10, 990, quota).kind == Kind::kComplete);
  REQUIRE(take(db, "pm.a", b, 10, 990, quota).kind == Kind::kComplete);
  // 2000 bytes uploaded and named by nothing: a third file would pass 2500.
  const auto unused = take(db, "pm.a", c, 0, 500, quota);
  CHECK(unused.code == "upload_quota");
  CHECK_THAT(unused.message, Catch::Contains("no case or reply names"));
  // Once a case names one, it no longer counts.
  store_case(db, "pm.a", "court", "Q-1", {{hub::http_adapter::sha256_hex(a), "a.pdf", "", "application/pdf", 1000}});
  CHECK(take(db, "pm.a", c, 0, 500, quota).kind == Kind::kPartial);
}

TEST_CASE("a file is read through a case by its parties only, and the sweep keeps what messages name",
          "[attachments]") {
  auto db = hub::test::migrated_database();
  const std::string named = "%PDF-" + std::string(95, 'n'), unused = "%PDF-" + std::string(95, 'u'),
                    shared = "%PDF-" + std::string(95, 's');
  const std::string named_sha = hub::http_adapter::sha256_hex(named);
  REQUIRE(take(db, "pm.a", named, 0, 100).kind == Kind::kComplete);
  REQUIRE(take(db, "pm.a", unused, 0, 100).kind == Kind::kComplete);
  REQUIRE(take(db, "pm.a", shared, 0, 100).kind == Kind::kComplete);
  REQUIRE(take(db, "pm.b", shared, 0, 100).kind == Kind::kComplete);
  REQUIRE(take(db, "pm.a", "%PDF-" + std::string(95, 'h'), 0, 50).kind == Kind::kPartial);
  const auto case_id = store_case(db, "pm.a", "court", "R-1", {{named_sha, "合同.pdf", "contract", "application/pdf", 100}});

  for (const char* party : {"pm.a", "court"}) {
    auto found = file_in_case(db, case_id, named_sha, party);
    REQUIRE(found.ok());
    REQUIRE(found->has_value());
    CHECK((*found)->name == "合同.pdf");
    CHECK((*found)->label == "contract");
  }
  auto stranger = file_in_case(db, case_id, named_sha, "pm.b");
  REQUIRE(stranger.ok());
  CHECK_FALSE(stranger->has_value());
  auto not_named = file_in_case(db, case_id, hub::http_adapter::sha256_hex(unused), "court");
  REQUIRE(not_named.ok());
  CHECK_FALSE(not_named->has_value());

  // Before the uploads are old enough nothing goes; after, every upload no message names (pm.a's unused
  // file, both units' shared one) and the unfinished one, and the two files nothing holds any more.
  auto removed = remove_unused(db, kNoon, 100);
  REQUIRE(removed.ok());
  CHECK(*removed == 0);
  removed = remove_unused(db, kNoon + std::chrono::hours(25), 100);
  REQUIRE(removed.ok());
  CHECK(*removed == 2);
  CHECK(one(db, "SELECT count(*) FROM upload_parts") == "0");
  CHECK(one(db, "SELECT string_agg(unit, ',' ORDER BY unit) FROM attachment_uploads") == "pm.a");
  CHECK(one(db, "SELECT count(*) FROM attachment_blobs") == "1");
  auto still = read_file_bytes(db, named_sha, 0, 1000);
  REQUIRE(still.ok());
  CHECK(*still == named);
}
