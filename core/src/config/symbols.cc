#include "config/symbols.h"

namespace hub::config {
namespace {

// How a kind is named in messages, and where such ids are declared.
struct KindText {
  const char* noun;
  const char* declared_in;
};

KindText text_of(SymbolKind kind) {
  switch (kind) {
    case SymbolKind::kUnit: return {"unit", "an id under units:"};
    case SymbolKind::kCaseType: return {"case type", "an id under case_types:"};
    case SymbolKind::kRoute: return {"route", "an id under routes:"};
    case SymbolKind::kPlugin: return {"plugin", "a name under plugins:"};
    case SymbolKind::kAdapter: return {"adapter", "a name under adapters:"};
    case SymbolKind::kZone: return {"zone", "an id under directory: zones:"};
    case SymbolKind::kCommunity: return {"community", "an id under directory: communities:"};
    case SymbolKind::kCompound: return {"compound", "an id under directory: compounds:"};
    case SymbolKind::kSubdistrict: return {"sub-district", "a unit named as the subdistrict of a zone"};
  }
  return {"id", "a declared id"};
}

}  // namespace

void SymbolTable::declare(SymbolKind kind, const std::string& id, const SourceLocation& where,
                          const std::string& key, Diagnostics& diag) {
  const auto [it, inserted] = declared_[kind].emplace(id, where);
  if (!inserted)
    diag.error(where, key,
               "duplicate " + std::string(text_of(kind).noun) + " id '" + id + "', first declared at " +
                   place(it->second) + " (expected ids to be unique)");
}

void SymbolTable::declare_shared(SymbolKind kind, const std::string& id, const SourceLocation& where) {
  declared_[kind].emplace(id, where);
}

bool SymbolTable::is_declared(SymbolKind kind, const std::string& id) const {
  const auto ids = declared_.find(kind);
  return ids != declared_.end() && ids->second.contains(id);
}

void SymbolTable::refer(SymbolKind kind, std::string id, SourceLocation where, std::string key) {
  references_.push_back({kind, std::move(id), std::move(where), std::move(key)});
}

void SymbolTable::check_references(Diagnostics& diag) const {
  for (const Reference& ref : references_) {
    if (is_declared(ref.kind, ref.id)) continue;
    std::vector<std::string> known;
    if (const auto ids = declared_.find(ref.kind); ids != declared_.end())
      for (const auto& [id, where] : ids->second) known.push_back(id);
    const KindText text = text_of(ref.kind);
    diag.error(ref.where, ref.key,
               "unknown " + std::string(text.noun) + " '" + ref.id + "'" + did_you_mean(ref.id, known) +
                   "; expected " + text.declared_in);
  }
}

}  // namespace hub::config
