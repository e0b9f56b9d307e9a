#include "bus/adapter_port.h"

#include <spdlog/spdlog.h>

#include "protocol/messages.h"

namespace hub::bus {

Identity AdapterPort::authenticate(const Credential& credential) noexcept {
  try {
    return targets_.authenticate(credential);
  } catch (const std::exception& e) {
    spdlog::error("adapter {}: a credential could not be checked: {}", name_, e.what());
    return Identity{"", protocol::code::kInternal, "the hub could not check this credential now: try again later"};
  }
}

void AdapterPort::on_message(const Origin& origin, std::string body) noexcept {
  try {
    targets_.on_message(origin.unit, protocol::AnswerTo{index_, origin.request, each_request_}, std::move(body));
  } catch (const std::exception& e) {
    spdlog::error("intake: message from {} by adapter {} dropped after an internal error: {}", origin.unit, name_,
                  e.what());
  }
}

void AdapterPort::on_message_with_data(const Origin& origin, std::string body, std::string data) noexcept {
  try {
    targets_.on_message_with_data(origin.unit, protocol::AnswerTo{index_, origin.request, each_request_},
                                  std::move(body), std::move(data));
  } catch (const std::exception& e) {
    spdlog::error("intake: upload from {} by adapter {} dropped after an internal error: {}", origin.unit, name_,
                  e.what());
  }
}

void AdapterPort::log_info(std::string_view line) noexcept {
  try {
    spdlog::info("{}", line);
  } catch (...) {  // logging must not throw into the adapter
  }
}

void AdapterPort::log_warn(std::string_view line) noexcept {
  try {
    spdlog::warn("{}", line);
  } catch (...) {  // logging must not throw into the adapter
  }
}

}  // namespace hub::bus
