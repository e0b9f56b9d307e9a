#include "journal_check.h"

#include <sstream>
#include <unordered_map>

#include <fmt/format.h>

namespace hub::chaos {
namespace {

constexpr std::size_t kProblemsShown = 20;

std::vector<std::string> split(const std::string& line, char sep) {
  std::vector<std::string> out;
  std::string item;
  std::istringstream in(line);
  while (std::getline(in, item, sep)) out.push_back(item);
  if (!line.empty() && line.back() == sep) out.emplace_back();
  return out;
}

std::int64_t number(const std::string& s) {
  try {
    return std::stoll(s);
  } catch (const std::exception&) {
    return 0;
  }
}

class Problems {
 public:
  explicit Problems(Verdict& v) : v_(v) {}
  template <class... A>
  void add(fmt::format_string<A...> f, A&&... a) {
    ++v_.problem_count;
    if (v_.problems.size() < kProblemsShown) v_.problems.push_back(fmt::format(f, std::forward<A>(a)...));
  }

 private:
  Verdict& v_;
};

// receiver → case → the delivery ids it was received under.
using Received = std::map<std::string, std::unordered_map<std::int64_t, std::set<std::int64_t>>>;

const std::set<std::int64_t>* delivery_ids(const Received& received, const std::string& receiver, std::int64_t case_id) {
  const auto r = received.find(receiver);
  if (r == received.end()) return nullptr;
  const auto c = r->second.find(case_id);
  return c == r->second.end() ? nullptr : &c->second;
}

}  // namespace

SenderJournal read_sender_journal(std::istream& in, const std::string& unit) {
  SenderJournal j;
  j.unit = unit;
  for (std::string line; std::getline(in, line);) {
    const auto f = split(line, '\t');
    if (f.size() == 2 && f[0] == "sent") {
      j.sent.insert(f[1]);
    } else if (f.size() == 5 && f[0] == "accepted") {
      Acceptance a;
      a.case_id = number(f[2]);
      for (const auto& d : split(f[4], ',')) {
        const auto colon = d.find(':');
        if (colon != std::string::npos) a.deliveries[d.substr(colon + 1)] = number(d.substr(0, colon));
      }
      auto [it, first] = j.accepted.emplace(f[1], a);
      if (!first && (it->second.case_id != a.case_id || it->second.deliveries != a.deliveries))
        j.problems.push_back(fmt::format("{}: reference {} accepted as case {} and again as case {}", unit, f[1],
                                         it->second.case_id, a.case_id));
    } else if (f.size() == 3 && f[0] == "refused") {
      j.refused[f[1]] = f[2];
    } else if (!line.empty()) {
      j.problems.push_back(unit + ": unreadable journal line: " + line);
    }
  }
  return j;
}

std::vector<Receipt> read_receiver_journal(std::istream& in) {
  std::vector<Receipt> out;
  for (std::string line; std::getline(in, line);) {
    const auto f = split(line, '\t');
    if (f.size() != 5 || f[0] != "delivery") continue;
    out.push_back({number(f[1]), number(f[2]), f[3], static_cast<int>(number(f[4]))});
  }
  return out;
}

std::string Verdict::line(std::uint64_t seed) const {
  return fmt::format("sent={} accepted={} delivered={} lost={} duplicated={} seed={}", sent, accepted, delivered, lost,
                     duplicated, seed);
}

Verdict check(const CheckInput& input) {
  Verdict v;
  Problems problems(v);
  Received received;
  std::unordered_map<std::int64_t, std::int64_t> receipts_of;
  std::unordered_map<std::string, const Acceptance*> accepted_by_reference;
  for (const auto& s : input.senders)
    for (const auto& [reference, a] : s.accepted) accepted_by_reference[reference] = &a;

  for (const auto& [receiver, receipts] : input.receivers)
    for (const auto& r : receipts) {
      received[receiver][r.case_id].insert(r.delivery);
      ++receipts_of[r.delivery];
      const auto a = accepted_by_reference.find(r.reference);
      if (a == accepted_by_reference.end())
        problems.add("{} got delivery {} of case {} ({}), which no sender was told was accepted", receiver, r.delivery,
                     r.case_id, r.reference);
      else if (a->second->case_id != r.case_id)
        problems.add("{} got reference {} as case {}, but it was accepted as case {}", receiver, r.reference, r.case_id,
                     a->second->case_id);
    }
  for (const auto& [delivery, n] : receipts_of) v.duplicated += n - 1;

  for (const auto& s : input.senders) {
    for (const auto& p : s.problems) problems.add("{}", p);
    v.sent += static_cast<std::int64_t>(s.sent.size());
    v.accepted += static_cast<std::int64_t>(s.accepted.size());
    v.refused += static_cast<std::int64_t>(s.refused.size());
    for (const auto& [reference, code] : s.refused) problems.add("{}: {} was refused ({})", s.unit, reference, code);
    for (const auto& reference : s.sent)
      if (!s.accepted.count(reference) && !s.refused.count(reference)) {
        ++v.unanswered;
        problems.add("{}: {} was sent and never answered", s.unit, reference);
      }
    const std::vector<std::string> route = input.route(s.unit);
    const std::set<std::string> route_set(route.begin(), route.end());
    for (const auto& [reference, a] : s.accepted) {
      v.expected += static_cast<std::int64_t>(route.size());
      const auto stored = input.stored.find(reference);
      if (stored == input.stored.end() || stored->second != a.case_id) {
        v.lost += static_cast<std::int64_t>(route.size());
        problems.add("{}: {} was accepted as case {} but the hub's database {}", s.unit, reference, a.case_id,
                     stored == input.stored.end() ? std::string("does not have it")
                                                  : "holds it as case " + std::to_string(stored->second));
        continue;
      }
      std::set<std::string> promised;
      for (const auto& [receiver, id] : a.deliveries) promised.insert(receiver);
      if (promised != route_set)
        problems.add("{}: case {} was accepted with deliveries to {} receivers, the route names {}", s.unit, a.case_id,
                     promised.size(), route_set.size());
      for (const auto& receiver : route) {
        const std::set<std::int64_t>* ids = delivery_ids(received, receiver, a.case_id);
        if (ids == nullptr) {
          ++v.lost;
          problems.add("LOST: case {} ({} from {}) never reached {}", a.case_id, reference, s.unit, receiver);
          continue;
        }
        ++v.delivered;
        if (ids->size() > 1)
          problems.add("case {} reached {} under {} different delivery ids", a.case_id, receiver, ids->size());
        const auto promised_id = a.deliveries.find(receiver);
        if (promised_id != a.deliveries.end() && !ids->count(promised_id->second))
          problems.add("case {} reached {} as delivery {}, the answer promised delivery {}", a.case_id, receiver,
                       *ids->begin(), promised_id->second);
      }
    }
  }
  return v;
}

}  // namespace hub::chaos
