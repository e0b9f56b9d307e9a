#include "bus/deadline_watcher.h"

#include <spdlog/spdlog.h>

#include "store/deadline_watch.h"

namespace hub::bus {
namespace {
// The manual clock of the tests moves in jumps; a short tick makes a jump felt promptly.
constexpr auto kTick = std::chrono::milliseconds(250);
constexpr int kClaimLimit = 200;
}  // namespace

DeadlineWatcher::DeadlineWatcher(std::string conninfo, const catalog::CatalogHolder& catalog, const log::RoutingLog& log,
                                 const Clock& clock, std::function<void()> fired)
    : db_(std::move(conninfo), "deadline watcher"), catalog_(catalog), log_(log), clock_(clock),
      fired_(std::move(fired)) {}

DeadlineWatcher::~DeadlineWatcher() { stop(); }

void DeadlineWatcher::start() { thread_ = std::thread([this] { run(); }); }

void DeadlineWatcher::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void DeadlineWatcher::run() {
  bool more = false;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      if (!more) wake_.wait_for(lock, kTick, [&] { return stopping_; });
      if (stopping_) return;
    }
    store::PgConnection* db = db_.get();
    more = db != nullptr && watch_once(*db);
  }
}

bool DeadlineWatcher::watch_once(store::PgConnection& db) {
  const auto catalog = catalog_.get();
  const store::LifecycleContext ctx{&catalog->lifecycle(), &catalog->directory(), &catalog->router()};
  auto fired = store::fire_due_steps(db, clock_.now(), ctx, kClaimLimit);
  if (!fired.ok()) {
    if (db_.check(fired.status()).code() != StatusCode::kUnavailable)
      spdlog::error("deadline watcher: {}", fired.status().message());
    return false;
  }
  if (fired->steps > 0) {
    log_.write(fired->events);
    fired_();
  }
  return fired->deliveries >= kClaimLimit;
}

}  // namespace hub::bus
