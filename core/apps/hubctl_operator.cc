// hubctl's operator commands: requests on the hub's local operator socket.
#include <chrono>
#include <iostream>
#include <thread>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "config/loader.h"
#include "hub/case.h"
#include "hubctl_operator.h"
#include "log/routing_log.h"
#include "ops/operator_client.h"
#include "ops/report_format.h"
#include "util/printable.h"

namespace hub::apps {

void add_common(po::options_description& d, Common& c) {
  d.add_options()("help,h", "show this help")("config", po::value(&c.config)->default_value(c.config),
                                              "the hub's deployment file, to find its operator socket")(
      "socket", po::value(&c.socket), "the operator socket's path (instead of --config)")(
      "json", po::bool_switch(&c.json), "print the raw JSON answer");
}

int parse(const Args& args, po::options_description& d, po::positional_options_description* pos, const char* usage,
          const po::options_description* shown) {
  po::variables_map vm;
  try {
    po::command_line_parser p(args);
    p.options(d);
    if (pos) p.positional(*pos);
    po::store(p.run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "hubctl: " << e.what() << "\nusage: " << usage << "\n";
    return kUsage;
  }
  if (vm.count("help")) {
    std::cout << "usage: " << usage << "\n" << (shown ? *shown : d);
    return kOk;
  }
  return -1;
}

namespace {

// The socket, and the operator group when the config names one (for messages).
std::optional<ops::OperatorEndpoint> endpoint(const Common& c) {
  if (!c.socket.empty()) return ops::OperatorEndpoint{c.socket, ""};
  auto loaded = config::load_deployment(c.config);
  if (!loaded.ok()) {
    for (const auto& e : loaded.errors) std::cerr << "error: " << e.to_string() << "\n";
    return std::nullopt;
  }
  return ops::OperatorEndpoint{loaded.deployment->hub.operator_socket, loaded.deployment->hub.operator_group};
}

}  // namespace

std::optional<Json> ask(const Common& c, Json request, int& code) {
  const auto where = endpoint(c);
  if (!where) {
    code = kUsage;
    return std::nullopt;
  }
  auto answer = ops::ask_operator(*where, request);
  if (!answer.ok()) {
    std::cerr << "hubctl: " << answer.status().message() << "\n";
    code = answer.status().code() == StatusCode::kPermissionDenied ? kRefused : kUnreachable;
    return std::nullopt;
  }
  if (!answer->value("ok", false)) {
    std::cerr << "hubctl: " << answer->value("error", "refused") << "\n";
    code = kRefused;
    return std::nullopt;
  }
  code = kOk;
  return std::move(answer.value());
}

std::string text(const Json& j, const char* key) {
  if (!j.contains(key) || j[key].is_null()) return "";
  return printable(j[key].is_string() ? j[key].get<std::string>() : j[key].dump());
}

std::string shown_json(const Json& j, int indent) { return printable_json(j.dump(indent)); }

namespace {

store::Event to_event(const Json& row) {
  store::Event e;
  e.kind = text(row, "kind");
  e.case_id = row.value("case_id", Json(0)).is_number() ? row["case_id"].get<std::int64_t>() : 0;
  e.case_type = text(row, "case_type");
  e.from = text(row, "from_unit");
  e.to = text(row, "to_unit");
  e.detail = row.value("detail", Json::object());
  return e;
}

}  // namespace

void print_events(const Json& events) {
  for (const auto& row : events) std::cout << log::format_line(text(row, "at"), to_event(row), text(row, "type_name")) << "\n";
}

void print_case(const Json& a) {
  const Json& k = a["case"];
  std::cout << fmt::format("case {} ({})  {} {}  from {}  ref {}  compound {}\n  created {}  route {}{}\n  payload {}\n",
                           text(k, "id"), text(k, "state"), text(k, "type"), text(k, "type_name"), text(k, "origin"),
                           text(k, "reference"), text(k, "compound"),
                           text(k, "created_at"), text(k, "route"),
                           text(k, "parked_reason").empty() ? "" : "  PARKED: " + text(k, "parked_reason"),
                           shown_json(k["payload"]));
  std::cout << "deliveries:\n";
  for (const auto& dl : a["deliveries"]) {
    std::cout << fmt::format("  {:>8}  → {:<24} {:<11} {:<8} attempts {}  acked {}{}\n", text(dl, "id"),
                             text(dl, "receiver"), text(dl, "stage"), text(dl, "state"), text(dl, "attempts"),
                             text(dl, "acked_at"),
                             text(dl, "parked_reason").empty() ? "" : "  " + text(dl, "parked_reason"));
    if (dl.value("notice", false)) continue;
    std::cout << fmt::format("            sign by {}  signed {}  resolve by {}  resolved {}{}{}{}\n", text(dl, "sign_by"),
                             text(dl, "signed_at"), text(dl, "resolve_by"), text(dl, "resolved_at"),
                             text(dl, "extension_until").empty()
                                 ? ""
                                 : "  extension asked until " + text(dl, "extension_until") + " (" +
                                       text(dl, "extension_approver") + " decides)",
                             text(dl, "reopens") == "0" ? "" : "  reopened " + text(dl, "reopens") + "×",
                             text(dl, "returned_reason").empty() ? "" : "  returned: " + text(dl, "returned_reason"));
  }
  std::cout << "replies:\n";
  for (const auto& r : a["replies"])
    std::cout << fmt::format("  {:>8}  {} on delivery {}{} {}  {}\n", text(r, "id"), text(r, "sender"),
                             text(r, "delivery_id"), r.value("final", false) ? " FINAL" : "", text(r, "outcome"),
                             shown_json(r["body"]));
  std::cout << "history:\n";
  print_events(a["events"]);
}

int run_case(const Args& args) {
  Common c;
  std::int64_t id = 0;
  po::options_description d("hubctl case options");
  add_common(d, c);
  d.add_options()("id", po::value(&id)->required(), "the case id");
  po::positional_options_description pos;
  pos.add("id", 1);
  if (int r = parse(args, d, &pos, "hubctl case ID [--json]"); r >= 0) return r;
  int code = 0;
  auto a = ask(c, {{"op", "case"}, {"case", id}}, code);
  if (!a) return code;
  if (c.json) {
    std::cout << shown_json(*a) << "\n";
    return kOk;
  }
  print_case(*a);
  return kOk;
}

int run_log(const Args& args) {
  Common c;
  std::string unit, type;
  std::int64_t case_id = 0;
  int limit = 50;
  bool follow = false;
  po::options_description d("hubctl log options");
  add_common(d, c);
  d.add_options()("follow,f", po::bool_switch(&follow), "keep printing new events until Ctrl-C")(
      "unit", po::value(&unit), "only events from or to this unit")("type", po::value(&type), "only this case type")(
      "case", po::value(&case_id), "only this case")("limit", po::value(&limit)->default_value(limit),
                                                     "how many of the newest events to print first");
  if (int r = parse(args, d, nullptr, "hubctl log [--follow] [--unit U] [--type T] [--case ID] [--limit N]"); r >= 0)
    return r;
  Json request{{"op", "events"}, {"limit", limit}, {"unit", unit}, {"type", type}};
  if (case_id) request["case"] = case_id;
  for (;;) {
    int code = 0;
    auto a = ask(c, request, code);
    if (!a) return code;
    if (c.json) for (const auto& e : (*a)["events"]) std::cout << shown_json(e) << "\n";
    else print_events((*a)["events"]);
    std::cout.flush();
    if (!follow) return kOk;
    request["after"] = (*a)["last"];
    request["limit"] = 1000;
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // polling interval of --follow
  }
}

int run_report(const Args& args) {
  Common c;
  std::string from, to, by = "unit", format = "table";
  po::options_description d("hubctl report options");
  add_common(d, c);
  d.add_options()("from", po::value(&from)->required(), "first day of the period, e.g. 2026-12-01 (local date)")(
      "to", po::value(&to)->required(), "last day of the period, inclusive")(
      "by", po::value(&by)->default_value(by), "one row per: unit, zone or subdistrict")(
      "format", po::value(&format)->default_value(format), "table, csv or json");
  const char* usage = "hubctl report --from YYYY-MM-DD --to YYYY-MM-DD [--by unit|zone|subdistrict] [--format table|csv|json]";
  if (int r = parse(args, d, nullptr, usage); r >= 0) return r;
  if (format != "table" && format != "csv" && format != "json") {
    std::cerr << "hubctl: --format must be table, csv or json\nusage: " << usage << "\n";
    return kUsage;
  }
  int code = 0;
  auto a = ask(c, {{"op", "report"}, {"from", from}, {"to", to}, {"by", by}}, code);
  if (!a) return code;
  if (c.json || format == "json") std::cout << shown_json(*a) << "\n";
  else std::cout << (format == "csv" ? ops::report_csv(*a) : ops::report_table(*a));
  return kOk;
}

int run_status(const Args& args) {
  Common c;
  po::options_description d("hubctl status options");
  add_common(d, c);
  if (int r = parse(args, d, nullptr, "hubctl status"); r >= 0) return r;
  int code = 0;
  auto a = ask(c, {{"op", "status"}}, code);
  if (!a) return code;
  std::cout << "hub " << text(*a, "hub") << " is running, version " << text(*a, "version") << "\n";
  return kOk;
}

}  // namespace hub::apps
