// hubctl unit: disable and enable units, show what waits for them
// (ops/unit_admin.h on the hub's side).
#include <iostream>

#include <fmt/format.h>

#include "hubctl_operator.h"

namespace hub::apps {
namespace {

constexpr const char* kUnitUsage =
    "hubctl unit disable ID [--reason TEXT]\n"
    "       hubctl unit enable ID\n"
    "       hubctl unit show ID [--limit N]\n"
    "       hubctl unit list [--disabled]";

std::string plural(std::int64_t n, const char* one, const char* many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

// "pm.jinxiu 锦绣物业", or the id alone.
std::string named(const Json& u) {
  const std::string name = text(u, "name");
  return name.empty() ? text(u, "unit") : text(u, "unit") + " " + name;
}

std::string waiting(const Json& u) {
  const Json& w = u["waiting"];
  return plural(w.value("deliveries", 0), "delivery", "deliveries") + ", " +
         plural(w.value("replies", 0), "reply", "replies") + ", " + plural(w.value("updates", 0), "update", "updates");
}

// "DISABLED (停用) since T by OP: REASON", "enabled (again since T by OP)" or "enabled".
std::string state(const Json& u) {
  if (u.value("disabled", false)) {
    const std::string reason = text(u, "reason");
    return fmt::format("DISABLED (停用) since {} by {}{}", text(u, "changed_at"), text(u, "changed_by"),
                       reason.empty() ? "" : ": " + reason);
  }
  if (!text(u, "changed_at").empty())
    return fmt::format("enabled (again since {} by {})", text(u, "changed_at"), text(u, "changed_by"));
  return "enabled";
}

void print_unit(const Json& u) {
  std::cout << fmt::format("unit {}: {}{}\n", named(u), state(u),
                           u.value("configured", true) ? "" : "  (no longer in the configuration)");
  std::cout << "waiting for it (not acknowledged yet): " << waiting(u)
            << (u.value("disabled", false) ? ", kept and unsent while it is disabled" : "") << "\n";
  const Json& oldest = u["oldest"];
  if (oldest.empty()) return;
  std::cout << "oldest waiting deliveries (details: hubctl case ID):\n";
  for (const auto& d : oldest) {
    const std::string type_name = text(d, "type_name");
    std::cout << fmt::format("  delivery {:>8}  case {:>8}  since {}  {}{}  from {}{}  attempts {}\n",
                             text(d, "delivery"), text(d, "case"), text(d, "since"), text(d, "type"),
                             type_name.empty() ? "" : " " + type_name, text(d, "origin"),
                             d.value("notice", false) ? " (notice)" : "", text(d, "attempts"));
  }
  const std::int64_t all = u["waiting"].value("deliveries", std::int64_t{0});
  if (all > static_cast<std::int64_t>(oldest.size()))
    std::cout << fmt::format("  ... and {} more (listed: the oldest {}; raise --limit to see more)\n",
                             all - static_cast<std::int64_t>(oldest.size()), oldest.size());
}

void print_switched(const Json& u, bool disable) {
  const bool changed = u.value("changed", false);
  if (!changed) {
    std::cout << fmt::format("unit {} is {}; nothing changed\n", named(u),
                             disable ? "already " + state(u) : std::string("not disabled"));
    return;
  }
  if (disable) {
    std::cout << fmt::format("disabled unit {} (停用)\n", named(u));
    std::cout << "  every hub on the database now refuses its messages (error unit_disabled) and sends it nothing\n";
    std::cout << "  waiting for it, kept and unsent: " << waiting(u) << " (hubctl unit show " << text(u, "unit") << ")\n";
    std::cout << "  enable it again with: hubctl unit enable " << text(u, "unit") << "\n";
  } else {
    std::cout << fmt::format("enabled unit {} again\n", named(u));
    std::cout << "  what waited for it is sent now, oldest first, as soon as it is connected: " << waiting(u) << "\n";
  }
}

void print_list(const Json& a) {
  const Json& units = a["units"];
  if (units.empty()) {
    std::cout << (a.value("disabled_only", false) ? "no unit is disabled\n" : "no unit is configured\n");
    return;
  }
  // Ids and counts aligned; the display name (any width) and the state after them.
  for (const auto& u : units)
    std::cout << fmt::format("  {:<24}  waiting {:>6}  {}{}{}\n", text(u, "unit"), text(u, "waiting_deliveries"),
                             text(u, "name").empty() ? "" : text(u, "name") + ": ", state(u),
                             u.value("configured", true) ? "" : "  (no longer in the configuration)");
}

}  // namespace

int run_unit(const Args& args) {
  Common c;
  std::string reason;
  int limit = 20;
  bool disabled_only = false;
  std::vector<std::string> words;
  po::options_description d("hubctl unit options");
  add_common(d, c);
  d.add_options()("reason", po::value(&reason), "with disable: why, for the other operators and the history")(
      "limit", po::value(&limit)->default_value(limit), "with show: list at most this many waiting deliveries")(
      "disabled", po::bool_switch(&disabled_only), "with list: only the disabled units");
  po::options_description all;
  all.add(d).add_options()("words", po::value(&words), "ACTION ID");
  po::positional_options_description pos;
  pos.add("words", -1);
  if (int r = parse(args, all, &pos, kUnitUsage, &d); r >= 0) return r;
  const std::string action = words.empty() ? "" : words[0];
  const bool needs_id = action == "disable" || action == "enable" || action == "show";
  if (!needs_id && action != "list") {
    std::cerr << "hubctl: say what to do: disable, enable, show or list\nusage: " << kUnitUsage << "\n";
    return kUsage;
  }
  if (words.size() != (needs_id ? 2u : 1u)) {
    std::cerr << "hubctl: " << (needs_id ? "give one unit id after '" + action + "'" : std::string("list takes no id"))
              << "\nusage: " << kUnitUsage << "\n";
    return kUsage;
  }
  if ((!reason.empty() && action != "disable") || (disabled_only && action != "list") || limit < 1) {
    std::cerr << "hubctl: --reason goes with disable, --disabled with list, --limit (at least 1) with show\nusage: "
              << kUnitUsage << "\n";
    return kUsage;
  }
  Json request;
  if (action == "disable") request = {{"op", "disable_unit"}, {"unit", words[1]}, {"reason", reason}};
  if (action == "enable") request = {{"op", "enable_unit"}, {"unit", words[1]}};
  if (action == "show") request = {{"op", "unit"}, {"unit", words[1]}, {"limit", limit}};
  if (action == "list") request = {{"op", "units"}, {"disabled", disabled_only}};
  int code = 0;
  auto a = ask(c, request, code);
  if (!a) return code;
  if (c.json) std::cout << shown_json(*a) << "\n";
  else if (action == "show") print_unit(*a);
  else if (action == "list") print_list(*a);
  else print_switched(*a, action == "disable");
  return kOk;
}

}  // namespace hub::apps
