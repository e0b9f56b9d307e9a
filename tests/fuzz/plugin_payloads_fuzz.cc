// Every plugin's validators with any JSON: the plugins are loaded as hubd
// loads them (the modules built beside this target, configured from
// config/hub.yaml). The input is four bytes of choices and then the JSON:
//   [0] the case type (every type every plugin declares, in plugin order)
//   [1] bit 0: a reply instead of a case; bit 1: final; the rest: the outcome
//   [2] the origin (a unit allowed to send the type, or a plugin: follow-ups),
//       or for a reply the unit replying
//   [3] the compound (one of the directory, or none)
// Only what the hub would hand over is checked: a JSON object that passes the
// hub's bounded parse (protocol/bounded_json.h; intake refuses the rest). The
// JSON is mutated with its structure (json_mutator.h): deep, wide, long, odd
// numbers and strings. validate() and validate_reply() must not crash,
// must not throw (the SDK's guard turns that into a "failed inside the plugin"
// problem, which is a plugin bug), must give the same answer twice (they are
// pure), and every problem has a valid RFC 6901 pointer and a reason.
// XH_FUZZ_LIST=1 in the environment lists the numbered choices (for seeds).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <spdlog/spdlog.h>

#include "config/loader.h"
#include "json_mutator.h"
#include "plugin_host/plugin_set.h"
#include "protocol/bounded_json.h"

namespace {

using hub::Json;

struct Target {
  const hub::Plugin* plugin;
  std::string name;  // plugin name
  std::string type;
  std::vector<std::string> origins;
};

struct World {
  std::unique_ptr<hub::plugin_host::PluginSet> plugins;
  std::vector<Target> targets;
  std::vector<std::string> units;
  std::vector<std::string> compounds{""};
};

World* world = nullptr;

// Outcomes the plugins know (and one they do not); "" only for progress replies.
const char* const kOutcomes[] = {"",         "done",     "refused", "returned", "judged",  "mediated",
                                 "withdrawn", "recorded", "answered", "filed",    "approved", "settled",
                                 "arrears",  "passed",   "failed",  "no_such_outcome"};

[[noreturn]] void fail(const Target& t, const char* what, const hub::Problem& p) {
  std::fprintf(stderr, "plugin %s, type %s: %s: pointer '%s', reason '%s'\n", t.name.c_str(), t.type.c_str(), what,
               p.pointer.c_str(), p.reason.c_str());
  std::abort();
}

void check(const Target& t, const hub::Problems& problems, const hub::Problems& again) {
  if (problems.size() != again.size()) fail(t, "a second call gave another number of problems", {});
  for (std::size_t i = 0; i < problems.size(); ++i) {
    const hub::Problem& p = problems[i];
    if (p.pointer != again[i].pointer || p.reason != again[i].reason) fail(t, "a second call differs", p);
    if (p.reason.empty()) fail(t, "empty reason", p);
    // What the SDK's guard (hub/plugin.h) answers when the plugin threw.
    if (p.reason.starts_with("validation failed inside the plugin: ") ||
        p.reason.starts_with("reply validation failed inside the plugin: "))
      fail(t, "the plugin threw", p);
    try {
      (void)Json::json_pointer(p.pointer);  // "" or "/..." with ~0 and ~1 escapes only
    } catch (const Json::exception&) {
      fail(t, "not a JSON pointer", p);
    }
  }
}

// The numbered choices of the first four bytes, for writing seeds.
void list_choices() {
  for (std::size_t i = 0; i < world->targets.size(); ++i) {
    std::fprintf(stderr, "type %zu: %s, origins", i, world->targets[i].type.c_str());
    for (std::size_t o = 0; o < world->targets[i].origins.size(); ++o)
      std::fprintf(stderr, " %zu=%s", o, world->targets[i].origins[o].c_str());
    std::fprintf(stderr, "\n");
  }
  for (std::size_t i = 0; i < world->units.size(); ++i)
    std::fprintf(stderr, "unit %zu: %s\n", i, world->units[i].c_str());
  for (std::size_t i = 0; i < world->compounds.size(); ++i)
    std::fprintf(stderr, "compound %zu: '%s'\n", i, world->compounds[i].c_str());
  for (std::size_t i = 0; i < std::size(kOutcomes); ++i)
    std::fprintf(stderr, "outcome %zu: '%s'\n", i, kOutcomes[i]);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  spdlog::set_level(spdlog::level::warn);
  auto loaded = hub::config::load_deployment(std::string(HUB_SOURCE_DIR) + "/config/hub.yaml");
  if (!loaded.ok()) {
    for (const auto& e : loaded.errors) std::fprintf(stderr, "%s\n", e.to_string().c_str());
    std::abort();
  }
  const auto& d = *loaded.deployment;
  auto plugins = hub::plugin_host::PluginSet::load(d.plugins, HUB_MODULE_DIR);
  if (!plugins.ok()) {
    std::fprintf(stderr, "%s\n", plugins.status().message().c_str());
    std::abort();
  }
  world = new World;
  world->plugins = std::move(plugins.value());
  for (const auto& u : d.units) world->units.push_back(u.id);
  for (const auto& c : d.compounds) world->compounds.push_back(c.id);
  for (const auto& pc : d.plugins) {
    const hub::Plugin* p = world->plugins->plugin(pc.name);
    for (const auto& decl : p->case_types()) {
      Target t{p, pc.name, decl.id, {}};
      for (const auto& u : d.units)
        for (const auto& type : u.may_send)
          if (type == decl.id) t.origins.push_back(u.id);
      for (const auto& other : d.plugins) t.origins.push_back("plugin:" + other.name);  // follow-ups
      world->targets.push_back(std::move(t));
    }
  }
  std::fprintf(stderr, "plugin_payloads: %zu case types of %zu plugins, %zu units, %zu compounds\n",
               world->targets.size(), d.plugins.size(), world->units.size(), world->compounds.size() - 1);
  if (std::getenv("XH_FUZZ_LIST") != nullptr) list_choices();
  return 0;
}

// The first four bytes choose; the rest is JSON, mutated with its structure.
extern "C" std::size_t LLVMFuzzerCustomMutator(std::uint8_t* data, std::size_t size, std::size_t max_size,
                                               unsigned int seed) {
  if (size < 4 || max_size < 4) return LLVMFuzzerMutate(data, size, max_size);
  if (seed % 5 == 0) {  // another type, origin, outcome or compound for the same JSON
    data[seed % 4] = static_cast<std::uint8_t>(seed >> 8);
    return size;
  }
  return 4 + hub::fuzz::mutate_json(data + 4, size - 4, max_size - 4, seed);
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 4) return 0;
  const Target& t = world->targets[data[0] % world->targets.size()];
  const bool is_reply = data[1] & 1, is_final = data[1] & 2;
  const std::string outcome = kOutcomes[(data[1] >> 2) % std::size(kOutcomes)];
  const std::string& compound = world->compounds[data[3] % world->compounds.size()];
  // What the hub hands a plugin: an object parsed under the hub's limits (a
  // payload sits one level below the message, so one level less is left).
  hub::protocol::JsonLimits limits;
  limits.max_depth -= 1;
  auto parsed = hub::protocol::parse_bounded(std::string_view(reinterpret_cast<const char*>(data) + 4, size - 4),
                                             limits, /*envelope_strings=*/false);
  if (!std::holds_alternative<Json>(parsed) || !std::get<Json>(parsed).is_object()) return 0;
  Json json = std::move(std::get<Json>(parsed));

  try {
    if (is_reply) {
      if (is_final && outcome.empty()) return 0;  // the protocol refuses a final reply without an outcome
      hub::ReplyView r{1, 1, world->units[data[2] % world->units.size()], is_final, outcome, std::move(json)};
      check(t, t.plugin->validate_reply(t.type, r), t.plugin->validate_reply(t.type, r));
    } else {
      hub::CaseView c{0, t.type, t.origins[data[2] % t.origins.size()], "fuzz-1", compound, std::move(json)};
      check(t, t.plugin->validate(c), t.plugin->validate(c));
    }
  } catch (...) {
    fail(t, "an exception crossed the plugin boundary", {});
  }
  return 0;
}
