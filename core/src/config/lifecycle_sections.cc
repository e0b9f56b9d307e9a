// Reader of the lifecycle: section, and the checks of lifecycle: and calendar:
// that need the whole deployment (see sections.h and loader.h).
#include <algorithm>
#include <charconv>

#include "config/sections.h"

namespace hub::config {
namespace {

// One entry of a chain's receivers, for the check that no entry is shadowed.
struct ReceiverEntry {
  std::string text;  // as written: "pm.jinxiu" or "pm.*"
  std::string value;  // the id, or the prefix without '*'
  bool prefix = false;
  std::size_t rule = 0;  // index into lifecycle.chains
  SourceLocation where;
  std::string key;
};

// "75%": a whole percentage from 1 to 99.
void read_percent(const YamlNode& node, int& out) {
  const auto text = node.string();
  if (!text) return;
  std::string_view digits(*text);
  int value = 0;
  bool valid = digits.ends_with('%');
  if (valid) {
    digits.remove_suffix(1);
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    valid = !digits.empty() && ec == std::errc() && end == digits.data() + digits.size() && value >= 1 && value <= 99;
  }
  if (valid)
    out = value;
  else
    node.error("expected the share of a limit after which the receiver is reminded: a whole percentage from 1% to "
               "99%, e.g. 75%; found '" + *text + "'");
}

void read_receivers(const YamlNode& node, EscalationRule& rule, std::size_t index, std::vector<ReceiverEntry>& entries,
                    LoadContext& ctx) {
  const auto items = node.one_or_list();
  if (!items) return;
  if (items->empty()) node.error("no receivers (expected unit ids, or prefixes of unit ids such as \"pm.*\")");
  for (const YamlNode& item : *items) {
    const std::size_t ids = rule.receivers.size();
    const bool prefix = read_unit_or_prefix(item, rule.receivers, rule.receiver_patterns, ctx);
    if (!prefix && (rule.receivers.size() == ids || rule.receivers.back().empty())) continue;  // reported
    const std::string& value = prefix ? rule.receiver_patterns.back() : rule.receivers.back();
    entries.push_back({*item.string(), value, prefix, index, item.where(), item.key()});
    if (prefix) ctx.receiver_patterns.push_back({value, item.where(), item.key()});
  }
}

// A chain rule ({receivers, escalate_to, extensions_by}), or the default
// ({escalate_to, extensions_by}) when `entries` is null.
EscalationRule read_rule(const YamlNode& node, std::size_t index, std::vector<ReceiverEntry>* entries,
                         LoadContext& ctx) {
  EscalationRule rule;
  rule.where = node.where();
  const auto map = entries ? node.map({"receivers", "escalate_to", "extensions_by"}, {"receivers", "escalate_to"})
                           : node.map({"escalate_to", "extensions_by"}, {"escalate_to"});
  if (!map) return rule;
  if (const auto receivers = entries ? map->get("receivers") : std::nullopt)
    read_receivers(*receivers, rule, index, *entries, ctx);
  if (const auto levels = map->get("escalate_to"))
    for_each_item(*levels, [&](const YamlNode& item) {
      if (auto target = read_target(item, ctx)) rule.escalate_to.push_back(std::move(*target));
    });
  if (const auto by = map->get("extensions_by")) rule.extensions_by = read_target(*by, ctx);
  return rule;
}

// The first rule whose receivers match decides: an entry that an earlier
// rule's id or prefix already matches never applies.
void warn_about_shadowed_receivers(const std::vector<ReceiverEntry>& entries, Diagnostics& diag) {
  for (const ReceiverEntry& later : entries) {
    const auto earlier = std::find_if(entries.begin(), entries.end(), [&](const ReceiverEntry& e) {
      const bool matches = e.prefix ? later.value.starts_with(e.value) : !later.prefix && e.value == later.value;
      return e.rule < later.rule && matches;
    });
    if (earlier != entries.end())
      diag.warning(later.where, later.key,
                   "'" + later.text + "' is already matched by '" + earlier->text + "' at " + place(earlier->where) +
                       " in an earlier rule; the first rule whose receivers match decides, so this entry never "
                       "applies");
  }
}

void read_return_deciders(const YamlNode& node, std::vector<Target>& out, LoadContext& ctx) {
  for_each_item(node, [&](const YamlNode& item) {
    if (auto target = read_target(item, ctx)) out.push_back(std::move(*target));
  });
  const auto is_role = [](const Target& target) { return target.kind == Target::Kind::kRole; };
  if (!out.empty() && std::all_of(out.begin(), out.end(), is_role))
    node.warning("every return decider is a role of the case's compound: a returned case without a compound, or "
                 "whose role nobody holds, has no decider and is parked (expected a unit id last, e.g. lg.office)");
}

}  // namespace

void read_lifecycle(const YamlNode& node, LoadContext& ctx) {
  if (const auto& first = ctx.deployment.lifecycle) {
    node.error("a second lifecycle: section; the first is at " + place(first->where) +
               " (expected one lifecycle for the whole deployment)");
    return;
  }
  LifecycleConfig& lifecycle = ctx.deployment.lifecycle.emplace();
  lifecycle.where = node.where();
  const auto map = node.map({"remind_at", "escalation_step", "return_deciders", "chains", "default"});
  if (!map) return;
  if (const auto remind_at = map->get("remind_at")) read_percent(*remind_at, lifecycle.remind_at_percent);
  if (const auto step = read_limit(*map, "escalation_step", ctx))
    lifecycle.escalation_step = *step;
  else if (!map->get("escalation_step"))
    ctx.working_day_limits.push_back({node.where(), node.key() + ".escalation_step", "1wd (the default)"});
  if (const auto deciders = map->get("return_deciders"))
    read_return_deciders(*deciders, lifecycle.return_deciders, ctx);
  std::vector<ReceiverEntry> entries;
  if (const auto chains = map->get("chains"))
    for_each_item(*chains, [&](const YamlNode& item) {
      lifecycle.chains.push_back(read_rule(item, lifecycle.chains.size(), &entries, ctx));
    });
  warn_about_shadowed_receivers(entries, ctx.diag);
  if (const auto fallback = map->get("default"))
    lifecycle.default_chain = read_rule(*fallback, 0, nullptr, ctx);
  else
    ctx.diag.error(node.where(), node.key() + ".default",
                   "no default chain, and every receiver needs one (expected default: {escalate_to: [<levels>], "
                   "extensions_by: <unit or role>} for the receivers that no rule of chains matches)");
}

void check_lifecycle(LoadContext& ctx) {
  if (!ctx.deployment.calendar)
    for (const WorkingDayLimit& limit : ctx.working_day_limits)
      ctx.diag.error(limit.where, limit.key,
                     "the limit " + limit.text + " counts working days, and the deployment has no calendar: "
                     "(expected a calendar: section listing the holidays and make-up working days of every year it "
                     "covers, such as config/calendar.yaml, or a limit in hours such as \"24h\")");
  const auto& units = ctx.deployment.units;
  for (const UnitPattern& pattern : ctx.receiver_patterns)
    if (std::none_of(units.begin(), units.end(), [&](const Unit& u) { return u.id.starts_with(pattern.prefix); }))
      ctx.diag.error(pattern.where, pattern.key,
                     "receiver pattern '" + pattern.prefix + "*' matches no unit (expected a unit id, or a prefix of "
                     "unit ids followed by '*', such as \"pm.*\")");
}

}  // namespace hub::config
