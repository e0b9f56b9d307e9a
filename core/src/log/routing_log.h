// log/routing_log.h: the routing log operators watch.
//
// One readable line per event: local time, case id, case type (with its
// Chinese name), from → to, what happened. The same events are rows in the
// events table; these lines are written asynchronously after the commit.
// Thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <spdlog/logger.h>

#include "store/event.h"

namespace hub::log {

class RoutingLog {
 public:
  // `type_name` maps a case type id to its display name (may return empty).
  RoutingLog(std::shared_ptr<spdlog::logger> logger, std::function<std::string(const std::string&)> type_name);
  void write(const std::vector<store::Event>& events) const;

 private:
  std::shared_ptr<spdlog::logger> logger_;
  std::function<std::string(const std::string&)> type_name_;
};

// One line for an event; `local_time` is prefixed when non-empty (spdlog adds
// its own time stamp, hubctl prints the stored one).
std::string format_line(const std::string& local_time, const store::Event& e, const std::string& type_name);

}  // namespace hub::log
