// hooks/hook_context.cc: the store reads of HookContextImpl.
#include "hooks/hook_context.h"

namespace hub::hooks {

std::optional<Json> HookContextImpl::read(const std::map<std::string, Json>& buffered,
                                          std::map<std::string, std::int64_t>& versions, CaseId scope,
                                          std::string_view key) {
  if (auto it = buffered.find(std::string(key)); it != buffered.end()) return it->second;
  auto r = db_.exec_params(
      "SELECT value::text, version FROM plugin_state WHERE plugin = $1 AND case_id = $2 AND key = $3",
      {plugin_, std::to_string(scope), std::string(key)});
  if (!r.ok()) {
    if (read_error_.ok()) read_error_ = r.status();
    return std::nullopt;
  }
  // The first read decides: a later one that sees another version makes the
  // commit fail its check, and the hook runs again.
  if (r->rows() == 0) {
    versions.emplace(std::string(key), 0);
    return std::nullopt;
  }
  auto version = r->get_int64(0, 1);
  versions.emplace(std::string(key), version.ok() ? *version : 0);
  Json value = Json::parse(r->get(0, 0), nullptr, false);
  if (value.is_discarded()) return std::nullopt;
  return value;
}

}  // namespace hub::hooks
