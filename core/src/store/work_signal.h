// store/work_signal.h: telling the other hubs on the database that new work
// was committed.
//
// Several hubs may share one database, and each sends only to the units
// connected to it: a case committed by hub A for a unit connected to hub B
// must wake B's dispatcher, or B finds it only at its next poll (200 ms).
// A hub announces new work with announce_work() inside a transaction
// (PostgreSQL delivers a NOTIFY at COMMIT, never for a rolled-back
// transaction, and the work is visible by then); every hub listens on a
// connection of its own (WorkListener) and ignores its own announcements.
// Announcements carry the hub id, so hubs sharing one id do not wake each
// other: every hub needs its own id (hub.id or hubd --hub-id).
// The same connection also listens for changes of the disabled units
// (store/unit_status.h, channel xinhui_units), from every hub this one included.
#pragma once

#include <chrono>
#include <string>

#include "store/pg.h"
#include "store/unit_status.h"

namespace hub::store {

inline constexpr const char* kWorkChannel = "xinhui_work";

// Adds the announcement to the open transaction on `db` (delivered at its commit).
Status announce_work(PgConnection& db, const std::string& hub_id);

class WorkListener {
 public:
  // Connects and listens. Its connection is named "xinhui-hub <hub_id>" in
  // pg_stat_activity; `same_id_elsewhere` is set to the number of other
  // connections of that name (another hub with this id, or one that just died).
  static Result<WorkListener> start(const std::string& conninfo, const std::string& hub_id, int& same_id_elsewhere);

  struct Heard {
    bool work = false;   // another hub committed new work
    bool units = false;  // a hub (this one too) disabled or enabled a unit
  };
  // Waits up to `timeout` for announcements and consumes every one waiting.
  // kUnavailable once the connection is lost.
  Result<Heard> wait(std::chrono::milliseconds timeout);

  // The listening connection, for reading what an announcement announced.
  // Notifications that arrive while it runs a statement are kept for wait().
  PgConnection& connection() { return db_; }

 private:
  WorkListener(PgConnection db, std::string hub_id) : db_(std::move(db)), hub_id_(std::move(hub_id)) {}
  PgConnection db_;
  std::string hub_id_;
};

}  // namespace hub::store
