// hubctl's parked work: list with filters, show one item, replay one or all
// that match (ops/parked.h on the hub's side).
#include <iostream>
#include <map>

#include <fmt/format.h>

#include "hubctl_operator.h"
#include "util/time_parse.h"

namespace hub::apps {
namespace {

// The filter options `parked` and `replay --all` share (ops/parked_filter.h).
struct Filter {
  std::string what, unit, type, since, until, reason;
};

void add_filter(po::options_description& d, Filter& f) {
  d.add_options()("what", po::value(&f.what), "one kind only: deliveries, cases, updates or hooks")(
      "unit", po::value(&f.unit),
      "a delivery's receiver, an update's recipient, the case's origin, or a unit that returned a parked case")(
      "type", po::value(&f.type), "the case type, e.g. complaint.general")(
      "since", po::value(&f.since),
      "parked at or after this local date or time: 2026-12-03, 2026-12-03T18:00, '2026-12-03 18:00:05'")(
      "until", po::value(&f.until), "parked before this local time; a date includes that whole day")(
      "reason", po::value(&f.reason), "a piece of the reason it was parked (any letter case)");
}

// Checks what the hub would refuse, so that a typo is a usage error; adds the filter to `request`.
bool add_filter(const Filter& f, Json& request, const char* usage) {
  const std::pair<const char*, const std::string*> given[] = {{"what", &f.what},   {"unit", &f.unit},
                                                              {"type", &f.type},   {"since", &f.since},
                                                              {"until", &f.until}, {"reason", &f.reason}};
  for (const auto& [key, value] : given)
    if (!value->empty()) request[key] = *value;
  std::string problem;
  if (!f.what.empty() && f.what != "deliveries" && f.what != "cases" && f.what != "updates" && f.what != "hooks")
    problem = "--what must be deliveries, cases, updates or hooks";
  for (const auto& [key, value] : {std::pair{"--since", &f.since}, std::pair{"--until", &f.until}})
    if (!value->empty() && !parse_operator_time(*value))
      problem = std::string(key) + " '" + *value + "' is not a local date (2026-12-03) or time (2026-12-03T18:00)";
  if (problem.empty()) return true;
  std::cerr << "hubctl: " << problem << "\nusage: " << usage << "\n";
  return false;
}

// " matching --unit X --type T", or "".
std::string describe(const Filter& f) {
  std::string out;
  const std::pair<const char*, const std::string*> given[] = {{"--what", &f.what},   {"--unit", &f.unit},
                                                              {"--type", &f.type},   {"--since", &f.since},
                                                              {"--until", &f.until}, {"--reason", &f.reason}};
  for (const auto& [flag, value] : given)
    if (!value->empty()) out += fmt::format(" {} '{}'", flag, *value);
  return out.empty() ? out : " matching" + out;
}

// The kinds in the order operators see them: list key, what one item is called, the replay option.
struct Kind {
  const char* list;
  const char* one;
  const char* many;
  const char* replay;
};
constexpr Kind kKinds[] = {{"deliveries", "delivery", "deliveries", "--delivery"},
                           {"cases", "case", "cases", "--case"},
                           {"updates", "update", "updates", "--update"},
                           {"hooks", "hook task", "hook tasks", "--hook-task"}};

std::string count(std::size_t n, const Kind& k) { return fmt::format("{} {}", n, n == 1 ? k.one : k.many); }

std::string type_of(const Json& row) {
  const std::string name = text(row, "type_name");
  return name.empty() ? text(row, "type") : text(row, "type") + " " + name;
}

// One parked item on one line, as `hubctl parked` lists it.
std::string item_line(const Kind& k, const Json& p) {
  const std::string kind = k.list;
  const std::string parked = text(p, "parked_at").empty() ? "" : "parked " + text(p, "parked_at") + "  ";
  if (kind == "deliveries")
    return fmt::format("delivery {:>8}  case {:>8}  {}{}  {} → {}{}  attempts {}  {}", text(p, "delivery"),
                       text(p, "case"), parked, type_of(p), text(p, "origin"), text(p, "receiver"),
                       p.value("notice", false) ? " (notice)" : "", text(p, "attempts"), text(p, "parked_reason"));
  if (kind == "cases")
    return fmt::format("case {:>8}  {}{}  from {}  ref {}  compound {}  {}", text(p, "case"), parked, type_of(p),
                       text(p, "origin"), text(p, "reference"), text(p, "compound").empty() ? "-" : text(p, "compound"),
                       text(p, "parked_reason"));
  if (kind == "updates")
    return fmt::format("update {:>8}  case {:>8}  {}{:<18} → {}  {}  attempts {}  {}", text(p, "update"),
                       text(p, "case"), parked, text(p, "kind"), text(p, "recipient"), type_of(p), text(p, "attempts"),
                       text(p, "parked_reason"));
  return fmt::format("task {:>8}  case {:>8}  {}plugin {} {}  {}  attempts {}  {}", text(p, "hook_task"),
                     text(p, "case"), parked, text(p, "plugin"), text(p, "hook"), type_of(p), text(p, "attempts"),
                     text(p, "last_error"));
}

const char* kParkedUsage =
    "hubctl parked [--what deliveries|cases|updates|hooks] [--unit U] [--type T] [--since TIME] [--until TIME]\n"
    "                     [--reason TEXT] [--limit N] [--json]\n"
    "       hubctl parked show delivery|case|update|hook ID [--json]";

int show_parked(const Common& c, const std::string& kind_name, const std::string& id_text) {
  const std::map<std::string, const Kind*> names = {
      {"delivery", &kKinds[0]}, {"case", &kKinds[1]}, {"update", &kKinds[2]}, {"hook", &kKinds[3]},
      {"deliveries", &kKinds[0]}, {"cases", &kKinds[1]}, {"updates", &kKinds[2]}, {"hooks", &kKinds[3]},
      {"hook-task", &kKinds[3]}, {"hook_task", &kKinds[3]}};
  const auto named = names.find(kind_name);
  const Kind* kind = named == names.end() ? nullptr : named->second;
  std::int64_t id = 0;
  try {
    std::size_t used = 0;
    id = std::stoll(id_text, &used);
    if (used != id_text.size()) id = 0;
  } catch (const std::exception&) {
    id = 0;
  }
  if (!kind || id <= 0) {
    std::cerr << "hubctl: say what to show: delivery, case, update or hook, then its id\nusage: " << kParkedUsage << "\n";
    return kUsage;
  }
  int code = 0;
  auto a = ask(c, {{"op", "parked"}, {"show", kind->one == std::string("hook task") ? "hook" : kind->one}, {"id", id}},
               code);
  if (!a) return code;
  if (c.json) {
    std::cout << shown_json(*a) << "\n";
    return kOk;
  }
  const Json& p = (*a)["item"];
  std::cout << fmt::format("parked {} {}\n  {}\n", kind->one, id, item_line(*kind, p));
  std::cout << fmt::format("  replay with: hubctl replay {} {}{}\n", kind->replay, id,
                           std::string(kind->list) == "cases" ? " (after fixing the routes or the directory)" : "");
  std::cout << fmt::format("history of {} {}:\n", kind->one, id);
  print_events((*a)["history"]);
  std::cout << "\n";
  print_case(*a);
  return kOk;
}

}  // namespace

int run_parked(const Args& args) {
  Common c;
  Filter f;
  int limit = 200;
  std::vector<std::string> words;
  po::options_description d("hubctl parked options");
  add_common(d, c);
  add_filter(d, f);
  d.add_options()("limit", po::value(&limit)->default_value(limit), "list at most this many of each kind");
  po::options_description all;
  all.add(d).add_options()("words", po::value(&words), "show KIND ID");
  po::positional_options_description pos;
  pos.add("words", -1);
  if (int r = parse(args, all, &pos, kParkedUsage, &d); r >= 0) return r;
  if (!words.empty()) {
    if (words[0] != "show") {
      std::cerr << "hubctl: unexpected '" << words[0] << "'\nusage: " << kParkedUsage << "\n";
      return kUsage;
    }
    return show_parked(c, words.size() > 1 ? words[1] : "", words.size() == 3 ? words[2] : "");
  }
  if (limit < 1) {
    std::cerr << "hubctl: --limit must be at least 1\nusage: " << kParkedUsage << "\n";
    return kUsage;
  }
  Json request{{"op", "parked"}, {"limit", limit}};
  if (!add_filter(f, request, kParkedUsage)) return kUsage;
  int code = 0;
  auto a = ask(c, request, code);
  if (!a) return code;
  if (c.json) {
    std::cout << shown_json(*a) << "\n";
    return kOk;
  }
  std::string summary;
  for (const auto& k : kKinds)
    if (a->contains(k.list))
      summary += (summary.empty() ? "" : ", ") + count((*a)["matching"].value(k.list, std::size_t{0}), k);
  std::cout << "parked: " << summary << describe(f) << "\n";
  for (const auto& k : kKinds) {
    if (!a->contains(k.list)) continue;
    const Json& list = (*a)[k.list];
    std::cout << fmt::format("parked {} (details: hubctl parked show {} ID; replay: hubctl replay {} ID{}):\n", k.many,
                             std::string(k.list) == "hooks" ? "hook" : k.one, k.replay,
                             std::string(k.list) == "cases" ? ", after fixing the routes or the directory" : "");
    if (list.empty()) std::cout << "  (none)\n";
    for (const auto& p : list) std::cout << "  " << item_line(k, p) << "\n";
    const std::size_t matching = (*a)["matching"].value(k.list, std::size_t{0});
    if (matching > list.size())
      std::cout << fmt::format("  ... and {} more (listed: the oldest {} of {}; raise --limit or narrow the filter)\n",
                               matching - list.size(), list.size(), matching);
  }
  return kOk;
}

int run_replay(const Args& args) {
  Common c;
  Filter f;
  std::int64_t delivery = 0, update = 0, case_id = 0, hook_task = 0;
  bool all = false, dry_run = false, everything = false;
  po::options_description d("hubctl replay options");
  add_common(d, c);
  d.add_options()("delivery", po::value(&delivery), "a parked delivery: send it again")(
      "update", po::value(&update), "a parked update (state change, reminder, extension request): send it again")(
      "case", po::value(&case_id), "a parked case: route it again with the current config")(
      "hook-task", po::value(&hook_task), "a parked hook task: run it again")(
      "all", po::bool_switch(&all), "every parked item that matches the filter below, and is still parked")(
      "dry-run", po::bool_switch(&dry_run), "with --all: say what would be replayed, change nothing")(
      "everything", po::bool_switch(&everything), "with --all and no filter: really replay every parked item");
  add_filter(d, f);
  const char* usage =
      "hubctl replay --delivery ID | --update ID | --case ID | --hook-task ID\n"
      "       hubctl replay --all [--what K] [--unit U] [--type T] [--since TIME] [--until TIME] [--reason TEXT]\n"
      "                     [--dry-run] [--everything]";
  if (int r = parse(args, d, nullptr, usage); r >= 0) return r;
  const int named = (delivery != 0) + (update != 0) + (case_id != 0) + (hook_task != 0);
  const bool filtered = !(f.what + f.unit + f.type + f.since + f.until + f.reason).empty();
  if (!all) {
    if (named != 1 || filtered || dry_run || everything) {
      std::cerr << "hubctl: name exactly one thing to replay, or use --all with a filter"
                << (dry_run || everything || filtered ? " (filters, --dry-run and --everything go with --all)" : "")
                << "\nusage: " << usage << "\n";
      return kUsage;
    }
    Json request{{"op", "replay"}};
    if (delivery) request["delivery"] = delivery;
    if (case_id) request["case"] = case_id;
    if (hook_task) request["hook_task"] = hook_task;
    if (update) request["update"] = update;
    int code = 0;
    auto a = ask(c, request, code);
    if (!a) return code;
    std::cout << (c.json ? shown_json(*a) : "replayed: " + shown_json(*a, -1)) << "\n";
    return kOk;
  }
  if (named != 0) {
    std::cerr << "hubctl: --all replays what the filter matches; it takes no single id\nusage: " << usage << "\n";
    return kUsage;
  }
  if (!filtered && !everything) {
    std::cerr << "hubctl: --all with no filter would replay every parked item: narrow it with --what, --unit, --type, "
                 "--since, --until or --reason, or say --everything\nusage: "
              << usage << "\n";
    return kUsage;
  }
  Json request{{"op", "replay"}, {"all", true}, {"dry_run", dry_run}, {"everything", everything}, {"batch", 100}};
  if (!add_filter(f, request, usage)) return kUsage;
  // The hub replays a batch per request; ask again until it has seen every match.
  Json done{{"dry_run", dry_run}, {"replayed", Json::object()}, {"not_replayed", Json::object()}, {"gone", Json::object()}};
  int code = kOk;
  for (;;) {
    auto a = ask(c, request, code);
    if (!a) break;
    for (const char* part : {"replayed", "not_replayed", "gone"})
      for (const auto& [kind, rows] : (*a)[part].items())
        for (const auto& row : rows) done[part][kind].push_back(row);
    if (!a->value("more", false)) break;
    request["after"] = (*a)["after"];
  }
  if (c.json) {
    std::cout << shown_json(done) << "\n";
  } else {
    auto counted = [&](const char* part) {
      std::string out;
      for (const auto& k : kKinds)
        if (done[part].contains(k.list) && !done[part][k.list].empty())
          out += (out.empty() ? "" : ", ") + count(done[part][k.list].size(), k);
      return out;
    };
    auto lines = [&](const char* part, bool why) {
      for (const auto& k : kKinds)
        if (done[part].contains(k.list))
          for (const auto& p : done[part][k.list]) {
            std::string extra;
            if (p.contains("route")) {
              std::string to;
              for (const auto& unit : p.value("to", Json::array())) to += (to.empty() ? "" : ", ") + unit.get<std::string>();
              extra = fmt::format("\n      → {} (route {})", to.empty() ? "nobody" : to, text(p, "route"));
            }
            if (why) extra = "\n      " + text(p, "why");
            std::cout << "  " << item_line(k, p) << extra << "\n";
          }
    };
    const std::string replayed = counted("replayed"), refused = counted("not_replayed"), gone = counted("gone");
    if (replayed.empty() && refused.empty() && gone.empty() && code == kOk)
      std::cout << "nothing to replay: no parked item" << (describe(f).empty() ? "" : describe(f)) << "\n";
    if (!replayed.empty()) {
      std::cout << (dry_run ? "dry run, nothing changed: would replay " : "replayed ") << replayed << describe(f)
                << ":\n";
      lines("replayed", false);
    }
    if (!refused.empty()) {
      std::cout << (dry_run ? "would stay parked: " : "not replayed, still parked: ") << refused << ":\n";
      lines("not_replayed", true);
    }
    if (!gone.empty()) {
      std::cout << "replayed meanwhile by someone else: " << gone << "\n";
      lines("gone", false);
    }
  }
  if (code != kOk) return code;  // the hub stopped answering or refused midway: what it did is above
  for (const auto& [kind, rows] : done["not_replayed"].items())
    if (!rows.empty()) return kRefused;
  return kOk;
}

}  // namespace hub::apps
