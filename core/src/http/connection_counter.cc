#include "http/listener_state.h"

namespace hub::http::detail {

bool ConnectionCounter::try_acquire(const std::string& address, const char** which) {
  std::lock_guard lock(mu_);
  if (total_ >= max_total_) {
    *which = "max_connections";
    return false;
  }
  std::size_t& mine = per_address_[address];
  if (mine >= max_per_address_) {
    if (mine == 0) per_address_.erase(address);
    *which = "max_connections_per_address";
    return false;
  }
  ++mine;
  ++total_;
  return true;
}

void ConnectionCounter::release(const std::string& address) {
  std::lock_guard lock(mu_);
  auto it = per_address_.find(address);
  if (it == per_address_.end() || it->second == 0) return;
  --total_;
  if (--it->second == 0) per_address_.erase(it);
}

}  // namespace hub::http::detail
