#include "protocol/bounded_json.h"

#include <fmt/format.h>

#include <cmath>
#include <optional>
#include <utility>
#include <vector>

#include "protocol/messages.h"

namespace hub::protocol {
namespace {

// A decimal number as sign, significant digits and exponent: the value is
// 0.<digits> × 10^exponent, digits without leading or trailing zeros; zero
// has no digits (and no sign).
struct Decimal {
  bool negative = false;
  std::string digits;
  long exponent = 0;
  bool operator==(const Decimal&) const = default;
};

// Reads a JSON number (or fmt's spelling of a double: "1e+300", "-0");
// nullopt for anything else ("inf", "nan") or an exponent beyond any double.
std::optional<Decimal> read_decimal(std::string_view s) {
  Decimal d;
  std::size_t i = 0;
  if (i < s.size() && s[i] == '-') d.negative = true, ++i;
  long point = 0;  // digits before the decimal point, leading zeros excluded
  bool seen_point = false, any_digit = false;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '.') {
      if (seen_point) return std::nullopt;
      seen_point = true;
    } else if (c >= '0' && c <= '9') {
      any_digit = true;
      if (d.digits.empty() && c == '0') {
        if (seen_point) --point;  // 0.00123: the value starts further right
      } else {
        d.digits += c;
        if (!seen_point) ++point;
      }
    } else {
      break;
    }
  }
  if (!any_digit) return std::nullopt;
  long exponent = 0;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool negative_exponent = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative_exponent = s[i++] == '-';
    if (i == s.size()) return std::nullopt;
    for (; i < s.size(); ++i) {
      if (s[i] < '0' || s[i] > '9') return std::nullopt;
      if (exponent < 100000) exponent = exponent * 10 + (s[i] - '0');  // beyond any double's range: stays large
    }
    if (negative_exponent) exponent = -exponent;
  }
  if (i != s.size()) return std::nullopt;
  while (!d.digits.empty() && d.digits.back() == '0') d.digits.pop_back();
  if (d.digits.empty()) return Decimal{};  // zero, whatever its sign and exponent
  d.exponent = point + exponent;
  return d;
}

std::string escape_pointer_token(const std::string& key) {
  std::string out;
  out.reserve(key.size());
  for (char c : key) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

// A short, printable form of client text for messages: control characters
// escaped, at most `max` bytes (cut at a UTF-8 boundary).
std::string shown(std::string_view s, std::size_t max = 40) {
  std::string out = "\"";
  std::size_t taken = 0;
  for (; taken < s.size() && out.size() < max; ++taken) {
    const auto c = static_cast<unsigned char>(s[taken]);
    if (c < 0x20 || c == 0x7f) out += fmt::format("\\u{:04x}", c);
    else out += static_cast<char>(c);
  }
  while (taken < s.size() && (static_cast<unsigned char>(s[taken]) & 0xC0) == 0x80) out += s[taken++];
  out += taken < s.size() ? "\"…" : "\"";
  return out;
}

int first_control_character(std::string_view s, bool nul_only) {
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == 0 || (!nul_only && (c < 0x20 || c == 0x7f))) return c;
  }
  return -1;
}

// The SAX handler: builds the tree on an explicit stack of open containers
// until the first value that breaks a limit. It then builds nothing more but
// reads on (nlohmann keeps its own state on the heap) for a top-level
// "reference" to echo; only a syntax error stops the parse.
class BoundedBuilder {
 public:
  using number_integer_t = Json::number_integer_t;
  using number_unsigned_t = Json::number_unsigned_t;
  using number_float_t = Json::number_float_t;
  using string_t = Json::string_t;
  using binary_t = Json::binary_t;

  BoundedBuilder(const JsonLimits& limits, bool envelope_strings)
      : limits_(limits), envelope_strings_(envelope_strings) {}

  bool null() { return add(Json(nullptr)); }
  bool boolean(bool v) { return add(Json(v)); }
  bool number_integer(number_integer_t v) { return add(Json(v)); }
  bool number_unsigned(number_unsigned_t v) { return add(Json(v)); }
  bool number_float(number_float_t v, const string_t& text) {
    if (refusal_) return true;
    if (!same_decimal_value(text, v)) {
      const bool integer = text.find_first_of(".eE") == std::string::npos;
      return refuse(code::kInexactNumber,
                    "the number " + shown(text) +
                        (integer ? " is outside the 64-bit integers the hub carries exactly (-2^63 to 2^64-1)"
                                 : " has more digits or a larger exponent than the hub carries exactly (a 64-bit "
                                   "double, about 17 significant digits)") +
                        ": send it as a string",
                    /*of_next_value=*/true);
    }
    return add(Json(v));
  }
  bool string(string_t& s) {
    if (depth_ == 1 && top_key_ == "reference" && s.size() <= limits_.max_string_bytes &&
        first_control_character(s, false) < 0)
      reference_ = s;
    if (refusal_) return true;
    if (s.size() > limits_.max_string_bytes)
      return refuse(code::kStringTooLong,
                    fmt::format("a string of {} bytes is longer than the limit of {} bytes: shorten it, or send "
                                "large content as an attachment",
                                s.size(), limits_.max_string_bytes),
                    true);
    const bool envelope = envelope_strings_ && open_.size() == 1;
    if (int c = first_control_character(s, !envelope); c >= 0)
      return refuse(code::kControlCharacter,
                    fmt::format("{} holds the control character U+{:04X}{}", shown(s), c,
                                c == 0 ? " (U+0000 is refused everywhere)" : " (envelope fields must be plain text)"),
                    true);
    return add(Json(std::move(s)));
  }
  bool binary(binary_t&) { return refuse(code::kMalformedJson, "binary values are not JSON", true); }

  bool start_object(std::size_t) { return open(Json::object()); }
  bool end_object() { return close(); }
  bool start_array(std::size_t) { return open(Json::array()); }
  bool end_array() { return close(); }

  bool key(string_t& k) {
    if (depth_ == 1) top_key_ = k;
    if (refusal_) return true;
    Level& level = open_.back();
    if (level.items == limits_.max_object_keys)
      return refuse(code::kTooManyKeys,
                    fmt::format("an object has more than {} members: split the content", limits_.max_object_keys),
                    false);
    if (k.size() > limits_.max_string_bytes)
      return refuse(code::kStringTooLong,
                    fmt::format("a key of {} bytes is longer than the limit of {} bytes", k.size(),
                                limits_.max_string_bytes),
                    false);
    if (int c = first_control_character(k, false); c >= 0)
      return refuse(code::kControlCharacter,
                    fmt::format("the key {} holds the control character U+{:04X} (keys must be plain text)",
                                shown(k), c),
                    false);
    if (level.node->contains(k)) {
      level.key = std::move(k);
      return refuse(code::kDuplicateKey, "the key " + shown(level.key) + " appears twice in one object", true);
    }
    level.key = std::move(k);
    return true;
  }

  template <class Exception>
  bool parse_error(std::size_t position, const std::string& token, const Exception& e) {
    if (!refusal_ && e.id == 406)  // a number beyond any double: 1e400
      return refuse(code::kInexactNumber,
                    "the number " + shown(token) + " is beyond the range of a 64-bit double: send it as a string", true);
    if (!refusal_) {
      // nlohmann's message says what was expected; its "last read" part
      // echoes client bytes and is left out.
      std::string what = e.what();
      if (auto at = what.find("syntax error"); at != std::string::npos) what = what.substr(at);
      if (auto echo = what.find("; last read"); echo != std::string::npos) what.resize(echo);
      refusal_ = JsonRefusal{code::kMalformedJson, {},
                             fmt::format("the body must be one JSON object in UTF-8; at byte {}: {}", position,
                                         what.substr(0, 200)),
                             {}};
    }
    return false;
  }

  std::variant<Json, JsonRefusal> result() && {
    if (refusal_) {
      refusal_->reference = std::move(reference_);
      return std::move(*refusal_);
    }
    return std::move(root_);
  }

 private:
  struct Level {
    Json* node;
    std::size_t items = 0;  // members or items so far
    std::string key;        // objects: the current member's key
  };

  // Places `v` in the open container (or as the root); true to read on.
  bool add(Json v) {
    if (!refusal_) place(std::move(v));
    return true;
  }

  // Places `v` in the open container (or as the root); nullptr on a refusal.
  Json* place(Json v) {
    if (open_.empty()) {
      ++values_;
      root_ = std::move(v);
      return &root_;
    }
    Level& level = open_.back();
    if (level.node->is_array() && level.items == limits_.max_array_items) {
      refuse(code::kTooManyItems,
             fmt::format("an array has more than {} items: split the content", limits_.max_array_items), true);
      return nullptr;
    }
    if (++values_ > limits_.max_values) {
      refuse(code::kTooManyValues,
             fmt::format("the message holds more than {} values: split the content", limits_.max_values), true);
      return nullptr;
    }
    if (level.node->is_array()) {
      ++level.items;
      auto& array = level.node->get_ref<Json::array_t&>();
      array.push_back(std::move(v));
      return &array.back();
    }
    ++level.items;
    auto& object = level.node->get_ref<Json::object_t&>();
    return &object.emplace(level.key, std::move(v)).first->second;  // the key stays: pointers need it
  }

  bool open(Json container) {
    ++depth_;
    if (refusal_) return true;
    if (open_.size() + 1 > limits_.max_depth)
      return refuse(code::kTooDeep,
                    fmt::format("objects and arrays are nested deeper than {} levels: flatten the content",
                                limits_.max_depth),
                    true);
    if (Json* node = place(std::move(container))) open_.push_back(Level{node, 0, {}});
    return true;
  }

  bool close() {
    --depth_;
    if (!refusal_) open_.pop_back();
    return true;
  }

  // Records the refusal; `of_next_value`: the offending value is the one about
  // to be added to the innermost open container (else: that container).
  bool refuse(const char* code, std::string message, bool of_next_value) {
    std::string pointer;
    for (std::size_t i = 0; i < open_.size(); ++i) {
      const Level& level = open_[i];
      const bool last = i + 1 == open_.size();
      if (last && !of_next_value) break;
      if (level.node->is_array())
        pointer += "/" + std::to_string(last ? level.items : level.items - 1);
      else
        pointer += "/" + escape_pointer_token(level.key);
    }
    refusal_ = JsonRefusal{code, std::move(pointer), std::move(message), {}};
    return true;  // read on, building nothing, for the reference
  }

  const JsonLimits& limits_;
  const bool envelope_strings_;
  Json root_;
  std::vector<Level> open_;
  std::size_t values_ = 0;
  std::optional<JsonRefusal> refusal_;
  std::size_t depth_ = 0;  // containers open in the text, built or not
  std::string top_key_;    // the current key of the top-level object
  std::string reference_;  // its "reference", when one was read whole
};

}  // namespace

bool same_decimal_value(std::string_view text, double parsed) {
  if (!std::isfinite(parsed)) return false;
  const auto sent = read_decimal(text);
  if (!sent) return false;
  const auto held = read_decimal(fmt::format("{}", parsed));  // the shortest digits that read back as `parsed`
  return held && *sent == *held;
}

std::variant<Json, JsonRefusal> parse_bounded(std::string_view text, const JsonLimits& limits,
                                              bool envelope_strings) {
  BoundedBuilder builder(limits, envelope_strings);
  try {
    Json::sax_parse(text, &builder, nlohmann::detail::input_format_t::json, /*strict=*/true,
                    /*ignore_comments=*/false);
  } catch (const std::exception& e) {  // allocation failure: nothing else throws here
    return JsonRefusal{code::kMalformedJson, {}, std::string("the body could not be read: ") + e.what(), {}};
  }
  return std::move(builder).result();
}

}  // namespace hub::protocol
