// tests/chaos/journal_check.h: what the units' own journals say about the hub.
//
// The chaos tests never trust the hub's account of itself: senders journal
// every case they sent and every answer, receivers every delivery they got
// (on disk before they ack, bench/journal.h). check() compares those journals
// with the routes and with what the database holds, and counts:
//   lost        a delivery the route names for an accepted case that no
//               receiver journal shows, or an accepted case not stored;
//   duplicated  receipts beyond the first of a delivery id (at-least-once);
// and lists every broken promise as a problem: a case delivered that was
// never accepted, one reference accepted as two cases, a case delivered to
// one receiver under two delivery ids, deliveries that differ from the route.
//
// Journal lines (tab-separated):
//   sender:   sent REF | accepted REF CASE DUP DELIVERY:UNIT,... | refused REF CODE
//   receiver: delivery DELIVERY CASE REF ATTEMPT
#pragma once

#include <cstdint>
#include <functional>
#include <istream>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace hub::chaos {

struct Acceptance {
  std::int64_t case_id = 0;
  std::map<std::string, std::int64_t> deliveries;  // receiver → delivery id
};

struct SenderJournal {
  std::string unit;
  std::set<std::string> sent;
  std::map<std::string, Acceptance> accepted;  // the first acceptance of each reference
  std::map<std::string, std::string> refused;  // reference → error code
  std::vector<std::string> problems;           // e.g. a reference accepted as two cases
};

struct Receipt {
  std::int64_t delivery = 0;
  std::int64_t case_id = 0;
  std::string reference;
  int attempt = 0;
};

SenderJournal read_sender_journal(std::istream& in, const std::string& unit);
std::vector<Receipt> read_receiver_journal(std::istream& in);

struct CheckInput {
  std::vector<SenderJournal> senders;
  std::map<std::string, std::vector<Receipt>> receivers;  // receiver unit → its receipts
  // The receivers the route names for a case from `sender`.
  std::function<std::vector<std::string>(const std::string& sender)> route;
  std::map<std::string, std::int64_t> stored;  // reference → case id in the hub's database
};

struct Verdict {
  std::int64_t sent = 0, accepted = 0, refused = 0, unanswered = 0;
  std::int64_t expected = 0;   // deliveries the routes name for accepted cases
  std::int64_t delivered = 0;  // of those, received at least once
  std::int64_t lost = 0, duplicated = 0;
  std::int64_t problem_count = 0;
  std::vector<std::string> problems;  // the first few, for the report

  bool ok() const { return lost == 0 && problem_count == 0 && unanswered == 0 && refused == 0; }
  // "sent=N accepted=N delivered=N lost=N duplicated=N seed=S"
  std::string line(std::uint64_t seed) const;
};

Verdict check(const CheckInput& input);

}  // namespace hub::chaos
