// store/attachments.h: files units attach to cases and replies, kept in
// PostgreSQL by the SHA-256 of their bytes (docs/PROTOCOL.md, "Attachments";
// docs/ARCHITECTURE.md, "Attachments").
//
// An upload arrives in chunks at increasing offsets (upload_parts). When its
// last byte is in, the database hashes the parts in order; bytes that are not
// those the digest names are thrown away. Otherwise the file is stored once
// (attachment_blobs and its chunks: a file two units upload is kept once)
// and recorded as uploaded by the unit, with the media type it declared.
// Every unit sends every byte of what it uploads, even a file already
// stored: knowing a digest never gives a unit the file.
//
// A unit names in a send or reply only files it uploaded (files_uploaded_by);
// the committer records each name (attachment_refs, record_refs). A unit
// reads a file through a case it may read (file_in_case): the case's own
// files to every party, a reply's files to the case's originator and to the
// reply's sender. Uploads no message named are removed after a while
// (remove_unused), and with them files nothing else holds.
//
// Functions are stateless; each uses only the connection it is given.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hub/case.h"
#include "hub/clock.h"
#include "protocol/messages.h"
#include "store/pg.h"

namespace hub::store {

struct UploadQuota {
  // A unit's unfinished uploads (started, last byte not yet in), by the
  // sizes they declared: an upload reserves its whole size at its start.
  std::int64_t unfinished_bytes = std::int64_t{256} << 20;
  // Bytes of a unit's finished uploads that no message names yet.
  std::int64_t unused_bytes = std::int64_t{1} << 30;
};

// Where an upload stands after one chunk.
struct UploadProgress {
  enum class Kind {
    kPartial,   // stored; `received` bytes are in, send the next chunk from there
    kComplete,  // the file is stored and the unit may name it (also for a chunk of an upload already complete)
    kGap,       // bytes before this chunk are missing: send from `received`
    kRefused,   // `code` and `message` say why (another size or type under way, the quota, the digest)
  };
  Kind kind = Kind::kPartial;
  std::int64_t received = 0;
  std::string code;     // kRefused: protocol::code::k...
  std::string message;  // kRefused: what to do
  // kComplete: the stored file's size and the type this unit uploaded it as
  // (for a chunk of an upload already complete, those stored then, whatever
  // the chunk declares).
  std::int64_t size = 0;
  std::string media_type{};
};

// Takes one chunk of `unit`'s upload `u` (checked by the caller: a known
// media type, the first chunk's bytes of that type, offset + data within
// size). One transaction; chunks of one upload arriving at once (on several
// hubs) are taken one after the other. Errors: the database's.
Result<UploadProgress> take_upload_chunk(PgConnection& db, const std::string& unit, const protocol::Upload& u,
                                         std::string_view data, const UploadQuota& quota, TimePoint now);

// The files of `sha256s` that `unit` uploaded, with their media type and
// size (sha256 → file; absent: not uploaded by `unit`).
struct StoredFile {
  std::string sha256;
  std::string media_type;
  std::int64_t size = 0;
};
Result<std::vector<StoredFile>> files_uploaded_by(PgConnection& db, const std::string& unit,
                                                  const std::vector<std::string>& sha256s);

// The jsonb a case or reply stores for its files: [{sha256, name, label?,
// type, size}, ...], as deliveries and reads show it; "" for none.
std::string attachments_json(const std::vector<AttachmentView>& files);
Json attachments_array(const std::vector<AttachmentView>& files);  // the same, unserialized
// The files of a stored attachments column ("" or NULL: none).
std::vector<AttachmentView> parse_attachments(std::string_view json);

// Records that `unit`'s case (reply_id 0) or reply names each of `files`.
// In the transaction that stores the case or reply.
struct AttachmentRefRow {
  std::string sha256, unit;
  std::int64_t case_id = 0, reply_id = 0;
};
Status record_refs(PgConnection& db, const std::vector<AttachmentRefRow>& rows);

// The file `sha256` as case `case_id` names it, when `unit` may read it
// there; nullopt otherwise (whether the case or file exists is not told).
Result<std::optional<AttachmentView>> file_in_case(PgConnection& db, std::int64_t case_id, const std::string& sha256,
                                                   const std::string& unit);

// Bytes [offset, offset + length) of the stored file `sha256`, fewer at its end.
Result<std::string> read_file_bytes(PgConnection& db, const std::string& sha256, std::int64_t offset,
                                    std::int64_t length);

// Removes unfinished uploads whose last part came before `before`, finished
// uploads before `before` that no message names, and the stored files no
// upload and no message holds any more: at most `max_rows` of each per call.
// Returns the files removed.
Result<std::int64_t> remove_unused(PgConnection& db, TimePoint before, std::int64_t max_rows);

}  // namespace hub::store
