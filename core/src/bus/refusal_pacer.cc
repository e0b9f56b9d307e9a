#include "bus/refusal_pacer.h"

namespace hub::bus {

RefusalPacer::Verdict RefusalPacer::refuse(const std::string& unit, SteadyClock::time_point now) {
  Verdict v;
  std::lock_guard lock(mu_);
  auto [it, first] = units_.try_emplace(unit);
  Refusals& r = it->second;
  ++r.since_logged;
  if (first || now - r.answered >= kAnswerEvery) {
    r.answered = now;
    v.answer = true;
  }
  if (first || now - r.logged >= kLogEvery) {
    v.first = first;
    v.to_log = r.since_logged;
    r.logged = now;
    r.since_logged = 0;
  }
  return v;
}

}  // namespace hub::bus
