// bus/attachment_service.h: uploads and fetches of attachments
// (docs/PROTOCOL.md, "Attachments"), beside the case path.
//
// Like reads of cases (bus/case_reads.h), the chunks of uploads and the
// fetches of files never enter the commit queue: they run on threads of their
// own (an IntakePool: a lane per unit, in order, bounded in messages and
// bytes), each with a database connection of its own, so a unit sending a
// 20 MB scan holds up its own uploads only. Intake asks uploaded_by() when a
// send or reply names files; stored files are never held in memory beyond
// the chunk at hand.
//
// Answers: to an upload's chunk "upload_progress" (send the next chunk from
// "received") or "uploaded" (the file is stored: name it in a send or reply);
// to a fetch "file" with the bytes beside it. Errors name the request and the
// file's digest (as its "reference"): invalid_upload, upload_gap,
// digest_mismatch, type_mismatch, upload_quota, oversized, unknown_attachment,
// and busy / unavailable with retry.
//
// Every `sweep_every`, uploads no message named for `keep_unused` are removed
// (store::remove_unused).
//
// Thread-safe. stop() answers every chunk and fetch already taken, then joins.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bus/intake_pool.h"
#include "bus/outbox.h"
#include "catalog/catalog_holder.h"
#include "hub/clock.h"
#include "protocol/messages.h"
#include "store/attachments.h"
#include "store/db_link.h"

namespace hub::bus {

struct AttachmentSettings {
  std::size_t threads = 2;                           // each with its own database connection
  std::size_t unit_waiting = 8;                      // chunks and fetches of one unit waiting
  std::size_t hub_waiting = 256;                     // of all units
  std::size_t hub_bytes = std::size_t{160} << 20;    // of chunks waiting, all units
  // What a fetch gets when it names no length, and at most over a transport
  // that does not answer each request on its own (ZeroMQ: answers queue for
  // the unit, so one answer must stay small).
  std::int64_t fetch_bytes = std::int64_t{1} << 20;
  store::UploadQuota quota;
  std::chrono::seconds keep_unused{std::chrono::hours(24)};
  std::chrono::seconds sweep_every{std::chrono::minutes(10)};
};

class AttachmentService {
 public:
  AttachmentService(std::string conninfo, AttachmentSettings settings, const catalog::CatalogHolder& catalog,
                    const Outbox& outbox, const Clock& clock);
  ~AttachmentService();  // stops
  AttachmentService(const AttachmentService&) = delete;
  AttachmentService& operator=(const AttachmentService&) = delete;

  // A chunk of an upload: `body` the envelope (read here), `data` its bytes.
  // Answered later `to`, or "busy" at once.
  void upload(const std::string& unit, const protocol::AnswerTo& to, std::string body, std::string data);
  // A fetch, already read by intake. Answered later `to`, or "busy" at once.
  void fetch(const std::string& unit, const protocol::AnswerTo& to, const protocol::Fetch& request);

  // The files of `sha256s` that `unit` uploaded (store::files_uploaded_by),
  // on a connection of this service's; waits for the database. Errors:
  // kUnavailable when it is unreachable.
  Result<std::vector<store::StoredFile>> uploaded_by(const std::string& unit, const std::vector<std::string>& sha256s);

  // Refuses new work ("busy"), answers what was taken, stops the sweeper. Idempotent.
  void stop();

 private:
  void work(const std::string& unit, const protocol::AnswerTo& to, const std::string& item);
  void take_chunk(const std::string& unit, const protocol::AnswerTo& to, std::string_view body,
                  std::string_view data);
  void serve_fetch(const std::string& unit, const protocol::AnswerTo& to, std::string_view body);
  void answer(const std::string& unit, const protocol::AnswerTo& to, std::string body) const;
  void refuse(const std::string& unit, const protocol::AnswerTo& to, const std::string& request,
              const std::string& sha256, const std::string& code, const std::string& message, bool retry) const;
  // Runs `op` on a connection (once more on a fresh one if the first was found closed).
  template <class Op>
  auto with_link(Op op) -> decltype(op(std::declval<store::PgConnection&>()));
  void sweep_loop();

  const std::string conninfo_;
  const AttachmentSettings settings_;
  const catalog::CatalogHolder& catalog_;
  const Outbox& outbox_;
  const Clock& clock_;
  std::mutex links_mu_;
  std::vector<std::unique_ptr<store::DbLink>> idle_links_;  // GUARDED_BY(links_mu_)
  std::mutex sweep_mu_;
  std::condition_variable sweep_cv_;
  bool stopping_ = false;  // GUARDED_BY(sweep_mu_)
  std::thread sweeper_;
  IntakePool pool_;  // last: its threads use the members above, and stop first
};

}  // namespace hub::bus
