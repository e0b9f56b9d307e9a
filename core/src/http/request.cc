#include "http/request.h"

#include <algorithm>

namespace hub::http {

namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lower(x) == lower(y); });
}

void Headers::set(std::string_view name, std::string value) {
  std::erase_if(fields_, [name](const auto& field) { return equals_ignoring_case(field.first, name); });
  fields_.emplace_back(std::string(name), std::move(value));
}

std::optional<std::string_view> Headers::get(std::string_view name) const {
  for (const auto& [field, value] : fields_) {
    if (equals_ignoring_case(field, name)) return std::string_view(value);
  }
  return std::nullopt;
}

std::string_view Request::param(std::string_view name) const {
  for (const auto& [key, value] : params) {
    if (key == name) return value;
  }
  return {};
}

std::string Request::decoded_path() const {
  std::string out;
  if (!percent_decode(path, false, &out).ok()) return path;
  return out;
}

Status percent_decode(std::string_view in, bool plus_is_space, std::string* out) {
  out->clear();
  out->reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '%') {
      const int high = i + 2 < in.size() ? hex_value(in[i + 1]) : -1;
      const int low = i + 2 < in.size() ? hex_value(in[i + 2]) : -1;
      if (high < 0 || low < 0) {
        return Status::InvalidArgument("a malformed percent escape: write '%' as %25 and escapes as %XX with two hex digits");
      }
      const char decoded = static_cast<char>(high * 16 + low);
      if (decoded == '\0') return Status::InvalidArgument("a percent escape decodes to NUL (%00), which is not allowed");
      out->push_back(decoded);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out->push_back(' ');
    } else {
      out->push_back(c);
    }
  }
  return Status::Ok();
}

Status parse_query(std::string_view query, std::vector<std::pair<std::string, std::string>>* out) {
  out->clear();
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view item = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (item.empty()) continue;
    const auto eq = item.find('=');
    std::string name;
    std::string value;
    if (Status s = percent_decode(item.substr(0, eq), true, &name); !s.ok()) return Status::InvalidArgument("query: " + s.message());
    if (eq != std::string_view::npos) {
      if (Status s = percent_decode(item.substr(eq + 1), true, &value); !s.ok()) return Status::InvalidArgument("query: " + s.message());
    }
    out->emplace_back(std::move(name), std::move(value));
  }
  std::sort(out->begin(), out->end());
  return Status::Ok();
}

Status split_path(std::string_view raw_path, std::vector<std::string>* segments) {
  segments->clear();
  if (raw_path.empty() || raw_path.front() != '/') {
    return Status::InvalidArgument("the request target must be a path starting with '/' (origin form)");
  }
  std::string_view rest = raw_path.substr(1);
  while (true) {
    const auto slash = rest.find('/');
    std::string segment;
    if (Status s = percent_decode(rest.substr(0, slash), false, &segment); !s.ok()) {
      return Status::InvalidArgument("path: " + s.message());
    }
    if (segment == "." || segment == "..") {
      return Status::InvalidArgument("path: \".\" and \"..\" segments are not allowed; send the resolved path");
    }
    segments->push_back(std::move(segment));
    if (slash == std::string_view::npos) break;
    rest = rest.substr(slash + 1);
  }
  return Status::Ok();
}

}  // namespace hub::http
