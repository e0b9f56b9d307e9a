// loopback_port.h: a TCP port of 127.0.0.1 for a listener that needs its
// port written down before it starts (a hub's config, a webhook's URL).
//
// The port is drawn at random below the kernel's ephemeral range (Linux's
// default 32768-60999, /proc/sys/net/ipv4/ip_local_port_range), and checked
// free by binding it. A port the kernel hands out by itself (a bind to port
// 0, an outgoing connection's local port) comes from that range, so it never
// takes the port between this check and the listener's bind; only another
// caller drawing the same port in that moment could. No test framework:
// hub_bench and the chaos harness use it too.
#pragma once

#include <cstdint>

namespace hub::testing {

// A port nobody listens on now; 0 when none was found (every try taken).
std::uint16_t unused_loopback_port();

}  // namespace hub::testing
