#include "bus/attachment_service.h"

#include <spdlog/spdlog.h>

#include <charconv>

#include "protocol/answers.h"
#include "protocol/attachments.h"

namespace hub::bus {
namespace {

// A pool item is one byte of kind, then the rest: for an upload the envelope,
// a NUL (never in JSON text) and the bytes; for a fetch the request's numbers
// and digest, already read by intake.
constexpr char kUploadItem = 'U';
constexpr char kFetchItem = 'F';
constexpr std::size_t kMaxEnvelopeBytes = 4096;

IntakePoolLimits pool_limits(const AttachmentSettings& s) {
  IntakePoolLimits pool;
  pool.workers = s.threads;
  pool.hub_messages = s.hub_waiting;
  pool.unit_messages = s.unit_waiting;
  pool.hub_bytes = s.hub_bytes;
  pool.unit_bytes = s.hub_bytes;  // one unit may use it all: its own count of chunks bounds it first
  return pool;
}

std::string refusal_text(IntakePool::Admission admission, const std::string& unit, std::size_t unit_waiting) {
  switch (admission) {
    case IntakePool::Admission::kUnitFull:
      return fmt::format("unit {} already has {} uploads or fetches waiting: wait for their answers, then send this "
                         "again",
                         unit, unit_waiting);
    case IntakePool::Admission::kHubFull: return "the hub is busy with other units' files: send this again later";
    case IntakePool::Admission::kStopped: return "the hub is stopping: send this again later";
    case IntakePool::Admission::kQueued: break;
  }
  return {};
}

std::string accepted_types() {
  std::string out;
  for (const auto& t : protocol::known_media_types()) out += (out.empty() ? "" : ", ") + std::string(t.media_type);
  return out;
}

}  // namespace

AttachmentService::AttachmentService(std::string conninfo, AttachmentSettings settings,
                                     const catalog::CatalogHolder& catalog, const Outbox& outbox, const Clock& clock)
    : conninfo_(std::move(conninfo)),
      settings_(std::move(settings)),
      catalog_(catalog),
      outbox_(outbox),
      clock_(clock),
      sweeper_([this] { sweep_loop(); }),
      pool_(pool_limits(settings_), [this](const std::string& unit, const protocol::AnswerTo& to, const std::string& item) {
        try {
          work(unit, to, item);
        } catch (const std::exception& e) {
          spdlog::error("attachments: a request of {} dropped after an internal error: {}", unit, e.what());
        }
      }) {}

AttachmentService::~AttachmentService() { stop(); }

void AttachmentService::stop() {
  pool_.stop();
  {
    std::lock_guard lock(sweep_mu_);
    stopping_ = true;
  }
  sweep_cv_.notify_all();
  if (sweeper_.joinable()) sweeper_.join();
}

void AttachmentService::upload(const std::string& unit, const protocol::AnswerTo& to, std::string body,
                               std::string data) {
  std::string item;
  item.reserve(2 + body.size() + data.size());
  item += kUploadItem;
  item += body;
  item += '\0';
  item += data;
  data = std::string();
  const auto admission = pool_.submit(unit, to, std::move(item));
  if (admission == IntakePool::Admission::kQueued) return;
  // The refusal names the file, so that the unit knows which chunk to send again.
  std::string sha256;
  if (auto parsed = protocol::parse(body, kMaxEnvelopeBytes); std::holds_alternative<protocol::Message>(parsed))
    if (const auto* u = std::get_if<protocol::Upload>(&std::get<protocol::Message>(parsed))) sha256 = u->sha256;
  refuse(unit, to, "upload", sha256, protocol::code::kBusy, refusal_text(admission, unit, settings_.unit_waiting), true);
}

void AttachmentService::fetch(const std::string& unit, const protocol::AnswerTo& to, const protocol::Fetch& f) {
  const auto admission = pool_.submit(unit, to,
                                      fmt::format("{}{} {} {} {}", kFetchItem, f.case_id, f.offset, f.length, f.sha256));
  if (admission != IntakePool::Admission::kQueued)
    refuse(unit, to, "fetch", f.sha256, protocol::code::kBusy, refusal_text(admission, unit, settings_.unit_waiting),
           true);
}

void AttachmentService::work(const std::string& unit, const protocol::AnswerTo& to, const std::string& item) {
  const std::string_view rest = std::string_view(item).substr(1);
  if (item.front() == kFetchItem) return serve_fetch(unit, to, rest);
  const auto nul = rest.find('\0');
  take_chunk(unit, to, rest.substr(0, nul), rest.substr(nul + 1));
}

void AttachmentService::answer(const std::string& unit, const protocol::AnswerTo& to, std::string body) const {
  if (Status s = outbox_.answer(unit, to, std::move(body)); !s.ok())
    spdlog::debug("attachments: answer to {} not sent: {}", unit, s.message());
}

void AttachmentService::refuse(const std::string& unit, const protocol::AnswerTo& to, const std::string& request,
                               const std::string& sha256, const std::string& code, const std::string& message,
                               bool retry) const {
  answer(unit, to, protocol::error(code, message, retry, sha256, {}, request));
}

template <class Op>
auto AttachmentService::with_link(Op op) -> decltype(op(std::declval<store::PgConnection&>())) {
  std::unique_ptr<store::DbLink> link;
  {
    std::lock_guard lock(links_mu_);
    if (!idle_links_.empty()) {
      link = std::move(idle_links_.back());
      idle_links_.pop_back();
    }
  }
  if (!link) link = std::make_unique<store::DbLink>(conninfo_, "attachments");
  decltype(op(std::declval<store::PgConnection&>())) result = Status::Unavailable("the database is unreachable");
  // A connection the database closed since its last use fails its first
  // statement: the work is tried once more, on a new connection.
  for (int attempt = 1; attempt <= 2; ++attempt) {
    store::PgConnection* db = link->get();
    if (db == nullptr) break;
    result = op(*db);
    if (result.ok()) break;
    link->check(result.status());
    if (result.status().code() != StatusCode::kUnavailable) break;
  }
  std::lock_guard lock(links_mu_);
  idle_links_.push_back(std::move(link));
  return result;
}

Result<std::vector<store::StoredFile>> AttachmentService::uploaded_by(const std::string& unit,
                                                                      const std::vector<std::string>& sha256s) {
  return with_link([&](store::PgConnection& db) { return store::files_uploaded_by(db, unit, sha256s); });
}

void AttachmentService::take_chunk(const std::string& unit, const protocol::AnswerTo& to, std::string_view body,
                                   std::string_view data) {
  auto parsed = protocol::parse(body, kMaxEnvelopeBytes);
  if (auto* error = std::get_if<protocol::ParseError>(&parsed))
    return refuse(unit, to, "upload", "", error->code, error->message, false);
  auto* upload = std::get_if<protocol::Upload>(&std::get<protocol::Message>(parsed));
  if (upload == nullptr)
    return refuse(unit, to, "", "", protocol::code::kInvalidEnvelope,
                  "only an upload carries bytes beside its JSON: send other messages without them", false);
  const protocol::Upload& u = *upload;
  const auto bad = [&](const std::string& code, const std::string& message) {
    refuse(unit, to, "upload", u.sha256, code, message, false);
  };
  if (!protocol::is_known_media_type(u.media_type))
    return bad(protocol::code::kInvalidUpload,
               "the hub does not store files of type '" + protocol::echoed(u.media_type) + "': it takes " +
                   accepted_types());
  const std::int64_t largest = catalog_.get()->largest_attachment_bytes();
  if (u.size > largest)
    return bad(protocol::code::kOversized,
               "a file of " + std::to_string(u.size) + " bytes is larger than any case type takes (at most " +
                   std::to_string(largest) + " bytes)");
  const auto length = static_cast<std::int64_t>(data.size());
  if (length == 0 || u.offset > u.size - length)  // (no sum: offsets near 2^63 must not overflow)
    return bad(protocol::code::kInvalidUpload,
               "a chunk carries 1 byte or more, and ends within the file's size (offset " + std::to_string(u.offset) +
                   " + " + std::to_string(length) + " bytes > size " + std::to_string(u.size) + ")");
  if (u.offset == 0) {
    const auto sniffed = static_cast<std::size_t>(std::min<std::int64_t>(protocol::kSniffBytes, u.size));
    if (data.size() < sniffed)
      return bad(protocol::code::kInvalidUpload,
                 "the first chunk carries at least the file's first " + std::to_string(sniffed) + " bytes");
    if (!protocol::bytes_look_like(u.media_type, data.substr(0, sniffed)))
      return bad(protocol::code::kTypeMismatch,
                 "the file does not start as a " + u.media_type +
                     " file does: declare its real type, or convert it to one the case type takes");
  }
  auto progress = with_link([&](store::PgConnection& db) {
    return store::take_upload_chunk(db, unit, u, data, settings_.quota, clock_.now());
  });
  if (!progress.ok()) {
    const bool unavailable = progress.status().code() == StatusCode::kUnavailable;
    if (!unavailable) spdlog::error("attachments: a chunk of {} from {} not stored: {}", u.sha256, unit,
                                    progress.status().message());
    return refuse(unit, to, "upload", u.sha256,
                  unavailable ? protocol::code::kUnavailable : protocol::code::kInternal,
                  unavailable ? "the hub's database is unavailable: send this chunk again later"
                              : "the hub failed to store this chunk; it is logged: send it again, and tell the "
                                "operator if it fails again",
                  true);
  }
  switch (progress->kind) {
    case store::UploadProgress::Kind::kPartial:
      return answer(unit, to, protocol::upload_progress(u.sha256, progress->received, u.size));
    case store::UploadProgress::Kind::kComplete:
      return answer(unit, to, protocol::uploaded(u.sha256, progress->size, progress->media_type));
    case store::UploadProgress::Kind::kGap:
    case store::UploadProgress::Kind::kRefused:
      return refuse(unit, to, "upload", u.sha256, progress->code, progress->message, false);
  }
}

void AttachmentService::serve_fetch(const std::string& unit, const protocol::AnswerTo& to, std::string_view item) {
  protocol::Fetch f;
  const char* p = item.data();
  const char* end = item.data() + item.size();
  for (std::int64_t* field : {&f.case_id, &f.offset, &f.length}) {
    p = std::from_chars(p, end, *field).ptr;
    if (p < end) ++p;  // the space
  }
  f.sha256 = std::string(p, end);
  auto file = with_link([&](store::PgConnection& db) { return store::file_in_case(db, f.case_id, f.sha256, unit); });
  if (file.ok() && !file->has_value())
    return refuse(unit, to, "fetch", f.sha256, protocol::code::kUnknownAttachment,
                  "case " + std::to_string(f.case_id) + " names no such file that your unit may read", false);
  Result<std::string> bytes = file.ok() ? Result<std::string>(std::string()) : Result<std::string>(file.status());
  protocol::FileChunk chunk{f.case_id, file.ok() ? **file : AttachmentView{}, f.offset, 0};
  if (file.ok() && f.offset < chunk.file.size) {
    // A transport whose requests wait for their own answers (HTTP) gets what it
    // asks, its requests being bounded in number; over others (ZeroMQ), whose
    // answers queue for the unit however many it asks, at most fetch_bytes.
    std::int64_t wanted = f.length > 0 ? f.length : settings_.fetch_bytes;
    if (!to.each_request) wanted = std::min(wanted, settings_.fetch_bytes);
    chunk.length = std::min(wanted, chunk.file.size - f.offset);
    bytes = with_link([&](store::PgConnection& db) {
      return store::read_file_bytes(db, chunk.file.sha256, chunk.offset, chunk.length);
    });
  }
  if (!bytes.ok()) {
    const bool unavailable = bytes.status().code() == StatusCode::kUnavailable;
    if (!unavailable) spdlog::error("attachments: {} of case {} not read for {}: {}", f.sha256, f.case_id, unit,
                                    bytes.status().message());
    return refuse(unit, to, "fetch", f.sha256, unavailable ? protocol::code::kUnavailable : protocol::code::kInternal,
                  unavailable ? "the hub's database is unavailable: fetch again later"
                              : "the hub failed to read this file; it is logged: tell the operator",
                  true);
  }
  chunk.length = static_cast<std::int64_t>(bytes->size());
  if (Status s = outbox_.answer_with_data(unit, to, protocol::file_chunk(chunk), std::move(bytes.value())); !s.ok())
    spdlog::debug("attachments: a file for {} not sent: {}", unit, s.message());
}

void AttachmentService::sweep_loop() {
  std::unique_lock lock(sweep_mu_);
  while (!sweep_cv_.wait_for(lock, settings_.sweep_every, [this] { return stopping_; })) {
    lock.unlock();
    const TimePoint before = clock_.now() - settings_.keep_unused;
    auto removed = with_link([&](store::PgConnection& db) { return store::remove_unused(db, before, 1000); });
    if (!removed.ok())
      spdlog::warn("attachments: unused uploads not removed this time: {}", removed.status().message());
    else if (*removed > 0)
      spdlog::info("attachments: removed {} stored file(s) that no case or reply names", *removed);
    lock.lock();
  }
}

}  // namespace hub::bus
