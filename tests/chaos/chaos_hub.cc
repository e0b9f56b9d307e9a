#include "chaos_hub.h"

#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <thread>

#include "store/pg.h"

namespace hub::chaos {
namespace {

store::EmbeddedPostgresOptions database_options(const std::string& folder) {
  store::EmbeddedPostgresOptions o;
  o.data_dir = folder + "/pg";
  o.database = "hub";
  return o;
}

}  // namespace

double seconds_since(std::int64_t steady_ns) { return static_cast<double>(bench::steady_ns() - steady_ns) / 1e9; }

int setup_failed(const Status& why) {
  std::cout << why.message() << "\n";
  return 2;
}

Result<std::unique_ptr<ChaosHub>> ChaosHub::start(const ChaosHubOptions& options) {
  auto hub = create(options);
  if (!hub.ok()) return Status(hub.status().code(), "cannot set up: " + hub.status().message());
  if (Status s = (*hub)->start_hubd(); !s.ok()) return Status(s.code(), "hubd does not start: " + s.message());
  return hub;
}

bool ChaosHub::run_for(double seconds) {
  const std::int64_t end = bench::steady_ns() + static_cast<std::int64_t>(seconds * 1e9);
  while (bench::steady_ns() < end) {
    if (!hubd_alive()) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

Result<std::unique_ptr<ChaosHub>> ChaosHub::create(const ChaosHubOptions& options) {
  std::unique_ptr<ChaosHub> h(new ChaosHub());
  h->options_ = options;
  auto folder = bench::BenchFolder::create(options.keep);
  if (!folder.ok()) return folder.status();
  h->folder_ = std::move(folder).value();
  if (Status s = h->start_database(); !s.ok()) return s;
  auto deployment = bench::BenchDeployment::create(h->folder());
  if (!deployment.ok()) return deployment.status();
  h->deployment_ = std::make_unique<bench::BenchDeployment>(std::move(deployment).value());
  auto hubs = bench::HubdGroup::prepare(*h->deployment_, "chaos", options.mode, h->conninfo_, options.module_dir,
                                       std::max(1, options.hubs));
  if (!hubs.ok()) return hubs.status();
  h->hubs_ = std::move(hubs).value();
  h->killed_.assign(static_cast<std::size_t>(h->hubs_->size()), false);
  return h;
}

ChaosHub::~ChaosHub() {
  if (hubs_) (void)hubs_->stop_all();
  if (database_) (void)database_->stop();
}

bench::UnitConnection ChaosHub::unit(const std::string& id) const {
  const int index = (id[7] - '0') * 10 + (id[8] - '0') - 1;  // "bench.sNN" / "bench.rNN"
  return hubs_->unit(id, id[6] == 's' ? hubs_->sender_home(index) : hubs_->receiver_home(index));
}

Status ChaosHub::start_hubd() {
  killed_.assign(killed_.size(), false);
  std::vector<int> stopped;
  for (int i = 0; i < hubs_->size(); ++i)
    if (hubs_->process(i).pid() <= 0) stopped.push_back(i);
  if (static_cast<int>(stopped.size()) == hubs_->size()) return hubs_->start_all(options_.hubd, options_.log_level);
  for (const int i : stopped)
    if (Status s = hubs_->start(i, options_.hubd, options_.log_level); !s.ok()) return s;
  return {};
}

void ChaosHub::kill_hubd(int hub) {
  hubs_->process(hub).kill();
  killed_[static_cast<std::size_t>(hub)] = true;
}

int ChaosHub::stop_hubd() { return hubs_->stop_all(); }

bool ChaosHub::hubd_alive() {
  for (int i = 0; i < hubs_->size(); ++i)
    if (!killed_[static_cast<std::size_t>(i)] && !hubs_->process(i).alive()) return false;
  return true;
}

std::string ChaosHub::hubd_log_tail(std::size_t bytes) {
  if (hubs_->size() == 1) return hubs_->process(0).log_tail(bytes);
  std::string out;
  for (int i = 0; i < hubs_->size(); ++i)
    out += "--- " + hubs_->hub_id(i) + ":\n" + hubs_->process(i).log_tail(bytes / static_cast<std::size_t>(hubs_->size()));
  return out;
}

Status ChaosHub::stop_database() {
  if (!database_) return {};
  Status s = database_->stop();
  database_.reset();
  return s;
}

Status ChaosHub::crash_database() {
  if (!database_) return {};
  const pid_t pid = database_->server_pid();
  database_->release();
  database_.reset();
  if (pid <= 0 || ::kill(pid, SIGKILL) != 0) return Status::Internal("no postmaster to kill");
  // Not our child: wait until it is gone.
  while (::kill(pid, 0) == 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  return {};
}

Status ChaosHub::start_database() {
  auto server = store::EmbeddedPostgres::start(database_options(folder()));
  if (!server.ok()) return Status(server.status().code(), "embedded PostgreSQL: " + server.status().message());
  database_ = std::move(server).value();
  conninfo_ = database_->owner_conninfo();  // one role, like a user-supplied database
  return {};
}

Result<std::string> ChaosHub::query(const std::string& sql) const {
  auto db = store::PgConnection::connect(conninfo_);
  if (!db.ok()) return db.status();
  auto r = db->exec(sql);
  if (!r.ok()) return r.status();
  if (r->rows() == 0 || r->cols() == 0) return std::string();
  return std::string(r->get(0, 0));
}

Result<std::map<std::string, std::int64_t>> ChaosHub::stored_cases() const {
  auto db = store::PgConnection::connect(conninfo_);
  if (!db.ok()) return db.status();
  auto r = db->exec("SELECT reference, id FROM cases");
  if (!r.ok()) return r.status();
  std::map<std::string, std::int64_t> out;
  for (int i = 0; i < r->rows(); ++i) {
    auto id = r->get_int64(i, 1);
    if (!id.ok()) return id.status();
    out[std::string(r->get(i, 0))] = *id;
  }
  return out;
}

}  // namespace hub::chaos
