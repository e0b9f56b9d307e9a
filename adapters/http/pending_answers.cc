#include "pending_answers.h"

#include <cctype>
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

AnswerBatch::AnswerBatch(std::size_t parts, std::string request_kind, http::Responder respond)
    : answers_(parts), statuses_(parts, 0), missing_(parts), request_kind_(std::move(request_kind)),
      respond_(std::move(respond)) {}

void AnswerBatch::set(std::size_t index, int status, std::string answer) {
  std::string body;
  {
    std::lock_guard lock(mu_);
    if (index >= answers_.size() || statuses_[index] != 0) return;
    statuses_[index] = status;
    answers_[index] = std::move(answer);
    if (--missing_ > 0) return;
    std::size_t size = 64;
    for (const auto& a : answers_) size += a.size() + 24;
    body.reserve(size);
    body.append(R"({"kind":"answers","request":")").append(request_kind_).append(R"(","answers":[)");
    for (std::size_t i = 0; i < answers_.size(); ++i) {
      if (i > 0) body.push_back(',');
      body.append(R"({"status":)").append(std::to_string(statuses_[i])).append(R"(,"answer":)");
      body.append(answers_[i]).push_back('}');
    }
    body.append("]}");
  }
  respond_(http::Response::json(200, std::move(body)));
}

void PendingAnswers::wait(std::uint64_t id, std::string request_kind, http::Responder respond) {
  keep(id, Waiting{std::move(request_kind), std::move(respond), nullptr, 0});
}

void PendingAnswers::wait_part(std::uint64_t id, std::string request_kind, std::shared_ptr<AnswerBatch> batch,
                               std::size_t index) {
  keep(id, Waiting{std::move(request_kind), http::Responder(), std::move(batch), index});
}

void PendingAnswers::keep(std::uint64_t id, Waiting waiting) {
  {
    std::lock_guard lock(mu_);
    waiting_.insert_or_assign(id, std::move(waiting));
  }
  timers_.at(TimerThread::Clock::now() + timeout_, [this, id] { expire(id); });
}

std::optional<PendingAnswers::Waiting> PendingAnswers::take(std::uint64_t id) {
  std::lock_guard lock(mu_);
  const auto it = waiting_.find(id);
  if (it == waiting_.end()) return std::nullopt;
  Waiting waiting = std::move(it->second);
  waiting_.erase(it);
  return waiting;
}

void PendingAnswers::settle(Waiting& waiting, http::Response response) {
  if (waiting.batch)
    waiting.batch->set(waiting.index, response.status, std::move(response.body));
  else
    waiting.respond(std::move(response));
}

bool PendingAnswers::answer(std::uint64_t id, const std::string& body) {
  auto waiting = take(id);
  if (waiting) settle(*waiting, response_for_answer(body));
  return waiting.has_value();
}

bool PendingAnswers::answer_with_data(std::uint64_t id, const std::string& body, std::string data) {
  auto waiting = take(id);
  if (waiting) settle(*waiting, response_for_file(body, std::move(data)));
  return waiting.has_value();
}

std::size_t PendingAnswers::size() const {
  std::lock_guard lock(mu_);
  return waiting_.size();
}

void PendingAnswers::expire(std::uint64_t id) {
  auto waiting = take(id);
  if (!waiting) return;
  settle(*waiting, adapter_error("no_answer",
                                 "the hub did not answer in time; nothing is known of this request: send it again "
                                 "with the same reference (the hub never does the same work twice)",
                                 waiting->request_kind));
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

namespace {

// RFC 6266 with RFC 8187: an ASCII fallback name, and the name in UTF-8.
std::string content_disposition(std::string_view name) {
  std::string fallback, encoded;
  constexpr char kHex[] = "0123456789ABCDEF";
  for (const char ch : name) {
    const auto c = static_cast<unsigned char>(ch);
    // One '_' per character the fallback cannot carry (a UTF-8 sequence counts once).
    if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\' && c != '%')
      fallback += ch;
    else if ((c & 0xC0) != 0x80)
      fallback += '_';
    if (std::isalnum(c) || std::string_view("!#$&+-.^_`|~").find(ch) != std::string_view::npos) {
      encoded += ch;
    } else {
      encoded += '%';
      encoded += kHex[c >> 4];
      encoded += kHex[c & 15];
    }
  }
  return "attachment; filename=\"" + fallback + "\"; filename*=UTF-8''" + encoded;
}

}  // namespace

http::Response response_for_file(const std::string& body, std::string data) {
  const auto answer = nlohmann::json::parse(body, nullptr, false);
  if (!answer.is_object() || answer.value("kind", "") != "file") return response_for_answer(body);
  http::Response response;
  response.status = 200;
  response.body = std::move(data);
  response.headers.set("Content-Type", answer.value("type", "application/octet-stream"));
  response.headers.set("Content-Disposition", content_disposition(answer.value("name", "attachment")));
  response.headers.set("X-Content-Type-Options", "nosniff");
  response.headers.set("Content-Security-Policy", "sandbox; default-src 'none'");
  response.headers.set("Cache-Control", "private, no-store");
  response.headers.set("ETag", "\"" + answer.value("sha256", "") + "\"");
  return response;
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
