// ops/operator_client.h: one request on the hub's operator socket, as hubctl
// and the benchmarks send it.
//
// The hub learns who asks from the kernel (ops/peer_identity.h), so a request
// carries no operator name; one it carries is ignored. Thread-safe (each call
// has its own connection).
#pragma once

#include <chrono>
#include <string>

#include "hub/case.h"
#include "util/result.h"

namespace hub::ops {

struct OperatorEndpoint {
  std::string socket_path;
  std::string group;  // hub.operator_group when known (from the config), for messages
};

// Sends `request` and returns the hub's answer object as it came (including
// "ok": false answers). Errors say what to do:
//   kUnavailable       the hub is not running there, or did not answer within `timeout`;
//   kPermissionDenied  the socket exists but this user may not open it;
//   kInvalidArgument   the answer was not a JSON object.
Result<Json> ask_operator(const OperatorEndpoint& endpoint, const Json& request,
                          std::chrono::milliseconds timeout = std::chrono::seconds(10));

// What a failed connect(2) to the operator socket means, as a Status: errno
// EACCES or EPERM give kPermissionDenied with how to become an operator;
// ENOENT and ECONNREFUSED "the hub is not running"; others kUnavailable.
Status connect_error(int error, const OperatorEndpoint& endpoint);

}  // namespace hub::ops
