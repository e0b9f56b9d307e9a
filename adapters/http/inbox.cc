#include "inbox.h"

#include <optional>
#include <utility>

namespace hub::http_adapter {
namespace {

http::Response messages_answer(std::string messages_json) {
  return http::Response::json(200, "{\"messages\":" + messages_json + "}");
}

}  // namespace

std::string Inbox::take(Unit& u, std::size_t max) {
  std::string list = "[";
  for (std::size_t n = 0; n < max && !u.messages.empty(); ++n) {
    if (n > 0) list.push_back(',');
    list += u.messages.front();
    u.messages.pop_front();
  }
  list.push_back(']');
  return list;
}

void Inbox::poll(const std::string& unit, std::chrono::milliseconds wait, std::size_t max_messages,
                 http::Responder respond) {
  std::optional<http::Responder> displaced;
  std::string answer;
  std::uint64_t number = 0;
  {
    std::lock_guard lock(mu_);
    Unit& u = units_[unit];
    u.last_poll = Clock::now();
    if (!u.messages.empty() || wait.count() <= 0) {
      answer = take(u, max_messages);
    } else {
      if (u.polls.size() >= kMaxWaitingPolls) {
        displaced = std::move(u.polls.front().respond);
        u.polls.pop_front();
      }
      number = next_poll_++;
      u.polls.push_back(Poll{number, max_messages, std::move(respond)});
    }
  }
  if (displaced) (*displaced)(messages_answer("[]"));
  if (number == 0) {
    respond(messages_answer(answer));
    return;
  }
  timers_.at(Clock::now() + wait, [this, unit, number] { expire(unit, number); });
}

void Inbox::heard(const std::string& unit) {
  std::lock_guard lock(mu_);
  units_[unit].last_poll = Clock::now();
}

bool Inbox::push(const std::string& unit, std::string body) {
  std::optional<http::Responder> respond;
  std::string answer;
  {
    std::lock_guard lock(mu_);
    const auto it = units_.find(unit);
    if (it == units_.end()) return false;
    Unit& u = it->second;
    const bool polling = !u.polls.empty() || Clock::now() - u.last_poll <= presence_;
    if (!polling) {
      u.messages.clear();  // the hub sends them again when the unit is back
      return false;
    }
    if (u.messages.size() >= limit_) return false;
    u.messages.push_back(std::move(body));
    if (!u.polls.empty()) {
      Poll poll = std::move(u.polls.front());
      u.polls.pop_front();
      u.last_poll = Clock::now();
      answer = take(u, poll.max_messages);
      respond = std::move(poll.respond);
    }
  }
  if (respond) (*respond)(messages_answer(answer));
  return true;
}

std::size_t Inbox::queued(const std::string& unit) const {
  std::lock_guard lock(mu_);
  const auto it = units_.find(unit);
  return it == units_.end() ? 0 : it->second.messages.size();
}

void Inbox::expire(const std::string& unit, std::uint64_t number) {
  std::optional<http::Responder> respond;
  {
    std::lock_guard lock(mu_);
    const auto it = units_.find(unit);
    if (it == units_.end()) return;
    auto& polls = it->second.polls;
    for (auto p = polls.begin(); p != polls.end(); ++p) {
      if (p->number != number) continue;
      respond = std::move(p->respond);
      polls.erase(p);
      it->second.last_poll = Clock::now();  // the unit was there until now
      break;
    }
  }
  if (respond) (*respond)(messages_answer("[]"));
}

}  // namespace hub::http_adapter
