#include "case_type_doc.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace hub::apps {
namespace {

Json fields_json(const std::vector<FieldDecl>& fields) {
  Json out = Json::array();
  for (const auto& f : fields)
    out.push_back({{"pointer", f.pointer}, {"type", std::string(field_type_name(f.type))}, {"required", f.required},
                   {"help", f.help}});
  return out;
}

std::string target_text(const config::Target& t) {
  return t.kind == config::Target::Kind::kRole ? "compound." + t.value : t.value;
}

Json targets_json(const std::vector<config::Target>& targets) {
  Json out = Json::array();
  for (const auto& t : targets) out.push_back(target_text(t));
  return out;
}

Json type_json(const catalog::Catalog& catalog, const catalog::CaseTypeEntry& t, const CaseTypeDecl& decl) {
  const config::Deployment& d = catalog.deployment();
  Json senders = Json::array();
  for (const auto& u : d.units)
    if (const auto* entry = catalog.unit(u.id); entry != nullptr && entry->may_send.count(t.id)) senders.push_back(u.id);
  Json routes = Json::array();
  for (const auto& r : d.routes)
    if (std::find(r.match.types.begin(), r.match.types.end(), t.id) != r.match.types.end())
      routes.push_back({{"id", r.id}, {"to", targets_json(r.to)}, {"cc", targets_json(r.cc)}});
  Json outcomes = Json::array();
  for (const auto& o : decl.outcomes) outcomes.push_back({{"id", o.id}, {"name", o.display_name}, {"help", o.help}});
  return {{"id", t.id},
          {"name", t.name},
          {"plugin", t.plugin},
          {"sign_limit", t.sign_limit.text},
          {"resolve_limit", t.resolve_limit.text},
          {"senders", senders},
          {"routes", routes},
          {"fields", fields_json(decl.fields)},
          {"outcomes", outcomes},
          {"reply_fields", fields_json(decl.reply_fields)},
          {"attachments",
           {{"max_files", t.attachments.max_files},
            {"max_file_bytes", t.attachments.max_file_bytes},
            {"types", t.attachments.media_types}}}};
}

std::string limit_words(const std::string& limit) {
  if (limit.ends_with("wd")) return limit.substr(0, limit.size() - 2) + " working day(s)";
  if (limit.ends_with("h")) return limit.substr(0, limit.size() - 1) + " hour(s)";
  return limit;
}

std::string joined(const Json& list, const char* none) {
  std::string out;
  for (const auto& v : list) out += (out.empty() ? "" : ", ") + v.get<std::string>();
  return out.empty() ? none : out;
}

std::string files_words(const Json& a) {
  if (a["max_files"].get<int>() == 0) return "none";
  return fmt::format("up to {} per message, {} MiB a file at most; {}", a["max_files"].get<int>(),
                     a["max_file_bytes"].get<std::int64_t>() / (1 << 20), joined(a["types"], "no type"));
}

// A Markdown table cell: '|' escaped, one line.
std::string cell(std::string text) {
  std::string out;
  for (const char c : text) {
    if (c == '|') out += "\\|";
    else if (c == '\n') out += ' ';
    else out += c;
  }
  return out;
}

void field_table(std::string& out, const Json& fields) {
  out += "| field | type | required | meaning |\n|---|---|---|---|\n";
  for (const auto& f : fields)
    out += fmt::format("| `{}` | {} | {} | {} |\n", f["pointer"].get<std::string>(), f["type"].get<std::string>(),
                       f["required"].get<bool>() ? "yes" : "", cell(f["help"].get<std::string>()));
}

}  // namespace

Json case_types_document(const catalog::Catalog& catalog, const plugin_host::PluginSet& plugins,
                         const std::vector<std::string>& only) {
  std::set<std::string> ids;
  for (const auto& t : catalog.deployment().case_types) ids.insert(t.id);
  Json out = Json::array();
  for (const auto& id : ids) {
    if (!only.empty() && std::find(only.begin(), only.end(), id) == only.end()) continue;
    const auto* entry = catalog.case_type(id);
    const auto* decl = entry ? plugins.case_type(entry->plugin, id) : nullptr;
    if (decl != nullptr) out.push_back(type_json(catalog, *entry, *decl));
  }
  return out;
}

std::string case_types_text(const Json& document) {
  std::string out;
  for (const auto& t : document) {
    out += fmt::format("{} {}  (plugin {})\n", t["id"].get<std::string>(), t["name"].get<std::string>(),
                       t["plugin"].get<std::string>());
    out += fmt::format("  sign within {}, resolve within {}\n", limit_words(t["sign_limit"].get<std::string>()),
                       limit_words(t["resolve_limit"].get<std::string>()));
    out += "  sent by: " + joined(t["senders"], "no unit (the hub's plugins raise it)") + "\n";
    for (const auto& r : t["routes"])
      out += fmt::format("  route {}: to {}; notices to {}\n", r["id"].get<std::string>(), joined(r["to"], "nobody"),
                         joined(r["cc"], "nobody"));
    out += "  payload:\n";
    for (const auto& f : t["fields"])
      out += fmt::format("    {:<28} {:<22} {:<8} {}\n", f["pointer"].get<std::string>(), f["type"].get<std::string>(),
                         f["required"].get<bool>() ? "required" : "", f["help"].get<std::string>());
    out += "  outcomes of a final reply: ";
    if (t["outcomes"].empty()) out += "any\n";
    else out += "\n";
    for (const auto& o : t["outcomes"])
      out += fmt::format("    {:<16} {:<12} {}\n", o["id"].get<std::string>(), o["name"].get<std::string>(),
                         o["help"].get<std::string>());
    if (!t["reply_fields"].empty()) out += "  reply body:\n";
    for (const auto& f : t["reply_fields"])
      out += fmt::format("    {:<28} {:<22} {:<8} {}\n", f["pointer"].get<std::string>(), f["type"].get<std::string>(),
                         f["required"].get<bool>() ? "required" : "", f["help"].get<std::string>());
    out += "  files: " + files_words(t["attachments"]) + "\n\n";
  }
  return out;
}

std::string case_types_markdown(const Json& document) {
  std::string out =
      "# Case types — 案件类型\n\n"
      "Generated by `hubctl types --format markdown` from the Xinhui configuration (`config/`) and the plugins'\n"
      "declarations; a test fails when this page and the hub differ. For each case type: who may send it,\n"
      "where it goes, its deadlines, the fields of its `payload`, the outcomes a final reply may name, the\n"
      "fields of a reply's `body`, and the files it may carry (docs/PROTOCOL.md, \"Attachments\"). A deadline\n"
      "`Nwd` ends with the Nth working day after dispatch, `Nh` N hours after it.\n\n";
  out += "| type | 名称 | sign | resolve | plugin |\n|---|---|---|---|---|\n";
  for (const auto& t : document)
    out += fmt::format("| [`{0}`](#{1}) | {2} | {3} | {4} | {5} |\n", t["id"].get<std::string>(),
                       [&] {
                         std::string anchor;
                         for (const char c : t["id"].get<std::string>())
                           if (c != '.') anchor += c;
                         return anchor;
                       }(),
                       t["name"].get<std::string>(), t["sign_limit"].get<std::string>(),
                       t["resolve_limit"].get<std::string>(), t["plugin"].get<std::string>());
  for (const auto& t : document) {
    out += fmt::format("\n## {}\n\n**{}** (plugin `{}`). Sign within {}, resolve within {}.\n\n",
                       t["id"].get<std::string>(), t["name"].get<std::string>(), t["plugin"].get<std::string>(),
                       limit_words(t["sign_limit"].get<std::string>()), limit_words(t["resolve_limit"].get<std::string>()));
    out += "Sent by: " + joined(t["senders"], "no unit (raised by the hub's plugins)") + ".\n";
    for (const auto& r : t["routes"])
      out += fmt::format("Route `{}`: to {}; notices to {}.\n", r["id"].get<std::string>(),
                         joined(r["to"], "nobody"), joined(r["cc"], "nobody"));
    out += "\n**Payload**\n\n";
    if (t["fields"].empty()) out += "Any JSON object.\n";
    else field_table(out, t["fields"]);
    out += "\n**Outcomes of a final reply**: ";
    if (t["outcomes"].empty()) {
      out += "any (the case type restricts none).\n";
    } else {
      out += "\n\n| outcome | 名称 | when |\n|---|---|---|\n";
      for (const auto& o : t["outcomes"])
        out += fmt::format("| `{}` | {} | {} |\n", o["id"].get<std::string>(), o["name"].get<std::string>(),
                           cell(o["help"].get<std::string>()));
    }
    out += "\n**Reply body**: ";
    if (t["reply_fields"].empty()) {
      out += "any JSON object.\n";
    } else {
      out += "\n\n";
      field_table(out, t["reply_fields"]);
    }
    out += "\n**Files**: " + files_words(t["attachments"]) + ".\n";
  }
  return out;
}

}  // namespace hub::apps
