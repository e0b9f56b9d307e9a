#include "hubd_group.h"

namespace hub::bench {

Result<std::unique_ptr<HubdGroup>> HubdGroup::prepare(const BenchDeployment& deployment, const std::string& tag,
                                                      Mode mode, const std::string& conninfo,
                                                      const std::string& module_dir, int hubs, BenchQuotas quotas,
                                                      const HttpEdge* http) {
  auto group = std::make_unique<HubdGroup>();
  group->keys_ = &deployment;
  for (int i = 0; i < hubs; ++i) {
    const std::string suffix = hubs == 1 ? std::string() : "-h" + std::to_string(i + 1);
    auto written = deployment.write_scenario(tag + suffix, mode, conninfo, module_dir, quotas, http);
    if (!written.ok()) return written.status();
    Hub h;
    h.deployment = std::move(written).value();
    h.id = "bench" + suffix;
    if (hubs > 1) h.deployment.hub_id = h.id;
    h.process = std::make_unique<HubdProcess>();
    group->hubs_.push_back(std::move(h));
  }
  return group;
}

Status HubdGroup::start_all(const std::string& binary, const std::string& log_level) {
  for (auto& h : hubs_)
    if (Status s = h.process->launch(binary, h.deployment, log_level); !s.ok()) return s;
  for (auto& h : hubs_)
    if (Status s = h.process->wait_ready(h.deployment); !s.ok())
      return Status(s.code(), (size() > 1 ? h.id + ": " : std::string()) + s.message());
  return {};
}

Status HubdGroup::start(int hub, const std::string& binary, const std::string& log_level) {
  Hub& h = hubs_[static_cast<std::size_t>(hub)];
  return h.process->start(binary, h.deployment, log_level);
}

int HubdGroup::stop_all() {
  int worst = 0;
  for (auto& h : hubs_) {
    if (h.process->pid() <= 0) continue;
    const int status = h.process->stop();
    if (worst == 0) worst = status;
  }
  return worst;
}

std::vector<int> HubdGroup::alive() {
  std::vector<int> out;
  for (int i = 0; i < size(); ++i)
    if (process(i).alive()) out.push_back(i);
  return out;
}

UnitConnection HubdGroup::unit(const std::string& unit, int home) const {
  UnitConnection c{deployment(home).endpoint, keys_->hub_public_key(), keys_->key(unit), {}};
  for (int k = 1; k < size(); ++k) c.fallbacks.push_back(deployment((home + k) % size()).endpoint);
  return c;
}

int HubdGroup::hub_of(const std::string& endpoint) const {
  for (int i = 0; i < size(); ++i)
    if (deployment(i).endpoint == endpoint) return i;
  return -1;
}

ProcSample HubdGroup::sample(pid_t postmaster) {
  ProcSample total;
  bool first = true;
  for (auto& h : hubs_) {
    const pid_t pid = h.process->pid();
    if (pid <= 0) continue;
    const ProcSample s = sample_proc(pid, first ? postmaster : 0);
    if (first) {
      total = s;
      first = false;
      continue;
    }
    total.hubd_cpu_s += s.hubd_cpu_s;
    total.hubd_rss_mb += s.hubd_rss_mb;
    total.hubd_hwm_mb += s.hubd_hwm_mb;
  }
  if (first) total = sample_proc(0, postmaster);
  return total;
}

}  // namespace hub::bench
