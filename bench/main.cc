// hub_bench: drives the real hubd over ZeroMQ with CURVE and the durable
// PostgreSQL store, and prints what it measured. See bench/README.md.
#include <sched.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <fstream>
#include <iostream>
#include <memory>
#include <random>
#include <thread>
#include <unordered_map>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "bench_deployment.h"
#include "fairness.h"
#include "growth.h"
#include "hubd_group.h"
#include "http_units.h"
#include "load_threads.h"
#include "metrics.h"
#include "ops/operator_client.h"
#include "options.h"
#include "test_pki.h"

namespace hub::bench {
namespace {

std::atomic<bool> g_interrupted{false};

extern "C" void on_signal(int) { g_interrupted.store(true); }

void install_signal_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);
}

constexpr std::int64_t kMs = 1'000'000;

// Sleeps until steady time `t` in short steps; false when interrupted first.
bool sleep_until(std::int64_t t, const std::function<bool()>& still_fine = nullptr) {
  for (;;) {
    if (g_interrupted) return false;
    if (still_fine && !still_fine()) return false;
    const std::int64_t left = t - steady_ns();
    if (left <= 0) return true;
    std::this_thread::sleep_for(std::chrono::nanoseconds(std::min<std::int64_t>(left, 50 * kMs)));
  }
}

// Unix seconds of a steady_clock time of this process.
struct WallClock {
  double offset_s;
  WallClock() {
    const double wall =
        std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    offset_s = wall - static_cast<double>(steady_ns()) / 1e9;
  }
  double at(std::int64_t steady) const { return static_cast<double>(steady) / 1e9 + offset_s; }
};

std::string run_token() {
  std::random_device rd;
  static constexpr char kChars[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string s;
  for (int i = 0; i < 5; ++i) s += kChars[rd() % (sizeof kChars - 1)];
  return s;
}

class ScenarioRun {
 public:
  // `pki`: the certificates of --transport http (null otherwise).
  ScenarioRun(int index, const Scenario& scenario, const BenchOptions& options, BenchDatabase& db,
              const BenchDeployment& deployment, const std::string& run_id, std::string folder,
              const http::testing::TestPki* pki)
      : index_(index), scenario_(scenario), options_(options), db_(db), deployment_(deployment), pki_(pki),
        folder_(std::move(folder)) {
    tag_ = fmt::format("{:02d}-{}-{}{}{}", index + 1, mode_name(scenario.mode),
                       scenario.rate == 0 ? std::string("sat") : std::to_string(scenario.rate),
                       scenario.hubs > 1 ? fmt::format("-{}h", scenario.hubs) : std::string(),
                       scenario.transport == Transport::kHttp ? "-http" : "");
    prefix_ = run_id + "." + tag_ + "-";
    r_.name = scenario.name();
    r_.mode = mode_name(scenario.mode);
    r_.rate = scenario.rate;
    r_.window_s = options.seconds;
  }

  ScenarioResult run() {
    const Status s = run_inner();
    if (!s.ok()) r_.failures.push_back(s.message());
    control_.abort = true;  // stops whatever still runs
    for (auto& t : threads_)
      if (t.joinable()) t.join();
    if (hubds_) {
      r_.hubd_exit = hubds_->stop_all();
      if (r_.hubd_exit != 0 && !g_interrupted)
        r_.failures.push_back(fmt::format("hubd exited with status {} on SIGTERM; its log ends with:\n{}", r_.hubd_exit,
                                          hubds_->process(0).log_tail(2000)));
    }
    if (!options_.keep) db_.release(tag_);
    return r_;
  }

 private:
  void progress(const std::string& what) const {
    std::cerr << fmt::format("[{}] {}: {}\n", index_ + 1, r_.name, what) << std::flush;
  }

  bool hub_alive() {
    const auto alive = hubds_->alive();
    if (static_cast<int>(alive.size()) == hubds_->size()) {
      track_rss();
      return true;
    }
    if (!hub_died_) {
      hub_died_ = true;
      for (int i = 0; i < hubds_->size(); ++i)
        if (std::find(alive.begin(), alive.end(), i) == alive.end())
          r_.failures.push_back("hubd died during the scenario; its log ends with:\n" + hubds_->process(i).log_tail(2000));
    }
    return false;
  }

  // VmHWM misses peaks that glibc gives back with madvise(), so RSS is also
  // sampled every 100 ms while the scenario runs.
  void track_rss() {
    const std::int64_t now = steady_ns();
    if (now - last_rss_sample_ns_ < 100 * kMs) return;
    last_rss_sample_ns_ = now;
    const ProcSample p = hubds_->sample(0);
    r_.hubd_peak_rss_mb = std::max({r_.hubd_peak_rss_mb, p.hubd_rss_mb, p.hubd_hwm_mb});
  }

  Status run_inner() {
    auto conninfo = db_.database_for(tag_);
    if (!conninfo.ok()) return conninfo.status();
    const BenchQuotas quotas = scenario_.fairness == Fairness::kOff ? BenchQuotas::kLifted : BenchQuotas::kHubDefaults;
    const bool over_http = scenario_.transport == Transport::kHttp;
    if (over_http) {
      if (Status s = plan_http_edge(); !s.ok()) return s;
    }
    auto group = HubdGroup::prepare(deployment_, tag_, scenario_.mode, *conninfo, options_.module_dir, scenario_.hubs,
                                    quotas, over_http ? &edge_ : nullptr);
    if (!group.ok()) return group.status();
    hubds_ = std::move(group).value();
    if (options_.verbose) progress("starting hubd (" + hubds_->deployment(0).config_path + ")");
    if (Status s = hubds_->start_all(options_.hubd, options_.hub_log_level); !s.ok()) return s;
    auto metrics_db = store::PgConnection::connect(*conninfo);
    if (!metrics_db.ok()) return metrics_db.status();

    zmq::context_t ctx(2);
    // The flooding sender gets an I/O thread of its own, at idle priority (its
    // sending thread too, load_threads.cc): a hostile unit's encryption runs on
    // its own machine, so on a small test machine it must neither delay the quiet
    // senders' messages inside the bench nor take CPU the hub would have.
    zmq::context_t flood_ctx(1);
    flood_ctx.set(zmq::ctxopt::thread_sched_policy, SCHED_IDLE);
    std::vector<std::unique_ptr<ReceivingUnit>> receivers;
    std::vector<std::unique_ptr<SendingUnit>> senders;
    struct Cleanup {  // threads stop, then sockets go before their context
      ScenarioRun& run;
      std::vector<std::unique_ptr<ReceivingUnit>>& r;
      std::vector<std::unique_ptr<SendingUnit>>& s;
      ~Cleanup() {
        run.control_.abort = true;
        for (auto& th : run.threads_)
          if (th.joinable()) th.join();
        if (!run.r_.ran) {  // collect() did not run: keep what the threads reported
          for (const auto& x : s)
            if (!x->result().failure.empty()) run.r_.failures.push_back(x->result().failure);
          for (const auto& x : r)
            if (!x->result().failure.empty()) run.r_.failures.push_back(x->result().failure);
        }
        s.clear();
        r.clear();
      }
    } cleanup{*this, receivers, senders};

    for (int i = 0; i < kUnits; ++i) {
      if (over_http)
        receivers.push_back(std::make_unique<HttpReceiver>(edge_, i, prefix_, control_));
      else
        receivers.push_back(std::make_unique<Receiver>(ctx, hubds_->unit(receiver_id(i), hubds_->receiver_home(i)), i,
                                                       prefix_, control_));
      if (Status s = receivers.back()->connect(10000); !s.ok()) return s;
    }
    for (int i = 0; i < kUnits; ++i) {
      if (over_http) {
        auto access = issue_credential(i);
        if (!access.ok()) return access.status();
        senders.push_back(std::make_unique<HttpSender>(*access, i, scenario_, options_, prefix_, control_));
      } else {
        zmq::context_t& sender_ctx = scenario_.fairness == Fairness::kFlood && i == 0 ? flood_ctx : ctx;
        senders.push_back(std::make_unique<Sender>(sender_ctx, hubds_->unit(sender_id(i), hubds_->sender_home(i)), i,
                                                   scenario_, options_, prefix_, control_));
      }
      if (Status s = senders.back()->connect(10000); !s.ok()) return s;
    }

    const WallClock wall;
    control_.start_ns = steady_ns() + 50 * kMs;
    control_.window_begin_ns = control_.start_ns + static_cast<std::int64_t>(options_.warmup_seconds * 1e9);
    control_.window_end_ns = control_.window_begin_ns + static_cast<std::int64_t>(options_.seconds * 1e9);
    control_.drain_deadline_ns = control_.window_end_ns + static_cast<std::int64_t>(options_.drain_seconds * 1e9);
    control_.senders_running = kUnits;
    for (auto& rc : receivers) threads_.emplace_back([&rc] { rc->run(); });
    const std::size_t first_sender_thread = threads_.size();
    for (auto& sn : senders) threads_.emplace_back([&sn] { sn->run(); });
    progress(fmt::format("running: {:.0f} s warm-up, {:.0f} s window", options_.warmup_seconds, options_.seconds));

    const auto fine = [&] { return !control_.abort && hub_alive(); };
    const pid_t postmaster = db_.server_pid();
    if (!sleep_until(control_.window_begin_ns, fine)) return interrupted_or_failed();
    r_.begin = hubds_->sample(postmaster);
    auto db_begin = sample_db(*metrics_db);
    if (!sleep_until(control_.window_end_ns, fine)) return interrupted_or_failed();
    r_.end = hubds_->sample(postmaster);
    auto db_end = sample_db(*metrics_db);
    if (db_begin.ok() && db_end.ok()) {
      r_.xact_commits = db_end->xact_commit - db_begin->xact_commit;
      r_.wal_syncs = db_end->wal_sync - db_begin->wal_sync;
      r_.wal_writes = db_end->wal_write - db_begin->wal_write;
      r_.wal_bytes = db_end->wal_bytes - db_begin->wal_bytes;
    } else {
      r_.failures.push_back("cannot read PostgreSQL statistics: " +
                            (db_begin.ok() ? db_end.status() : db_begin.status()).message());
    }

    // Drain: every send answered, every promised delivery received, every ack committed.
    if (options_.verbose) progress("draining");
    for (std::size_t i = first_sender_thread; i < threads_.size(); ++i)
      while (threads_[i].joinable()) {
        if (control_.senders_running.load() == 0 || control_.abort || g_interrupted) {
          if (g_interrupted) control_.abort = true;
          threads_[i].join();
        } else {
          std::this_thread::sleep_for(std::chrono::milliseconds(10));
          if (!hub_alive()) control_.abort = true;
        }
      }
    if (g_interrupted) return interrupted_or_failed();
    while (control_.received_distinct.load() < control_.expected_deliveries.load() &&
           steady_ns() < control_.drain_deadline_ns && fine() && !g_interrupted)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    for (;;) {
      auto check = check_store(*metrics_db, prefix_);
      if (!check.ok()) return check.status();
      r_.store = *check;
      if (r_.store.unacked == 0 || steady_ns() >= control_.drain_deadline_ns || !fine() || g_interrupted) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (g_interrupted) return interrupted_or_failed();
    r_.drain_s = static_cast<double>(steady_ns() - control_.window_end_ns) / 1e9;
    const ProcSample last = hubds_->sample(0);
    r_.hubd_peak_rss_mb = std::max({r_.hubd_peak_rss_mb, last.hubd_rss_mb, last.hubd_hwm_mb, r_.end.hubd_rss_mb});
    control_.stop_receivers = true;
    for (auto& t : threads_)
      if (t.joinable()) t.join();

    auto window = query_window(*metrics_db, prefix_, wall.at(control_.window_begin_ns), wall.at(control_.window_end_ns));
    if (!window.ok()) return window.status();
    r_.db = *window;
    collect(senders, receivers);
    r_.ran = true;
    return {};
  }

  Status interrupted_or_failed() {
    control_.abort = true;
    if (g_interrupted) return Status::Unavailable("interrupted");
    return Status::Internal("the scenario was aborted");
  }

  // --transport http: free ports for the unit API and the webhooks, the
  // bench's certificates, the folder where hubd makes the webhooks' secrets.
  Status plan_http_edge() {
    auto api = free_tcp_port();
    if (!api.ok()) return api.status();
    edge_.api_port = *api;
    edge_.certificate_file = pki_->server_cert_file;
    edge_.private_key_file = pki_->server_key_file;
    edge_.ca_file = pki_->ca_file;
    edge_.webhook_batch = options_.batch;
    edge_.webhook_ports.clear();
    for (int i = 0; i < kUnits; ++i) {
      auto port = free_tcp_port();
      if (!port.ok()) return port.status();
      edge_.webhook_ports.push_back(*port);
    }
    edge_.secrets_dir = folder_ + "/" + tag_ + "-webhooks";
    std::error_code ec;
    std::filesystem::create_directories(edge_.secrets_dir, ec);
    if (ec) return Status::Unavailable("cannot create " + edge_.secrets_dir + ": " + ec.message());
    return {};
  }

  // Sender i's credential, issued on the operator socket as `hubctl credential issue` does.
  Result<HttpAccess> issue_credential(int i) {
    const nlohmann::json request{{"op", "credential"}, {"action", "issue"}, {"unit", sender_id(i)}};
    auto answer = ops::ask_operator({hubds_->deployment(0).operator_socket, ""}, request);
    if (!answer.ok()) return Status(answer.status().code(), "issuing a credential: " + answer.status().message());
    if (!answer->value("ok", false) || !answer->contains("secret"))
      return Status::Internal("issuing a credential for " + sender_id(i) + ": " + answer->dump());
    return HttpAccess{edge_.api_port, edge_.ca_file, answer->value("key_id", ""), answer->value("secret", "")};
  }

  void collect(const std::vector<std::unique_ptr<SendingUnit>>& senders,
               const std::vector<std::unique_ptr<ReceivingUnit>>& receivers) {
    std::vector<std::int64_t> accept, e2e, quiet_accept, quiet_e2e;
    const bool fairness = scenario_.fairness != Fairness::kOff;
    std::unordered_map<std::int64_t, int> expected_to;
    std::int64_t wrong_route = 0;
    for (std::size_t i = 0; i < senders.size(); ++i) {
      const SenderResult& s = senders[i]->result();
      if (!s.failure.empty()) r_.failures.push_back(s.failure);
      r_.sent += s.sent_in_window;
      r_.accepted += s.accepted_in_window;
      r_.busy += s.busy_in_window;
      r_.rejected += s.rejected_in_window;
      r_.other_errors += s.other_errors_in_window;
      r_.skipped_slots += s.skipped_slots;
      r_.sent_total += s.sent;
      r_.accepted_total += s.accepted;
      r_.busy_total += s.busy;
      r_.rejected_total += s.rejected;
      r_.errors_total += s.other_errors;
      r_.resends += s.resends;
      r_.unanswered += s.unanswered;
      r_.duplicate_answers += s.duplicate_answers;
      r_.unmatched_answers += s.unmatched_answers;
      r_.parked_answers += s.parked;
      for (const auto& [code, n] : s.codes) r_.codes[code] += n;
      accept.insert(accept.end(), s.accept_latency_ns.begin(), s.accept_latency_ns.end());
      if (fairness && i > 0) quiet_accept.insert(quiet_accept.end(), s.accept_latency_ns.begin(), s.accept_latency_ns.end());
      if (fairness && i == 0) {
        r_.fair.flood_sent = s.sent;
        r_.fair.flood_sent_in_window = s.sent_in_window;
        r_.fair.flood_accepted = s.accepted;
        r_.fair.flood_dropped = s.dropped;
        r_.fair.flood_busy = s.busy;
        const auto limited = s.codes.find("rate_limited");
        r_.fair.rate_limited_answers = limited != s.codes.end() ? limited->second : 0;
      }
      const auto allowed = receivers_of(scenario_.mode, static_cast<int>(i));
      for (const auto& e : s.expected) {
        expected_to[e.delivery] = e.receiver;
        if (std::find(allowed.begin(), allowed.end(), e.receiver) == allowed.end()) ++wrong_route;
      }
      r_.expected_deliveries += static_cast<std::int64_t>(s.expected.size());
    }
    std::int64_t wrong_receiver = 0;
    for (std::size_t i = 0; i < receivers.size(); ++i) {
      const ReceiverResult& rc = receivers[i]->result();
      if (!rc.failure.empty()) r_.failures.push_back(rc.failure);
      r_.acks_sent += rc.acks_sent;
      r_.receiver_errors += rc.errors + rc.unparsable;
      r_.ack_busy += rc.busy_in_window;
      r_.ack_errors += rc.other_errors_in_window;
      r_.redeliveries += rc.repeats;
      r_.foreign += rc.foreign;
      r_.max_attempt_seen = std::max(r_.max_attempt_seen, rc.max_attempt);
      for (const auto& [code, n] : rc.codes) r_.codes["receiver:" + code] += n;
      e2e.insert(e2e.end(), rc.latency_ns.begin(), rc.latency_ns.end());
      if (fairness && i > 0) quiet_e2e.insert(quiet_e2e.end(), rc.latency_ns.begin(), rc.latency_ns.end());
      for (std::int64_t id : rc.seen) {
        auto it = expected_to.find(id);
        if (it != expected_to.end() && it->second != static_cast<int>(i)) ++wrong_receiver;
      }
    }
    // Every promised delivery must have reached its receiver.
    std::string example;
    for (std::size_t i = 0; i < senders.size(); ++i)
      for (const auto& e : senders[i]->result().expected) {
        const bool got = e.receiver >= 0 && e.receiver < static_cast<int>(receivers.size()) &&
                         receivers[static_cast<std::size_t>(e.receiver)]->result().seen.count(e.delivery) > 0;
        if (got) {
          ++r_.delivered;
        } else {
          ++r_.missing;
          if (example.empty())
            example = fmt::format("delivery {} of case {} to {}", e.delivery, e.case_id,
                                  e.receiver >= 0 ? receiver_id(e.receiver) : std::string("?"));
        }
      }

    std::sort(e2e.begin(), e2e.end());
    std::sort(accept.begin(), accept.end());
    r_.latency_samples = static_cast<std::int64_t>(e2e.size());
    r_.e2e_p50_ms = percentile_ms(e2e, 50);
    r_.e2e_p99_ms = percentile_ms(e2e, 99);
    r_.e2e_p999_ms = percentile_ms(e2e, 99.9);
    r_.e2e_max_ms = percentile_ms(e2e, 100);
    r_.accept_p50_ms = percentile_ms(accept, 50);
    r_.accept_p99_ms = percentile_ms(accept, 99);
    if (fairness) {
      std::sort(quiet_e2e.begin(), quiet_e2e.end());
      std::sort(quiet_accept.begin(), quiet_accept.end());
      r_.fair.quiet_samples = static_cast<std::int64_t>(quiet_e2e.size());
      r_.fair.quiet_e2e_p50_ms = percentile_ms(quiet_e2e, 50);
      r_.fair.quiet_e2e_p99_ms = percentile_ms(quiet_e2e, 99);
      r_.fair.quiet_accept_p99_ms = percentile_ms(quiet_accept, 99);
    }

    auto& f = r_.failures;
    if (r_.missing > 0)
      f.push_back(fmt::format("{} accepted deliveries never reached their receiver within the drain (e.g. {})", r_.missing,
                              example));
    if (wrong_route > 0) f.push_back(fmt::format("{} deliveries were routed to a unit the route does not name", wrong_route));
    if (wrong_receiver > 0) f.push_back(fmt::format("{} deliveries arrived at a unit they were not addressed to", wrong_receiver));
    if (r_.unanswered > 0) f.push_back(fmt::format("{} sends were never answered", r_.unanswered));
    if (r_.store.unacked > 0)
      f.push_back(fmt::format("{} deliveries are not acked in the store after the drain ({} parked)", r_.store.unacked,
                              r_.store.parked));
    // A flooding sender whose connection the hub cut (adapters/zmq/flood_guard.h)
    // loses the answers still on their way: those cases are stored, unanswered.
    const std::int64_t unanswered_flood = scenario_.fairness == Fairness::kFlood ? r_.fair.flood_dropped : 0;
    const auto within = [&](std::int64_t stored, std::int64_t answered) {
      return stored >= answered && stored <= answered + unanswered_flood;
    };
    if (!within(r_.store.cases, r_.accepted_total))
      f.push_back(fmt::format("the store holds {} cases of this scenario, the hub answered 'accepted' for {}",
                              r_.store.cases, r_.accepted_total));
    if (!within(r_.store.deliveries, r_.expected_deliveries))
      f.push_back(fmt::format("the store holds {} deliveries of this scenario, accepted answers promised {}",
                              r_.store.deliveries, r_.expected_deliveries));
    if (r_.parked_answers > 0) f.push_back(fmt::format("{} cases were accepted but parked (no route)", r_.parked_answers));
    if (r_.rejected_total > 0) f.push_back(fmt::format("{} sends were rejected", r_.rejected_total));
    std::int64_t hard_errors = 0;
    for (const auto& [code, n] : r_.codes)
      if (code != "busy" && code != "unavailable" && code != "receiver:busy" && code != "receiver:unavailable" &&
          !(fairness && code == "rate_limited") &&
          code != "invalid_payload" && code != "not_allowed" && code != "unknown_case_type")
        hard_errors += n;
    if (hard_errors > 0) f.push_back(fmt::format("{} error answers other than busy/unavailable", hard_errors));
  }

  int index_;
  Scenario scenario_;
  const BenchOptions& options_;
  BenchDatabase& db_;
  const BenchDeployment& deployment_;
  const http::testing::TestPki* pki_;
  std::string folder_;     // the bench's working folder
  HttpEdge edge_;          // --transport http
  std::string tag_, prefix_;
  ScenarioControl control_;
  std::unique_ptr<HubdGroup> hubds_;  // one hubd, or several on the one database
  std::vector<std::thread> threads_;
  bool hub_died_ = false;
  std::int64_t last_rss_sample_ns_ = 0;
  ScenarioResult r_;
};

std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

int run(const BenchOptions& options) {
  std::error_code ec;
  if (!std::filesystem::exists(options.hubd, ec)) {
    std::cerr << "hub_bench: no hubd at " << options.hubd << " (build it, or give --hubd)\n";
    return 2;
  }
  auto folder = open_working_folder(options.keep);
  if (!folder.ok()) return 1;
  if (options.verbose) std::cerr << "hub_bench: starting PostgreSQL\n";
  auto db = BenchDatabase::start((*folder)->path(), options.database);
  if (!db.ok()) {
    std::cerr << "hub_bench: " << db.status().message() << "\n";
    return 1;
  }
  auto deployment = BenchDeployment::create((*folder)->path());
  if (!deployment.ok()) {
    std::cerr << "hub_bench: keys: " << deployment.status().message() << "\n";
    return 1;
  }

  const bool over_http = std::any_of(options.scenarios.begin(), options.scenarios.end(),
                                     [](const Scenario& s) { return s.transport == Transport::kHttp; });
  std::ifstream loadavg("/proc/loadavg");
  std::string load_line;
  std::getline(loadavg, load_line);
  std::cout << fmt::format(
                   "hub_bench: hubd {}\n  {} CPUs, load average at start {}; PostgreSQL: {}; {} senders x {} receivers "
                   "({}), payload {} B, window {} at saturation\n  each scenario: fresh hubd{}, "
                   "{:.0f} s warm-up, {:.0f} s measured, drain up to {:.0f} s; hubd log level {}\n",
                   options.hubd, std::thread::hardware_concurrency(), load_line,
                   (*db)->embedded() ? "embedded (private server, fsync on, synchronous_commit on)" : "--database",
                   kUnits, kUnits, over_http ? "HTTPS, signed requests and webhooks" : "ZeroMQ, CURVE",
                   options.payload_bytes,
                   over_http ? fmt::format("{} connections/sender, one request of {} case(s) in flight each",
                                             options.connections, options.batch)
                             : fmt::format("{} unanswered/sender", options.window),
                   (*db)->embedded() ? " on a fresh database" : "", options.warmup_seconds, options.seconds,
                   options.drain_seconds, options.hub_log_level)
            << std::flush;

  const std::string run_id = run_token();
  std::unique_ptr<http::testing::TestPki> pki;
  if (over_http) {
    try {
      pki = std::make_unique<http::testing::TestPki>();
    } catch (const std::exception& e) {
      std::cerr << "hub_bench: " << e.what() << "\n";
      return 1;
    }
  }
  std::vector<ScenarioResult> results;
  for (std::size_t i = 0; i < options.scenarios.size() && !g_interrupted; ++i) {
    ScenarioRun scenario(static_cast<int>(i), options.scenarios[i], options, **db, *deployment, run_id,
                         (*folder)->path(), pki.get());
    results.push_back(scenario.run());
    const auto& r = results.back();
    if (!r.ran && !g_interrupted)
      for (const auto& f : r.failures) std::cerr << fmt::format("[{}] {}: {}\n", i + 1, r.name, f);
    std::cerr << fmt::format("[{}] {}: {}\n", i + 1, r.name,
                             !r.ran ? "not run: " + (r.failures.empty() ? std::string() : first_line(r.failures.front()))
                             : r.failures.empty()
                                 ? fmt::format("ok, {:.0f} accepted/s, e2e p50 {:.1f} ms", r.per_s(static_cast<double>(r.accepted)), r.e2e_p50_ms)
                                 : "FAIL: " + first_line(r.failures.front()));
  }

  if (std::any_of(results.begin(), results.end(), [](const ScenarioResult& r) { return r.ran; }))
    print_results(std::cout, results, (*db)->embedded());
  const bool fair = !options.fairness || print_fairness_verdict(std::cout, results);
  if (!options.json_file.empty()) {
    nlohmann::json j{{"hubd", options.hubd},
                     {"cpus", std::thread::hardware_concurrency()},
                     {"loadavg_at_start", load_line},
                     {"embedded_postgres", (*db)->embedded()},
                     {"window_s", options.seconds},
                     {"warmup_s", options.warmup_seconds},
                     {"payload_bytes", options.payload_bytes},
                     {"saturation_window_per_sender", options.window},
                     {"hub_log_level", options.hub_log_level},
                     {"scenarios", nlohmann::json::array()}};
    for (const auto& r : results) j["scenarios"].push_back(to_json(r));
    std::ofstream out(options.json_file);
    out << j.dump(2) << "\n";
    if (!out) std::cerr << "hub_bench: cannot write " << options.json_file << "\n";
  }
  (*db)->stop();

  if (g_interrupted) {
    std::cerr << "hub_bench: interrupted; cleaned up\n";
    return 130;
  }
  const bool all_ok = std::all_of(results.begin(), results.end(), [](const ScenarioResult& r) {
    return r.ran && r.failures.empty();
  });
  return all_ok && fair ? 0 : 1;
}

}  // namespace
}  // namespace hub::bench

int main(int argc, char** argv) {
  int exit_code = 0;
  auto options = hub::bench::parse_options(argc, argv, exit_code);
  if (!options) return exit_code;
  spdlog::set_level(options->verbose ? spdlog::level::info : spdlog::level::warn);
  hub::bench::install_signal_handlers();
  if (!options->growth.empty()) return hub::bench::run_growth(*options, hub::bench::g_interrupted);
  return hub::bench::run(*options);
}
