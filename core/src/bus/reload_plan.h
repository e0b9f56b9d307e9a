// bus/reload_plan.h: what a configuration reload (SIGHUP) may change.
//
// Units (with their keys and what they may send), case types' names and
// limits, routes, the compound directory, the calendar, the escalation chains
// and the delivery policy take effect at a reload, without dropping a
// connection, as does hub.credentials.max_clock_skew_seconds (read at every
// check). The hub's own other settings (id, database, folders, socket, payload
// limit, heartbeat, the credentials' key file), the plugins and the adapters are fixed while hubd runs:
// a new config that changes them is refused whole, and these functions say
// why. Pure functions.
#pragma once

#include <string>
#include <vector>

#include "config/model.h"

namespace hub::bus {

// What `next` changes that only a restart can apply (empty: a reload can).
std::vector<std::string> changes_needing_restart(const config::Deployment& running, const config::Deployment& next);

// One line for the log: counts, and the units and routes added or removed,
// e.g. "units 33 (+1: test.new), case types 24, routes 41 (+1: r9, -1: r3), compounds 12",
// followed by describe_key_changes when a key changed.
std::string describe_reload(const config::Deployment& running, const config::Deployment& next);

// The units whose keys change, with keys by fingerprint only (keys::fingerprint):
// "keys changed for 2 unit(s): registry (Ab3dEf9x… -> K8f2Lm0p…, previous Ab3dEf9x… until
// 2026-12-03T18:00:00+08:00); test.new (new unit: Zq0r…)". Empty when none changed.
std::string describe_key_changes(const config::Deployment& running, const config::Deployment& next);

}  // namespace hub::bus
