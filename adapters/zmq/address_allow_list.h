// address_allow_list.h: from which networks each unit may connect
// (adapters[zmq].settings.allowed_addresses).
//
// Networks are written in CIDR form, IPv4 or IPv6 ("10.20.0.0/16",
// "2001:db8:4::/48"), or as one address ("203.0.113.7" = "/32"). Addresses
// are read with inet_pton; an IPv4 address seen as IPv6 (::ffff:a.b.c.d, on a
// dual-stack socket) is matched as the IPv4 address. A unit without a list
// may connect from anywhere.
//
// Immutable after parse(); not synchronised (the I/O thread reads it).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "hub/status.h"

namespace hub::zmq_adapter {

// An IPv4 address is kept in its first 4 bytes.
struct IpAddress {
  bool v6 = false;
  std::array<std::uint8_t, 16> bytes{};
};

struct Network {
  IpAddress base;  // with the bits beyond the prefix cleared
  int prefix = 0;  // 0..32 or 0..128
};

// "10.1.2.3", "::1", "[::1]", "fe80::1%eth0", "::ffff:10.1.2.3" (read as IPv4); nullopt otherwise.
std::optional<IpAddress> parse_ip_address(std::string_view text);

// "10.0.0.0/8", "2001:db8::/32" or one address; nullopt when malformed or the
// prefix is out of range.
std::optional<Network> parse_network(std::string_view text);

bool contains(const Network& network, const IpAddress& address);

class AddressAllowList {
 public:
  // Reads {"unit id": ["CIDR", ...], ...}. Errors name the setting and the entry.
  static Status parse(const nlohmann::json& setting, AddressAllowList& out);

  // True when `unit` has no list, or `address` (as libzmq reports a peer) lies
  // in one of its networks. An address that cannot be read is not allowed.
  bool allows(const std::string& unit, std::string_view address) const;
  bool empty() const { return networks_.empty(); }
  // "registry: 10.20.0.0/16, 2001:db8::/32; pm.jinxiu: 203.0.113.7/32", for the start-up log.
  std::string describe() const;

 private:
  std::unordered_map<std::string, std::vector<Network>> networks_;  // by unit
  std::unordered_map<std::string, std::vector<std::string>> written_;
};

}  // namespace hub::zmq_adapter
