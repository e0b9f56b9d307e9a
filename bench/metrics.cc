#include "metrics.h"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace hub::bench {
namespace {

double ticks_per_second() {
  static const double hz = static_cast<double>(::sysconf(_SC_CLK_TCK));
  return hz > 0 ? hz : 100.0;
}

// Fields of /proc/<pid>/stat after the command name: [0] state, [1] ppid, ...,
// [11] utime, [12] stime, [13] cutime, [14] cstime (all in clock ticks).
std::vector<std::string> stat_fields(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  std::getline(in, line);
  const std::size_t close = line.rfind(')');
  if (close == std::string::npos) return {};
  std::istringstream rest(line.substr(close + 1));
  std::vector<std::string> fields;
  for (std::string f; rest >> f;) fields.push_back(f);
  return fields;
}

double field_ticks(const std::vector<std::string>& f, std::size_t i) {
  return i < f.size() ? std::strtod(f[i].c_str(), nullptr) : 0.0;
}

// Own CPU (utime + stime) and, with `children`, that of reaped children too.
double process_cpu_s(pid_t pid, bool children) {
  const auto f = stat_fields(pid);
  double ticks = field_ticks(f, 11) + field_ticks(f, 12);
  if (children) ticks += field_ticks(f, 13) + field_ticks(f, 14);
  return ticks / ticks_per_second();
}

// The postmaster (with the backends it has reaped) and its live children.
double server_cpu_s(pid_t postmaster) {
  if (postmaster <= 0) return 0;
  double total = process_cpu_s(postmaster, true);
  const std::string parent = std::to_string(postmaster);
  if (DIR* proc = ::opendir("/proc")) {
    while (const dirent* e = ::readdir(proc)) {
      if (e->d_name[0] < '1' || e->d_name[0] > '9') continue;
      const pid_t pid = static_cast<pid_t>(std::atol(e->d_name));
      const auto f = stat_fields(pid);
      if (f.size() > 12 && f[1] == parent) total += (field_ticks(f, 11) + field_ticks(f, 12)) / ticks_per_second();
    }
    ::closedir(proc);
  }
  return total;
}

double machine_busy_s() {
  std::ifstream in("/proc/stat");
  std::string cpu;
  double user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
  in >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq >> steal;
  return (user + nice + system + irq + softirq + steal) / ticks_per_second();
}

// VmRSS / VmHWM of /proc/<pid>/status, in MiB.
double status_mb(pid_t pid, const std::string& key) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind(key + ":", 0) == 0) return std::strtod(line.c_str() + key.size() + 1, nullptr) / 1024.0;
  return 0;
}

double self_cpu_s() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

std::int64_t int_at(const store::PgResult& r, int row, int col) { return r.get_int64(row, col).value(); }

std::string seconds_param(double s) { return fmt::format("{:.6f}", s); }

}  // namespace

ProcSample sample_proc(pid_t hubd, pid_t postmaster) {
  ProcSample s;
  s.hubd_cpu_s = hubd > 0 ? process_cpu_s(hubd, false) : 0;
  s.pg_cpu_s = server_cpu_s(postmaster);
  s.bench_cpu_s = self_cpu_s();
  s.busy_cpu_s = machine_busy_s();
  if (hubd > 0) {
    s.hubd_rss_mb = status_mb(hubd, "VmRSS");
    s.hubd_hwm_mb = status_mb(hubd, "VmHWM");
  }
  std::ifstream load("/proc/loadavg");
  load >> s.load1;
  return s;
}

Result<DbSample> sample_db(store::PgConnection& db) {
  (void)db.exec("SELECT pg_stat_clear_snapshot()");
  auto r = db.exec(
      "SELECT (SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()), "
      "(SELECT wal_sync FROM pg_stat_wal), (SELECT wal_write FROM pg_stat_wal), "
      "pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint");
  if (!r.ok()) return r.status();
  DbSample s;
  s.xact_commit = int_at(*r, 0, 0);
  s.wal_sync = int_at(*r, 0, 1);
  s.wal_write = int_at(*r, 0, 2);
  s.wal_bytes = static_cast<double>(int_at(*r, 0, 3));
  return s;
}

Result<WindowDb> query_window(store::PgConnection& db, const std::string& prefix, double begin_s, double end_s) {
  const store::PgParams p = {prefix, seconds_param(begin_s), seconds_param(end_s)};
  WindowDb w;
  auto cases = db.exec_params(
      "WITH c AS (SELECT created_at FROM cases WHERE starts_with(reference, $1) "
      "  AND created_at >= to_timestamp($2::float8) AND created_at < to_timestamp($3::float8)) "
      "SELECT (SELECT count(*) FROM c), (SELECT count(DISTINCT created_at) FROM c), "
      "(SELECT coalesce(max(n), 0) FROM (SELECT count(*) AS n FROM c GROUP BY created_at) g)",
      p);
  if (!cases.ok()) return cases.status();
  w.cases = int_at(*cases, 0, 0);
  w.case_commits = int_at(*cases, 0, 1);
  w.max_batch = int_at(*cases, 0, 2);

  auto acked = db.exec_params(
      "WITH d AS (SELECT d.case_id, d.state, d.acked_at FROM deliveries d JOIN cases c ON c.id = d.case_id "
      "  WHERE starts_with(c.reference, $1)) "
      "SELECT (SELECT count(*) FROM d WHERE acked_at >= to_timestamp($2::float8) AND acked_at < to_timestamp($3::float8)), "
      "(SELECT count(*) FROM (SELECT case_id FROM d GROUP BY case_id HAVING bool_and(state = 'acked') "
      "  AND max(acked_at) >= to_timestamp($2::float8) AND max(acked_at) < to_timestamp($3::float8)) x)",
      p);
  if (!acked.ok()) return acked.status();
  w.acked_deliveries = int_at(*acked, 0, 0);
  w.acked_cases = int_at(*acked, 0, 1);

  // Every group commit stamps all it writes with one time: cases' created_at, deliveries' acked_at.
  auto commits = db.exec_params(
      "SELECT count(*) FROM ("
      "  SELECT created_at AS t FROM cases WHERE starts_with(reference, $1) "
      "    AND created_at >= to_timestamp($2::float8) AND created_at < to_timestamp($3::float8) "
      "  UNION SELECT d.acked_at FROM deliveries d JOIN cases c ON c.id = d.case_id WHERE starts_with(c.reference, $1) "
      "    AND d.acked_at >= to_timestamp($2::float8) AND d.acked_at < to_timestamp($3::float8)) u",
      p);
  if (!commits.ok()) return commits.status();
  w.commits = int_at(*commits, 0, 0);
  return w;
}

Result<StoreCheck> check_store(store::PgConnection& db, const std::string& prefix) {
  StoreCheck c;
  auto cases = db.exec_params("SELECT count(*) FROM cases WHERE starts_with(reference, $1)", {prefix});
  if (!cases.ok()) return cases.status();
  c.cases = int_at(*cases, 0, 0);
  auto d = db.exec_params(
      "SELECT count(*), count(*) FILTER (WHERE d.state <> 'acked'), count(*) FILTER (WHERE d.state = 'parked'), "
      "coalesce(max(d.attempts), 0) FROM deliveries d JOIN cases c ON c.id = d.case_id WHERE starts_with(c.reference, $1)",
      {prefix});
  if (!d.ok()) return d.status();
  c.deliveries = int_at(*d, 0, 0);
  c.unacked = int_at(*d, 0, 1);
  c.parked = int_at(*d, 0, 2);
  c.max_attempts = int_at(*d, 0, 3);
  return c;
}

double percentile_ms(const std::vector<std::int64_t>& sorted, double p) {
  if (sorted.empty()) return 0;
  // Nearest rank: the smallest sample with at least p% of the samples at or below it.
  const double rank = std::ceil(p / 100.0 * static_cast<double>(sorted.size()));
  const std::size_t i = std::clamp<std::size_t>(static_cast<std::size_t>(rank), 1, sorted.size()) - 1;
  return static_cast<double>(sorted[i]) / 1e6;
}

// ------------------------------------------------------------------- printing

namespace {

std::string count(double v) {
  if (v >= 100) return fmt::format("{:.0f}", v);
  if (v >= 10) return fmt::format("{:.1f}", v);
  return fmt::format("{:.2f}", v);
}

std::string ms(double v) { return v >= 100 ? fmt::format("{:.0f}", v) : fmt::format("{:.1f}", v); }

std::string offered(const ScenarioResult& r) { return r.rate == 0 ? std::string("max") : std::to_string(r.rate); }

}  // namespace

void print_results(std::ostream& out, const std::vector<ScenarioResult>& results, bool embedded_pg) {
  const double window = results.empty() ? 0 : results.front().window_s;
  out << fmt::format("\nThroughput (per second over the {:.0f} s window; 'acked' = ack committed, counted in the store)\n",
                     window);
  const char* head = "{:<14} {:>7} {:>7} {:>8} {:>8} {:>8} {:>6} {:>6} {:>5} {:>7} {:>6} {:>7} {:>6} {:>6} {:>6}\n";
  out << fmt::format(fmt::runtime(head), "scenario", "offered", "sent", "accepted", "acked", "acked", "busy", "busy",
                     "rej+", "cases/", "max", "commits", "xact", "fsync", "WAL KB");
  out << fmt::format(fmt::runtime(head), "", "cases", "cases", "cases", "cases", "deliv.", "sends", "acks", "err",
                     "commit", "batch", "/s", "/s", "/s", "/case");
  for (const auto& r : results) {
    if (!r.ran) {
      out << fmt::format("{:<14} not run: {}\n", r.name, r.failures.empty() ? "" : r.failures.front());
      continue;
    }
    const double cases_per_commit =
        r.db.case_commits > 0 ? static_cast<double>(r.db.cases) / static_cast<double>(r.db.case_commits) : 0;
    const double wal_kb_per_case = r.db.cases > 0 ? r.wal_bytes / 1024.0 / static_cast<double>(r.db.cases) : 0;
    out << fmt::format(fmt::runtime(head), r.name, offered(r), count(r.per_s(static_cast<double>(r.sent))),
                       count(r.per_s(static_cast<double>(r.accepted))),
                       count(r.per_s(static_cast<double>(r.db.acked_cases))),
                       count(r.per_s(static_cast<double>(r.db.acked_deliveries))), r.busy, r.ack_busy,
                       r.rejected + r.other_errors + r.ack_errors, count(cases_per_commit), r.db.max_batch,
                       count(r.per_s(static_cast<double>(r.db.commits))),
                       count(r.per_s(static_cast<double>(r.xact_commits))),
                       count(r.per_s(static_cast<double>(r.wal_syncs))), count(wal_kb_per_case));
  }

  out << "\nLatency (ms; send -> first receipt of each delivery, cases sent in the window) and resources over the "
         "window\n";
  out << fmt::format("{:<14} {:>7} {:>7} {:>7} {:>7} {:>7} {:>7} {:>8} {:>8} {:>6} {:>6} {:>6} {:>6} {:>7} {:>7} {:>5} {}\n",
                     "scenario", "e2e", "e2e", "e2e", "e2e", "accept", "accept", "hubd CPU", "PG CPU", "hubd", "PG",
                     "bench", "other", "hubd", "hubd", "load", "verdict");
  out << fmt::format("{:<14} {:>7} {:>7} {:>7} {:>7} {:>7} {:>7} {:>8} {:>8} {:>6} {:>6} {:>6} {:>6} {:>7} {:>7} {:>5}\n",
                     "", "p50", "p99", "p99.9", "max", "p50", "p99", "s/1k", "s/1k", "%CPU", "%CPU", "%CPU", "%CPU",
                     "RSS MB", "peak MB", "avg1");
  for (const auto& r : results) {
    if (!r.ran) continue;
    const double hubd = r.end.hubd_cpu_s - r.begin.hubd_cpu_s;
    const double pg = r.end.pg_cpu_s - r.begin.pg_cpu_s;
    const double bench = r.end.bench_cpu_s - r.begin.bench_cpu_s;
    const double other = std::max(0.0, r.end.busy_cpu_s - r.begin.busy_cpu_s - hubd - pg - bench);
    const auto pct = [&](double cpu) { return fmt::format("{:.0f}", r.per_s(cpu) * 100); };
    out << fmt::format(
        "{:<14} {:>7} {:>7} {:>7} {:>7} {:>7} {:>7} {:>8.3f} {:>8} {:>6} {:>6} {:>6} {:>6} {:>7.1f} {:>7.1f} {:>5.1f} {}\n",
        r.name, ms(r.e2e_p50_ms), ms(r.e2e_p99_ms), ms(r.e2e_p999_ms), ms(r.e2e_max_ms), ms(r.accept_p50_ms),
        ms(r.accept_p99_ms), r.cpu_per_1k(hubd), embedded_pg ? fmt::format("{:.3f}", r.cpu_per_1k(pg)) : "-",
        pct(hubd), embedded_pg ? pct(pg) : "-", pct(bench), pct(other), r.end.hubd_rss_mb, r.hubd_peak_rss_mb,
        r.end.load1, r.failures.empty() ? "ok" : "FAIL");
  }

  out << "\nChecks (whole scenario, after the drain)\n";
  for (const auto& r : results) {
    if (!r.ran) continue;
    out << fmt::format(
        "{:<14} {} sent, {} accepted (store: {} cases), {} deliveries promised, {} received (store: {} acked of {}), "
        "{} redelivered (max attempt {}), {} sends resent, {} unanswered, drain {:.1f} s",
        r.name, r.sent_total, r.accepted_total, r.store.cases, r.expected_deliveries, r.delivered,
        r.store.deliveries - r.store.unacked, r.store.deliveries, r.redeliveries, r.max_attempt_seen, r.resends,
        r.unanswered, r.drain_s);
    if (r.skipped_slots > 0) out << fmt::format("; {} send slots skipped (window full, or over HTTP the connection still waiting)", r.skipped_slots);
    if (!r.codes.empty()) {
      out << "; answers:";
      for (const auto& [code, n] : r.codes) out << " " << code << "=" << n;
    }
    out << "\n";
    for (const auto& f : r.failures) out << "    FAIL: " << f << "\n";
  }
}

nlohmann::json to_json(const ScenarioResult& r) {
  using nlohmann::json;
  const double hubd = r.end.hubd_cpu_s - r.begin.hubd_cpu_s;
  const double pg = r.end.pg_cpu_s - r.begin.pg_cpu_s;
  const double bench = r.end.bench_cpu_s - r.begin.bench_cpu_s;
  const double busy = r.end.busy_cpu_s - r.begin.busy_cpu_s;
  json j{{"scenario", r.name},
         {"mode", r.mode},
         {"offered_per_s", r.rate == 0 ? json() : json(r.rate)},
         {"window_s", r.window_s},
         {"ran", r.ran},
         {"ok", r.ran && r.failures.empty()},
         {"failures", r.failures}};
  if (!r.ran) return j;
  j["client"] = {{"sent", r.sent},
                 {"accepted", r.accepted},
                 {"busy", r.busy},
                 {"ack_busy", r.ack_busy},
                 {"ack_errors", r.ack_errors},
                 {"rejected", r.rejected},
                 {"other_errors", r.other_errors},
                 {"skipped_slots", r.skipped_slots},
                 {"sent_per_s", r.per_s(static_cast<double>(r.sent))},
                 {"accepted_per_s", r.per_s(static_cast<double>(r.accepted))},
                 {"totals", {{"sent", r.sent_total}, {"accepted", r.accepted_total}, {"busy", r.busy_total},
                             {"rejected", r.rejected_total}, {"errors", r.errors_total}, {"resends", r.resends},
                             {"unanswered", r.unanswered}, {"duplicate_answers", r.duplicate_answers},
                             {"unmatched_answers", r.unmatched_answers}, {"parked_answers", r.parked_answers},
                             {"acks_sent", r.acks_sent}, {"receiver_errors", r.receiver_errors}}},
                 {"codes", r.codes}};
  j["store"] = {{"cases_in_window", r.db.cases},
                {"commits_with_cases", r.db.case_commits},
                {"commits", r.db.commits},
                {"cases_per_commit", r.db.case_commits ? static_cast<double>(r.db.cases) / static_cast<double>(r.db.case_commits) : 0},
                {"max_cases_in_one_commit", r.db.max_batch},
                {"acked_deliveries", r.db.acked_deliveries},
                {"acked_cases", r.db.acked_cases},
                {"acked_cases_per_s", r.per_s(static_cast<double>(r.db.acked_cases))},
                {"acked_deliveries_per_s", r.per_s(static_cast<double>(r.db.acked_deliveries))},
                {"commits_per_s", r.per_s(static_cast<double>(r.db.commits))},
                {"xact_commit", r.xact_commits},
                {"xact_commit_per_s", r.per_s(static_cast<double>(r.xact_commits))},
                {"wal_sync", r.wal_syncs},
                {"fsyncs_per_s", r.per_s(static_cast<double>(r.wal_syncs))},
                {"wal_write", r.wal_writes},
                {"wal_bytes", r.wal_bytes},
                {"wal_bytes_per_case", r.db.cases ? r.wal_bytes / static_cast<double>(r.db.cases) : 0}};
  j["latency_ms"] = {{"samples", r.latency_samples}, {"e2e_p50", r.e2e_p50_ms},   {"e2e_p99", r.e2e_p99_ms},
                     {"e2e_p999", r.e2e_p999_ms},    {"e2e_max", r.e2e_max_ms},   {"accept_p50", r.accept_p50_ms},
                     {"accept_p99", r.accept_p99_ms}};
  j["resources"] = {{"hubd_cpu_s", hubd},
                    {"hubd_cpu_s_per_1k_cases", r.cpu_per_1k(hubd)},
                    {"postgres_cpu_s", pg},
                    {"postgres_cpu_s_per_1k_cases", r.cpu_per_1k(pg)},
                    {"bench_cpu_s", bench},
                    {"machine_busy_cpu_s", busy},
                    {"other_cpu_s", std::max(0.0, busy - hubd - pg - bench)},
                    {"hubd_rss_mb", r.end.hubd_rss_mb},
                    {"hubd_peak_rss_mb", r.hubd_peak_rss_mb},
                    {"load1_begin", r.begin.load1},
                    {"load1_end", r.end.load1}};
  j["checks"] = {{"expected_deliveries", r.expected_deliveries},
                 {"delivered", r.delivered},
                 {"redeliveries", r.redeliveries},
                 {"missing", r.missing},
                 {"foreign", r.foreign},
                 {"max_attempt_seen", r.max_attempt_seen},
                 {"store_cases", r.store.cases},
                 {"store_deliveries", r.store.deliveries},
                 {"store_unacked", r.store.unacked},
                 {"store_parked", r.store.parked},
                 {"hubd_exit", r.hubd_exit},
                 {"drain_s", r.drain_s}};
  return j;
}

}  // namespace hub::bench
