// store/sql_values.h: values as the store's statements take them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "hub/case.h"

namespace hub::store {

// A JSON parameter (one per batch statement, read with jsonb_to_recordset).
// Invalid UTF-8 is replaced rather than thrown on.
inline std::string json_param(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

// A JSON array parameter built one row (object) at a time. A member whose
// value is already serialized JSON (a payload) is spliced in as it is, not
// parsed and written again. REQUIRES: `serialized` is valid JSON.
class JsonRows {
 public:
  void add(const Json& row) { open_row() += json_param(row); }
  void add(const Json& row, std::string_view key, std::string_view serialized) {
    std::string& out = open_row();
    out += json_param(row);
    out.pop_back();  // the closing brace
    if (!row.empty()) out += ',';
    out += json_param(Json(key));
    out += ':';
    out += serialized;
    out += '}';
  }
  bool empty() const { return text_.empty(); }
  // The array; REQUIRES: used once, at the end.
  std::string take() { return text_.empty() ? "[]" : std::move(text_ += ']'); }

 private:
  std::string& open_row() { return text_ += text_.empty() ? '[' : ','; }
  std::string text_;
};

// Rows in the text format of COPY FROM STDIN: fields separated by tabs, rows
// ended by newlines, NULL as \N, and backslash, tab, newline and carriage
// return escaped.
class CopyRows {
 public:
  CopyRows& text(std::string_view value) {
    separate();
    for (const char ch : value) {
      switch (ch) {
        case '\\': out_ += "\\\\"; break;
        case '\t': out_ += "\\t"; break;
        case '\n': out_ += "\\n"; break;
        case '\r': out_ += "\\r"; break;
        default: out_ += ch;
      }
    }
    return *this;
  }
  CopyRows& number(std::int64_t value) {
    separate();
    out_ += std::to_string(value);
    return *this;
  }
  CopyRows& null() {
    separate();
    out_ += "\\N";
    return *this;
  }
  void end_row() {
    out_ += '\n';
    row_open_ = false;
  }
  const std::string& data() const { return out_; }

 private:
  void separate() {
    if (row_open_) out_ += '\t';
    row_open_ = true;
  }
  std::string out_;
  bool row_open_ = false;
};

// A one-dimensional array parameter in PostgreSQL's text form, built one
// element at a time and read with unnest($n::type[]): a column of a batch
// statement. Text elements are quoted ("..." with \ and " escaped), so any
// string is safe; NULL is the unquoted word.
class ArrayParam {
 public:
  ArrayParam& text(std::string_view value) {
    separate();
    out_ += '"';
    for (const char ch : value) {
      if (ch == '"' || ch == '\\') out_ += '\\';
      out_ += ch;
    }
    out_ += '"';
    return *this;
  }
  ArrayParam& number(std::int64_t value) {
    separate();
    out_ += std::to_string(value);
    return *this;
  }
  ArrayParam& boolean(bool value) {
    separate();
    out_ += value ? 't' : 'f';
    return *this;
  }
  ArrayParam& null() {
    separate();
    out_ += "NULL";
    return *this;
  }
  // The array; REQUIRES: used once, at the end.
  std::string take() { return std::move(out_ += '}'); }

 private:
  void separate() { out_ += out_.size() > 1 ? "," : ""; }
  std::string out_ = "{";
};

// A bigint[] parameter: "{1,2,3}".
inline std::string bigint_array(const std::vector<std::int64_t>& ids) {
  ArrayParam out;
  for (const std::int64_t id : ids) out.number(id);
  return out.take();
}

}  // namespace hub::store
