// ops/operator_service.h: the local operator socket.
//
// A ZeroMQ ROUTER on ipc://<operator_socket>, in a folder only the hub's user
// can enter (mode 0700): whoever can open the socket is an operator. Requests
// and answers are single JSON frames (after the routing id):
//   {"op": "case" | "events" | "parked" | "replay" | "report" | "status", "operator": "<login>", ...args}
//   → {"ok": true, ...} or {"ok": false, "error": "..."}
// "parked" lists (ops/parked.h list_parked) or, with "show", details one item;
// "replay" replays one item (ops/operator_queries.h) or, with "all": true,
// every match of a filter (ops/parked.h replay_parked). docs/OPERATIONS.md
// describes each op's arguments.
// Every request is logged with the operator's name; replays are also events.
// One thread of its own with its own database connection.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "bus/catalog_holder.h"
#include "hub/clock.h"
#include "util/result.h"

namespace hub::ops {

class OperatorService {
 public:
  // `replayed` is called after a replay commits (wakes the dispatcher).
  static Result<std::unique_ptr<OperatorService>> start(const std::string& socket_path, const std::string& conninfo,
                                                        const bus::CatalogHolder& catalog, const Clock& clock,
                                                        std::function<void()> replayed);
  ~OperatorService();
  void stop();

 private:
  struct Impl;
  explicit OperatorService(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace hub::ops
