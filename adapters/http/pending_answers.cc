#include "pending_answers.h"

#include <utility>

#include <nlohmann/json.hpp>

#include "answer_status.h"

namespace hub::http_adapter {
namespace {

http::Response with_verdict(HttpVerdict verdict, std::string body) {
  http::Response response = http::Response::json(verdict.status, std::move(body));
  if (verdict.retry_after_seconds > 0) response.headers.set("Retry-After", std::to_string(verdict.retry_after_seconds));
  return response;
}

}  // namespace

void PendingAnswers::wait(std::uint64_t id, std::string request_kind, http::Responder respond) {
  {
    std::lock_guard lock(mu_);
    waiting_.insert_or_assign(id, Waiting{std::move(request_kind), std::move(respond)});
  }
  timers_.at(TimerThread::Clock::now() + timeout_, [this, id] { expire(id); });
}

bool PendingAnswers::answer(std::uint64_t id, const std::string& body) {
  http::Responder respond;
  {
    std::lock_guard lock(mu_);
    const auto it = waiting_.find(id);
    if (it == waiting_.end()) return false;
    respond = std::move(it->second.respond);
    waiting_.erase(it);
  }
  respond(response_for_answer(body));
  return true;
}

std::size_t PendingAnswers::size() const {
  std::lock_guard lock(mu_);
  return waiting_.size();
}

void PendingAnswers::expire(std::uint64_t id) {
  Waiting waiting;
  {
    std::lock_guard lock(mu_);
    const auto it = waiting_.find(id);
    if (it == waiting_.end()) return;
    waiting = std::move(it->second);
    waiting_.erase(it);
  }
  waiting.respond(adapter_error("no_answer",
                                "the hub did not answer in time; nothing is known of this request: send it again "
                                "with the same reference (the hub never does the same work twice)",
                                waiting.request_kind));
}

http::Response response_for_answer(const std::string& body) {
  const auto answer = nlohmann::json::parse(body, nullptr, false);
  if (!answer.is_object()) return adapter_error("internal", "the hub's answer was not readable; tell the operator", "");
  const auto text = [&](const char* name) {
    const auto it = answer.find(name);
    return it != answer.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  const auto duplicate = answer.find("duplicate");
  const bool is_duplicate = duplicate != answer.end() && duplicate->is_boolean() && duplicate->get<bool>();
  return with_verdict(verdict_for_answer(text("kind"), text("code"), is_duplicate), body);
}

http::Response adapter_error(std::string_view code, std::string_view message, std::string_view request_kind) {
  const HttpVerdict verdict = verdict_for_code(code);
  nlohmann::json error = {{"kind", "error"},
                          {"code", std::string(code)},
                          {"message", std::string(message)},
                          {"retry", verdict.retry_after_seconds > 0}};
  if (!request_kind.empty()) error["request"] = std::string(request_kind);
  return with_verdict(verdict, error.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace hub::http_adapter
