// tests/chaos/chaos_hub.h: a hub to break: hubd as a child process on its own
// embedded PostgreSQL, in a temp folder under /var/tmp, with the bench's units
// (bench/bench_deployment.h) and routes of one mode. With `hubs` > 1, that
// many hubds share the database (bench/hubd_group.h: own ids and ports, the
// units spread over them, each unit knowing the others as fallbacks).
//
// The test kills and restarts hubd, stops and restarts the database, and
// reads what the database holds at the end. Without an index the hubd
// functions mean the first hub (the only one, usually). One thread.
#pragma once

#include <sys/types.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "bench_deployment.h"
#include "hubd_group.h"
#include "load_threads.h"
#include "store/embedded_postgres.h"

namespace hub::chaos {

struct ChaosHubOptions {
  bench::Mode mode = bench::Mode::kFanout;
  std::string hubd = HUB_BENCH_HUBD;
  std::string module_dir = HUB_MODULE_DIR;
  std::string log_level = "info";
  bool keep = false;  // keep the folder (logs, journals, database) for inspection
  int hubs = 1;       // hubds sharing the database
};

// Seconds of steady time since `steady_ns` (bench::steady_ns()).
double seconds_since(std::int64_t steady_ns);

// Prints why a run could not begin; returns the exit status for it (2).
int setup_failed(const Status& why);

class ChaosHub {
 public:
  static Result<std::unique_ptr<ChaosHub>> create(const ChaosHubOptions& options);
  // create(), then start_hubd(); the error says which step failed.
  static Result<std::unique_ptr<ChaosHub>> start(const ChaosHubOptions& options);
  ~ChaosHub();

  const std::string& folder() const { return folder_->path(); }
  // The unit at its home hub (bench/hubd_group.h), the other hubs as fallbacks.
  bench::UnitConnection unit(const std::string& id) const;
  bench::HubdGroup& hubs() { return *hubs_; }

  // Starts hubd (every hub) and waits until its operator socket answers.
  Status start_hubd();
  // SIGKILL, reaped.
  void kill_hubd(int hub = 0);
  // SIGTERM and wait (every hub still running): hubd's exit status (0: clean).
  int stop_hubd();
  // Every hub not killed on purpose runs.
  bool hubd_alive();
  // Lets the load run for `seconds`; false as soon as a hub dies by itself.
  bool run_for(double seconds);
  pid_t hubd_pid() { return hubs_->process(0).pid(); }
  std::string hubd_log_tail(std::size_t bytes = 3000);

  // The database: a fast shutdown (sessions rolled back, the server gone), a
  // crash (SIGKILL of the postmaster: recovery from the WAL at the next
  // start), and a start on the same folder.
  Status stop_database();
  Status crash_database();
  Status start_database();

  // The first column of the first row of `sql` on the hub's database.
  Result<std::string> query(const std::string& sql) const;
  // reference → case id of every case in the hub's database.
  Result<std::map<std::string, std::int64_t>> stored_cases() const;

 private:
  ChaosHub() = default;
  ChaosHubOptions options_;
  std::unique_ptr<bench::BenchFolder> folder_;
  std::unique_ptr<store::EmbeddedPostgres> database_;
  std::string conninfo_;
  std::unique_ptr<bench::BenchDeployment> deployment_;
  std::unique_ptr<bench::HubdGroup> hubs_;
  std::vector<bool> killed_;  // on purpose, not restarted since
};

}  // namespace hub::chaos
