#include "ops/report_format.h"

#include <array>

#include <fmt/format.h>

namespace hub::ops {
namespace {

struct Column {
  const char* key;
  const char* header;  // table
};

constexpr std::array<Column, 11> kCounts = {{
    {"received", "received"},
    {"signed_on_time", "signed ok"},
    {"resolved_on_time", "resolved ok"},
    {"overdue_now", "overdue"},
    {"returned", "returned"},
    {"extended", "extended"},
    {"reopened", "reopened"},
    {"sign_median_hours", "sign p50"},
    {"sign_p90_hours", "sign p90"},
    {"resolve_median_hours", "resolve p50"},
    {"resolve_p90_hours", "resolve p90"},
}};

// A duration for people: 40s, 12m, 5.5h, 3.2d.
std::string duration(double hours) {
  if (hours < 1.0 / 60) return fmt::format("{:.0f}s", hours * 3600);
  if (hours < 1) return fmt::format("{:.0f}m", hours * 60);
  if (hours < 48) return fmt::format("{:.1f}h", hours);
  return fmt::format("{:.1f}d", hours / 24);
}

// A value as the table (people) or CSV (spreadsheets: plain numbers) shows it.
std::string cell(const Json& row, const char* key, bool table) {
  const Json& v = row.contains(key) ? row[key] : Json();
  if (v.is_null()) return table ? "-" : "";
  if (v.is_number_float()) return table ? duration(v.get<double>()) : fmt::format("{:g}", v.get<double>());
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

std::string pad_right(const std::string& text, std::size_t width) {
  const std::size_t w = display_width(text);
  return text + std::string(width > w ? width - w : 0, ' ');
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char ch : text) out += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return out + "\"";
}

}  // namespace

std::size_t display_width(const std::string& text) {
  std::size_t width = 0;
  for (std::size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    const std::size_t len = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    char32_t cp = len == 1 ? lead : lead & (0x7F >> len);
    for (std::size_t k = 1; k < len && i + k < text.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    // East Asian Wide and Fullwidth blocks (Unicode UAX #11), enough for names.
    const bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) || (cp >= 0xAC00 && cp <= 0xD7A3) ||
                      (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
                      (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
    width += wide ? 2 : 1;
    i += len;
  }
  return width;
}

std::string report_table(const Json& report) {
  const Json listed = report.value("rows", Json::array());
  std::vector<Json> rows(listed.begin(), listed.end());
  rows.push_back(report.value("total", Json::object()));
  const std::string first = report.value("by", "unit");
  std::size_t key_width = display_width(first), name_width = 4;
  std::array<std::size_t, kCounts.size()> widths{};
  for (std::size_t c = 0; c < kCounts.size(); ++c) widths[c] = display_width(kCounts[c].header);
  for (const auto& r : rows) {
    key_width = std::max(key_width, display_width(cell(r, "key", true)));
    name_width = std::max(name_width, display_width(cell(r, "name", true)));
    for (std::size_t c = 0; c < kCounts.size(); ++c) widths[c] = std::max(widths[c], display_width(cell(r, kCounts[c].key, true)));
  }
  auto line = [&](const std::string& key, const std::string& name, auto value_of) {
    std::string out = pad_right(key, key_width) + "  " + pad_right(name, name_width);
    for (std::size_t c = 0; c < kCounts.size(); ++c) out += fmt::format("  {:>{}}", value_of(c), widths[c]);
    return out + "\n";
  };
  const std::string header = line(first, "name", [](std::size_t c) { return std::string(kCounts[c].header); });
  const std::string rule = std::string(display_width(header) - 1, '-') + "\n";
  std::string out = fmt::format("figures {} .. {} by {} (overdue as of {})\n", cell(report, "from", true),
                                cell(report, "to", true), first, cell(report, "now", true));
  out += header + rule;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (i + 1 == rows.size()) out += rule;
    out += line(cell(rows[i], "key", true), cell(rows[i], "name", true),
                [&](std::size_t c) { return cell(rows[i], kCounts[c].key, true); });
  }
  return out;
}

std::string report_csv(const Json& report) {
  std::string out = report.value("by", "unit") + ",name";
  for (const auto& c : kCounts) out += std::string(",") + c.key;
  out += "\r\n";
  auto line = [&](const Json& row) {
    out += csv_field(cell(row, "key", false)) + "," + csv_field(cell(row, "name", false));
    for (const auto& c : kCounts) out += "," + csv_field(cell(row, c.key, false));
    out += "\r\n";
  };
  for (const auto& row : report.value("rows", Json::array())) line(row);
  line(report.value("total", Json::object()));
  return out;
}

}  // namespace hub::ops
