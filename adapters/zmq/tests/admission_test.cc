// Tests of the zmq adapter's admission rules, without sockets: the handshake
// rate per address, the address allow-list, and the refusal log's limits.
// Time is passed in, so nothing waits.
#include <catch2/catch.hpp>

#include <string>

#include <nlohmann/json.hpp>

#include "address_allow_list.h"
#include "flood_guard.h"
#include "handshake_limiter.h"
#include "refusal_log.h"

using namespace hub::zmq_adapter;
using namespace std::chrono_literals;

namespace {
const auto t0 = std::chrono::steady_clock::time_point() + 1000h;
}

TEST_CASE("handshakes per address: a burst, then the refill rate, addresses are apart", "[zmq][limits]") {
  HandshakeLimiter limiter(2.0, 3.0);
  for (int i = 0; i < 3; ++i) CHECK(limiter.allow("10.0.0.1", t0));
  CHECK_FALSE(limiter.allow("10.0.0.1", t0));
  CHECK(limiter.allow("10.0.0.2", t0));            // another address has its own bucket
  CHECK_FALSE(limiter.allow("10.0.0.1", t0 + 400ms));  // 0.8 tokens
  CHECK(limiter.allow("10.0.0.1", t0 + 500ms));        // 1 token
  CHECK_FALSE(limiter.allow("10.0.0.1", t0 + 500ms));
  for (int i = 0; i < 3; ++i) CHECK(limiter.allow("10.0.0.1", t0 + 1h));  // never more than the burst
  CHECK_FALSE(limiter.allow("10.0.0.1", t0 + 1h));
}

TEST_CASE("handshakes per address: 0 means no limit", "[zmq][limits]") {
  HandshakeLimiter limiter(0, 0);
  for (int i = 0; i < 1000; ++i) CHECK(limiter.allow("10.0.0.1", t0));
  CHECK(limiter.addresses() == 0);
}

TEST_CASE("handshakes per address: the table stays within its cap under a flood of addresses", "[zmq][limits]") {
  HandshakeLimiter limiter(1.0, 2.0, 100);
  CHECK(limiter.allow("busy", t0));
  CHECK(limiter.allow("busy", t0));
  for (int i = 0; i < 10000; ++i) {
    CHECK(limiter.allow("10.1." + std::to_string(i / 256) + "." + std::to_string(i % 256), t0));
    CHECK(limiter.addresses() <= 100);
  }
  // Once refilled, idle buckets are dropped first and a new address still gets a full bucket.
  CHECK(limiter.allow("late", t0 + 10s));
  CHECK(limiter.allow("late", t0 + 10s));
  CHECK_FALSE(limiter.allow("late", t0 + 10s));
  CHECK(limiter.addresses() <= 100);
}

TEST_CASE("addresses and networks are read with inet_pton, IPv4 and IPv6", "[zmq][allow-list]") {
  CHECK(parse_ip_address("10.1.2.3"));
  CHECK(parse_ip_address("::1")->v6);
  CHECK(parse_ip_address("[2001:db8::7]")->v6);
  CHECK(parse_ip_address("fe80::1%eth0")->v6);
  const auto mapped = parse_ip_address("::ffff:10.1.2.3");
  REQUIRE(mapped);
  CHECK_FALSE(mapped->v6);  // an IPv4 peer on a dual-stack socket is matched as IPv4
  for (const char* bad : {"", "10.1.2", "10.1.2.256", "host.example", "10.1.2.3:7750", "2001:db8::g"})
    CHECK_FALSE(parse_ip_address(bad));

  const auto ten = parse_network("10.0.0.0/8");
  REQUIRE(ten);
  CHECK(contains(*ten, *parse_ip_address("10.255.1.2")));
  CHECK_FALSE(contains(*ten, *parse_ip_address("11.0.0.1")));
  CHECK_FALSE(contains(*ten, *parse_ip_address("::ffff:11.0.0.1")));
  CHECK(contains(*ten, *parse_ip_address("::ffff:10.0.0.1")));

  const auto odd = parse_network("192.168.5.77/22");  // bits beyond the prefix are ignored
  REQUIRE(odd);
  CHECK(contains(*odd, *parse_ip_address("192.168.4.1")));
  CHECK(contains(*odd, *parse_ip_address("192.168.7.255")));
  CHECK_FALSE(contains(*odd, *parse_ip_address("192.168.8.0")));

  const auto one = parse_network("203.0.113.7");
  REQUIRE(one);
  CHECK(one->prefix == 32);
  CHECK(contains(*one, *parse_ip_address("203.0.113.7")));
  CHECK_FALSE(contains(*one, *parse_ip_address("203.0.113.8")));

  const auto v6 = parse_network("2001:db8:4::/47");
  REQUIRE(v6);
  CHECK(contains(*v6, *parse_ip_address("2001:db8:5:ffff::1")));
  CHECK_FALSE(contains(*v6, *parse_ip_address("2001:db8:6::1")));
  CHECK_FALSE(contains(*v6, *parse_ip_address("10.0.0.1")));  // families never match each other

  CHECK(contains(*parse_network("0.0.0.0/0"), *parse_ip_address("8.8.8.8")));
  CHECK(contains(*parse_network("::/0"), *parse_ip_address("::1")));
  for (const char* bad : {"10.0.0.0/33", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/8x", "::/129", "nowhere/8"})
    CHECK_FALSE(parse_network(bad));
}

TEST_CASE("the allow-list restricts only the units it names", "[zmq][allow-list]") {
  AddressAllowList list;
  REQUIRE(AddressAllowList::parse(nlohmann::json{{"registry", {"10.20.0.0/16", "2001:db8:4::/48"}}}, list).ok());
  CHECK(list.allows("registry", "10.20.3.4"));
  CHECK(list.allows("registry", "2001:db8:4:1::9"));
  CHECK_FALSE(list.allows("registry", "10.21.0.1"));
  CHECK_FALSE(list.allows("registry", "127.0.0.1"));
  CHECK_FALSE(list.allows("registry", "not an address"));
  CHECK(list.allows("pm.jinxiu", "127.0.0.1"));  // no list: anywhere
  CHECK(list.describe() == "registry: 10.20.0.0/16, 2001:db8:4::/48");

  AddressAllowList none;
  REQUIRE(AddressAllowList::parse(nullptr, none).ok());
  CHECK(none.empty());
}

TEST_CASE("a malformed allow-list says which entry and what is expected", "[zmq][allow-list]") {
  AddressAllowList list;
  const auto bad_entry = AddressAllowList::parse(nlohmann::json{{"registry", {"10.20.0.0/16", "10.0.0.0/40"}}}, list);
  CHECK_FALSE(bad_entry.ok());
  CHECK_THAT(bad_entry.message(), Catch::Contains("allowed_addresses.registry: '10.0.0.0/40' is not a network"));
  CHECK_FALSE(AddressAllowList::parse(nlohmann::json{{"registry", "10.0.0.0/8"}}, list).ok());
  CHECK_FALSE(AddressAllowList::parse(nlohmann::json{{"registry", nlohmann::json::array()}}, list).ok());
  CHECK_FALSE(AddressAllowList::parse(nlohmann::json{"10.0.0.0/8"}, list).ok());
}

TEST_CASE("refusals: once a minute per subject, and a global cap with a count of what was left out",
          "[zmq][limits]") {
  RefusalLog log(3, 1min, 1min, 1024);
  CHECK(log.admit("key-a", t0).log);
  CHECK_FALSE(log.admit("key-a", t0 + 1s).log);  // the same key within the minute
  const auto b = log.admit("key-b", t0 + 1s);
  CHECK(b.log);
  CHECK(b.not_logged == 1);  // key-a's second refusal, reported before the next line logged
  CHECK(log.admit("key-c", t0 + 2s).log);
  for (int i = 0; i < 1000; ++i) CHECK_FALSE(log.admit("flood-" + std::to_string(i), t0 + 3s).log);  // cap reached
  const auto next = log.admit("key-d", t0 + 61s);
  CHECK(next.log);
  CHECK(next.not_logged == 1000);
  CHECK(log.admit("key-a", t0 + 62s).log);  // its minute is over
  CHECK(log.admit("key-e", t0 + 62s).not_logged == 0);
}

TEST_CASE("refusals: many subjects keep bounded memory and the global cap still holds", "[zmq][limits]") {
  RefusalLog log(5, 1min, 1min, 16);
  int logged = 0;
  for (int i = 0; i < 5000; ++i) logged += log.admit("k" + std::to_string(i % 40), t0 + std::chrono::milliseconds(i)).log;
  CHECK(logged == 5);
}

TEST_CASE("a connection over its message rate is cut once, what it still sent is dropped, its key waits",
          "[zmq][limits]") {
  FloodGuard guard(100, 10s, 40s);
  int read = 0;
  for (int i = 0; i < 100; ++i) read += guard.admit("conn-1", "KEY-A", t0) == FloodGuard::Verdict::kRead;
  CHECK(read == 100);  // the burst
  CHECK(guard.admit("conn-2", "KEY-B", t0) == FloodGuard::Verdict::kRead);  // another connection's own bucket
  CHECK(guard.penalty_left("KEY-A", t0) == 0s);
  CHECK(guard.admit("conn-1", "KEY-A", t0) == FloodGuard::Verdict::kCut);
  CHECK(guard.admit("conn-1", "KEY-A", t0) == FloodGuard::Verdict::kDrop);
  CHECK(guard.admit("conn-1", "KEY-A", t0 + 1h) == FloodGuard::Verdict::kDrop);  // a cut connection stays cut
  CHECK(guard.penalty_left("KEY-A", t0) == 10s);
  CHECK(guard.penalty_left("KEY-A", t0 + 9500ms) == 1s);
  CHECK(guard.penalty_left("KEY-A", t0 + 10s) == 0s);
  CHECK(guard.penalty_left("KEY-B", t0) == 0s);

  // Cut again within the hour: the penalty doubles, up to the longest.
  const auto later = t0 + 20s;
  for (int i = 0; i < 100; ++i) REQUIRE(guard.admit("conn-3", "KEY-A", later) == FloodGuard::Verdict::kRead);
  CHECK(guard.admit("conn-3", "KEY-A", later) == FloodGuard::Verdict::kCut);
  CHECK(guard.last_penalty("KEY-A") == 20s);
  for (int i = 0; i < 101; ++i) guard.admit("conn-4", "KEY-A", later + 1min);
  CHECK(guard.last_penalty("KEY-A") == 40s);
  for (int i = 0; i < 101; ++i) guard.admit("conn-5", "KEY-A", later + 2min);
  CHECK(guard.last_penalty("KEY-A") == 40s);
  // More than an hour after the last penalty ended, a cut starts again at the first penalty.
  for (int i = 0; i < 101; ++i) guard.admit("conn-6", "KEY-A", later + 3h);
  CHECK(guard.last_penalty("KEY-A") == 10s);
}

TEST_CASE("a flood guard of 0 messages a second never cuts", "[zmq][limits]") {
  FloodGuard guard(0, 10s, 40s);
  for (int i = 0; i < 100000; ++i) REQUIRE(guard.admit("conn-1", "KEY-A", t0) == FloodGuard::Verdict::kRead);
}
