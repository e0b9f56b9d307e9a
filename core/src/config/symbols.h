// config/symbols.h: the ids a deployment declares and the references to them.
//
// Sections are read file by file, and a file may name an id declared in a
// file read later, so references are recorded while reading and all checked
// at the end, each reported where it was written.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "config/diagnostics.h"
#include "config/model.h"

namespace hub::config {

enum class SymbolKind { kUnit, kCaseType, kRoute, kPlugin, kAdapter, kZone, kCommunity, kCompound, kSubdistrict };

class SymbolTable {
 public:
  // Declares an id that must be unique within its kind; a second declaration
  // is reported at `where`/`key`, naming the first one.
  void declare(SymbolKind kind, const std::string& id, const SourceLocation& where, const std::string& key,
               Diagnostics& diag);
  // Declares an id that may be declared many times (a sub-district named by several zones).
  void declare_shared(SymbolKind kind, const std::string& id, const SourceLocation& where);
  bool is_declared(SymbolKind kind, const std::string& id) const;

  // Records that `id` must be declared as `kind` by the end of loading.
  void refer(SymbolKind kind, std::string id, SourceLocation where, std::string key);
  // Reports each recorded reference to an id that was never declared.
  void check_references(Diagnostics& diag) const;

 private:
  struct Reference {
    SymbolKind kind;
    std::string id;
    SourceLocation where;
    std::string key;
  };
  std::map<SymbolKind, std::map<std::string, SourceLocation>> declared_;
  std::vector<Reference> references_;
};

}  // namespace hub::config
