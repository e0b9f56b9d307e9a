// store/storable.h: text the store can always hold, for recording what it
// refused.
//
// PostgreSQL's text and jsonb refuse U+0000 and invalid UTF-8. Intake refuses
// both in what units send (protocol/bounded_json.h), but when the store still
// refuses an item the committer records the refusal with these cleaned forms
// (docs/ARCHITECTURE.md, "A poison item"). No function here recurses.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "hub/case.h"
#include "store/event.h"

namespace hub::store {

// `text` with U+0000 and every byte that is not part of valid UTF-8 replaced
// by U+FFFD, cut to at most `max_bytes` (at a character boundary, "…" added).
std::string storable_text(std::string_view text, std::size_t max_bytes = 256);

// Cleans every string and key of `j` with storable_text (keys and strings of
// any length kept whole); walks the tree with an explicit stack.
void make_storable(Json& j);

// The event with every field cleaned.
Event storable(Event e);

}  // namespace hub::store
