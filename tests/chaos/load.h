// tests/chaos/load.h: the load generator's units (bench/load_threads.h)
// pointed at a ChaosHub, each keeping its journal under <folder>/journals.
//
// Senders behave like real units' systems: a case without an answer is sent
// again (same reference) after a second, a "retry" answer (busy,
// unavailable) after 200 ms, until it is answered. Receivers journal each
// delivery on disk before they ack it, and beat every 500 ms so that a
// restarted hub sees them at once.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <zmq.hpp>

#include "chaos_hub.h"
#include "journal_check.h"

namespace hub::chaos {

struct LoadOptions {
  bench::Mode mode = bench::Mode::kFanout;
  std::vector<int> senders = {0, 1, 2, 3, 4, 5, 6, 7};    // bench.sNN, from 0
  std::vector<int> receivers = {0, 1, 2, 3, 4, 5, 6, 7};  // bench.rNN that connect
  int rate = 0;                                           // cases/s in all; 0: saturation
  std::int64_t budget = -1;                               // cases to send in all; -1: until stop_sending()
  int window = 256;                                       // unanswered sends per sender at saturation
  int payload_bytes = 300;
  bool journals = true;                                   // false: no journals (and no check)
  std::string tag = "chaos";                              // references are "<tag>-sNN-<seq>"
  double failover_after_s = 2;                            // several hubs: a unit leaves a hub silent this long
};

class Load {
 public:
  Load(ChaosHub& hub, LoadOptions options);
  ~Load();  // stops whatever runs

  // Connects every unit (hello/welcome) and starts its thread.
  Status start();
  bench::ScenarioControl& control() { return control_; }
  void stop_sending() { control_.stop_sending = true; }
  // Waits until every sender has a final answer for every case, and (with
  // `deliveries`) every delivery promised so far reached a receiver. False
  // once nothing moved (no answer, no new receipt) for `stall`: a backlog
  // that still drains is waited for, a hub that stopped delivering is not.
  bool drain(std::chrono::seconds stall, bool deliveries = true);
  // Stops the receivers and joins every thread.
  void stop();

  // After stop(): the journals as the units wrote them.
  CheckInput journals() const;
  // After stop(): sums over the senders / receivers.
  std::int64_t sent() const;
  std::vector<std::int64_t> latencies_ns() const;  // send → first receipt, every receiver
  std::map<std::string, std::int64_t> error_codes() const;  // error and rejection codes the senders were answered
  // Several hubs: accepted answers and first receipts per hub endpoint, and
  // how often the units moved to another hub.
  std::map<std::string, std::int64_t> accepted_at() const;
  std::map<std::string, std::int64_t> received_at() const;
  int failovers() const;
  std::int64_t first_failover_ns() const;  // steady time; 0: none

 private:
  ChaosHub& hub_;
  LoadOptions options_;
  bench::BenchOptions bench_options_;
  bench::Scenario scenario_;
  bench::ScenarioControl control_;
  zmq::context_t context_;
  std::vector<std::unique_ptr<bench::Journal>> journals_;
  std::vector<std::string> sender_journal_paths_, receiver_journal_paths_;
  std::vector<std::unique_ptr<bench::Sender>> senders_;
  std::vector<std::unique_ptr<bench::Receiver>> receivers_;
  std::vector<std::thread> threads_;
  bool stopped_ = false;
};

}  // namespace hub::chaos
