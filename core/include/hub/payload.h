// hub/payload.h: payload fields declared as data, and the checks and readers
// plugins use in validate().
//
// A case type declares its fields (CaseTypeDecl::fields). check_fields() lists
// every field that is missing, of the wrong type or malformed, as a JSON
// pointer with the reason; a plugin's validate() starts with it and adds its
// own rules (amounts that must add up, dates in order), reading values with
// the typed readers below, which return nullptr for absent or mistyped values
// so that a rule never trips over a field check_fields() already reported.
//
// Header-only: plugins compile it in. Part of the ABI hash.
#pragma once

#include <cctype>
#include <string>
#include <string_view>
#include <vector>

#include "hub/case.h"

namespace hub {

enum class FieldType {
  kString,   // non-empty when required
  kNumber,
  kInteger,
  kBoolean,
  kObject,
  kArray,
  kDate,     // "YYYY-MM-DD"
  kMonth,    // "YYYY-MM"
  kDateTime  // ISO 8601 with date and time, e.g. "2026-11-30T09:00:00+08:00"
};

// One payload field. `pointer` is an RFC 6901 JSON pointer ("/period/from");
// a field inside an optional object is checked only when that object is there.
struct FieldDecl {
  std::string pointer;
  FieldType type = FieldType::kString;
  bool required = false;
  std::string help;  // one line, for `hubctl types` and the docs
};

inline std::string_view field_type_name(FieldType t) {
  switch (t) {
    case FieldType::kString: return "string";
    case FieldType::kNumber: return "number";
    case FieldType::kInteger: return "integer";
    case FieldType::kBoolean: return "boolean";
    case FieldType::kObject: return "object";
    case FieldType::kArray: return "array";
    case FieldType::kDate: return "date (YYYY-MM-DD)";
    case FieldType::kMonth: return "month (YYYY-MM)";
    case FieldType::kDateTime: return "date-time (ISO 8601)";
  }
  return "value";
}

namespace payload_detail {

inline bool digits(std::string_view s, std::size_t from, std::size_t n) {
  if (s.size() < from + n) return false;
  for (std::size_t i = from; i < from + n; ++i)
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  return true;
}

inline int number_at(std::string_view s, std::size_t from, std::size_t n) {
  int v = 0;
  for (std::size_t i = from; i < from + n; ++i) v = v * 10 + (s[i] - '0');
  return v;
}

inline bool is_month(std::string_view s) {
  return s.size() == 7 && digits(s, 0, 4) && s[4] == '-' && digits(s, 5, 2) && number_at(s, 5, 2) >= 1 &&
         number_at(s, 5, 2) <= 12;
}

inline bool is_date(std::string_view s) {
  if (s.size() != 10 || !is_month(s.substr(0, 7)) || s[7] != '-' || !digits(s, 8, 2)) return false;
  const int year = number_at(s, 0, 4), month = number_at(s, 5, 2), day = number_at(s, 8, 2);
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return day >= 1 && day <= kDays[month - 1] && !(month == 2 && day == 29 && !leap);
}

inline bool is_date_time(std::string_view s) {
  return s.size() >= 16 && is_date(s.substr(0, 10)) && (s[10] == 'T' || s[10] == ' ') && digits(s, 11, 2) &&
         s[13] == ':' && digits(s, 14, 2) && number_at(s, 11, 2) < 24 && number_at(s, 14, 2) < 60;
}

inline bool has_type(FieldType t, const Json& v) {
  switch (t) {
    case FieldType::kString: return v.is_string();
    case FieldType::kNumber: return v.is_number();
    case FieldType::kInteger: return v.is_number_integer();
    case FieldType::kBoolean: return v.is_boolean();
    case FieldType::kObject: return v.is_object();
    case FieldType::kArray: return v.is_array();
    case FieldType::kDate: return v.is_string() && is_date(v.get_ref<const std::string&>());
    case FieldType::kMonth: return v.is_string() && is_month(v.get_ref<const std::string&>());
    case FieldType::kDateTime: return v.is_string() && is_date_time(v.get_ref<const std::string&>());
  }
  return false;
}

// The value at `pointer`, or nullptr when it (or an object on the way) is absent.
inline const Json* find(const Json& root, std::string_view pointer) {
  if (pointer.empty()) return &root;
  try {
    const Json::json_pointer p{std::string(pointer)};
    return root.contains(p) ? &root.at(p) : nullptr;
  } catch (const Json::exception&) {
    return nullptr;
  }
}

// True when every object on the way to `pointer` exists, so that a missing
// required field inside it is worth reporting.
inline bool parent_present(const Json& root, std::string_view pointer) {
  const auto slash = pointer.rfind('/');
  if (slash == 0 || slash == std::string_view::npos) return true;
  const Json* parent = find(root, pointer.substr(0, slash));
  return parent != nullptr && parent->is_object();
}

}  // namespace payload_detail

// Every problem of `payload` against `fields`, in declaration order.
inline Problems check_fields(const std::vector<FieldDecl>& fields, const Json& payload) {
  if (!payload.is_object()) return {{"", "the payload must be a JSON object"}};
  Problems problems;
  for (const auto& f : fields) {
    const Json* v = payload_detail::find(payload, f.pointer);
    if (v == nullptr || v->is_null()) {
      if (f.required && payload_detail::parent_present(payload, f.pointer))
        problems.push_back({f.pointer, "required " + std::string(field_type_name(f.type)) + " is missing"});
      continue;
    }
    if (!payload_detail::has_type(f.type, *v))
      problems.push_back({f.pointer, "must be a " + std::string(field_type_name(f.type))});
    else if (f.required && v->is_string() && v->get_ref<const std::string&>().empty())
      problems.push_back({f.pointer, "must not be empty"});
  }
  return problems;
}

// Typed readers for validation rules: nullptr when absent or of another type.
inline const Json* find_number(const Json& payload, std::string_view pointer) {
  const Json* v = payload_detail::find(payload, pointer);
  return v != nullptr && v->is_number() ? v : nullptr;
}
inline const std::string* find_string(const Json& payload, std::string_view pointer) {
  const Json* v = payload_detail::find(payload, pointer);
  return v != nullptr && v->is_string() ? &v->get_ref<const std::string&>() : nullptr;
}
inline const Json* find_array(const Json& payload, std::string_view pointer) {
  const Json* v = payload_detail::find(payload, pointer);
  return v != nullptr && v->is_array() ? v : nullptr;
}
inline const Json* find_object(const Json& payload, std::string_view pointer) {
  const Json* v = payload_detail::find(payload, pointer);
  return v != nullptr && v->is_object() ? v : nullptr;
}
// A "YYYY-MM-DD" or "YYYY-MM" string, or nullptr. ISO dates compare as strings.
inline const std::string* find_date(const Json& payload, std::string_view pointer) {
  const std::string* s = find_string(payload, pointer);
  return s != nullptr && payload_detail::is_date(*s) ? s : nullptr;
}
inline const std::string* find_month(const Json& payload, std::string_view pointer) {
  const std::string* s = find_string(payload, pointer);
  return s != nullptr && payload_detail::is_month(*s) ? s : nullptr;
}

// Amounts in yuan are compared to the fen (0.01).
inline bool same_amount(double a, double b) { return a - b < 0.005 && b - a < 0.005; }

}  // namespace hub
