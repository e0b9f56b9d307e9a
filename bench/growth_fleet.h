// bench/growth_fleet.h: the units of a growth plan, many DEALER sockets driven
// by a few threads.
//
// Unlike bench/load_threads.h (one thread per unit), a Fleet spreads its units
// over `threads` threads, each of which waits in one zmq_poll over all of its
// sockets: 1,000 connected units cost 1,000 sockets, not 1,000 threads. Every
// unit acks each delivery at once (and each update), and sends a heartbeat
// when silent for 3 s. Senders send case n of the plan (GrowthPlan::case_of)
// with the reference <phase prefix><thread>-<seq> and the payload
// {"body": "t=<send time>;<filler>", "region": ...}.
//
// A phase (run_phase) either offers a fixed rate across all senders, or keeps
// a fixed number of sends unanswered (saturation); then it drains: it waits
// for every answer and for every promised delivery to arrive, up to a
// deadline. Each accepted answer is checked: exactly one delivery, to the
// unit the plan says.
//
// Thread-safety: connect() and run_phase() are called by one thread; run_phase
// starts and joins the fleet's threads itself.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <zmq.hpp>

#include "growth_deployment.h"
#include "keys/key_file.h"
#include "util/result.h"

namespace hub::bench {

struct PhaseSpec {
  std::string prefix;       // references of this phase start with it
  int rate = 0;             // cases/s across all senders; 0: saturation
  int in_flight = 2048;     // saturation: unanswered sends across all senders
  std::int64_t start_ns = 0, window_begin_ns = 0, window_end_ns = 0, drain_deadline_ns = 0;
};

struct PhaseResult {
  std::int64_t sent = 0, accepted = 0, accepted_in_window = 0, sent_in_window = 0;
  std::int64_t busy = 0, rejected = 0, errors = 0, unanswered = 0;
  std::int64_t wrong_receiver = 0;   // accepted answers not naming exactly the plan's unit
  std::int64_t promised = 0, received = 0, redeliveries = 0;
  std::vector<std::int64_t> e2e_ns;  // send → delivery, cases sent in the window
  std::vector<std::int64_t> accept_ns;
  std::vector<std::string> failures;
};

class Fleet {
 public:
  // `payload_bytes`: length of the body.
  Fleet(const GrowthPlan& plan, int threads, int payload_bytes);
  ~Fleet();
  // Connects every unit (CURVE, `keys` in the plan's order) and waits for
  // every welcome.
  Status connect(const std::string& endpoint, const std::string& hub_public_key,
                 const std::vector<keys::KeyPair>& keys, int timeout_ms);
  PhaseResult run_phase(const PhaseSpec& spec);
  // Set by another thread to stop a phase at once (Ctrl-C, hubd died).
  std::atomic<bool>& abort() { return abort_; }

 private:
  struct Shard;
  const GrowthPlan& plan_;
  int payload_bytes_;
  zmq::context_t ctx_;
  std::vector<std::unique_ptr<Shard>> shards_;
  std::atomic<bool> abort_{false};
};

}  // namespace hub::bench
