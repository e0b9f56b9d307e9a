#include "bus/peer_wake.h"

#include <chrono>
#include <optional>

#include <spdlog/spdlog.h>

#include "store/work_signal.h"

namespace hub::bus {
namespace {
// How long one wait lasts: the longest a stop waits for this thread.
constexpr auto kWaitStep = std::chrono::milliseconds(100);
constexpr auto kRetry = std::chrono::seconds(1);
}  // namespace

PeerWake::PeerWake(std::string conninfo, std::string hub_id, std::function<void()> wake,
                   std::function<Status(store::PgConnection&)> units_changed)
    : conninfo_(std::move(conninfo)), hub_id_(std::move(hub_id)), wake_(std::move(wake)),
      units_changed_(std::move(units_changed)) {}

PeerWake::~PeerWake() { stop(); }

void PeerWake::start() { thread_ = std::thread([this] { run(); }); }

void PeerWake::stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

bool PeerWake::reload_units(store::WorkListener& listener) {
  if (Status s = units_changed_(listener.connection()); !s.ok()) {
    spdlog::warn("disabled units: cannot read them from the database ({}); trying again in a second", s.message());
    return false;
  }
  return true;
}

void PeerWake::run() {
  std::optional<store::WorkListener> listener;
  bool first = true;
  auto next_try = std::chrono::steady_clock::now();
  while (!stopping_) {
    if (!listener) {
      if (std::chrono::steady_clock::now() < next_try) {
        std::this_thread::sleep_for(kWaitStep);
        continue;
      }
      int same_id = 0;
      auto started = store::WorkListener::start(conninfo_, hub_id_, same_id);
      if (!started.ok()) {
        next_try = std::chrono::steady_clock::now() + kRetry;
        continue;
      }
      listener.emplace(std::move(started.value()));
      if (first && same_id > 0)
        spdlog::warn("another connection to this database uses hub id '{}': if it is not a hub of that id that "
                     "just stopped, give every hub its own id (hub.id or hubd --hub-id), or the hubs take longer "
                     "to learn of each other's new work",
                     hub_id_);
      first = false;
      // Announcements made while this hub was not listening are lost.
      wake_();
      if (!reload_units(*listener)) {
        listener.reset();
        next_try = std::chrono::steady_clock::now() + kRetry;
      }
      continue;
    }
    auto heard = listener->wait(kWaitStep);
    if (!heard.ok() || (heard->units && !reload_units(*listener))) {
      listener.reset();
      next_try = std::chrono::steady_clock::now() + kRetry;
      continue;
    }
    if (heard->work) wake_();
  }
}

}  // namespace hub::bus
