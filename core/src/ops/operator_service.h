// ops/operator_service.h: the local operator socket.
//
// A Unix stream socket at hub.operator_socket (ops/local_socket.h: one JSON
// request line, one JSON answer line per connection), in a folder only
// operators can enter (ops/operator_access.h). Each connection's operator is
// the one the kernel names (ops/peer_identity.h); a connection from anyone
// else is answered "not an operator" and logged. Requests and answers:
//   {"op": "case" | "events" | "parked" | "replay" | "report" | "status" |
//          "disable_unit" | "enable_unit" | "unit" | "units" | "credential", ...args}
//   → {"ok": true, ...} or {"ok": false, "error": "..."}
// An "operator" field in a request is ignored (older hubctl sent one).
// "parked" lists (ops/parked.h list_parked) or, with "show", details one item;
// "replay" replays one item (ops/operator_queries.h) or, with "all": true,
// every match of a filter (ops/parked.h replay_parked). "disable_unit",
// "enable_unit", "unit" and "units" are ops/unit_admin.h's; "credential"
// (issue, rotate, revoke, list, add_certificate) is ops/credential_admin.h's,
// sealing secrets with `credential_key`. docs/OPERATIONS.md
// describes each op's arguments.
// Every request is logged with the operator's name (never a secret); replays,
// disabling and enabling a unit, and every change of a credential are also events.
// One thread of its own with its own database connection; it serves one
// connection at a time, each bounded in time (a client that sends nothing is
// dropped after 5 s).
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "catalog/catalog_holder.h"
#include "hub/clock.h"
#include "keys/credential_key.h"
#include "store/pg.h"
#include "util/result.h"

namespace hub::ops {

class OperatorService {
 public:
  // `replayed` is called after a replay commits (wakes the dispatcher);
  // `units_changed` after a unit was disabled or enabled, before the operator
  // is answered (this hub applies it at once; the others when they hear of it).
  // `operator_group`: hub.operator_group (empty: the hub's user and root only).
  // Refuses to start (saying what to do) when the group does not exist, the
  // socket's folder cannot be secured, or another hub answers on the socket.
  static Result<std::unique_ptr<OperatorService>> start(const std::string& socket_path,
                                                        const std::string& operator_group, const std::string& conninfo,
                                                        const catalog::CatalogHolder& catalog,
                                                        const keys::CredentialKey& credential_key, const Clock& clock,
                                                        std::function<void()> replayed,
                                                        std::function<Status(store::PgConnection&)> units_changed);
  ~OperatorService();
  void stop();

 private:
  struct Impl;
  explicit OperatorService(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace hub::ops
