// config/unit_key_checks.cc: checks of the units' keys once every file is read
// (check_unit_keys in sections.h).
#include <map>

#include "config/sections.h"
#include "keys/key_file.h"

namespace hub::config {
namespace {

std::string named(const Unit& unit, bool previous) {
  return "unit " + unit.id + (previous ? "'s previous_key" : "");
}

// The hub's own public keys: the public line of each adapter's
// secret_key_file setting (the zmq adapter's key pair). A file this process
// cannot read is skipped here: the adapter reads it at start and says why.
std::map<std::string, std::string> hub_public_keys(const Deployment& d) {
  std::map<std::string, std::string> out;  // key -> the adapter it belongs to
  for (const AdapterConfig& adapter : d.adapters) {
    const auto file = adapter.settings.find("secret_key_file");
    if (file == adapter.settings.end() || !file->is_string()) continue;
    if (const auto pair = keys::read(file->get<std::string>()); pair.ok()) out.emplace(pair->public_key, adapter.name);
  }
  return out;
}

}  // namespace

void check_unit_keys(LoadContext& ctx) {
  const Deployment& d = ctx.deployment;
  const auto hub_keys = hub_public_keys(d);
  std::map<std::string, const UnitKeyPlace*> first_place;  // by key
  for (const UnitKeyPlace& place_of_key : ctx.unit_key_places) {
    const Unit& unit = d.units[place_of_key.unit];
    const std::string& key = place_of_key.previous ? unit.previous_key->public_key : unit.public_key;
    if (unit.id.empty() || key.empty()) continue;  // already reported
    if (const auto hub = hub_keys.find(key); hub != hub_keys.end())
      ctx.diag.error(place_of_key.where, place_of_key.key,
                     named(unit, place_of_key.previous) + " is the hub's own public key " + keys::fingerprint(key) +
                         " (adapter " + hub->second + "'s secret_key_file): whoever holds the hub's key pair could "
                         "act as this unit; give the unit a pair of its own ('hubctl keygen --unit " + unit.id + "')");
    const auto [earlier, inserted] = first_place.emplace(key, &place_of_key);
    if (inserted) continue;
    const UnitKeyPlace& first = *earlier->second;
    ctx.diag.error(place_of_key.where, place_of_key.key,
                   named(unit, place_of_key.previous) + " is the key " + keys::fingerprint(key) + " that " +
                       named(d.units[first.unit], first.previous) + " has too (" + place(first.where) +
                       "): a key must name one unit; generate a pair for each ('hubctl keygen --unit ID') and give "
                       "each unit its own .pub");
  }
}

}  // namespace hub::config
