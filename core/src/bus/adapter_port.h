// bus/adapter_port.h: the host side of one running adapter.
//
// Each adapter gets its own port as its AdapterHost (hub/adapter.h), so that
// every message it hands over is tagged with where its answer goes: this
// adapter's number and the request (protocol/answer_to.h). The port holds no
// state of its own beyond that number; the hub does the work.
// Thread-safe as its targets are.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

#include "hub/adapter.h"
#include "protocol/answer_to.h"

namespace hub::bus {

struct PortTargets {
  std::function<Identity(const Credential&)> authenticate;
  std::function<void(const std::string& unit, const protocol::AnswerTo& to, std::string body)> on_message;
  std::function<void(const std::string& unit, const protocol::AnswerTo& to, std::string body, std::string data)>
      on_message_with_data;
};

class AdapterPort final : public AdapterHost {
 public:
  // `index`: the adapter's place in hub.yaml's adapters; `name`: its name
  // there; `each_request`: its AdapterInfo::answers_each_request.
  AdapterPort(std::size_t index, std::string name, bool each_request, PortTargets targets)
      : index_(index), name_(std::move(name)), each_request_(each_request), targets_(std::move(targets)) {}

  Identity authenticate(const Credential& credential) noexcept override;
  void on_message(const Origin& origin, std::string body) noexcept override;
  void on_message_with_data(const Origin& origin, std::string body, std::string data) noexcept override;
  void log_info(std::string_view line) noexcept override;
  void log_warn(std::string_view line) noexcept override;

 private:
  const std::size_t index_;
  const std::string name_;
  const bool each_request_;
  const PortTargets targets_;
};

}  // namespace hub::bus
