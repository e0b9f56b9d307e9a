#include "config/loader.h"

#include <fnmatch.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <system_error>
#include <thread>

#include "config/sections.h"
#include "keys/key_file.h"

namespace hub::config {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kFileKeys = {"include",    "hub",    "plugins",   "adapters", "units",
                                            "case_types", "routes", "directory", "calendar", "lifecycle"};

// Reads a file's sections and then, depth-first, the files it includes.
class FileWalker {
 public:
  explicit FileWalker(LoadContext& ctx) : ctx_(ctx) {}

  // `cited_at`/`cited_key`: where the file is named (its include entry), for
  // errors about the file as a whole.
  void read(const std::string& path, const SourceLocation& cited_at, const std::string& cited_key) {
    std::error_code ec;
    const std::string identity = fs::weakly_canonical(fs::absolute(path, ec), ec).string();
    if (reported_cycle(identity, path, cited_at, cited_key) || reported_repeat(identity, path, cited_at, cited_key))
      return;
    included_at_.emplace(identity, cited_at);
    const auto root = read_yaml_file(path, cited_at, cited_key, ctx_.diag);
    if (!root || root->is_null()) return;  // unreadable (reported) or empty
    const auto sections = root->map(kFileKeys);
    if (!sections) return;
    read_sections(*sections, /*top_level=*/open_.empty());
    open_.push_back({identity, path});
    if (const auto includes = sections->get("include"))
      for_each_item(*includes, [&](const YamlNode& item) {
        const auto name = item.string();
        if (!name) return;
        const fs::path named = (fs::path(path).parent_path() / *name).lexically_normal();
        if (name->find_first_of("*?[") == std::string::npos) return read(named.string(), item.where(), item.key());
        const auto matches = files_matching(named);
        if (matches.empty())
          ctx_.diag.error(item.where(), item.key(),
                          "no file matches '" + *name + "' (expected at least one; patterns apply to the file name only)");
        for (const auto& match : matches) read(match, item.where(), item.key());
      });
    open_.pop_back();
  }

 private:
  struct OpenFile {
    std::string identity;  // canonical path
    std::string path;      // as named
  };

  // Files in `pattern`'s folder whose names match its last component
  // (fnmatch), sorted by name so that the order of lists is stable.
  static std::vector<std::string> files_matching(const fs::path& pattern) {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(pattern.parent_path(), ec))
      if (entry.is_regular_file(ec) &&
          ::fnmatch(pattern.filename().c_str(), entry.path().filename().c_str(), FNM_PERIOD) == 0)
        out.push_back(entry.path().string());
    std::sort(out.begin(), out.end());
    return out;
  }

  // A file that includes itself, directly or through others.
  bool reported_cycle(const std::string& identity, const std::string& path, const SourceLocation& cited_at,
                      const std::string& cited_key) {
    const auto open = std::find_if(open_.begin(), open_.end(), [&](const OpenFile& f) { return f.identity == identity; });
    if (open == open_.end()) return false;
    std::string chain;
    for (auto it = open; it != open_.end(); ++it) chain += it->path + " -> ";
    ctx_.diag.error(cited_at, cited_key,
                    "include cycle: " + chain + path + " (expected files to include each other without coming back)");
    return true;
  }

  // A file read before through another include: its lists would be doubled.
  bool reported_repeat(const std::string& identity, const std::string& path, const SourceLocation& cited_at,
                       const std::string& cited_key) {
    const auto earlier = included_at_.find(identity);
    if (earlier == included_at_.end()) return false;
    const SourceLocation& first = earlier->second;
    const std::string named = first.line == 0 ? "it is the top-level file"
                                              : "first named at " + first.file + ":" + std::to_string(first.line);
    ctx_.diag.error(cited_at, cited_key, "'" + path + "' is already read (" + named + "); expected each file once");
    return true;
  }

  void read_sections(const YamlMap& sections, bool top_level) {
    if (const auto hub = sections.get("hub")) {
      if (top_level)
        read_hub(*hub, ctx_);
      else
        hub->error("hub: is allowed only in the top-level file " + ctx_.deployment.file);
    }
    if (const auto node = sections.get("plugins")) read_plugins(*node, ctx_);
    if (const auto node = sections.get("adapters")) read_adapters(*node, ctx_);
    if (const auto node = sections.get("units")) read_units(*node, ctx_);
    if (const auto node = sections.get("case_types")) read_case_types(*node, ctx_);
    if (const auto node = sections.get("routes")) read_routes(*node, ctx_);
    if (const auto node = sections.get("directory")) read_directory(*node, ctx_);
    if (const auto node = sections.get("calendar")) read_calendar(*node, ctx_);
    if (const auto node = sections.get("lifecycle")) read_lifecycle(*node, ctx_);
  }

  LoadContext& ctx_;
  std::vector<OpenFile> open_;                         // the include chain being read
  std::map<std::string, SourceLocation> included_at_;  // every file read, by identity
};

// $XH_DATA_DIR, when set, replaces hub.data_dir (relative to the working
// directory), as $XH_DATABASE_URL replaces hub.database: one config, several
// runs (a demo's fresh day, a test) with their own data.
void resolve_hub_paths(HubSettings& hub, const std::string& top_file) {
  std::error_code ec;
  const std::string folder = fs::absolute(top_file, ec).parent_path().string();
  const char* data_dir = std::getenv("XH_DATA_DIR");
  hub.data_dir = data_dir != nullptr && *data_dir != '\0' ? fs::absolute(data_dir, ec).lexically_normal().string()
                                                          : absolute_from_folder(folder, hub.data_dir);
  hub.keys_dir = absolute_from_folder(folder, hub.keys_dir);
  hub.credentials.key_file = hub.credentials.key_file.empty()
                                 ? (fs::path(hub.keys_dir) / "credentials.key").string()
                                 : absolute_from_folder(folder, hub.credentials.key_file);
  hub.operator_socket = hub.operator_socket.empty() ? (fs::path(hub.data_dir) / "run" / "operator.sock").string()
                                                    : absolute_from_folder(folder, hub.operator_socket);
  if (!hub.plugin_dir.empty()) hub.plugin_dir = absolute_from_folder(folder, hub.plugin_dir);
  if (hub.database.empty())
    if (const char* url = std::getenv("XH_DATABASE_URL")) hub.database = url;
}

// Units that named no key get <keys_dir>/<id>.pub when it exists.
void read_default_keys(LoadContext& ctx) {
  const std::string& keys_dir = ctx.deployment.hub.keys_dir;
  for (const UnitWithoutKey& pending : ctx.units_without_key) {
    Unit& unit = ctx.deployment.units[pending.index];
    if (unit.id.empty()) continue;  // its id is already reported
    const std::string path = (fs::path(keys_dir) / (unit.id + ".pub")).string();
    std::error_code ec;
    if (!fs::exists(path, ec)) {
      ctx.diag.warning(unit.where, pending.key,
                       "unit " + unit.id + " has no key: it cannot connect; generate one with 'hubctl keygen --unit " +
                           unit.id + " --out " + keys_dir + "' (looked for " + path + ")");
      continue;
    }
    const auto pair = keys::read(path);
    if (pair.ok()) {
      unit.public_key = pair->public_key;
      ctx.unit_key_places.push_back({pending.index, false, unit.where, pending.key});
    } else
      ctx.diag.error(unit.where, pending.key, pair.status().message());
  }
}

// A case type's senders may send it: adds the type to their may_send. A
// pattern that matches no unit is an error (a typo would silently lock out).
void grant_senders(LoadContext& ctx) {
  auto grant = [](Unit& unit, const std::string& type) {
    if (std::find(unit.may_send.begin(), unit.may_send.end(), type) == unit.may_send.end())
      unit.may_send.push_back(type);
  };
  for (const CaseType& type : ctx.deployment.case_types) {
    for (const std::string& sender : type.senders)
      for (Unit& unit : ctx.deployment.units)
        if (unit.id == sender) grant(unit, type.id);
    for (const std::string& prefix : type.sender_patterns) {
      bool matched = false;
      for (Unit& unit : ctx.deployment.units)
        if (unit.id.starts_with(prefix)) grant(unit, type.id), matched = true;
      if (!matched)
        ctx.diag.error(type.where, "senders", "case type '" + type.id + "': sender pattern '" + prefix +
                                                  "*' matches no unit (expected a unit id, or a prefix of unit ids "
                                                  "followed by '*', such as \"pm.*\")");
    }
  }
}

// Only types that units may send need a route: a type no unit sends is raised
// by its plugin, which may address its receivers itself (a routed raise
// without a route is parked, visibly, like any unroutable case).
void warn_about_unrouted_case_types(LoadContext& ctx) {
  const auto& routes = ctx.deployment.routes;
  const auto& units = ctx.deployment.units;
  for (const CaseType& type : ctx.deployment.case_types) {
    const bool sent_by_units = std::any_of(units.begin(), units.end(), [&](const Unit& unit) {
      return std::find(unit.may_send.begin(), unit.may_send.end(), type.id) != unit.may_send.end();
    });
    if (!sent_by_units) continue;
    const bool routed = std::any_of(routes.begin(), routes.end(), [&](const Route& route) {
      const auto& types = route.match.types;
      return types.empty() || std::find(types.begin(), types.end(), type.id) != types.end();
    });
    if (!routed)
      ctx.diag.warning(type.where, "", "case type '" + type.id + "' has no route: its cases would be parked "
                                       "(expected a route whose match.type names it, or one without match.type)");
  }
}

// yaml-cpp counts columns in bytes; editors count characters, and Chinese
// names take three bytes each. Rewrites each column as a character count.
void count_columns_in_characters(std::vector<ConfigError>& problems) {
  std::map<std::string, std::vector<std::string>> lines_by_file;
  for (ConfigError& problem : problems) {
    if (problem.where.line <= 0 || problem.where.column <= 1) continue;
    auto [it, inserted] = lines_by_file.try_emplace(problem.where.file);
    if (inserted) {
      std::ifstream in(problem.where.file);
      for (std::string line; std::getline(in, line);) it->second.push_back(line);
    }
    const auto& lines = it->second;
    if (static_cast<std::size_t>(problem.where.line) > lines.size()) continue;
    const std::string& line = lines[problem.where.line - 1];
    const std::size_t bytes_before = std::min<std::size_t>(problem.where.column - 1, line.size());
    int characters_before = 0;
    for (std::size_t i = 0; i < bytes_before; ++i)
      if ((static_cast<unsigned char>(line[i]) & 0xC0) != 0x80) ++characters_before;  // not a continuation byte
    problem.where.column = characters_before + 1;
  }
}

}  // namespace

Result<Limit> parse_limit(std::string_view text) {
  const auto invalid = [&] {
    return Status::InvalidArgument("invalid limit '" + std::string(text) +
                                   "' (expected <N>h for N wall-clock hours or <N>wd for N working days, "
                                   "N >= 1, e.g. \"4h\" or \"5wd\")");
  };
  Limit limit{Limit::Kind::kHours, 0, std::string(text)};
  std::string_view amount = text;
  if (amount.ends_with("wd")) {
    limit.kind = Limit::Kind::kWorkingDays;
    amount.remove_suffix(2);
  } else if (amount.ends_with("h")) {
    amount.remove_suffix(1);
  } else {
    return invalid();
  }
  const auto [end, ec] = std::from_chars(amount.data(), amount.data() + amount.size(), limit.amount);
  if (amount.empty() || ec != std::errc() || end != amount.data() + amount.size() || limit.amount < 1)
    return invalid();
  return limit;
}

namespace {

LoadResult load_on_this_thread(const std::string& path) {
  LoadContext ctx;
  ctx.deployment.file = path;
  try {
    FileWalker(ctx).read(path, SourceLocation{path, 0, 0}, "");
    resolve_hub_paths(ctx.deployment.hub, path);
    read_default_keys(ctx);
    check_unit_keys(ctx);
    ctx.symbols.check_references(ctx.diag);
    grant_senders(ctx);
    warn_about_unrouted_case_types(ctx);
    check_lifecycle(ctx);
  } catch (const std::exception& e) {
    ctx.diag.error(SourceLocation{path, 0, 0}, "", std::string("internal error while loading: ") + e.what());
  } catch (...) {
    ctx.diag.error(SourceLocation{path, 0, 0}, "", "internal error while loading: unknown exception");
  }
  LoadResult result;
  if (!ctx.diag.has_errors()) result.deployment = std::move(ctx.deployment);
  result.errors = ctx.diag.take_errors();
  result.warnings = ctx.diag.take_warnings();
  count_columns_in_characters(result.errors);
  count_columns_in_characters(result.warnings);
  return result;
}

}  // namespace

// Reading builds YAML trees several times the size of the model kept (a
// directory of 100,000 compounds: ~450 MB of nodes for ~100 MB of model).
// Read on the caller's thread, the model's strings would end up scattered
// over the pages the trees had, and freeing the trees would give almost
// nothing back to the system (RSS stayed at 570 MB). So the reading runs on
// a thread of its own, which glibc serves from another arena, and the result
// is copied on the caller's thread: everything the reading allocated is then
// freed together.
LoadResult load_deployment(const std::string& path) {
  std::optional<LoadResult> read;
  try {
    std::thread([&] { read = load_on_this_thread(path); }).join();
  } catch (const std::system_error&) {  // no thread to be had: read here
    return load_on_this_thread(path);
  }
  LoadResult kept = *read;  // a deep copy, allocated by this thread
  return kept;
}

}  // namespace hub::config
