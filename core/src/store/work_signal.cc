#include "store/work_signal.h"

#include <poll.h>

#include <string_view>

namespace hub::store {

Status announce_work(PgConnection& db, const std::string& hub_id) {
  return db.exec_params("SELECT pg_notify($1, $2)", {std::string(kWorkChannel), hub_id}).status();
}

Result<WorkListener> WorkListener::start(const std::string& conninfo, const std::string& hub_id,
                                         int& same_id_elsewhere) {
  auto db = PgConnection::connect(conninfo);
  if (!db.ok()) return db.status();
  const std::string name = "xinhui-hub " + hub_id;
  if (auto r = db->exec_params("SELECT set_config('application_name', $1, false)", {name}); !r.ok()) return r.status();
  // The channels are constant identifiers: LISTEN takes no parameter.
  for (const char* channel : {kWorkChannel, kUnitsChannel})
    if (auto r = db->exec(std::string("LISTEN ") + channel); !r.ok()) return r.status();
  auto others = db->exec_params(
      "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()", {name});
  if (!others.ok()) return others.status();
  auto n = others->get_int64(0, 0);
  if (!n.ok()) return n.status();
  same_id_elsewhere = static_cast<int>(*n);
  return WorkListener(std::move(db.value()), hub_id);
}

Result<WorkListener::Heard> WorkListener::wait(std::chrono::milliseconds timeout) {
  PGconn* conn = db_.native_handle();
  auto lost = [&] {
    return Status::Unavailable(std::string("the database connection for other hubs' announcements was lost: ") +
                               PQerrorMessage(conn));
  };
  // Announcements libpq already read (with a command's result) come first.
  auto take = [&] {
    Heard heard;
    while (PGnotify* n = PQnotifies(conn)) {
      if (std::string_view(n->relname) == kUnitsChannel) heard.units = true;
      else if (hub_id_ != n->extra) heard.work = true;
      PQfreemem(n);
    }
    return heard;
  };
  if (!db_.ok()) return lost();
  if (Heard heard = take(); heard.work || heard.units) return heard;
  pollfd fd{PQsocket(conn), POLLIN, 0};
  if (fd.fd < 0) return lost();
  if (::poll(&fd, 1, static_cast<int>(timeout.count())) <= 0) return Heard{};  // timeout or EINTR: nothing yet
  if (PQconsumeInput(conn) == 0 || !db_.ok()) return lost();
  return take();
}

}  // namespace hub::store
