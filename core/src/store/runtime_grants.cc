// store/runtime_grants.cc: see runtime_grants.h.
#include "store/runtime_grants.h"

namespace hub::store {
namespace {

// The migrations' advisory lock: concurrent GRANTs on one table may fail
// with "tuple concurrently updated".
constexpr const char* kSchemaLock = "SELECT pg_advisory_xact_lock(7750001)";

Result<std::string> current_role(PgConnection& db) {
  auto r = db.exec("SELECT current_user");
  if (!r.ok()) return r.status();
  return std::string(r->get(0, 0));
}

}  // namespace

const std::vector<TableRights>& runtime_table_rights() {
  static const std::vector<TableRights> all = {
      {"schema_migrations", "SELECT"},
      {"cases", "SELECT, INSERT, UPDATE"},
      {"deliveries", "SELECT, INSERT, UPDATE"},
      {"replies", "SELECT, INSERT, UPDATE"},
      {"updates", "SELECT, INSERT, UPDATE"},
      {"events", "SELECT, INSERT"},
      {"plugin_state", "SELECT, INSERT, UPDATE"},
      {"timers", "SELECT, INSERT, UPDATE, DELETE"},
      {"hook_tasks", "SELECT, INSERT, UPDATE"},
      {"directory_overrides", "SELECT, INSERT, UPDATE"},
      {"lifecycle_requests", "SELECT, INSERT, UPDATE"},
      {"unit_status", "SELECT, INSERT, UPDATE"},
      {"unit_credentials", "SELECT, INSERT, UPDATE"},
      {"credential_nonces", "SELECT, INSERT, DELETE"},
      {"attachment_blobs", "SELECT, INSERT, DELETE"},
      {"attachment_chunks", "SELECT, INSERT, DELETE"},
      {"attachment_uploads", "SELECT, INSERT, UPDATE, DELETE"},
      {"attachment_refs", "SELECT, INSERT"},
      {"upload_parts", "SELECT, INSERT, DELETE"},
      {"credential_key_check", "SELECT, INSERT"},
  };
  return all;
}

Status grant_runtime_role(PgConnection& owner, const std::string& role) {
  auto quoted = owner.quote_identifier(role);
  if (!quoted.ok()) return quoted.status();
  const std::string& r = *quoted;
  std::string sql = std::string("BEGIN; ") + kSchemaLock + "; ";
  for (const TableRights& t : runtime_table_rights())
    sql += std::string("REVOKE ALL ON TABLE ") + t.table + " FROM " + r + "; GRANT " + t.rights + " ON TABLE " +
           t.table + " TO " + r + "; ";
  sql += "REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM " + r + "; " +
         "GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO " + r + "; " +
         "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE ON TABLES TO " + r + "; " +
         "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE ON SEQUENCES TO " + r + "; COMMIT";
  auto done = owner.exec(sql);
  if (!done.ok()) {
    (void)owner.exec("ROLLBACK");
    return Status(done.status().code(), "cannot grant the runtime role " + role + " its rights: " +
                                            done.status().message() +
                                            " (the hub must connect for migrations as the owner of the tables)");
  }
  return {};
}

Result<std::string> grant_runtime_rights(PgConnection& owner, const std::string& runtime_conninfo) {
  auto runtime = PgConnection::connect(runtime_conninfo);
  if (!runtime.ok()) return runtime.status();
  auto role = current_role(*runtime);
  if (!role.ok()) return role.status();
  auto owner_role = current_role(owner);
  if (!owner_role.ok()) return owner_role.status();
  if (*role == *owner_role) return std::string();
  if (Status s = grant_runtime_role(owner, *role); !s.ok()) return s;
  return *role;
}

}  // namespace hub::store
