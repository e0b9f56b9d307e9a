// loop_adapter.cc: the test_loop adapter (see loop_control.h).
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>

#include "hub/adapter.h"
#include "loop_control.h"

namespace hub::test_loop {
namespace {

class LoopAdapter;
std::atomic<LoopAdapter*> g_running{nullptr};

class LoopAdapter final : public Adapter, public LoopControl {
 public:
  ~LoopAdapter() override { stop(); }

  AdapterInfo info() const noexcept override {
    return {"test_loop", "1", "test-only transport driven by the test process",
            {{"any_time", SettingType::kList, nlohmann::json::array(), false, "units reached at any time"}},
            false};
  }

  Status start(const nlohmann::json& settings, AdapterHost& host) noexcept override {
    try {
      std::lock_guard lock(mu_);
      host_ = &host;
      any_time_ = settings.at("any_time").get<std::set<std::string>>();
      g_running = this;
      return {};
    } catch (const std::exception& e) {
      return Status::InvalidArgument(std::string("test_loop: ") + e.what());
    }
  }

  Reach reach(const std::string& unit) const noexcept override {
    std::lock_guard lock(mu_);
    return any_time_.contains(unit) ? Reach::kAnyTime : Reach::kWhileConnected;
  }

  Status answer(const Origin& origin, std::string body) noexcept override {
    std::lock_guard lock(mu_);
    if (host_ == nullptr) return Status::Unavailable("test_loop is not running");
    const auto asked = asked_by_.find(origin.request);
    if (asked == asked_by_.end() || asked->second != origin.unit)
      return Status::Unavailable("no request " + std::to_string(origin.request) + " of " + origin.unit);
    answers_[origin.request] = std::move(body);
    changed_.notify_all();
    return {};
  }

  Status answer_with_data(const Origin& origin, std::string body, std::string /*data*/) noexcept override {
    return answer(origin, std::move(body));
  }

  Status send(const std::string& unit, std::string body) noexcept override {
    std::lock_guard lock(mu_);
    if (host_ == nullptr) return Status::Unavailable("test_loop is not running");
    if (!any_time_.contains(unit) && !heard_.contains(unit))
      return Status::Unavailable("unit " + unit + " has not spoken on test_loop");
    sent_[unit].push_back(std::move(body));
    changed_.notify_all();
    return {};
  }

  void stop() noexcept override {
    LoopAdapter* self = this;
    g_running.compare_exchange_strong(self, nullptr);
    std::lock_guard lock(mu_);
    host_ = nullptr;
  }

  Submitted submit(const std::string& key, std::string body) override {
    AdapterHost* host = nullptr;
    {
      std::lock_guard lock(mu_);
      host = host_;
    }
    if (host == nullptr) return {0, "not running"};
    const Identity who = host->authenticate(Credential::curve_key(key));
    if (!who.ok()) return {0, who.code};
    std::uint64_t request = 0;
    {
      std::lock_guard lock(mu_);
      request = ++last_request_;
      asked_by_[request] = who.unit;
      heard_.insert(who.unit);
    }
    host->on_message(Origin{who.unit, request}, std::move(body));
    return {request, ""};
  }

  std::optional<std::string> wait_answer(std::uint64_t request, std::chrono::milliseconds patience) override {
    std::unique_lock lock(mu_);
    if (!changed_.wait_for(lock, patience, [&] { return answers_.contains(request); })) return std::nullopt;
    return answers_.at(request);
  }

  std::vector<std::string> wait_sent(const std::string& unit, std::size_t count,
                                     std::chrono::milliseconds patience) override {
    std::unique_lock lock(mu_);
    changed_.wait_for(lock, patience, [&] { return sent_[unit].size() >= count; });
    return sent_[unit];
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable changed_;
  AdapterHost* host_ = nullptr;                        // GUARDED_BY(mu_)
  std::set<std::string> any_time_, heard_;             // GUARDED_BY(mu_)
  std::uint64_t last_request_ = 0;                     // GUARDED_BY(mu_)
  std::map<std::uint64_t, std::string> asked_by_;      // GUARDED_BY(mu_): request → unit
  std::map<std::uint64_t, std::string> answers_;       // GUARDED_BY(mu_)
  std::map<std::string, std::vector<std::string>> sent_;  // GUARDED_BY(mu_)
};

}  // namespace
}  // namespace hub::test_loop

extern "C" HUB_EXPORT hub::test_loop::LoopControl* test_loop_running() noexcept {
  return hub::test_loop::g_running.load();
}

HUB_DECLARE_ADAPTER(hub::test_loop::LoopAdapter)
