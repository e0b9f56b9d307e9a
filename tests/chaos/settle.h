// tests/chaos/settle.h: the end of every chaos run: stop sending, let the hub
// deliver what it accepted, stop it cleanly (SIGTERM must exit 0), and judge
// the units' journals against the routes and the database (journal_check.h).
#pragma once

#include <chrono>
#include <cstdint>

#include "chaos_hub.h"
#include "journal_check.h"
#include "load.h"

namespace hub::chaos {

struct Settled {
  Verdict verdict;
  bool drained = false;  // every send answered and every promised delivery received
  double drain_s = 0;    // how long that took after the senders stopped
  int hubd_exit = -1;    // on SIGTERM
  bool ok() const { return verdict.ok() && drained && hubd_exit == 0; }
};

// Prints the verdict line and every problem found.
// `stall`: the drain gives up when nothing moved for that long (Load::drain).
Settled settle_and_check(ChaosHub& hub, Load& load, std::uint64_t seed, std::chrono::seconds stall);

}  // namespace hub::chaos
