// bench/hubd_group.h: one or several hubds on one database, with the bench's
// units spread over them (docs/ARCHITECTURE.md, "Several hubs").
//
// Each hub gets the bench's deployment written for it alone (its own TCP
// port, operator socket, folder and log) on the same database, and its own
// id with --hub-id ("bench-h1", "bench-h2", ...; a single hub keeps the file's
// "bench" and folder <tag>, as before). start_all() launches them together,
// so their schema migrations race as when operators start several hubs at once.
//
// Units are spread round-robin: sender i on hub i mod N, receiver i on hub
// (i + 1) mod N, so that with routes sNN → rNN every single-receiver case is
// committed by one hub and dispatched by another (the cross-hub path is the
// one under test). Each unit knows the other hubs as fallbacks, in order.
// One thread.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "bench_deployment.h"
#include "hub_link.h"
#include "metrics.h"

namespace hub::bench {

class HubdGroup {
 public:
  static Result<std::unique_ptr<HubdGroup>> prepare(const BenchDeployment& deployment, const std::string& tag,
                                                    Mode mode, const std::string& conninfo,
                                                    const std::string& module_dir, int hubs,
                                                    BenchQuotas quotas = BenchQuotas::kLifted,
                                                    const HttpEdge* http = nullptr);

  int size() const { return static_cast<int>(hubs_.size()); }
  const ScenarioDeployment& deployment(int hub) const { return hubs_[static_cast<std::size_t>(hub)].deployment; }
  HubdProcess& process(int hub) { return *hubs_[static_cast<std::size_t>(hub)].process; }
  const std::string& hub_id(int hub) const { return hubs_[static_cast<std::size_t>(hub)].id; }

  // Launches every hub, then waits until each answers on its operator socket.
  Status start_all(const std::string& binary, const std::string& log_level);
  Status start(int hub, const std::string& binary, const std::string& log_level);
  // SIGTERM to each hub still running; the first non-zero exit status, else 0.
  int stop_all();
  // The hubs that run (dead ones are reaped).
  std::vector<int> alive();

  // Home hubs of the spread (see above).
  int sender_home(int sender) const { return sender % size(); }
  int receiver_home(int receiver) const { return (receiver + 1) % size(); }
  // `unit` (a bench unit id) at hub `home`, the others as fallbacks.
  UnitConnection unit(const std::string& unit, int home) const;
  // Which hub an endpoint belongs to; -1 if none.
  int hub_of(const std::string& endpoint) const;

  // ProcSample with hubd's CPU and memory summed over the running hubs.
  ProcSample sample(pid_t postmaster);

 private:
  struct Hub {
    std::string id;
    ScenarioDeployment deployment;
    std::unique_ptr<HubdProcess> process;
  };
  const BenchDeployment* keys_ = nullptr;
  std::vector<Hub> hubs_;
};

}  // namespace hub::bench
