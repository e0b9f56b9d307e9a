// scaffold_adapter.cc: a transport adapter that carries nothing, to copy as
// the start of a new one (docs/ADAPTERS.md, "Writing a transport adapter").
//
// It "echoes": every answer and every message the hub hands it is written to
// the hub's log, and a message the hub starts is refused as undeliverable, so
// the hub keeps it in its database and sends it again later (the contract of
// send() in hub/adapter.h). A real transport replaces the marked places:
// accept peers, ask the host who they are, hand their messages over.
#include <atomic>
#include <exception>
#include <string>

#include "hub/adapter.h"

namespace hub::scaffold_adapter {

class ScaffoldAdapter final : public Adapter {
 public:
  AdapterInfo info() const noexcept override {
    return AdapterInfo{"scaffold", "0.1", "an adapter that carries nothing and logs what the hub hands it",
                       {{"label", SettingType::kString, "scaffold", false, "a word put in front of each log line"}},
                       /*answers_each_request=*/false};
  }

  Status start(const nlohmann::json& settings, AdapterHost& host) noexcept override {
    try {
      host_ = &host;
      label_ = settings.value("label", std::string("scaffold"));
      // A real transport binds here and starts its threads. For each peer it
      // builds a Credential from what the peer proved (never from what a body
      // says), calls host.authenticate(credential), and for each message of an
      // authenticated peer calls host.on_message(Origin{identity.unit, n}, body)
      // with its own number n for the request, which answer() gets back.
      host.log_info(label_ + ": started (it carries nothing)");
      running_ = true;
      return {};
    } catch (const std::exception& e) {
      return Status::Internal(std::string("starting the scaffold adapter: ") + e.what());
    }
  }

  // Nobody is connected: the hub sends this adapter's units work only while
  // they are (a webhook or a queue would answer kAnyTime).
  Reach reach(const std::string&) const noexcept override { return Reach::kWhileConnected; }

  // The hub's answer to the message that came with `origin`: a real transport
  // writes it to the request or connection numbered origin.request.
  Status answer(const Origin& origin, std::string body) noexcept override {
    echo("answer for ", origin.unit, body);
    return Status::Unavailable("the scaffold adapter has no request waiting");
  }

  // The same with bytes beside the body (a chunk of a file a unit fetched):
  // a real transport carries them as it carries bytes (a frame, a body).
  Status answer_with_data(const Origin& origin, std::string body, std::string data) noexcept override {
    const std::string what = "answer with " + std::to_string(data.size()) + " bytes for ";
    echo(what.c_str(), origin.unit, body);
    return Status::Unavailable("the scaffold adapter has no request waiting");
  }

  // A message the hub starts (a delivery, reply or update): a real transport
  // sends it to the unit, which acks it. Refusing it is always safe: the hub
  // keeps it and tries again after a pause.
  Status send(const std::string& unit, std::string body) noexcept override {
    echo("message for ", unit, body);
    return Status::Unavailable("the scaffold adapter reaches no unit");
  }

  void stop() noexcept override {
    // A real transport closes its listener and joins its threads here; stop()
    // may be called more than once.
    if (running_.exchange(false)) echo("stopped", "", "");
  }

 private:
  // Every method of the interface is noexcept: nothing may escape, not even bad_alloc.
  void echo(const char* what, const std::string& unit, const std::string& body) noexcept {
    try {
      if (host_ != nullptr) host_->log_info(label_ + ": " + what + unit + (body.empty() ? "" : ": ") + body);
    } catch (...) {
    }
  }

  AdapterHost* host_ = nullptr;
  std::string label_;
  std::atomic<bool> running_{false};
};

}  // namespace hub::scaffold_adapter

HUB_DECLARE_ADAPTER(hub::scaffold_adapter::ScaffoldAdapter)
