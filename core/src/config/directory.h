// config/directory.h: the compound directory, compiled from a Deployment.
//
// Answers "who is <role> of compound X" so that a case naming only its
// compound reaches the right company, community, team and offices. Each
// compound's community gives its zone, and the zone its sub-district and its
// urban-management staff.
//
// Thread-safety: const methods may be called from many threads at once as long
// as nobody calls apply_override() concurrently; callers that apply overrides
// while others read must synchronise (e.g. a shared_mutex, or swapping in a new
// Directory).
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <unordered_map>

#include "config/model.h"
#include "hub/status.h"

namespace hub {

class Directory {
 public:
  // Roles a route may address as "compound.<role>"; each resolves to a unit id.
  static constexpr std::array<std::string_view, 9> kUnitRoles = {
      "servicer", "company", "custodian", "community", "subdistrict", "zone.cgj", "zone.group", "team", "committee"};

  // REQUIRES: deployment was loaded without errors (every reference resolves).
  explicit Directory(const config::Deployment& deployment);

  // The compound, or nullptr when unknown. The pointer lives as long as the
  // Directory; apply_override() changes what it points to.
  const config::Compound* compound(std::string_view id) const;

  // The unit id holding `role` for `compound`, or "" when the compound is
  // unknown, the role is unknown, or nobody holds it (no company, no team).
  // Roles: those of kUnitRoles, where "servicer" is the company if there is
  // one, else the custodian if there is one, else the community; plus "zone",
  // which gives the zone id rather than a unit. "committee" is the owners'
  // committee, else the community, which acts for it where there is none.
  std::string resolve(std::string_view compound, std::string_view role) const;
  // The compound's entry as plugins see it: {"id", "name", "community",
  // "zone", "subdistrict", "class", "company", "custodian", "team",
  // "servicer", "zone_group", "zone_cgj", "committee"}; null for an unknown
  // compound. "committee" is "" where the compound has none.
  nlohmann::json describe(std::string_view compound) const;
  std::string zone_of(std::string_view compound) const;         // zone id, or ""
  std::string subdistrict_of(std::string_view compound) const;  // unit id, or ""

  // Sets the compound's "company" or "custodian" to `unit` ("" clears it): the
  // run-time overrides (a company's exit, custody, a successor) stored with a
  // date in the database on top of the files. NotFound for an unknown
  // compound, InvalidArgument for another field. Does not check that the unit exists.
  Status apply_override(std::string_view compound, std::string_view field, std::string unit);

 private:
  struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
  };
  template <class Value>
  using Index = std::unordered_map<std::string, Value, StringHash, std::equal_to<>>;

  const config::Zone* zone_of_compound(std::string_view compound) const;

  Index<config::Compound> compounds_;
  Index<config::Community> communities_;
  Index<config::Zone> zones_;
};

}  // namespace hub
