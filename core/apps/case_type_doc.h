// apps/case_type_doc.h: every case type of a deployment as units' IT staff
// need it (`hubctl types`, docs/CASE_TYPES.md): who may send it, where it goes,
// its deadlines, its payload's fields, the outcomes and fields of its replies,
// and the files it may carry. Everything comes from the loaded configuration
// and the plugins' own declarations (hub/plugin.h, CaseTypeDecl), never from
// a hand-kept list, so the page cannot drift from what the hub checks.
#pragma once

#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "plugin_host/plugin_set.h"

namespace hub::apps {

// [{"id", "name", "plugin", "sign_limit", "resolve_limit", "senders": [...],
//   "routes": [{"id", "to": [...], "cc": [...]}], "fields": [{"pointer", "type",
//   "required", "help"}], "outcomes": [{"id", "name", "help"}], "reply_fields":
//   [...], "attachments": {"max_files", "max_file_bytes", "types": [...]}}, ...]
// in id order; only the types in `only` when it is not empty.
Json case_types_document(const catalog::Catalog& catalog, const plugin_host::PluginSet& plugins,
                         const std::vector<std::string>& only = {});

// The document as a terminal shows it, and as the Markdown of docs/CASE_TYPES.md.
std::string case_types_text(const Json& document);
std::string case_types_markdown(const Json& document);

}  // namespace hub::apps
