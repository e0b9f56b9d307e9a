#include "store/attachments.h"

#include "store/sql_values.h"
#include "util/time_format.h"

namespace hub::store {
namespace {

Result<std::int64_t> int_at(const PgResult& r, int row, int col) { return r.get_int64(row, col); }

// Every statement of one upload's chunk, in its transaction.
class ChunkTaker {
 public:
  ChunkTaker(PgConnection& db, const std::string& unit, const protocol::Upload& u, std::string_view data,
             const UploadQuota& quota, TimePoint now)
      : db_(db), unit_(unit), u_(u), data_(data), quota_(quota), now_(to_iso8601(now)) {}

  Result<UploadProgress> take() {
    auto locked = db_.exec_params("SELECT pg_advisory_xact_lock(7750002, hashtext($1 || '/' || $2))", {unit_, u_.sha256});
    if (!locked.ok()) return locked.status();
    auto done = db_.exec_params(
        "SELECT b.size, u.media_type FROM attachment_uploads u JOIN attachment_blobs b USING (sha256) "
        "WHERE u.unit = $1 AND u.sha256 = $2",
        {unit_, u_.sha256});
    if (!done.ok()) return done.status();
    if (done->rows() > 0) {
      auto size = int_at(*done, 0, 0);
      if (!size.ok()) return size.status();
      return UploadProgress{UploadProgress::Kind::kComplete, *size, {}, {}, *size, std::string(done->get(0, 1))};
    }

    auto parts = db_.exec_params(
        "SELECT coalesce(sum(length(data)), 0), count(*), coalesce(min(size), 0), coalesce(min(media_type), '') "
        "FROM upload_parts WHERE unit = $1 AND sha256 = $2",
        {unit_, u_.sha256});
    if (!parts.ok()) return parts.status();
    auto received = int_at(*parts, 0, 0), count = int_at(*parts, 0, 1), size = int_at(*parts, 0, 2);
    if (!received.ok() || !count.ok() || !size.ok()) return Status::Internal("upload_parts: unreadable sums");
    if (*count > 0 && (*size != u_.size || parts->get(0, 3) != u_.media_type)) {
      if (u_.offset != 0)
        return refused(protocol::code::kInvalidUpload,
                       "an upload of this file with another size or type is under way: send its chunks, or start "
                       "again from offset 0");
      // A new start at offset 0 replaces the upload under way.
      if (auto s = drop_parts(); !s.ok()) return s;
      *received = 0;
    }
    const auto length = static_cast<std::int64_t>(data_.size());
    if (u_.offset > *received)
      return UploadProgress{UploadProgress::Kind::kGap, *received, protocol::code::kUploadGap,
                            "bytes " + std::to_string(*received) + " to " + std::to_string(u_.offset) +
                                " of this file have not arrived: send the chunk at offset " + std::to_string(*received)};
    if (u_.offset < *received) {
      if (u_.offset + length <= *received) return UploadProgress{UploadProgress::Kind::kPartial, *received, {}, {}};
      return refused(protocol::code::kInvalidUpload,
                     "this chunk overlaps bytes already received: send the chunk at offset " +
                         std::to_string(*received));
    }
    if (u_.offset == 0) {
      if (auto refusal = over_quota(); !refusal.ok() || refusal->has_value())
        return refusal.ok() ? Result<UploadProgress>(**refusal) : Result<UploadProgress>(refusal.status());
    }
    auto stored = db_.exec_with_bytes(
        "INSERT INTO upload_parts (unit, sha256, size, media_type, \"offset\", received_at, data) "
        "VALUES ($1, $2, $3, $4, $5, $6::timestamptz, $7)",
        {unit_, u_.sha256, std::to_string(u_.size), u_.media_type, std::to_string(u_.offset), now_}, data_);
    if (!stored.ok()) return stored.status();
    if (*received + length < u_.size)
      return UploadProgress{UploadProgress::Kind::kPartial, *received + length, {}, {}};
    return finish();
  }

 private:
  UploadProgress refused(const char* code, std::string message) const {
    return UploadProgress{UploadProgress::Kind::kRefused, 0, code, std::move(message)};
  }

  Status drop_parts() {
    return db_.exec_params("DELETE FROM upload_parts WHERE unit = $1 AND sha256 = $2", {unit_, u_.sha256}).status();
  }

  // At the first chunk: the unit's unfinished uploads (their whole sizes, as
  // declared: what they will hold) and its unused files, with this file.
  Result<std::optional<UploadProgress>> over_quota() {
    auto held = db_.exec_params(
        "SELECT (SELECT coalesce(sum(size), 0) FROM (SELECT DISTINCT sha256, size FROM upload_parts "
        " WHERE unit = $1) started), "
        "(SELECT coalesce(sum(b.size), 0) FROM attachment_uploads u JOIN attachment_blobs b USING (sha256) "
        " WHERE u.unit = $1 AND NOT EXISTS (SELECT 1 FROM attachment_refs r WHERE r.sha256 = u.sha256 "
        " AND r.unit = u.unit))",
        {unit_});
    if (!held.ok()) return held.status();
    auto unfinished = int_at(*held, 0, 0), unused = int_at(*held, 0, 1);
    if (!unfinished.ok() || !unused.ok()) return Status::Internal("attachments: unreadable quota sums");
    if (*unfinished + u_.size > quota_.unfinished_bytes)
      return std::optional(refused(protocol::code::kUploadQuota,
                                   "unit " + unit_ + " has unfinished uploads of " + std::to_string(*unfinished) +
                                       " bytes in all; the hub holds at most " +
                                       std::to_string(quota_.unfinished_bytes) +
                                       ": finish those uploads (or wait a day, when they are removed), then upload "
                                       "this file"));
    if (*unused + u_.size > quota_.unused_bytes)
      return std::optional(refused(protocol::code::kUploadQuota,
                                   "unit " + unit_ + " has " + std::to_string(*unused) +
                                       " bytes of uploaded files that no case or reply names; the hub holds at "
                                       "most " + std::to_string(quota_.unused_bytes) +
                                       ": send the cases that name them (unused uploads are removed after a day), "
                                       "then upload this file"));
    return std::optional<UploadProgress>();
  }

  // The last byte is in: the digest checked in the database, the file stored once.
  Result<UploadProgress> finish() {
    auto digest = db_.exec_params(
        "SELECT encode(sha256(string_agg(data, ''::bytea ORDER BY \"offset\")), 'hex') FROM upload_parts "
        "WHERE unit = $1 AND sha256 = $2",
        {unit_, u_.sha256});
    if (!digest.ok()) return digest.status();
    if (digest->get(0, 0) != u_.sha256) {
      if (auto s = drop_parts(); !s.ok()) return s;
      return refused(protocol::code::kDigestMismatch,
                     "the bytes received have the SHA-256 " + std::string(digest->get(0, 0)) + ", not " + u_.sha256 +
                         ": the file changed or a chunk was corrupted; upload it again from offset 0");
    }
    auto blob = db_.exec_params(
        "INSERT INTO attachment_blobs (sha256, size, stored_at) VALUES ($1, $2, $3::timestamptz) "
        "ON CONFLICT (sha256) DO NOTHING",
        {u_.sha256, std::to_string(u_.size), now_});
    if (!blob.ok()) return blob.status();
    if (blob->affected_rows() == 1) {
      auto chunks = db_.exec_params(
          "INSERT INTO attachment_chunks (sha256, \"offset\", data) SELECT sha256, \"offset\", data FROM upload_parts "
          "WHERE unit = $1 AND sha256 = $2",
          {unit_, u_.sha256});
      if (!chunks.ok()) return chunks.status();
    }
    auto upload = db_.exec_params(
        "INSERT INTO attachment_uploads (unit, sha256, media_type, uploaded_at) VALUES ($1, $2, $3, $4::timestamptz) "
        "ON CONFLICT (unit, sha256) DO UPDATE SET media_type = excluded.media_type, uploaded_at = excluded.uploaded_at",
        {unit_, u_.sha256, u_.media_type, now_});
    if (!upload.ok()) return upload.status();
    if (auto s = drop_parts(); !s.ok()) return s;
    return UploadProgress{UploadProgress::Kind::kComplete, u_.size, {}, {}, u_.size, u_.media_type};
  }

  PgConnection& db_;
  const std::string& unit_;
  const protocol::Upload& u_;
  const std::string_view data_;
  const UploadQuota& quota_;
  const std::string now_;
};

std::string text_array(const std::vector<std::string>& values) {
  ArrayParam out;
  for (const auto& v : values) out.text(v);
  return out.take();
}

}  // namespace

Result<UploadProgress> take_upload_chunk(PgConnection& db, const std::string& unit, const protocol::Upload& u,
                                         std::string_view data, const UploadQuota& quota, TimePoint now) {
  auto tx = Transaction::begin(db);
  if (!tx.ok()) return tx.status();
  auto progress = ChunkTaker(db, unit, u, data, quota, now).take();
  if (!progress.ok()) return progress.status();
  if (Status s = tx->commit(); !s.ok()) return s;
  return progress;
}

Result<std::vector<StoredFile>> files_uploaded_by(PgConnection& db, const std::string& unit,
                                                  const std::vector<std::string>& sha256s) {
  auto r = db.exec_params(
      "SELECT u.sha256, u.media_type, b.size FROM attachment_uploads u JOIN attachment_blobs b USING (sha256) "
      "WHERE u.unit = $1 AND u.sha256 = ANY($2::text[])",
      {unit, text_array(sha256s)});
  if (!r.ok()) return r.status();
  std::vector<StoredFile> out;
  for (int i = 0; i < r->rows(); ++i) {
    auto size = r->get_int64(i, 2);
    if (!size.ok()) return size.status();
    out.push_back({std::string(r->get(i, 0)), std::string(r->get(i, 1)), *size});
  }
  return out;
}

Json attachments_array(const std::vector<AttachmentView>& files) {
  Json out = Json::array();
  for (const auto& f : files) {
    Json entry{{"sha256", f.sha256}, {"name", f.name}};
    if (!f.label.empty()) entry["label"] = f.label;
    entry["type"] = f.media_type;
    entry["size"] = f.size;
    out.push_back(std::move(entry));
  }
  return out;
}

std::string attachments_json(const std::vector<AttachmentView>& files) {
  return files.empty() ? std::string() : json_param(attachments_array(files));
}

std::vector<AttachmentView> parse_attachments(std::string_view json) {
  std::vector<AttachmentView> out;
  if (json.empty()) return out;
  const Json parsed = Json::parse(json, nullptr, false);
  if (!parsed.is_array()) return out;
  for (const auto& a : parsed) {
    if (!a.is_object()) continue;
    out.push_back({a.value("sha256", ""), a.value("name", ""), a.value("label", ""), a.value("type", ""),
                   a.value("size", std::int64_t{0})});
  }
  return out;
}

Status record_refs(PgConnection& db, const std::vector<AttachmentRefRow>& rows) {
  if (rows.empty()) return {};
  ArrayParam sha256s, units, cases, replies;
  for (const auto& r : rows) {
    sha256s.text(r.sha256);
    units.text(r.unit);
    cases.number(r.case_id);
    replies.number(r.reply_id);
  }
  return db
      .exec_params("INSERT INTO attachment_refs (sha256, unit, case_id, reply_id) "
                   "SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[]) ON CONFLICT DO NOTHING",
                   {sha256s.take(), units.take(), cases.take(), replies.take()})
      .status();
}

Result<std::optional<AttachmentView>> file_in_case(PgConnection& db, std::int64_t case_id, const std::string& sha256,
                                                   const std::string& unit) {
  // The case's own files to every party; a reply's to the originator and to
  // the unit whose delivery it answers (store/case_read.h's rule).
  auto r = db.exec_params(
      "SELECT a FROM cases c, jsonb_array_elements(c.attachments) a "
      "WHERE c.id = $1 AND a->>'sha256' = $2 "
      "  AND (c.origin = $3 OR EXISTS (SELECT 1 FROM deliveries d WHERE d.case_id = c.id AND d.receiver = $3)) "
      "UNION ALL "
      "SELECT a FROM replies r JOIN deliveries d ON d.id = r.delivery_id JOIN cases c ON c.id = r.case_id, "
      "  jsonb_array_elements(r.attachments) a "
      "WHERE r.case_id = $1 AND a->>'sha256' = $2 AND (c.origin = $3 OR d.receiver = $3) "
      "LIMIT 1",
      {std::to_string(case_id), sha256, unit});
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return std::optional<AttachmentView>();
  auto files = parse_attachments("[" + std::string(r->get(0, 0)) + "]");
  if (files.empty()) return std::optional<AttachmentView>();
  return std::optional(std::move(files.front()));
}

Result<std::string> read_file_bytes(PgConnection& db, const std::string& sha256, std::int64_t offset,
                                    std::int64_t length) {
  auto r = db.exec_binary_results(
      "SELECT substring(data FROM (greatest($2::bigint - \"offset\", 0) + 1)::int "
      "  FOR (least($2::bigint + $3::bigint, \"offset\" + length(data)) - greatest($2::bigint, \"offset\"))::int) "
      "FROM attachment_chunks WHERE sha256 = $1::text AND \"offset\" < $2::bigint + $3::bigint "
      "  AND \"offset\" + length(data) > $2::bigint ORDER BY \"offset\"",
      {sha256, std::to_string(offset), std::to_string(length)});
  if (!r.ok()) return r.status();
  std::string out;
  for (int i = 0; i < r->rows(); ++i) out.append(r->get(i, 0));
  return out;
}

Result<std::int64_t> remove_unused(PgConnection& db, TimePoint before, std::int64_t max_rows) {
  const std::string at = to_iso8601(before), limit = std::to_string(max_rows);
  auto parts = db.exec_params(
      "DELETE FROM upload_parts p USING (SELECT unit, sha256 FROM upload_parts GROUP BY unit, sha256 "
      "  HAVING max(received_at) < $1::timestamptz LIMIT $2::bigint) old "
      "WHERE p.unit = old.unit AND p.sha256 = old.sha256",
      {at, limit});
  if (!parts.ok()) return parts.status();
  auto uploads = db.exec_params(
      "DELETE FROM attachment_uploads WHERE ctid IN (SELECT u.ctid FROM attachment_uploads u "
      "  WHERE u.uploaded_at < $1::timestamptz AND NOT EXISTS (SELECT 1 FROM attachment_refs r "
      "  WHERE r.sha256 = u.sha256 AND r.unit = u.unit) LIMIT $2::bigint)",
      {at, limit});
  if (!uploads.ok()) return uploads.status();
  // A file stored just now has its upload row in the same transaction, so
  // only files no upload holds (any more) are candidates.
  auto blobs = db.exec_params(
      "DELETE FROM attachment_blobs WHERE sha256 IN (SELECT b.sha256 FROM attachment_blobs b "
      "  WHERE NOT EXISTS (SELECT 1 FROM attachment_uploads u WHERE u.sha256 = b.sha256) "
      "  AND NOT EXISTS (SELECT 1 FROM attachment_refs r WHERE r.sha256 = b.sha256) LIMIT $1::bigint)",
      {limit});
  if (!blobs.ok()) return blobs.status();
  return blobs->affected_rows();
}

}  // namespace hub::store
