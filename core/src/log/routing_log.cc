#include "log/routing_log.h"

#include <fmt/format.h>


namespace hub::log {
namespace {

std::string outcome(const store::Event& e) {
  const Json& d = e.detail;
  auto str = [&](const char* key) { return d.contains(key) && d[key].is_string() ? d[key].get<std::string>() : ""; };
  if (e.kind == "routed")
    return fmt::format("{}{}", str("route") == "plugin" ? "addressed by its plugin" : "routed by rule " + str("route"),
                       d.value("notice", false) ? " (notice)" : "");
  if (e.kind == "rejected") {
    std::string out = "rejected: " + str("code");
    if (d.contains("problems"))
      for (const auto& p : d["problems"]) out += fmt::format(" [{} {}]", p.value("pointer", ""), p.value("reason", ""));
    else if (!str("message").empty()) out += " " + str("message");
    return out;
  }
  if (e.kind == "delivered" || e.kind == "redelivered" || e.kind == "reply_forwarded")
    return fmt::format("{} (attempt {})", e.kind, d.value("attempt", 0));
  if (e.kind == "replied") return fmt::format("replied{}{}", d.value("final", false) ? " final: " : "", str("outcome"));
  if (e.kind == "parked" || e.kind == "hook_failed") return e.kind + ": " + str("reason");
  if (e.kind == "accepted") return fmt::format("accepted (ref {})", str("reference"));
  if (e.kind == "operator") return fmt::format("operator {}: {}", str("operator"), str("action"));
  if (e.kind == "directory_changed")
    return fmt::format("directory: {} {} is {} from {}", str("compound"), str("field"),
                       str("unit").empty() ? std::string("nobody") : str("unit"),
                       str("effective_from_local").empty() ? str("effective_from") : str("effective_from_local"));
  return e.kind;
}

}  // namespace

std::string format_line(const std::string& local_time, const store::Event& e, const std::string& type_name) {
  const std::string id = e.case_id ? fmt::format("case {}", e.case_id) : std::string("case -");
  const std::string type = type_name.empty() ? e.case_type : fmt::format("{} {}", e.case_type, type_name);
  const std::string route = e.to.empty() ? e.from : fmt::format("{} → {}", e.from.empty() ? "hub" : e.from, e.to);
  const std::string line = fmt::format("{:<10} | {:<32} | {:<36} | {}", id, type, route, outcome(e));
  return local_time.empty() ? line : local_time + " | " + line;
}

RoutingLog::RoutingLog(std::shared_ptr<spdlog::logger> logger, std::function<std::string(const std::string&)> type_name)
    : logger_(std::move(logger)), type_name_(std::move(type_name)) {}

void RoutingLog::write(const std::vector<store::Event>& events) const {
  for (const auto& e : events) logger_->info("{}", format_line("", e, type_name_(e.case_type)));
}

}  // namespace hub::log
