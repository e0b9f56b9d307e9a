#include "util/printable.h"

#include <fmt/format.h>

namespace hub {
namespace {

// The code point of the UTF-8 sequence at text[i] and its length; length 0
// when the bytes there are not valid UTF-8.
struct Decoded {
  char32_t code = 0;
  std::size_t length = 0;
};

Decoded decode(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const unsigned char c = byte(0);
  if (c < 0x80) return {c, 1};
  std::size_t n = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c <= 0xDF ? 2 : 0;
  if (n == 0 || i + n > s.size()) return {};
  char32_t code = c & (n == 2 ? 0x1F : n == 3 ? 0x0F : 0x07);
  for (std::size_t k = 1; k < n; ++k) {
    if ((byte(k) & 0xC0) != 0x80) return {};
    code = (code << 6) | (byte(k) & 0x3F);
  }
  const char32_t least = n == 2 ? 0x80 : n == 3 ? 0x800 : 0x10000;
  if (code < least || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return {};
  return {code, n};
}

bool invisible_control(char32_t c) {
  return (c >= 0x80 && c <= 0x9F) || c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E) ||
         (c >= 0x2066 && c <= 0x2069) || c == 0x2028 || c == 0x2029;
}

// A quick look for anything printable() would change: controls, DEL, the lead
// bytes of C1 controls (C2 80..9F) and of U+2000..U+207F (E2 80, E2 81, where
// the bidirectional controls and separators are), and bytes that cannot start
// a character. Text the hub builds itself rarely has any.
bool may_need_escaping(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      if (b < 0x20 || b == 0x7F) return true;
      ++i;
      continue;
    }
    const std::size_t n = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC2 ? 2 : 0;
    if (n == 0 || b > 0xF4 || i + n > s.size()) return true;
    const auto next = static_cast<unsigned char>(s[i + 1]);
    if ((b == 0xC2 && next < 0xA0) || (b == 0xE2 && (next == 0x80 || next == 0x81))) return true;
    for (std::size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return true;
    i += n;
  }
  return false;
}

}  // namespace

std::string printable(std::string_view text) {
  if (!may_need_escaping(text)) return std::string(text);
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const Decoded d = decode(text, i);
    if (d.length == 0) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(text[i]));
      ++i;
      continue;
    }
    const char32_t c = d.code;
    if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c == '\t') out += "\\t";
    else if (c < 0x20 || c == 0x7F) out += fmt::format("\\x{:02x}", static_cast<unsigned>(c));
    else if (invisible_control(c)) out += fmt::format("\\u{{{:04X}}}", static_cast<unsigned>(c));
    else out.append(text, i, d.length);
    i += d.length;
  }
  return out;
}

std::string printable_json(std::string_view json) {
  std::string out;
  out.reserve(json.size());
  for (std::size_t i = 0; i < json.size();) {
    const Decoded d = decode(json, i);
    if (d.length == 0) {  // not expected of a dump; kept visible rather than passed on
      out += "\\ufffd";
      ++i;
      continue;
    }
    if (d.code == 0x7F || invisible_control(d.code)) out += fmt::format("\\u{:04x}", static_cast<unsigned>(d.code));
    else out.append(json, i, d.length);
    i += d.length;
  }
  return out;
}

}  // namespace hub
