#include "config/diagnostics.h"

#include <algorithm>
#include <utility>

namespace hub::config {
namespace {

// Edit distance counting insertions, deletions, substitutions and swaps of
// neighbours (optimal string alignment), so "nmae" is one edit from "name".
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

}  // namespace

std::string ConfigError::to_string() const {
  std::string text = where.file;
  if (where.line > 0) text += ":" + std::to_string(where.line) + ":" + std::to_string(where.column);
  text += ": ";
  if (!key.empty()) text += "key '" + key + "': ";
  return text + message;
}

void Diagnostics::error(SourceLocation where, std::string key, std::string message) {
  errors_.push_back({std::move(where), std::move(key), std::move(message)});
}

void Diagnostics::warning(SourceLocation where, std::string key, std::string message) {
  warnings_.push_back({std::move(where), std::move(key), std::move(message)});
}

std::string place(const SourceLocation& where) {
  return where.file + ":" + std::to_string(where.line) + ":" + std::to_string(where.column);
}

std::string did_you_mean(std::string_view typed, std::span<const std::string> known) {
  const std::string* best = nullptr;
  std::size_t best_distance = 3;  // suggest only within two edits
  for (const std::string& candidate : known) {
    const std::size_t distance = edit_distance(typed, candidate);
    if (distance < best_distance && 2 * distance < typed.size()) {
      best = &candidate;
      best_distance = distance;
    }
  }
  return best ? " (did you mean '" + *best + "'?)" : "";
}

std::string join(std::span<const std::string> items) {
  std::string text;
  for (const std::string& item : items) {
    if (!text.empty()) text += ", ";
    text += item;
  }
  return text;
}

}  // namespace hub::config
