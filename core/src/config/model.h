// config/model.h: the deployment as loaded from YAML, before compilation.
//
// Plain data. The loader (loader.h) fills it and checks every cross-reference;
// once loaded, a Deployment is consistent: every unit, case type, plugin,
// adapter, zone, community and compound it names exists, and every date of
// its calendar is valid and covered.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace hub::config {

using Json = nlohmann::json;

// Where something was written, for error messages and the routing log.
struct SourceLocation {
  std::string file;  // as given (relative to the working directory or absolute)
  int line = 0;      // 1-based
  int column = 0;    // 1-based
};

// A time limit: N wall-clock hours from dispatch, or the end of the Nth working day.
struct Limit {
  enum class Kind { kHours, kWorkingDays };
  Kind kind = Kind::kHours;
  int amount = 0;
  std::string text;  // as written, e.g. "4h", "5wd"
};

// What one unit may send (hub.unit_quota, overridable per unit): every message
// counts, whatever its kind (sends, acks, replies, heartbeats, garbage). Over
// it, messages are dropped unread (docs/PROTOCOL.md, "Quotas").
struct UnitQuota {
  std::int64_t messages_per_second = 200;
  std::int64_t burst_messages = 1000;
  std::int64_t bytes_per_second = 2 * 1024 * 1024;
  std::int64_t burst_bytes = 16 * 1024 * 1024;
  bool operator==(const UnitQuota&) const = default;
};

// A unit's own quota: each field given replaces the hub's default.
struct UnitQuotaOverride {
  std::optional<std::int64_t> messages_per_second{}, burst_messages{}, bytes_per_second{}, burst_bytes{};
  bool operator==(const UnitQuotaOverride&) const = default;
};

// A unit's key before a rotation (units[].previous_key): it stays valid for the
// unit until `valid_until`, and is refused like any unknown key from then on.
struct PreviousKey {
  std::string public_key;  // CURVE public key, Z85 (40 chars)
  std::chrono::system_clock::time_point valid_until;
  std::string valid_until_text;  // as written, e.g. "2026-12-03T18:00:00+08:00"
  SourceLocation where;
};

struct Unit {
  std::string id;            // e.g. "registry", "pm.jinxiu", "cgj.zone07"
  std::string name;          // Chinese display name
  // The adapters this unit connects through, in the order the hub tries them
  // for its own messages (units.yaml: `adapter:` one name or a list).
  std::vector<std::string> adapters;
  std::string public_key;    // CURVE public key, Z85 (40 chars)
  std::optional<PreviousKey> previous_key;
  std::vector<std::string> may_send;  // case type ids
  UnitQuotaOverride quota;
  SourceLocation where;
};

struct CaseType {
  std::string id;
  std::string name;    // Chinese display name; empty: the plugin's
  std::string plugin;  // owning plugin
  // Units that may send this type, besides those whose may_send lists it:
  // unit ids, and id prefixes written "pm.*" (stored without the '*').
  std::vector<std::string> senders;
  std::vector<std::string> sender_patterns;
  std::optional<Limit> sign_limit;     // override of the plugin's default
  std::optional<Limit> resolve_limit;  // override of the plugin's default
  SourceLocation where;
};

// A receiver of a route: a unit id, or a directory role of the case's compound
// ("compound.servicer", "compound.company", "compound.community",
// "compound.subdistrict", "compound.zone.cgj", "compound.team").
struct Target {
  enum class Kind { kUnit, kRole };
  Kind kind = Kind::kUnit;
  std::string value;  // unit id, or role name without the "compound." prefix
};

// Matches when the payload value at `pointer` equals one of `any_of`.
struct FieldPredicate {
  std::string pointer;  // RFC 6901, e.g. "/category"
  std::vector<Json> any_of;
};

// Each list, when non-empty, must contain the case's value; all lists must match.
struct RouteMatch {
  std::vector<std::string> types;
  std::vector<std::string> origins;
  std::vector<std::string> compounds;
  std::vector<std::string> zones;
  std::vector<std::string> subdistricts;
  std::vector<FieldPredicate> fields;
};

// Routes are tried in file order; the first that matches decides.
struct Route {
  std::string id;
  RouteMatch match;
  std::vector<Target> to;  // deliveries that carry deadlines
  std::vector<Target> cc;  // notices
  SourceLocation where;
};

struct Zone {
  std::string id;           // e.g. "zone07"
  std::string name;         // e.g. "第七片区"
  std::string subdistrict;  // unit id of the 镇街
  std::string cgj;          // unit id of the zone's urban-management staff
  std::string group;        // unit id of the zone working group (片区工作组), or empty
};

struct Community {
  std::string id;    // unit id, e.g. "community.jianshe"
  std::string name;
  std::string zone;  // zone id
};

struct Compound {
  std::string id;         // e.g. "jinxiu"
  std::string name;       // e.g. "锦绣小区"
  std::string community;  // community unit id
  std::string company;    // property company unit id, or empty
  std::string custodian;  // unit id holding temporary custody, or empty
  std::string klass;      // "A", "B" or "C"
  std::string team;       // unit id of the compound work team, or empty
  std::string committee;  // unit id of the owners' committee (业委会), or empty
};

struct PluginConfig {
  std::string name;
  std::string file;  // library path; relative paths resolve against the plugin directory
  std::string sha256;  // optional pin: the file's SHA-256, 64 lower-case hex digits; empty: none
  Json settings = Json::object();
  SourceLocation where;
};

struct AdapterConfig {
  std::string name;
  std::string file;
  std::string sha256;  // as PluginConfig::sha256
  Json settings = Json::object();  // values of keys ending in "_file" are made absolute
  SourceLocation where;
};

struct DeliveryPolicy {
  int max_attempts = 8;                            // sends before a delivery is parked
  std::chrono::milliseconds backoff_initial{1000};  // wait after the first unacked send
  std::chrono::milliseconds backoff_max{60000};
  double backoff_multiplier = 2.0;
};

// What one message from a unit may hold (hub.limits; docs/PROTOCOL.md, "Limits").
struct MessageLimits {
  std::size_t max_depth = 64;            // nested objects and arrays, the message itself counting 1
  std::size_t max_values = 20000;        // values of every kind in one message
  std::size_t max_object_keys = 1000;    // members of one object
  std::size_t max_array_items = 10000;   // items of one array
  std::size_t max_string_bytes = 65536;  // one string or key
  bool operator==(const MessageLimits&) const = default;
};

// Credentials of units that connect over HTTP (section hub.credentials).
struct CredentialSettings {
  // The master key that encrypts the units' secrets in the database; created
  // (mode 0600) at the hub's first start when missing. Default, after loading:
  // <keys_dir>/credentials.key.
  std::string key_file;
  // A signed request whose timestamp is further than this from the hub's clock is refused.
  int max_clock_skew_seconds = 300;
  bool operator==(const CredentialSettings&) const = default;
};

struct HubSettings {
  std::string id = "hub";           // this hub's name, used for leases
  std::string database;             // libpq connection string; empty: embedded PostgreSQL
  std::string data_dir = "var";     // embedded PostgreSQL and other run-time data
  std::string operator_socket;      // default: <data_dir>/run/operator.sock
  std::string operator_group;       // OS group whose members may operate; empty: the hub's user and root only
  std::string plugin_dir;           // where plugin/adapter files are looked up
  std::string keys_dir = "keys";    // where <unit id>.pub is looked up for units that name no key
  std::size_t max_payload_bytes = 256 * 1024;
  MessageLimits limits;
  UnitQuota unit_quota;  // every unit's, unless its entry overrides it
  int heartbeat_timeout_seconds = 15;  // a unit unheard for this long counts as offline
  DeliveryPolicy delivery;
  CredentialSettings credentials;
};

// The working-day calendar (section `calendar:`). Dates are ISO "YYYY-MM-DD",
// checked by the loader: every one exists and lies within [first_day, last_day].
struct CalendarConfig {
  std::string first_day, last_day;  // the dates covered, inclusive ("covers: 2026-01-01..2027-12-31")
  std::vector<int> weekend{6, 7};   // ISO weekday numbers, 1 = Monday .. 7 = Sunday
  // Where each covered year's holidays come from; every covered year has one.
  // provisional: the official arrangement is not out yet (only statutory days are listed).
  struct Year {
    int year = 0;
    std::string source;
    bool provisional = false;
  };
  std::vector<Year> years;
  // One holiday as announced: its days off, and the weekend days worked in
  // exchange (调休上班). Ranges written "a..b" are stored as every date from a to b.
  struct Holiday {
    std::string name;
    std::vector<std::string> off;
    std::vector<std::string> work;
    SourceLocation where;
  };
  std::vector<Holiday> holidays;
  SourceLocation where;
};

// Who a receiver's overdue work climbs to (one entry of lifecycle.chains).
struct EscalationRule {
  std::vector<std::string> receivers;          // unit ids
  std::vector<std::string> receiver_patterns;  // id prefixes written "pm.*", stored without the '*'
  std::vector<Target> escalate_to;             // levels in order: unit ids or compound.<role>; empty: top of a chain
  std::optional<Target> extensions_by;         // who grants or refuses extensions; absent: nobody (refused)
  SourceLocation where;
};

// Deadlines, reminders and escalation (section `lifecycle:`).
struct LifecycleConfig {
  int remind_at_percent = 75;  // the receiver is reminded (催办) when this share of a limit has elapsed
  Limit escalation_step{Limit::Kind::kWorkingDays, 1, "1wd"};  // time between escalation levels after a deadline
  // Who decides a returned case that no route fits: the first that resolves,
  // e.g. [compound.subdistrict, lg.office].
  std::vector<Target> return_deciders;
  std::vector<EscalationRule> chains;           // the first rule whose receivers match decides
  std::optional<EscalationRule> default_chain;  // for receivers no rule matches; set after a successful load
  SourceLocation where;
};

struct Deployment {
  std::string file;  // the top-level file
  HubSettings hub;
  std::vector<PluginConfig> plugins;
  std::vector<AdapterConfig> adapters;
  std::vector<Unit> units;
  std::vector<CaseType> case_types;
  std::vector<Route> routes;
  std::vector<Zone> zones;
  std::vector<Community> communities;
  std::vector<Compound> compounds;
  std::optional<CalendarConfig> calendar;    // absent: no limit may count working days
  std::optional<LifecycleConfig> lifecycle;  // absent: nothing is reminded or escalated
};

// The quota that applies to `unit`: the hub's default with the unit's overrides.
inline UnitQuota effective_quota(const HubSettings& hub, const Unit& unit) {
  UnitQuota q = hub.unit_quota;
  const UnitQuotaOverride& o = unit.quota;
  if (o.messages_per_second) q.messages_per_second = *o.messages_per_second;
  if (o.burst_messages) q.burst_messages = *o.burst_messages;
  if (o.bytes_per_second) q.bytes_per_second = *o.bytes_per_second;
  if (o.burst_bytes) q.burst_bytes = *o.burst_bytes;
  return q;
}

}  // namespace hub::config
