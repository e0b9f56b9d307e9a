// tests/support/test_hub.h: a complete hub for end-to-end tests.
//
// TestDeployment writes a deployment into a fresh temp folder: the real Xinhui
// config files (units, case types, routes, directory, plugins) plus the
// test-only plugin and two test units, CURVE keys for every unit and for the
// hub, a free TCP port and a fresh database on the test PostgreSQL.
// HubProcess runs the real hubd binary on it; InProcessHub runs the same hub
// inside the test with a ManualClock, for anything that depends on time.
#pragma once

#include <sys/types.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bus/hub.h"
#include "hub/clock.h"
#include "keys/key_file.h"
#include "unit_client.h"

namespace hub::testing {

struct DeploymentOptions {
  int max_attempts = 3;
  int backoff_ms = 300;
  std::string extra_yaml;  // appended to the test-only config file
  // Another deployment's database, for several hubs sharing one; empty: a fresh one.
  std::string shared_database;
  std::string hub_id = "test";  // hub.id: hubs sharing a database need their own
  // Another deployment's folder whose keys (the hub's and every unit's) to use,
  // so that a unit can move between the two hubs; empty: new keys.
  std::string keys_from;
  // No hub.database: hubd runs its embedded PostgreSQL in <dir>/var/postgres,
  // and conninfo() logs in there as its owner role (the test runs as the
  // same OS user as hubd).
  bool embedded_database = false;
  // More entries of the zmq adapter's settings map, in YAML flow style, e.g.
  // "allowed_addresses: {test.stranger: [10.9.0.0/16]}".
  std::string zmq_settings = {};
  // The http adapter's settings map, in YAML flow style; empty: a plain-HTTP
  // listener on a free loopback port (the Xinhui units that name http need
  // the adapter; tests that use it give its listener and webhooks).
  std::string http_settings = {};
  // More adapters, as YAML list items under adapters: (after zmq and http), e.g.
  // "  - {name: test_loop, file: test_loop, settings: {}}\n".
  std::string more_adapters = {};
  // A config file of its own (units:, routes:, ...) included before the
  // test-only one, so that its routes are tried first.
  std::string more_yaml = {};
};

class TestDeployment {
 public:
  explicit TestDeployment(DeploymentOptions options = {});
  ~TestDeployment();  // removes the folder

  const std::string& config_path() const { return config_path_; }
  const std::string& dir() const { return dir_; }
  const std::string& endpoint() const { return endpoint_; }
  const std::string& conninfo() const { return conninfo_; }
  const std::string& operator_socket() const { return operator_socket_; }
  const std::string& hub_public_key() const { return hub_key_.public_key; }
  keys::KeyPair key(const std::string& unit) const;
  std::unique_ptr<UnitClient> client(const std::string& unit) const;

 private:
  std::string dir_, config_path_, endpoint_, conninfo_, operator_socket_;
  keys::KeyPair hub_key_;
};

// The hubd binary as a child process. Its output goes to <dir>/hubd.log.
class HubProcess {
 public:
  // `args`: more command-line arguments for hubd (e.g. {"--hub-id", "a"}).
  explicit HubProcess(const TestDeployment& d, std::vector<std::string> args = {});
  ~HubProcess();  // SIGKILL if still running
  // Starts hubd and waits until its operator socket answers.
  void start();
  // SIGTERM and wait; returns the exit status.
  int stop();
  // SIGKILL and wait.
  void kill();
  // Sends `sig` (e.g. SIGHUP) and returns at once.
  void signal(int sig);
  // Waits for hubd to exit by itself: its exit status (128 + signal when a
  // signal ended it), or -1 when it still runs after `timeout`.
  int wait_exit(std::chrono::milliseconds timeout);
  std::string log() const;

 private:
  const TestDeployment& d_;
  std::vector<std::string> args_;
  pid_t pid_ = 0;
};

// A clock that moves only when told. Thread-safe.
class ManualClock final : public Clock {
 public:
  ManualClock() : now_(std::chrono::system_clock::now().time_since_epoch().count()) {}
  // Starts at `start`, which may lie in the past: tests fix the week they play in.
  explicit ManualClock(TimePoint start) : now_(start.time_since_epoch().count()) {}
  TimePoint now() const override { return TimePoint(TimePoint::duration(now_.load())); }
  void advance(std::chrono::milliseconds d) {
    now_ += std::chrono::duration_cast<TimePoint::duration>(d).count();
  }
  // Jumps to `t`; time never goes back, so `t` must not be before now().
  void set(TimePoint t) { now_ = std::max(now_.load(), t.time_since_epoch().count()); }

 private:
  std::atomic<TimePoint::rep> now_;
};

// The hub running inside the test process on a ManualClock.
class InProcessHub {
 public:
  // `start`: the clock's first reading (e.g. a Monday morning); default: now.
  // `commit_queue_capacity`: new cases and replies taken in but not yet committed, beyond which senders are told "busy".
  explicit InProcessHub(const TestDeployment& d, std::optional<TimePoint> start = std::nullopt,
                        std::size_t commit_queue_capacity = 20000);
  ManualClock& clock() { return clock_; }
  bus::Hub& hub() { return *hub_; }

 private:
  ManualClock clock_;
  std::unique_ptr<bus::Hub> hub_;
};

// Waits (bounded) until hubd's log contains `text`; false after `timeout`.
bool wait_for_log(const HubProcess& hub, const std::string& text,
                  std::chrono::milliseconds timeout = std::chrono::seconds(10));

// Runs `sql` on the deployment's database and returns the first column of the
// first row ("" when there is none).
std::string query_one(const TestDeployment& d, const std::string& sql);

// Waits (bounded) until `sql` returns `expected`; work the hub commits after
// answering (rejection events, acks) needs this. False after `timeout`.
bool wait_until(const TestDeployment& d, const std::string& sql, const std::string& expected,
                std::chrono::milliseconds timeout = std::chrono::seconds(10));

// Sends a case as `sender` and requires the answer "accepted"; returns it.
Json send_accepted(UnitClient& sender, const std::string& reference, const std::string& type,
                   const std::string& compound, Json payload);

// Waits (bounded, 20 s) until `sql` returns `expected`, moving the manual
// clock by `step` between looks so that backoffs, timers and deadlines come
// due. False when it never does.
bool poll_until(const TestDeployment& d, ManualClock& clock, const std::string& sql, const std::string& expected,
                std::chrono::milliseconds step = std::chrono::milliseconds(0));

// Runs `hubctl ARGS --socket <the deployment's operator socket>`; its output.
std::string hubctl(const TestDeployment& d, const std::string& args, int* exit_code = nullptr);

// Runs a program (hubctl, python) and returns its exit code; output in `out`.
int run_command(const std::string& command, std::string& out);

// How the hub names this test process as an operator (ops/peer_identity.h):
// its login, and the session's login when that is someone else ("alice (as root)").
std::string expected_operator();

}  // namespace hub::testing
