#include "growth_deployment.h"

#include <algorithm>
#include <fstream>

#include <fmt/format.h>

namespace hub::bench {
namespace {

constexpr int kFixedUnits = 8;  // senders and receivers of the rules, compounds and history dimensions

// Units the directory names that never connect: the zone's offices and the community.
constexpr const char* kSubdistrict = "g.subdistrict";
constexpr const char* kCgj = "g.cgj";
constexpr const char* kCommunity = "g.community";

std::string region_id(std::int64_t k) { return fmt::format("r{:05d}", k); }
std::string compound_id(std::int64_t k) { return fmt::format("c{:06d}", k); }
std::string growth_unit_id(std::int64_t k) { return fmt::format("g.u{:04d}", k + 1); }

bool uses_directory(GrowthDimension d) { return d == GrowthDimension::kCompounds || d == GrowthDimension::kUnits; }

}  // namespace

const char* dimension_name(GrowthDimension d) {
  switch (d) {
    case GrowthDimension::kRules: return "rules";
    case GrowthDimension::kCompounds: return "compounds";
    case GrowthDimension::kUnits: return "units";
    case GrowthDimension::kHistory: return "history";
  }
  return "?";
}

GrowthPlan growth_plan(GrowthDimension d, std::int64_t level) {
  GrowthPlan p;
  p.dimension = d;
  p.level = level;
  if (d == GrowthDimension::kUnits) {
    for (std::int64_t k = 0; k < level; ++k) {
      p.units.push_back(growth_unit_id(k));
      p.senders.push_back(static_cast<int>(k));
      p.receivers.push_back(static_cast<int>(k));
    }
    return p;
  }
  for (int i = 0; i < kFixedUnits; ++i) {
    p.units.push_back(sender_id(i));
    p.senders.push_back(i);
  }
  for (int i = 0; i < kFixedUnits; ++i) {
    p.units.push_back(receiver_id(i));
    p.receivers.push_back(kFixedUnits + i);
  }
  return p;
}

GrowthCase GrowthPlan::case_of(int s, std::uint64_t n) const {
  const auto spread = static_cast<std::int64_t>(n * senders.size() + static_cast<std::uint64_t>(s));
  GrowthCase c;
  switch (dimension) {
    case GrowthDimension::kRules: {
      const std::int64_t rule = spread % level;
      c.region = region_id(rule);
      c.receiver = receivers[static_cast<std::size_t>(rule % kFixedUnits)];
      break;
    }
    case GrowthDimension::kCompounds: {
      const std::int64_t k = spread % level;
      c.compound = compound_id(k);
      c.receiver = receivers[static_cast<std::size_t>(k % kFixedUnits)];
      break;
    }
    case GrowthDimension::kUnits: {
      const std::int64_t k = (s + 1) % level;
      c.compound = compound_id(k);
      c.receiver = static_cast<int>(k);
      break;
    }
    case GrowthDimension::kHistory:
      c.receiver = receivers[static_cast<std::size_t>(s)];
      break;
  }
  return c;
}

Result<ScenarioDeployment> write_growth_deployment(const std::string& folder, const std::string& tag,
                                                   const GrowthPlan& plan, const std::string& conninfo,
                                                   const std::string& module_dir) {
  auto paths = scenario_paths(folder, tag);
  if (!paths.ok()) return paths.status();
  const ScenarioDeployment& s = *paths;

  std::ofstream y(s.config_path);
  y << "# hub_bench --growth deployment: " << dimension_name(plan.dimension) << " at level " << plan.level
    << " (written by the bench; edits are lost)\n";
  write_deployment_head(y, s, folder, conninfo, module_dir, {"region: {type: string}"});
  for (std::size_t i = 0; i < plan.units.size(); ++i) {
    const bool sends = std::find(plan.senders.begin(), plan.senders.end(), static_cast<int>(i)) != plan.senders.end();
    y << "  - {id: " << plan.units[i] << ", name: 压测单位" << i + 1 << ", adapter: zmq"
      << (sends ? ", may_send: [bench.case]" : "") << "}\n";
  }
  if (uses_directory(plan.dimension)) {
    for (const char* u : {kSubdistrict, kCgj, kCommunity}) y << "  - {id: " << u << ", name: 压测" << u << ", adapter: zmq}\n";
    y << "directory:\n"
      << "  zones:\n"
      << "    - {id: gzone, name: 压测片区, subdistrict: " << kSubdistrict << ", cgj: " << kCgj << "}\n"
      << "  communities:\n"
      << "    - {id: " << kCommunity << ", name: 压测社区, zone: gzone}\n"
      << "  compounds:\n";
    for (std::int64_t k = 0; k < plan.level; ++k) {
      const std::string company = plan.dimension == GrowthDimension::kUnits
                                      ? plan.units[static_cast<std::size_t>(k)]
                                      : plan.units[static_cast<std::size_t>(plan.receivers[static_cast<std::size_t>(k % kFixedUnits)])];
      y << "    - {id: " << compound_id(k) << ", name: 压测小区" << k << ", community: " << kCommunity
        << ", company: " << company << ", class: B}\n";
    }
  }
  y << "routes:\n";
  switch (plan.dimension) {
    case GrowthDimension::kRules:
      for (std::int64_t k = 0; k < plan.level; ++k)
        y << "  - {id: rule_" << k << ", match: {type: bench.case, fields: {\"/region\": " << region_id(k)
          << "}}, to: [" << plan.units[static_cast<std::size_t>(plan.receivers[static_cast<std::size_t>(k % kFixedUnits)])]
          << "]}\n";
      break;
    case GrowthDimension::kCompounds:
    case GrowthDimension::kUnits:
      y << "  - {id: by_company, match: {type: bench.case}, to: [compound.company]}\n";
      break;
    case GrowthDimension::kHistory:
      for (std::size_t i = 0; i < plan.senders.size(); ++i)
        y << "  - {id: s" << i + 1 << ", match: {type: bench.case, origin: "
          << plan.units[static_cast<std::size_t>(plan.senders[i])] << "}, to: ["
          << plan.units[static_cast<std::size_t>(plan.receivers[i])] << "]}\n";
      break;
  }
  y.close();
  if (!y) return Status::Unavailable("cannot write " + s.config_path);
  if (Status loads = check_deployment(s); !loads.ok()) return loads;
  return s;
}

std::vector<std::string> growth_directory_units() { return {kSubdistrict, kCgj, kCommunity}; }

}  // namespace hub::bench
