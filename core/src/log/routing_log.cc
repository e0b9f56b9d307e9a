#include "log/routing_log.h"

#include <fmt/format.h>

#include <iterator>
#include <string_view>
#include <unordered_map>

#include "util/printable.h"

namespace hub::log {
namespace {

std::string text_of(const Json& d, const char* key) {
  return d.contains(key) && d[key].is_string() ? d[key].get<std::string>() : "";
}

std::string late(const Json& d) { return d.value("on_time", true) ? "" : ", late"; }

// The case lifecycle's events (lifecycle/transitions.h, store/deadline_watch.h); "" for other kinds.
std::string lifecycle_outcome(const store::Event& e) {
  const Json& d = e.detail;
  auto str = [&](const char* key) { return text_of(d, key); };
  if (e.kind == "signed") return fmt::format("signed (签收){}{}", d.value("implicit", false) ? " by its reply" : "", late(d));
  if (e.kind == "in_progress") return "in progress";
  if (e.kind == "resolved" && str("outcome") == "assigned") return fmt::format("decided: assigned to {}{}", str("to"), late(d));
  if (e.kind == "resolved") return fmt::format("resolved: {}{}", str("outcome"), late(d));
  if (e.kind == "returned") return "returned (退回): " + str("reason");
  if (e.kind == "rerouted") {
    if (d.contains("parked")) return "after the return: parked, no other unit can take it";
    if (d.contains("assigned_by")) return "assigned by " + text_of(d, "assigned_by");
    std::string to;
    for (const auto& unit : d.value("to", Json::array())) to += (to.empty() ? "" : ", ") + unit.get<std::string>();
    return d.value("decide", false) ? "after the return: sent to " + to + " to decide" : "after the return: re-routed to " + to;
  }
  if (e.kind == "extension_requested")
    return fmt::format("extension asked (延期) until {} for {}: {}", str("until"), str("approver"), str("reason"));
  if (e.kind == "extension_granted") return "extension granted until " + str("until");
  if (e.kind == "extension_refused") return "extension refused: " + str("reason");
  if (e.kind == "closed") return "closed by the originator";
  if (e.kind == "reopened") return "reopened: " + str("reason");
  if (e.kind == "reminded") return fmt::format("reminded (催办): {} deadline {}", str("deadline"), str("due"));
  if (e.kind == "escalated")
    return fmt::format("{} (督办) level {}: {} deadline {} passed", e.to.empty() ? "overdue, nobody above" : "escalated",
                       d.value("level", 0), str("deadline"), str("due"));
  if (e.kind == "deadline_unknown") return "no deadline: " + str("problem");
  return "";
}

std::string outcome(const store::Event& e) {
  const Json& d = e.detail;
  auto str = [&](const char* key) { return text_of(d, key); };
  // The four lines of every case first, then the lifecycle's.
  if (e.kind == "acked") return e.kind;
  if (e.kind == "accepted") return fmt::format("accepted (ref {})", str("reference"));
  if (e.kind == "delivered" || e.kind == "redelivered" || e.kind == "reply_forwarded")
    return fmt::format("{} (attempt {})", e.kind, d.value("attempt", 0));
  if (std::string lifecycle = lifecycle_outcome(e); !lifecycle.empty()) return lifecycle;
  if (e.kind == "routed") {
    if (str("route") == "escalation") return "escalation notice (督办)";
    if (str("route") == "return") return "routed after the return by " + str("returned_by");
    if (str("route") == "assign") return "routed as " + str("assigned_by") + " decided";
    return fmt::format("{}{}{}", str("route") == "plugin" ? "addressed by its plugin" : "routed by rule " + str("route"),
                       d.value("notice", false) ? " (notice)" : "",
                       d.contains("attempt") ? fmt::format(", delivered (attempt {})", d.value("attempt", 0)) : "");
  }
  if (e.kind == "rejected") {
    std::string out = "rejected: " + str("code");
    if (d.contains("problems"))
      for (const auto& p : d["problems"]) out += fmt::format(" [{} {}]", p.value("pointer", ""), p.value("reason", ""));
    else if (!str("message").empty()) out += " " + str("message");
    return out;
  }
  if (e.kind == "replied") return fmt::format("replied{}{}", d.value("final", false) ? " final: " : "", str("outcome"));
  if (e.kind == "parked" || e.kind == "hook_failed" || e.kind == "hook_retry" || e.kind == "hook_deferred")
    return e.kind + ": " + str("reason");
  if (e.kind == "operator") return fmt::format("operator {}: {}", str("operator"), str("action"));
  if (e.kind == "directory_changed")
    return fmt::format("directory: {} {} is {} from {}", str("compound"), str("field"),
                       str("unit").empty() ? std::string("nobody") : str("unit"),
                       str("effective_from_local").empty() ? str("effective_from") : str("effective_from_local"));
  return e.kind;
}

}  // namespace

std::string format_line(const std::string& local_time, const store::Event& e, const std::string& type_name) {
  // Built in one buffer: at saturation the hub writes tens of thousands of these a second.
  fmt::memory_buffer type, route, line;
  if (type_name.empty())
    type.append(e.case_type);
  else
    fmt::format_to(std::back_inserter(type), "{} {}", e.case_type, type_name);
  if (e.to.empty())
    route.append(e.from);
  else
    fmt::format_to(std::back_inserter(route), "{} → {}", e.from.empty() ? std::string_view("hub") : e.from, e.to);
  if (!local_time.empty()) fmt::format_to(std::back_inserter(line), "{} | ", local_time);
  if (e.case_id)
    fmt::format_to(std::back_inserter(line), "case {:<5}", e.case_id);  // "case N" padded to 10
  else
    line.append(std::string_view("case -    "));
  fmt::format_to(std::back_inserter(line), " | {:<32} | {:<36} | {}", fmt::string_view(type.data(), type.size()),
                 fmt::string_view(route.data(), route.size()), outcome(e));
  // Units' text (references, reasons, types they named) cannot break the
  // line or reach the terminal as control sequences.
  return printable(std::string_view(line.data(), line.size()));
}

RoutingLog::RoutingLog(std::shared_ptr<spdlog::logger> logger, std::function<std::string(const std::string&)> type_name)
    : logger_(std::move(logger)), type_name_(std::move(type_name)) {}

void RoutingLog::write(const std::vector<store::Event>& events) const {
  if (!logger_->should_log(spdlog::level::info)) return;  // not formatted when nobody reads it
  std::unordered_map<std::string, std::string> names;      // a batch has few case types
  for (const auto& e : events) {
    auto [name, fresh] = names.try_emplace(e.case_type);
    if (fresh) name->second = type_name_(e.case_type);
    logger_->log(spdlog::level::info, spdlog::string_view_t(format_line("", e, name->second)));
  }
}

}  // namespace hub::log
