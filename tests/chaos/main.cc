// hub_chaos: breaks a running hub on purpose and proves from the units' own
// journals that no accepted case was lost. See tests/chaos/README.md.
#include <signal.h>

#include <iostream>
#include <random>
#include <sstream>

#include <boost/program_options.hpp>

#include "scenarios.h"

namespace po = boost::program_options;
using namespace hub::chaos;

namespace {

constexpr const char* kUsage =
    "usage: hub_chaos kill    [--kills N] [--seed S] [--soak]\n"
    "       hub_chaos outage  [--outages N] [--outage-seconds S] [--rate R] [--soak]\n"
    "       hub_chaos absent  [--waiting N,N,...] [--max-growth-mb M] [--probe-rate R]\n"
    "       hub_chaos hubs    [--hubs N] [--seed S] [--rate R]\n"
    "common: [--keep] [--log-level L] [--hubd PATH] [--module-dir DIR]\n";

std::vector<std::int64_t> parse_levels(const std::string& text) {
  std::vector<std::int64_t> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) out.push_back(std::stoll(item));
  if (out.empty()) throw std::invalid_argument("no level");
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  signal(SIGPIPE, SIG_IGN);
  ChaosHubOptions hub;
  KillOptions kill;
  OutageOptions outage;
  AbsentOptions absent;
  HubsOptions hubs;
  int rate = -1;
  std::string what, waiting = "0,250000,500000,1000000";
  std::uint64_t seed = std::random_device()();
  bool soak = false;
  po::options_description d("hub_chaos options");
  d.add_options()("help,h", "this help")(
      "seed", po::value(&seed), "the seed that draws the moments of the kills (default: random, printed)")(
      "kills", po::value(&kill.kills)->default_value(kill.kills), "kill: SIGKILLs of hubd")(
      "outages", po::value(&outage.outages)->default_value(outage.outages),
      "outage: database outages (odd: fast shutdown, even: SIGKILL of the postmaster)")(
      "outage-seconds", po::value(&outage.seconds)->default_value(outage.seconds), "outage: length of each")(
      "rate", po::value(&rate), "outage: cases/s offered (default 1000); hubs: 0 = saturation (default)")(
      "hubs", po::value(&hubs.hubs)->default_value(hubs.hubs), "hubs: hubds sharing the database (at least 2)")(
      "soak", po::bool_switch(&soak), "kill: 50 kills; outage: 10 outages")(
      "waiting", po::value(&waiting)->default_value(waiting), "absent: levels of waiting cases to measure at")(
      "max-growth-mb", po::value(&absent.max_growth_mb)->default_value(0),
      "absent: fail when RSS grows more than this from the first non-zero level to the last")(
      "probe-rate", po::value(&absent.probe_rate)->default_value(absent.probe_rate),
      "absent: cases/s to the online receiver")(
      "keep", po::bool_switch(&hub.keep), "keep the folder: journals, hubd's log, the database")(
      "log-level", po::value(&hub.log_level)->default_value(hub.log_level), "hubd's log level")(
      "hubd", po::value(&hub.hubd)->default_value(hub.hubd), "the hubd binary")(
      "module-dir", po::value(&hub.module_dir)->default_value(hub.module_dir), "plugin and adapter modules");
  po::positional_options_description pos;
  pos.add("what", 1);
  po::options_description all;
  all.add(d).add_options()("what", po::value(&what));
  try {
    po::variables_map vm;
    po::store(po::command_line_parser(argc, argv).options(all).positional(pos).run(), vm);
    po::notify(vm);
    if (vm.count("help")) {
      std::cout << kUsage << "\n" << d << "\n";
      return 0;
    }
    absent.waiting = parse_levels(waiting);
  } catch (const std::exception& e) {
    std::cerr << "hub_chaos: " << e.what() << "\n" << kUsage;
    return 2;
  }
  kill.seed = outage.seed = hubs.seed = seed;
  if (rate >= 0) outage.rate = hubs.rate = rate;
  if (hubs.hubs < 2) {
    std::cerr << "hub_chaos: --hubs must be at least 2\n";
    return 2;
  }
  if (soak) {
    kill.kills = 50;
    outage.outages = 10;
  }
  if (what == "kill") return run_kill_under_load(hub, kill);
  if (what == "outage") return run_database_outage(hub, outage);
  if (what == "absent") return run_absent_receiver(hub, absent);
  if (what == "hubs") return run_several_hubs(hub, hubs);
  std::cerr << "hub_chaos: say what to do: kill, outage, absent or hubs\n" << kUsage;
  return 2;
}
