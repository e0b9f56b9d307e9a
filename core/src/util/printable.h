// util/printable.h: text from units made safe to print on a terminal or in a
// log file.
//
// A unit controls the strings it sends (references, reasons, payload text).
// Printed as they are, a line break would forge a routing-log line and an
// escape sequence would recolour or rewrite an operator's terminal. These
// functions escape everything that is not plain printable text; the hub's own
// text (Chinese included) passes unchanged. No allocation beyond the result.
#pragma once

#include <string>
#include <string_view>

namespace hub {

// For a line of plain text: C0 controls and DEL become \n, \r, \t or \xNN;
// C1 controls (U+0080..U+009F), bidirectional controls (U+200E, U+200F,
// U+202A..U+202E, U+2066..U+2069) and the line and paragraph separators
// (U+2028, U+2029) become \u{XXXX}; bytes that are not UTF-8 become \xNN.
std::string printable(std::string_view text);

// For serialized JSON (nlohmann's dump, which escapes C0 already): DEL, C1,
// bidirectional controls and separators become \uXXXX escapes, so the result
// is still the same JSON value. REQUIRES: `json` is valid UTF-8.
std::string printable_json(std::string_view json);

}  // namespace hub
