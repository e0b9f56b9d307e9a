// protocol/answer_to.h: where the answer to one message goes.
//
// Carried with a message from the adapter that took it in, through intake and
// the commit queue, to the code that answers it, so that the answer leaves by
// the same adapter, to the same request (hub/adapter.h, Adapter::answer).
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>

namespace hub::protocol {

struct AnswerTo {
  // No adapter in particular: the answer goes the way the hub's own messages
  // to the unit go (bus/outbox.h). Used by code that answers without a
  // message in hand (tests, tools).
  static constexpr std::size_t kAnyAdapter = std::numeric_limits<std::size_t>::max();

  std::size_t adapter = kAnyAdapter;  // index in the hub's adapters, in hub.yaml's order
  std::uint64_t request = 0;          // the adapter's number for the request (hub::Origin::request)
  // The request waits for its own answer (AdapterInfo::answers_each_request):
  // refusals paced for other transports are answered every time.
  bool each_request = false;
};

}  // namespace hub::protocol
