#include "load.h"

#include <sys/stat.h>

#include <fstream>
#include <limits>

namespace hub::chaos {
namespace {
constexpr int kConnectTimeoutMs = 20000;
constexpr std::int64_t kHeartbeatNs = 500'000'000;
}  // namespace

Load::Load(ChaosHub& hub, LoadOptions options) : hub_(hub), options_(std::move(options)) {
  bench_options_.resend_seconds = 1.0;
  bench_options_.retry_after_ms = 200;
  bench_options_.window = options_.window;
  bench_options_.paced_cap = 100000;
  bench_options_.payload_bytes = options_.payload_bytes;
  scenario_.mode = options_.mode;
  // Each sender paces its share of the rate (the bench assumes all 8 send).
  scenario_.rate = options_.rate * bench::kUnits / static_cast<int>(std::max<std::size_t>(1, options_.senders.size()));
  const std::int64_t now = bench::steady_ns();
  control_.start_ns = now;
  control_.window_begin_ns = now;
  control_.window_end_ns = std::numeric_limits<std::int64_t>::max();
  control_.drain_deadline_ns = std::numeric_limits<std::int64_t>::max();
  control_.heartbeat_every_ns = kHeartbeatNs;
  control_.failover_after_ns = static_cast<std::int64_t>(options_.failover_after_s * 1e9);
  control_.send_budget = options_.budget;
}

Load::~Load() { stop(); }

Status Load::start() {
  const std::string dir = hub_.folder() + "/journals-" + options_.tag;
  if (options_.journals) ::mkdir(dir.c_str(), 0755);
  auto journal = [&](const std::string& unit, std::vector<std::string>& paths) -> Result<bench::Journal*> {
    if (!options_.journals) return nullptr;
    paths.push_back(dir + "/" + unit + ".journal");
    auto j = bench::Journal::open(paths.back());
    if (!j.ok()) return j.status();
    journals_.push_back(std::make_unique<bench::Journal>(std::move(j).value()));
    return journals_.back().get();
  };
  for (const int i : options_.receivers) {
    auto r = std::make_unique<bench::Receiver>(context_, hub_.unit(bench::receiver_id(i)), i, options_.tag + "-", control_);
    auto j = journal(bench::receiver_id(i), receiver_journal_paths_);
    if (!j.ok()) return j.status();
    r->set_journal(*j);
    if (Status s = r->connect(kConnectTimeoutMs); !s.ok())
      return Status(s.code(), "the units cannot connect: " + s.message());
    receivers_.push_back(std::move(r));
  }
  for (const int i : options_.senders) {
    auto s = std::make_unique<bench::Sender>(context_, hub_.unit(bench::sender_id(i)), i, scenario_, bench_options_,
                                             options_.tag + "-", control_);
    auto j = journal(bench::sender_id(i), sender_journal_paths_);
    if (!j.ok()) return j.status();
    s->set_journal(*j);
    if (Status st = s->connect(kConnectTimeoutMs); !st.ok())
      return Status(st.code(), "the units cannot connect: " + st.message());
    senders_.push_back(std::move(s));
  }
  for (auto& r : receivers_) threads_.emplace_back([p = r.get()] { p->run(); });
  control_.senders_running = static_cast<int>(senders_.size());
  for (auto& s : senders_) threads_.emplace_back([p = s.get()] { p->run(); });
  return {};
}

bool Load::drain(std::chrono::seconds stall, bool deliveries) {
  auto progress = [&] { return control_.accepted_total.load() + control_.received_distinct.load() + control_.retry_answers.load(); };
  std::int64_t last = progress();
  auto last_move = std::chrono::steady_clock::now();
  for (;;) {
    const bool answered = control_.senders_running.load() == 0;
    const bool received = !deliveries || control_.received_distinct.load() >= control_.expected_deliveries.load();
    if (answered && received) return true;
    if (control_.abort) return false;
    const auto now = std::chrono::steady_clock::now();
    if (const std::int64_t p = progress(); p != last) {
      last = p;
      last_move = now;
    } else if (now - last_move > stall) {
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

void Load::stop() {
  if (stopped_) return;
  stopped_ = true;
  control_.stop_sending = true;
  control_.stop_receivers = true;
  control_.abort = true;
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  for (auto& j : journals_) j->sync();
}

CheckInput Load::journals() const {
  CheckInput in;
  for (std::size_t k = 0; k < senders_.size(); ++k) {
    std::ifstream f(sender_journal_paths_[k]);
    in.senders.push_back(read_sender_journal(f, bench::sender_id(options_.senders[k])));
  }
  for (std::size_t k = 0; k < receivers_.size(); ++k) {
    std::ifstream f(receiver_journal_paths_[k]);
    in.receivers[bench::receiver_id(options_.receivers[k])] = read_receiver_journal(f);
  }
  const bench::Mode mode = options_.mode;
  in.route = [mode](const std::string& sender) {
    std::vector<std::string> out;
    const int index = (sender[7] - '0') * 10 + (sender[8] - '0') - 1;  // "bench.sNN"
    for (const int r : bench::receivers_of(mode, index)) out.push_back(bench::receiver_id(r));
    return out;
  };
  return in;
}

std::int64_t Load::sent() const {
  std::int64_t n = 0;
  for (const auto& s : senders_) n += s->result().sent;
  return n;
}

std::vector<std::int64_t> Load::latencies_ns() const {
  std::vector<std::int64_t> all;
  for (const auto& r : receivers_) all.insert(all.end(), r->result().latency_ns.begin(), r->result().latency_ns.end());
  return all;
}

std::map<std::string, std::int64_t> Load::error_codes() const {
  std::map<std::string, std::int64_t> all;
  for (const auto& s : senders_)
    for (const auto& [code, n] : s->result().codes) all[code] += n;
  return all;
}

std::map<std::string, std::int64_t> Load::accepted_at() const {
  std::map<std::string, std::int64_t> all;
  for (const auto& s : senders_)
    for (const auto& [endpoint, n] : s->result().accepted_at) all[endpoint] += n;
  return all;
}

std::map<std::string, std::int64_t> Load::received_at() const {
  std::map<std::string, std::int64_t> all;
  for (const auto& r : receivers_)
    for (const auto& [endpoint, n] : r->result().deliveries_at) all[endpoint] += n;
  return all;
}

std::int64_t Load::first_failover_ns() const {
  std::int64_t first = 0;
  auto take = [&](std::int64_t t) {
    if (t != 0 && (first == 0 || t < first)) first = t;
  };
  for (const auto& s : senders_) take(s->result().first_failover_ns);
  for (const auto& r : receivers_) take(r->result().first_failover_ns);
  return first;
}

int Load::failovers() const {
  int n = 0;
  for (const auto& s : senders_) n += s->result().failovers;
  for (const auto& r : receivers_) n += r->result().failovers;
  return n;
}

}  // namespace hub::chaos
