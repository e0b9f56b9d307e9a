#include "address_allow_list.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <map>

namespace hub::zmq_adapter {
namespace {

constexpr std::array<std::uint8_t, 12> kV4MappedPrefix = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

}  // namespace

std::optional<IpAddress> parse_ip_address(std::string_view text) {
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') text = text.substr(1, text.size() - 2);
  if (const auto scope = text.find('%'); scope != std::string_view::npos) text = text.substr(0, scope);
  const std::string z(text);  // inet_pton needs a terminated string
  IpAddress out;
  if (::inet_pton(AF_INET, z.c_str(), out.bytes.data()) == 1) return out;
  if (::inet_pton(AF_INET6, z.c_str(), out.bytes.data()) != 1) return std::nullopt;
  if (std::equal(kV4MappedPrefix.begin(), kV4MappedPrefix.end(), out.bytes.begin())) {
    std::copy(out.bytes.begin() + 12, out.bytes.end(), out.bytes.begin());
    std::fill(out.bytes.begin() + 4, out.bytes.end(), 0);
    return out;
  }
  out.v6 = true;
  return out;
}

std::optional<Network> parse_network(std::string_view text) {
  const auto slash = text.find('/');
  const auto address = parse_ip_address(text.substr(0, slash));
  if (!address) return std::nullopt;
  const int width = address->v6 ? 128 : 32;
  int prefix = width;
  if (slash != std::string_view::npos) {
    const std::string_view digits = text.substr(slash + 1);
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || prefix < 0 || prefix > width)
      return std::nullopt;
  }
  Network network{*address, prefix};
  for (int bit = prefix; bit < width; ++bit)
    network.base.bytes[bit / 8] &= static_cast<std::uint8_t>(~(0x80u >> (bit % 8)));
  return network;
}

bool contains(const Network& network, const IpAddress& address) {
  if (network.base.v6 != address.v6) return false;
  const int whole_bytes = network.prefix / 8;
  if (!std::equal(network.base.bytes.begin(), network.base.bytes.begin() + whole_bytes, address.bytes.begin()))
    return false;
  const int rest = network.prefix % 8;
  if (rest == 0) return true;
  const auto mask = static_cast<std::uint8_t>(0xFFu << (8 - rest));
  return (address.bytes[whole_bytes] & mask) == network.base.bytes[whole_bytes];
}

Status AddressAllowList::parse(const nlohmann::json& setting, AddressAllowList& out) {
  const std::string name = "adapters[zmq].settings.allowed_addresses";
  AddressAllowList parsed;
  if (setting.is_null()) {
    out = std::move(parsed);
    return {};
  }
  if (!setting.is_object())
    return Status::InvalidArgument(name + " must be a map of unit id to a list of networks, e.g. "
                                          "{registry: [10.20.0.0/16, \"2001:db8:4::/48\"]}");
  for (const auto& [unit, list] : setting.items()) {
    if (!list.is_array() || list.empty())
      return Status::InvalidArgument(name + "." + unit + " must be a non-empty list of networks (CIDR, e.g. 10.20.0.0/16)");
    for (const auto& entry : list) {
      const std::string text = entry.is_string() ? entry.get<std::string>() : entry.dump();
      const auto network = entry.is_string() ? parse_network(text) : std::nullopt;
      if (!network)
        return Status::InvalidArgument(name + "." + unit + ": '" + text +
                                       "' is not a network: expected an IPv4 or IPv6 address with an optional "
                                       "prefix length, e.g. 10.20.0.0/16, 203.0.113.7 or \"2001:db8:4::/48\"");
      parsed.networks_[unit].push_back(*network);
      parsed.written_[unit].push_back(text);
    }
  }
  out = std::move(parsed);
  return {};
}

bool AddressAllowList::allows(const std::string& unit, std::string_view address) const {
  const auto it = networks_.find(unit);
  if (it == networks_.end()) return true;
  const auto parsed = parse_ip_address(address);
  return parsed && std::any_of(it->second.begin(), it->second.end(),
                               [&](const Network& n) { return contains(n, *parsed); });
}

std::string AddressAllowList::describe() const {
  const std::map<std::string, std::vector<std::string>> sorted(written_.begin(), written_.end());
  std::string out;
  for (const auto& [unit, list] : sorted) {
    out += (out.empty() ? "" : "; ") + unit + ": ";
    for (std::size_t i = 0; i < list.size(); ++i) out += (i ? ", " : "") + list[i];
  }
  return out;
}

}  // namespace hub::zmq_adapter
