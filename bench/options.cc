#include "options.h"

#include <iostream>
#include <sstream>

#include <boost/program_options.hpp>

namespace hub::bench {
namespace {

namespace po = boost::program_options;

// "single", "fanout" or "all"; loads "100,1000,10000,sat".
std::optional<std::vector<Scenario>> parse_scenarios(const std::string& modes, const std::string& loads) {
  std::vector<Mode> mode_list;
  if (modes == "all")
    mode_list = {Mode::kSingle, Mode::kFanout};
  else if (modes == "single")
    mode_list = {Mode::kSingle};
  else if (modes == "fanout")
    mode_list = {Mode::kFanout};
  else
    return std::nullopt;
  std::vector<int> rates;
  std::stringstream in(loads);
  for (std::string item; std::getline(in, item, ',');) {
    if (item == "sat" || item == "saturation") {
      rates.push_back(0);
      continue;
    }
    try {
      std::size_t used = 0;
      const int rate = std::stoi(item, &used);
      if (used != item.size() || rate <= 0) return std::nullopt;
      rates.push_back(rate);
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }
  if (rates.empty()) return std::nullopt;
  std::vector<Scenario> out;
  for (Mode m : mode_list)
    for (int r : rates) out.push_back({m, r});
  return out;
}

// "1,2,3": hubds per scenario.
std::optional<std::vector<int>> parse_hub_counts(const std::string& text) {
  std::vector<int> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    try {
      std::size_t used = 0;
      const int n = std::stoi(item, &used);
      if (used != item.size() || n < 1 || n > 8) return std::nullopt;
      out.push_back(n);
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }
  if (out.empty()) return std::nullopt;
  return out;
}

}  // namespace

const char* mode_name(Mode mode) {
  switch (mode) {
    case Mode::kSingle: return "single";
    case Mode::kFanout: return "fanout";
    case Mode::kAbsent: return "absent";
  }
  return "?";
}

std::string Scenario::name() const {
  if (fairness == Fairness::kQuiet) return "fair/quiet";
  if (fairness == Fairness::kFlood) return "fair/flood";
  return std::string(mode_name(mode)) + "@" + (rate == 0 ? std::string("sat") : std::to_string(rate)) +
         (hubs > 1 ? "/" + std::to_string(hubs) + "h" : std::string()) +
         (transport == Transport::kHttp ? "/http" : "");
}

std::optional<BenchOptions> parse_options(int argc, char** argv, int& exit_code) {
  BenchOptions o;
  o.hubd = HUB_BENCH_HUBD;
  o.module_dir = HUB_MODULE_DIR;
  std::string modes = "all", loads, hubs = "1", transport = "zmq";
  double seconds = -1, warmup = -1;
  po::options_description d(
      "hub_bench: drives a real hubd (ZeroMQ + CURVE, durable PostgreSQL store) and prints a table.\n"
      "Every scenario runs a fresh hubd (on a fresh database unless --database is given). Options");
  d.add_options()("help,h", "show this help")
      ("seconds", po::value(&seconds), "measured window per scenario, in seconds (default 10; 3 with --quick)")
      ("warmup", po::value(&warmup), "load before the window opens, in seconds (default 2; 1 with --quick)")
      ("quick", po::bool_switch(&o.quick), "smoke run: 3 s windows, loads 1000/s and saturation only")
      ("modes", po::value(&modes)->default_value(modes), "routing modes: single, fanout or all")
      ("loads", po::value(&loads),
       "offered loads in cases/s across all senders, comma-separated; 'sat' = saturation "
       "(default 100,1000,10000,sat; 1000,sat with --quick)")
      ("hubs", po::value(&hubs)->default_value(hubs),
       "hubds sharing the database, comma-separated (e.g. 1,2,3): every scenario runs with each count, the units "
       "spread over the hubs")
      ("transport", po::value(&transport)->default_value(transport),
       "zmq: the units speak ZeroMQ with CURVE; http: the HTTPS unit API, senders with signed requests on "
       "keep-alive connections, receivers as webhooks (see bench/README.md)")
      ("connections", po::value(&o.connections)->default_value(o.connections),
       "with --transport http: keep-alive connections of each sender")
      ("batch", po::value(&o.batch)->default_value(o.batch),
       "with --transport http: cases per request (POST /v1/case-batches when more than 1) and messages per webhook "
       "push at most")
      ("window", po::value(&o.window)->default_value(o.window), "unanswered sends per sender at saturation")
      ("payload-bytes", po::value(&o.payload_bytes)->default_value(o.payload_bytes), "length of the payload's body")
      ("drain-seconds", po::value(&o.drain_seconds)->default_value(o.drain_seconds),
       "longest wait, after the window, for outstanding answers and deliveries")
      ("resend-seconds", po::value(&o.resend_seconds)->default_value(o.resend_seconds),
       "a send without answer for this long is sent again with the same reference (PROTOCOL.md section 6)")
      ("database", po::value(&o.database),
       "libpq conninfo of a database to use (its tables are created by hubd); default: a private embedded "
       "PostgreSQL with a fresh database per scenario")
      ("hubd", po::value(&o.hubd)->default_value(o.hubd), "the hubd binary")
      ("module-dir", po::value(&o.module_dir)->default_value(o.module_dir), "plugin and adapter modules")
      ("hub-log-level", po::value(&o.hub_log_level)->default_value(o.hub_log_level),
       "hubd's --log-level (info writes the routing log, as in production)")
      ("json", po::value(&o.json_file), "also write the results to this file as JSON")
      ("growth", po::value(&o.growth),
       "cost-growth tables instead: rules, compounds, units, history (comma-separated) or all (see bench/README.md)")
      ("levels", po::value(&o.growth_levels), "with --growth of one dimension: its levels, comma-separated")
      ("growth-rate", po::value(&o.growth_rate)->default_value(o.growth_rate),
       "with --growth: the fixed load (cases/s) of the latency and cost columns")
      ("growth-threads", po::value(&o.growth_threads)->default_value(o.growth_threads),
       "with --growth: load threads driving all units")
      ("fairness", po::bool_switch(&o.fairness),
       "the fairness scenarios instead: seven units at 100 cases/s each, without and then with an eighth flooding "
       "the hub; prints a verdict (see bench/README.md)")
      ("flood-rate", po::value(&o.flood_rate)->default_value(o.flood_rate),
       "with --fairness: messages/s the flooding unit sends (default 25 x its quota, below the zmq adapter's "
       "flood guard, so only the quota holds it back); 0 = as fast as its connection takes (the guard cuts it)")
      ("keep", po::bool_switch(&o.keep), "keep the temp folder (configs, hubd logs) and print its path")
      ("verbose,v", po::bool_switch(&o.verbose), "progress and PostgreSQL messages");
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, d), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "hub_bench: " << e.what() << "\n" << d;
    exit_code = 2;
    return std::nullopt;
  }
  if (vm.count("help")) {
    std::cout << d;
    exit_code = 0;
    return std::nullopt;
  }
  o.seconds = seconds > 0 ? seconds : (o.quick ? 3 : 10);
  o.warmup_seconds = warmup >= 0 ? warmup : (o.quick ? 1 : 2);
  if (loads.empty()) loads = o.quick ? "1000,sat" : "100,1000,10000,sat";
  auto scenarios = parse_scenarios(modes, loads);
  if (!scenarios) {
    std::cerr << "hub_bench: --modes must be single, fanout or all and --loads a list of positive rates or 'sat'\n";
    exit_code = 2;
    return std::nullopt;
  }
  if (o.fairness) {
    scenarios = std::vector<Scenario>{};
    for (const Fairness f : {Fairness::kQuiet, Fairness::kFlood})
      scenarios->push_back(Scenario{Mode::kSingle, kQuietRate * 7, 1, f});  // seven quiet senders
  }
  if (transport != "zmq" && transport != "http") {
    std::cerr << "hub_bench: --transport must be zmq or http\n";
    exit_code = 2;
    return std::nullopt;
  }
  const Transport chosen = transport == "http" ? Transport::kHttp : Transport::kZmq;
  if (chosen == Transport::kHttp && (o.fairness || hubs != "1" || !o.growth.empty())) {
    std::cerr << "hub_bench: --transport http runs the throughput table on one hub: not with --fairness, --hubs or "
                 "--growth\n";
    exit_code = 2;
    return std::nullopt;
  }
  if (o.batch < 1 || o.batch > 100) {
    std::cerr << "hub_bench: --batch must be from 1 to 100 (the cases one POST /v1/case-batches carries)\n";
    exit_code = 2;
    return std::nullopt;
  }
  if (o.connections < 1 || o.connections > 64) {
    std::cerr << "hub_bench: --connections must be from 1 to 64\n";
    exit_code = 2;
    return std::nullopt;
  }
  for (Scenario& sc : *scenarios) sc.transport = chosen;
  auto hub_counts = parse_hub_counts(hubs);
  if (!hub_counts) {
    std::cerr << "hub_bench: --hubs must be a list of counts from 1 to 8\n";
    exit_code = 2;
    return std::nullopt;
  }
  for (const int n : *hub_counts)
    for (Scenario sc : *scenarios) {
      sc.hubs = n;
      o.scenarios.push_back(sc);
    }
  if (o.window < 1 || o.payload_bytes < 16 || o.drain_seconds < 1 || o.resend_seconds < 1) {
    std::cerr << "hub_bench: --window must be >= 1, --payload-bytes >= 16, --drain-seconds and --resend-seconds >= 1\n";
    exit_code = 2;
    return std::nullopt;
  }
  return o;
}

}  // namespace hub::bench
