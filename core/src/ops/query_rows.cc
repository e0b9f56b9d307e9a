#include "ops/query_rows.h"

#include <cstdio>

namespace hub::ops {

Result<Json> rows(store::PgConnection& db, const std::string& select, const store::PgParams& params) {
  auto r = db.exec_params("SELECT coalesce(json_agg(x), '[]'::json)::text FROM (" + select + ") x", params);
  if (!r.ok()) return r.status();
  return Json::parse(r->get(0, 0), nullptr, false);
}

std::optional<std::int64_t> id_arg(const Json& args, const char* key) {
  auto it = args.find(key);
  if (it == args.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<std::int64_t>();
}

std::optional<std::string> text_arg(const Json& args, const char* key) {
  auto it = args.find(key);
  if (it == args.end() || !it->is_string() || it->get<std::string>().empty()) return std::nullopt;
  return it->get<std::string>();
}

bool flag_arg(const Json& args, const char* key) {
  auto it = args.find(key);
  return it != args.end() && it->is_boolean() && it->get<bool>();
}

namespace {

std::string local_format(const char* column, const char* format) {
  char buf[200];
  std::snprintf(buf, sizeof buf, "to_char(%s AT TIME ZONE 'Asia/Shanghai', '%s')", column, format);
  return buf;
}

}  // namespace

std::string local(const char* column) { return local_format(column, "YYYY-MM-DD HH24:MI:SS.MS"); }

std::string local_seconds(const char* column) { return local_format(column, "YYYY-MM-DD HH24:MI:SS"); }

}  // namespace hub::ops
