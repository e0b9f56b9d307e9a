#include "growth.h"

#include <sys/statvfs.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "bench_deployment.h"
#include "growth_deployment.h"
#include "growth_fleet.h"
#include "growth_store.h"
#include "load_threads.h"  // steady_ns()
#include "metrics.h"
#include "store/migrations.h"

namespace hub::bench {
namespace {

constexpr std::int64_t kMs = 1'000'000;

struct LevelResult {
  std::int64_t level = 0;
  bool ran = false;
  double start_s = 0;        // hubd start → operator socket answers
  double connect_s = 0;      // every unit welcomed
  double sat_accepted_s = 0, sat_acked_s = 0;
  double paced_accepted_s = 0;
  double p50_ms = 0, p99_ms = 0, accept_p99_ms = 0;
  bool statements = false;   // pg_stat_statements available
  double stmts = 0, rows = 0, blocks = 0;  // per case
  double touched = 0, xacts = 0;           // per case
  double peak_mb = 0;
  double end_rss_mb = 0;     // VmRSS after the drain: what stays, without the start's transient peak
  double load1 = 0;
  double preload_s = 0, db_mb = 0;
  std::int64_t busy = 0;
  std::string top;  // the statements touching most buffers (-v)
  std::vector<std::string> failures;
};

std::optional<std::vector<GrowthDimension>> parse_dimensions(const std::string& text) {
  std::vector<GrowthDimension> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    if (item == "all") {
      out = {GrowthDimension::kRules, GrowthDimension::kCompounds, GrowthDimension::kUnits, GrowthDimension::kHistory};
      continue;
    }
    bool found = false;
    for (auto d : {GrowthDimension::kRules, GrowthDimension::kCompounds, GrowthDimension::kUnits,
                   GrowthDimension::kHistory})
      if (item == dimension_name(d)) {
        out.push_back(d);
        found = true;
      }
    if (!found) return std::nullopt;
  }
  if (out.empty()) return std::nullopt;
  return out;
}

std::vector<std::int64_t> default_levels(GrowthDimension d) {
  switch (d) {
    case GrowthDimension::kRules: return {10, 100, 1000, 10000};
    case GrowthDimension::kCompounds: return {100, 1000, 10000, 100000};
    case GrowthDimension::kUnits: return {10, 100, 1000};
    case GrowthDimension::kHistory: return {0, 100000, 1000000};
  }
  return {};
}

std::optional<std::vector<std::int64_t>> parse_levels(const std::string& text, GrowthDimension d) {
  std::vector<std::int64_t> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    std::int64_t multiplier = 1;
    if (!item.empty() && (item.back() == 'k' || item.back() == 'M')) {
      multiplier = item.back() == 'k' ? 1000 : 1000000;
      item.pop_back();
    }
    try {
      std::size_t used = 0;
      const long long v = std::stoll(item, &used);
      const std::int64_t minimum = d == GrowthDimension::kHistory ? 0 : (d == GrowthDimension::kUnits ? 2 : 1);
      if (used != item.size() || v * multiplier < minimum) return std::nullopt;
      out.push_back(v * multiplier);
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }
  if (out.empty()) return std::nullopt;
  return out;
}

// Runs fleet.run_phase(spec) on a thread of its own while the caller watches
// hubd. finished() turns true when the phase has returned; join() waits for
// it and gives its result. Destroyed unjoined (an early return), it aborts the
// fleet and joins. `fleet` and `spec` must outlive it.
class PhaseThread {
 public:
  PhaseThread(Fleet& fleet, const PhaseSpec& spec)
      : fleet_(fleet), thread_([this, &spec] {
          result_ = fleet_.run_phase(spec);
          finished_ = true;
        }) {}
  ~PhaseThread() {
    if (thread_.joinable()) {
      fleet_.abort() = true;
      thread_.join();
    }
  }
  PhaseThread(const PhaseThread&) = delete;
  PhaseThread& operator=(const PhaseThread&) = delete;

  const std::atomic<bool>& finished() const { return finished_; }
  const PhaseResult& join() {
    thread_.join();
    return result_;
  }

 private:
  Fleet& fleet_;
  PhaseResult result_;
  std::atomic<bool> finished_{false};
  std::thread thread_;  // last: starts once the members it writes exist
};

double wall_now_s() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

class GrowthRun {
 public:
  GrowthRun(const BenchOptions& o, const std::atomic<bool>& interrupted, BenchDatabase& db, std::string folder)
      : o_(o), interrupted_(interrupted), db_(db), folder_(std::move(folder)) {}

  Status init_keys() {
    auto k = keys::generate();
    if (!k.ok()) return k.status();
    hub_key_ = *k;
    return keys::write(folder_ + "/keys", "hub", hub_key_);
  }

  LevelResult run_level(int index, GrowthDimension d, std::int64_t level) {
    LevelResult r;
    r.level = level;
    const std::string tag = fmt::format("g{:02d}-{}-{}", index, dimension_name(d), level);
    const Status s = run_inner(tag, d, level, r);
    if (!s.ok()) r.failures.insert(r.failures.begin(), s.message());
    if (fleet_) fleet_->abort() = true;
    fleet_.reset();
    if (hubd_ && hubd_->pid() > 0) {
      const int exit = hubd_->stop();
      if (exit != 0 && !interrupted_) r.failures.push_back(fmt::format("hubd exited with status {}", exit));
    }
    hubd_.reset();
    if (!o_.keep) db_.release(tag);
    return r;
  }

 private:
  Result<std::vector<keys::KeyPair>> keys_for(const std::vector<std::string>& units) {
    std::vector<keys::KeyPair> out;
    for (const auto& u : units) {
      auto it = unit_keys_.find(u);
      if (it == unit_keys_.end()) {
        auto k = keys::generate();
        if (!k.ok()) return k.status();
        if (Status s = keys::write(folder_ + "/keys", u, *k); !s.ok()) return s;
        it = unit_keys_.emplace(u, *k).first;
      }
      out.push_back(it->second);
    }
    return out;
  }

  void track_rss(LevelResult& r) {
    if (!hubd_ || hubd_->pid() <= 0) return;
    const ProcSample p = sample_proc(hubd_->pid(), 0);
    r.peak_mb = std::max({r.peak_mb, p.hubd_rss_mb, p.hubd_hwm_mb});
  }

  // Sleeps until steady time t, sampling hubd's memory; false when interrupted or hubd died.
  bool wait_until(std::int64_t t, LevelResult& r) {
    while (steady_ns() < t) {
      if (interrupted_ || !hubd_->alive()) return false;
      track_rss(r);
      std::this_thread::sleep_for(std::chrono::milliseconds(std::clamp<std::int64_t>((t - steady_ns()) / kMs, 1, 100)));
    }
    return true;
  }

  // While a phase drains: samples memory, stops the fleet if hubd dies or on Ctrl-C.
  void wait_finished(const std::atomic<bool>& finished, LevelResult& r) {
    while (!finished) {
      track_rss(r);
      if (interrupted_ || !hubd_->alive()) fleet_->abort() = true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }

  PhaseSpec phase(const std::string& prefix, int rate) const {
    PhaseSpec p;
    p.prefix = prefix;
    p.rate = rate;
    p.start_ns = steady_ns() + 50 * kMs;
    p.window_begin_ns = p.start_ns + static_cast<std::int64_t>(o_.warmup_seconds * 1e9);
    p.window_end_ns = p.window_begin_ns + static_cast<std::int64_t>(o_.seconds * 1e9);
    p.drain_deadline_ns = p.window_end_ns + static_cast<std::int64_t>(o_.drain_seconds * 1e9);
    return p;
  }

  void check_phase(const char* name, const PhaseResult& p, LevelResult& r) {
    for (const auto& f : p.failures) r.failures.push_back(std::string(name) + ": " + f);
    if (p.wrong_receiver > 0) r.failures.push_back(fmt::format("{}: {} cases routed to another unit than the plan's", name, p.wrong_receiver));
    if (p.unanswered > 0) r.failures.push_back(fmt::format("{}: {} sends unanswered after the drain", name, p.unanswered));
    if (p.received < p.promised)
      r.failures.push_back(fmt::format("{}: {} of {} promised deliveries arrived", name, p.received, p.promised));
    if (p.rejected + p.errors > 0)
      r.failures.push_back(fmt::format("{}: {} rejected, {} error answers", name, p.rejected, p.errors));
    r.busy += p.busy;
  }

  Status run_inner(const std::string& tag, GrowthDimension d, std::int64_t level, LevelResult& r) {
    const GrowthPlan plan = growth_plan(d, level);
    std::vector<std::string> all_units = plan.units;
    for (const auto& u : growth_directory_units()) all_units.push_back(u);
    auto keys = keys_for(all_units);
    if (!keys.ok()) return keys.status();
    auto conninfo = db_.database_for(tag);
    if (!conninfo.ok()) return conninfo.status();
    auto db = store::PgConnection::connect(*conninfo);
    if (!db.ok()) return db.status();
    r.statements = enable_statement_stats(*db);

    if (d == GrowthDimension::kHistory) {
      if (auto v = store::migrate(*db); !v.ok()) return v.status();
      const std::int64_t t0 = steady_ns();
      Status s = preload_history(*db, level, [&](std::int64_t done) {
        if (o_.verbose || level >= 1'000'000)
          std::cerr << fmt::format("  history {}: {} cases stored, {:.0f} s\n", level, done,
                                   static_cast<double>(steady_ns() - t0) / 1e9);
      });
      if (!s.ok()) return s;
      r.preload_s = static_cast<double>(steady_ns() - t0) / 1e9;
      if (auto mb = database_mb(*db); mb.ok()) r.db_mb = *mb;
    }

    auto deployment = write_growth_deployment(folder_, tag, plan, *conninfo, o_.module_dir);
    if (!deployment.ok()) return deployment.status();
    hubd_ = std::make_unique<HubdProcess>();
    const std::int64_t start0 = steady_ns();
    if (Status s = hubd_->start(o_.hubd, *deployment, o_.hub_log_level); !s.ok()) return s;
    r.start_s = static_cast<double>(steady_ns() - start0) / 1e9;
    track_rss(r);

    fleet_ = std::make_unique<Fleet>(plan, o_.growth_threads, o_.payload_bytes);
    const std::int64_t connect0 = steady_ns();
    if (Status s = fleet_->connect(deployment->endpoint, hub_key_.public_key, *keys, 60000 + static_cast<int>(level) * 20);
        !s.ok())
      return s;
    r.connect_s = static_cast<double>(steady_ns() - connect0) / 1e9;
    auto base = max_delivery_id(*db);
    if (!base.ok()) return base.status();

    // Phase 1: fixed load; latency and the store's work per case.
    {
      const PhaseSpec spec = phase(tag + "-p-", o_.growth_rate);
      PhaseThread runner(*fleet_, spec);
      if (!wait_until(spec.window_begin_ns, r)) return Status::Unavailable("interrupted, or hubd died");
      if (r.statements)
        if (Status s = reset_statement_stats(*db); !s.ok()) return s;
      auto t0 = sample_tuples(*db);
      if (!wait_until(spec.window_end_ns, r)) return Status::Unavailable("interrupted, or hubd died");
      std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // backends flush their counters once a second
      auto t1 = sample_tuples(*db);
      auto st = r.statements ? sample_statements(*db) : Result<StatementTotals>(StatementTotals{});
      if (r.statements && o_.verbose)
        if (auto top = top_statements(*db, 8); top.ok()) r.top = *top;
      wait_finished(runner.finished(), r);
      const PhaseResult& result = runner.join();
      check_phase("fixed load", result, r);
      const double cases = static_cast<double>(std::max<std::int64_t>(1, result.accepted_in_window));
      r.paced_accepted_s = static_cast<double>(result.accepted_in_window) / o_.seconds;
      r.p50_ms = percentile_ms(result.e2e_ns, 50);
      r.p99_ms = percentile_ms(result.e2e_ns, 99);
      r.accept_p99_ms = percentile_ms(result.accept_ns, 99);
      if (t0.ok() && t1.ok()) {
        r.touched = (t1->touched() - t0->touched()) / cases;
        r.xacts = (t1->xact_commit - t0->xact_commit) / cases;
      }
      if (st.ok()) {
        r.stmts = st->calls / cases;
        r.rows = st->rows / cases;
        r.blocks = st->blocks / cases;
      }
    }
    if (interrupted_) return Status::Unavailable("interrupted");

    // Phase 2: saturation.
    {
      const PhaseSpec spec = phase(tag + "-s-", 0);
      auto sat_base = max_delivery_id(*db);
      if (!sat_base.ok()) return sat_base.status();
      PhaseThread runner(*fleet_, spec);
      const double wall_offset = wall_now_s() - static_cast<double>(steady_ns()) / 1e9;
      if (!wait_until(spec.window_end_ns, r)) return Status::Unavailable("interrupted, or hubd died");
      r.load1 = sample_proc(hubd_->pid(), 0).load1;
      wait_finished(runner.finished(), r);
      const PhaseResult& result = runner.join();
      check_phase("saturation", result, r);
      r.sat_accepted_s = static_cast<double>(result.accepted_in_window) / o_.seconds;
      auto acked = acked_between(*db, *sat_base, static_cast<double>(spec.window_begin_ns) / 1e9 + wall_offset,
                                 static_cast<double>(spec.window_end_ns) / 1e9 + wall_offset);
      if (!acked.ok()) return acked.status();
      r.sat_acked_s = static_cast<double>(*acked) / o_.seconds;
    }

    // Every delivery of the level acked in the store.
    const std::int64_t deadline = steady_ns() + static_cast<std::int64_t>(o_.drain_seconds * 1e9);
    for (;;) {
      auto count = count_deliveries(*db, *base);
      if (!count.ok()) return count.status();
      if (count->unacked == 0) break;
      if (steady_ns() > deadline || interrupted_) {
        r.failures.push_back(fmt::format("{} of {} deliveries not acked in the store after the drain", count->unacked,
                                         count->total));
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    track_rss(r);
    r.end_rss_mb = sample_proc(hubd_->pid(), 0).hubd_rss_mb;
    r.ran = true;
    return {};
  }

  const BenchOptions& o_;
  const std::atomic<bool>& interrupted_;
  BenchDatabase& db_;
  std::string folder_;
  keys::KeyPair hub_key_;
  std::map<std::string, keys::KeyPair> unit_keys_;
  std::unique_ptr<HubdProcess> hubd_;
  std::unique_ptr<Fleet> fleet_;
};

std::string per_case(double v, bool available) {
  if (!available) return "n/a";
  return v >= 100 ? fmt::format("{:.0f}", v) : fmt::format("{:.1f}", v);
}

void print_table(std::ostream& out, GrowthDimension d, const std::vector<LevelResult>& results, const BenchOptions& o) {
  out << fmt::format("\n{}: fixed load {} cases/s (e2e, per-case columns), then saturation; {:.0f} s windows\n",
                     dimension_name(d), o.growth_rate, o.seconds);
  out << fmt::format("{:>9} {:>7} {:>8} {:>8} {:>8} {:>8} {:>8} {:>7} {:>7} {:>8} {:>8} {:>6} {:>6} {:>7} {:>5}  {}\n",
                     "level", "start s", "sat acc", "sat ack", "e2e p50", "e2e p99", "stmts", "rows", "blocks", "tuples",
                     "xact", "peak", "RSS", "busy", "load", "verdict");
  out << fmt::format("{:>9} {:>7} {:>8} {:>8} {:>8} {:>8} {:>8} {:>7} {:>7} {:>8} {:>8} {:>6} {:>6} {:>7} {:>5}\n", "",
                     "", "cases/s", "deliv/s", "ms", "ms", "/case", "/case", "/case", "/case", "/case", "MB", "MB", "",
                     "avg1");
  for (const auto& r : results) {
    if (!r.ran) {
      out << fmt::format("{:>9} not run: {}\n", r.level, r.failures.empty() ? "" : r.failures.front().substr(0, 200));
      continue;
    }
    out << fmt::format(
        "{:>9} {:>7.2f} {:>8.0f} {:>8.0f} {:>8.1f} {:>8.1f} {:>8} {:>7} {:>7} {:>8} {:>8.2f} {:>6.1f} {:>6.1f} {:>7} {:>5.1f}  {}\n",
        r.level, r.start_s, r.sat_accepted_s, r.sat_acked_s, r.p50_ms, r.p99_ms, per_case(r.stmts, r.statements),
        per_case(r.rows, r.statements), per_case(r.blocks, r.statements), per_case(r.touched, true), r.xacts, r.peak_mb,
        r.end_rss_mb, r.busy, r.load1, r.failures.empty() ? "ok" : "FAIL");
    if (r.level > 0 && r.preload_s > 0)
      out << fmt::format("{:>9} history preloaded in {:.0f} s, database {:.0f} MB\n", "", r.preload_s, r.db_mb);
    if (r.paced_accepted_s < 0.95 * o.growth_rate)
      out << fmt::format("{:>9} the fixed load was not sustained: {:.0f} cases/s accepted in the window\n", "",
                         r.paced_accepted_s);
    for (const auto& f : r.failures) out << fmt::format("{:>9} FAIL: {}\n", "", f.substr(0, 400));
    if (!r.top.empty()) out << r.top;
  }
  out << std::flush;
}

}  // namespace

int run_growth(const BenchOptions& options, const std::atomic<bool>& interrupted) {
  auto dimensions = parse_dimensions(options.growth);
  if (!dimensions) {
    std::cerr << "hub_bench: --growth takes rules, compounds, units, history (comma-separated) or all\n";
    return 2;
  }
  std::optional<std::vector<std::int64_t>> levels;
  if (!options.growth_levels.empty()) {
    if (dimensions->size() != 1 || !(levels = parse_levels(options.growth_levels, dimensions->front()))) {
      std::cerr << "hub_bench: --levels takes one dimension's levels, e.g. --growth rules --levels 10,100,1k,10k\n";
      return 2;
    }
  }
  if (options.growth_rate < 1 || options.growth_threads < 1) {
    std::cerr << "hub_bench: --growth-rate and --growth-threads must be >= 1\n";
    return 2;
  }
  auto folder = open_working_folder(options.keep);
  if (!folder.ok()) return 1;
  auto db = BenchDatabase::start((*folder)->path(), options.database,
                                 {"shared_preload_libraries = 'pg_stat_statements'", "pg_stat_statements.max = 5000",
                                  "pg_stat_statements.track_utility = on"});
  if (!db.ok()) {
    std::cerr << "hub_bench: " << db.status().message() << "\n";
    return 1;
  }
  if (!(*db)->embedded() &&
      std::find(dimensions->begin(), dimensions->end(), GrowthDimension::kHistory) != dimensions->end()) {
    std::cerr << "hub_bench: --growth history preloads and drops databases: it needs the embedded server, not "
                 "--database\n";
    return 2;
  }
  std::ifstream loadavg("/proc/loadavg");
  std::string load_line;
  std::getline(loadavg, load_line);
  struct statvfs fs {};
  const double free_gb = ::statvfs((*folder)->path().c_str(), &fs) == 0
                             ? static_cast<double>(fs.f_bavail) * static_cast<double>(fs.f_frsize) / 1e9
                             : 0;
  std::cout << fmt::format(
                   "hub_bench --growth: hubd {}\n  {} CPUs, load average at start {}; PostgreSQL: {}; {:.0f} GB free "
                   "for the data; payload {} B; {} load threads; {:.0f} s warm-up, {:.0f} s windows; hubd log level {}\n",
                   options.hubd, std::thread::hardware_concurrency(), load_line,
                   (*db)->embedded() ? "embedded (fsync on, synchronous_commit on, pg_stat_statements)" : "--database",
                   free_gb, options.payload_bytes, options.growth_threads, options.warmup_seconds, options.seconds,
                   options.hub_log_level)
            << std::flush;

  GrowthRun run(options, interrupted, **db, (*folder)->path());
  if (Status s = run.init_keys(); !s.ok()) {
    std::cerr << "hub_bench: keys: " << s.message() << "\n";
    return 1;
  }
  bool all_ok = true;
  int index = 0;
  for (GrowthDimension d : *dimensions) {
    std::vector<LevelResult> results;
    for (std::int64_t level : levels ? *levels : default_levels(d)) {
      if (interrupted) break;
      std::cerr << fmt::format("[growth] {} {}: running\n", dimension_name(d), level);
      results.push_back(run.run_level(++index, d, level));
      const auto& r = results.back();
      all_ok = all_ok && r.ran && r.failures.empty();
      std::cerr << fmt::format("[growth] {} {}: {}\n", dimension_name(d), level,
                               !r.ran ? "not run: " + (r.failures.empty() ? std::string() : r.failures.front())
                               : r.failures.empty()
                                   ? fmt::format("ok, sat {:.0f} cases/s, p99 {:.1f} ms", r.sat_accepted_s, r.p99_ms)
                                   : "FAIL: " + r.failures.front());
    }
    if (!results.empty()) print_table(std::cout, d, results, options);
  }
  (*db)->stop();
  if (interrupted) {
    std::cerr << "hub_bench: interrupted; cleaned up\n";
    return 130;
  }
  return all_ok ? 0 : 1;
}

}  // namespace hub::bench
