#include "store/storable.h"

#include <limits>
#include <utility>
#include <vector>

namespace hub::store {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// The length of the valid UTF-8 sequence starting at s[i] (RFC 3629: no
// overlongs, no surrogates, nothing above U+10FFFF); 0 when invalid or U+0000.
std::size_t valid_sequence(std::string_view s, std::size_t i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const unsigned char c = b(0);
  if (c == 0) return 0;
  if (c < 0x80) return 1;
  const auto cont = [&](std::size_t k) { return i + k < s.size() && (b(k) & 0xC0) == 0x80; };
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    if (c == 0xE0 && b(1) < 0xA0) return 0;  // overlong
    if (c == 0xED && b(1) > 0x9F) return 0;  // surrogate
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    if (c == 0xF0 && b(1) < 0x90) return 0;  // overlong
    if (c == 0xF4 && b(1) > 0x8F) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

bool needs_cleaning(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = valid_sequence(s, i);
    if (n == 0) return true;
    i += n;
  }
  return false;
}

}  // namespace

std::string storable_text(std::string_view text, std::size_t max_bytes) {
  std::string out;
  out.reserve(std::min(text.size(), max_bytes) + 4);
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = valid_sequence(text, i);
    const std::string_view piece = n == 0 ? kReplacement : text.substr(i, n);
    if (out.size() + piece.size() > max_bytes) {
      out += "…";
      break;
    }
    out += piece;
    i += n == 0 ? 1 : n;
  }
  return out;
}

void make_storable(Json& root) {
  constexpr std::size_t kWhole = std::numeric_limits<std::size_t>::max();
  std::vector<Json*> pending{&root};
  while (!pending.empty()) {
    Json* j = pending.back();
    pending.pop_back();
    if (j->is_string()) {
      auto& s = j->get_ref<std::string&>();
      if (needs_cleaning(s)) s = storable_text(s, kWhole);
    } else if (j->is_array()) {
      for (auto& item : *j) pending.push_back(&item);
    } else if (j->is_object()) {
      auto& object = j->get_ref<Json::object_t&>();
      std::vector<std::string> bad_keys;
      for (auto& [key, value] : object) {
        if (needs_cleaning(key)) bad_keys.push_back(key);
      }
      for (const auto& key : bad_keys) {
        auto node = object.extract(key);
        node.key() = storable_text(key, kWhole);
        object.insert(std::move(node));  // a clash with an existing key keeps the existing one
      }
      for (auto& [key, value] : object) pending.push_back(&value);
    }
  }
}

Event storable(Event e) {
  e.kind = storable_text(e.kind);
  e.case_type = storable_text(e.case_type);
  e.from = storable_text(e.from);
  e.to = storable_text(e.to);
  make_storable(e.detail);
  return e;
}

}  // namespace hub::store
