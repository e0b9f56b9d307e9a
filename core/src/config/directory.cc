#include "config/directory.h"

namespace hub {
namespace {

template <class Map>
const typename Map::mapped_type* find(const Map& map, std::string_view id) {
  const auto it = map.find(id);
  return it == map.end() ? nullptr : &it->second;
}

}  // namespace

Directory::Directory(const config::Deployment& deployment) {
  for (const config::Compound& compound : deployment.compounds) compounds_.emplace(compound.id, compound);
  for (const config::Community& community : deployment.communities) communities_.emplace(community.id, community);
  for (const config::Zone& zone : deployment.zones) zones_.emplace(zone.id, zone);
}

const config::Compound* Directory::compound(std::string_view id) const { return find(compounds_, id); }

const config::Zone* Directory::zone_of_compound(std::string_view compound_id) const {
  const config::Compound* compound = find(compounds_, compound_id);
  if (!compound) return nullptr;
  const config::Community* community = find(communities_, compound->community);
  return community ? find(zones_, community->zone) : nullptr;
}

std::string Directory::resolve(std::string_view compound_id, std::string_view role) const {
  const config::Compound* compound = find(compounds_, compound_id);
  if (!compound) return {};
  if (role == "servicer") {
    if (!compound->company.empty()) return compound->company;
    if (!compound->custodian.empty()) return compound->custodian;
    return compound->community;
  }
  if (role == "company") return compound->company;
  if (role == "custodian") return compound->custodian;
  if (role == "community") return compound->community;
  if (role == "team") return compound->team;
  if (role == "committee") return compound->committee.empty() ? compound->community : compound->committee;
  const config::Zone* zone = zone_of_compound(compound_id);
  if (!zone) return {};
  if (role == "zone") return zone->id;
  if (role == "subdistrict") return zone->subdistrict;
  if (role == "zone.cgj") return zone->cgj;
  if (role == "zone.group") return zone->group;
  return {};
}

nlohmann::json Directory::describe(std::string_view compound_id) const {
  const config::Compound* compound = find(compounds_, compound_id);
  if (!compound) return nullptr;
  const config::Zone* zone = zone_of_compound(compound_id);
  return {{"id", compound->id},
          {"name", compound->name},
          {"community", compound->community},
          {"zone", zone ? zone->id : ""},
          {"subdistrict", zone ? zone->subdistrict : ""},
          {"zone_cgj", zone ? zone->cgj : ""},
          {"zone_group", zone ? zone->group : ""},
          {"class", compound->klass},
          {"company", compound->company},
          {"custodian", compound->custodian},
          {"team", compound->team},
          {"committee", compound->committee},
          {"servicer", resolve(compound_id, "servicer")}};
}

std::string Directory::zone_of(std::string_view compound) const { return resolve(compound, "zone"); }

std::string Directory::subdistrict_of(std::string_view compound) const { return resolve(compound, "subdistrict"); }

Status Directory::apply_override(std::string_view compound_id, std::string_view field, std::string unit) {
  const auto it = compounds_.find(compound_id);
  if (it == compounds_.end()) return Status::NotFound("unknown compound '" + std::string(compound_id) + "'");
  if (field == "company") {
    it->second.company = std::move(unit);
  } else if (field == "custodian") {
    it->second.custodian = std::move(unit);
  } else {
    return Status::InvalidArgument("cannot override '" + std::string(field) +
                                   "' of a compound (expected 'company' or 'custodian')");
  }
  return {};
}

}  // namespace hub
