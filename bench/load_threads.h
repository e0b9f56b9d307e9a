// bench/load_threads.h: the member units' systems, one thread each.
//
// A Sender is one sending unit (bench.sNN): a DEALER with the unit's CURVE key
// that sends `send` messages of case type bench.case and matches every answer
// (accepted / rejected / error) to its reference. At saturation it keeps a
// bounded window of unanswered sends; at a fixed rate it sends on a schedule
// (waiting in zmq_poll until the next slot, never spinning).
//
// A Receiver is one receiving unit (bench.rNN): it sends hello, then acks every
// delivery as soon as it arrives and records the end-to-end latency (the send
// time travels in the payload: steady_clock of this process).
//
// Connect and hello happen on the calling thread (connect()); run() then owns
// the socket on its own thread. A unit given other hubs' endpoints moves to
// the next one when its hub stops answering (bench/hub_link.h). Results are read after the thread is joined.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include <nlohmann/json.hpp>
#include <zmq.hpp>

#include "hub_link.h"
#include "journal.h"
#include "options.h"
#include "util/result.h"

namespace hub::bench {

// Nanoseconds of std::chrono::steady_clock.
std::int64_t steady_ns();

// Shared by the main thread and every load thread of one scenario.
struct ScenarioControl {
  std::int64_t start_ns = 0;         // senders begin
  std::int64_t window_begin_ns = 0;  // the measured window
  std::int64_t window_end_ns = 0;    // senders send nothing new from here on
  std::int64_t drain_deadline_ns = 0;
  std::atomic<bool> stop_receivers{false};
  std::atomic<bool> abort{false};  // Ctrl-C or a fatal error: everyone stops now
  std::atomic<std::int64_t> expected_deliveries{0};  // from accepted answers
  std::atomic<std::int64_t> received_distinct{0};    // first receipts
  std::atomic<int> senders_running{0};
  // Set while the threads run (tests/chaos):
  std::atomic<bool> stop_sending{false};               // like window_end_ns, but decided later
  std::atomic<std::int64_t> send_budget{-1};           // new cases all senders may still send; -1: no limit
  std::atomic<std::int64_t> accepted_total{0};         // accepted answers (first per reference)
  std::atomic<std::int64_t> outstanding_total{0};      // sends without a final answer now
  std::atomic<std::int64_t> retry_answers{0};          // busy / unavailable answers
  std::int64_t heartbeat_every_ns = 3'000'000'000;     // receivers' heartbeat when otherwise silent
  // Units with other hubs to go to (UnitConnection::fallbacks) leave a hub
  // that answered nothing for this long (bench/hub_link.h).
  std::int64_t failover_after_ns = 10'000'000'000;

  bool in_window(std::int64_t t) const { return t >= window_begin_ns && t < window_end_ns; }
};


struct SenderResult {
  std::int64_t sent = 0, sent_in_window = 0;  // new cases (resends not counted)
  std::int64_t accepted = 0, accepted_in_window = 0;  // answers, by arrival time
  std::int64_t duplicate_answers = 0;  // accepted with duplicate=true
  std::int64_t parked = 0;             // accepted, but no route matched
  std::int64_t rejected = 0, busy = 0, other_errors = 0;  // whole run
  std::int64_t busy_in_window = 0, rejected_in_window = 0, other_errors_in_window = 0;
  std::int64_t skipped_slots = 0;      // paced: slots not used because the window of unanswered sends was full
  std::int64_t resends = 0;            // same reference again after 10 s without an answer
  std::int64_t unanswered = 0;         // still without answer when the drain ended
  std::int64_t dropped = 0;            // flooding sender: never answered (dropped unread by the hub's quota)
  std::int64_t unmatched_answers = 0;  // answers to no outstanding reference
  int failovers = 0;                   // moves to another hub
  std::int64_t first_failover_ns = 0;  // steady time of the first
  std::map<std::string, std::int64_t> accepted_at;  // accepted answers per hub endpoint
  std::map<std::string, std::int64_t> codes;  // rejected/error codes
  std::vector<std::int64_t> accept_latency_ns;  // send → accepted, sends in the window
  struct Expected {
    std::int64_t delivery;
    int receiver;
    std::int64_t case_id;
  };
  std::vector<Expected> expected;  // deliveries promised by accepted answers
  std::string failure;
};

struct ReceiverResult {
  std::int64_t messages = 0;
  std::int64_t deliveries = 0;  // every delivery message, resends included
  std::int64_t first_receipts = 0;
  std::int64_t repeats = 0;     // a delivery id seen again (redelivery)
  std::int64_t acks_sent = 0, acks_in_window = 0;
  std::int64_t errors = 0;      // error answers (e.g. busy on an ack)
  std::int64_t busy_in_window = 0, other_errors_in_window = 0;
  std::int64_t foreign = 0;     // deliveries of cases not sent in this scenario
  std::int64_t unparsable = 0;
  int max_attempt = 0;
  int failovers = 0;  // moves to another hub
  std::int64_t first_failover_ns = 0;  // steady time of the first
  std::map<std::string, std::int64_t> deliveries_at;  // first receipts per hub endpoint
  std::map<std::string, std::int64_t> codes;
  std::vector<std::int64_t> latency_ns;  // send → first receipt, cases sent in the window
  std::unordered_set<std::int64_t> seen;
  std::string failure;
};

// What ScenarioRun (main.cc) needs of a sending or receiving unit, whatever
// its transport: connect before the load starts, run on a thread of its own
// until the scenario ends, results read after the thread is joined.
class SendingUnit {
 public:
  virtual ~SendingUnit() = default;
  virtual Status connect(int timeout_ms) = 0;
  // Ends by decrementing control.senders_running once.
  virtual void run() noexcept = 0;
  virtual const SenderResult& result() const = 0;
};

class ReceivingUnit {
 public:
  virtual ~ReceivingUnit() = default;
  virtual Status connect(int timeout_ms) = 0;
  // Returns once control.stop_receivers or control.abort is set.
  virtual void run() noexcept = 0;
  virtual const ReceiverResult& result() const = 0;
};

// The members of a bench case after "kind" (reference, type, compound and a
// payload whose body starts "t=<stamp_ns>;" and is filled to payload_bytes):
// `{"kind":"send",` + fields + `}` over ZeroMQ, `{` + fields + `}` as the
// body of POST /v1/cases.
class CaseFields {
 public:
  explicit CaseFields(int payload_bytes);
  // Appends the fields of case `reference` to `out`.
  void append(std::string& out, const std::string& reference, std::int64_t stamp_ns) const;

 private:
  std::size_t payload_bytes_;
  std::string padding_;
};

// Records the deliveries an "accepted" answer promises (case `case_id`) in
// r.expected and in `journal_line` when not null; returns how many.
std::int64_t record_promised(const nlohmann::json& accepted, std::int64_t case_id, SenderResult& r,
                             std::string* journal_line);

// Counts a refusal (kind "rejected" or "error", with its code) in `r`; true
// when the hub said busy (the sender should pause before sending more).
bool count_refusal(const std::string& kind, const std::string& code, bool in_window, SenderResult& r);

// Adds `from` to `into` (counts summed, samples and promises appended).
void merge_into(SenderResult& into, const SenderResult& from);

// What a receiving unit does with one message from the hub, whatever its
// transport: counts it in `r` (first receipts, repeats, latency of cases sent
// in the window, error answers), journals a delivery, and returns the
// delivery's id when the message is a delivery (to be acked), else nullopt.
// `endpoint` names where it came from (ReceiverResult::deliveries_at).
std::optional<std::int64_t> tally_message(const std::string& body, std::int64_t now, const std::string& prefix,
                                          const std::string& endpoint, ScenarioControl& control, ReceiverResult& r,
                                          Journal* journal);

class Sender : public SendingUnit {
 public:
  Sender(zmq::context_t& ctx, UnitConnection unit, int index, const Scenario& scenario, const BenchOptions& options,
         std::string reference_prefix, ScenarioControl& control);
  // Connects and waits for "welcome".
  Status connect(int timeout_ms) override;
  void run() noexcept override;
  const SenderResult& result() const override { return r_; }
  // Records every new send, accepted answer and final refusal (before run()).
  void set_journal(Journal* journal) { journal_ = journal; }

 private:
  struct Outstanding {
    std::int64_t first_sent_ns;
    std::int64_t last_sent_ns;
    int sends = 1;  // > 1 after a resend: an earlier copy may still be stored
  };
  bool send_case(std::uint64_t seq, std::int64_t stamp_ns);  // false: would block
  // Sends case `seq` for the first time; false when it would block or the budget is spent.
  bool send_new(std::uint64_t seq, std::int64_t now);
  void finish(std::map<std::uint64_t, Outstanding>::iterator it);
  void handle(const std::string& body, std::int64_t now);
  void resend_overdue(std::int64_t now);
  // The hub stopped answering: the next one, hello, and every outstanding case sent again.
  void fail_over(std::int64_t now);
  void loop();

  zmq::socket_t socket_;
  UnitConnection unit_;
  HubLink link_;
  int index_;
  Scenario scenario_;
  const BenchOptions& options_;
  std::string prefix_;  // "<tag>-<sNN>-"
  CaseFields fields_;
  ScenarioControl& control_;
  std::uint64_t next_seq_ = 1;
  std::map<std::uint64_t, Outstanding> outstanding_;
  std::int64_t pause_until_ns_ = 0;
  Journal* journal_ = nullptr;
  SenderResult r_;
};

class Receiver : public ReceivingUnit {
 public:
  Receiver(zmq::context_t& ctx, UnitConnection unit, int index, std::string reference_prefix, ScenarioControl& control);
  Status connect(int timeout_ms) override;
  void run() noexcept override;
  const ReceiverResult& result() const override { return r_; }
  // Records every delivery, on disk before it is acked (before run()).
  void set_journal(Journal* journal) { journal_ = journal; }

 private:
  void handle(const std::string& body, std::int64_t now);
  void send(const std::string& body);
  void send_acks();

  zmq::socket_t socket_;
  UnitConnection unit_;
  HubLink link_;
  int index_;
  std::string prefix_;  // "<tag>-" of this scenario's references
  ScenarioControl& control_;
  std::int64_t last_send_ns_ = 0;
  std::vector<std::int64_t> acks_;  // deliveries of this round, acked after the journal is synced
  Journal* journal_ = nullptr;
  ReceiverResult r_;
};

}  // namespace hub::bench
