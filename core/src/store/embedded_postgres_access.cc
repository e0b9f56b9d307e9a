// store/embedded_postgres_access.cc: see embedded_postgres_access.h.
#include "store/embedded_postgres_access.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>

#include "store/embedded_postgres.h"

namespace hub::store::detail {
namespace {

constexpr const char* kHbaFirstLine =
    "# Written by xinhui-hub at every start of the embedded server (peer authentication): edits are lost.";

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A user name pg_ident.conf takes literally: no quoting, no regular
// expression ('/'), no group ('+'), no comment.
Status check_ident_name(const std::string& name) {
  const bool ok = !name.empty() && name.size() <= 63 && name[0] != '/' && name[0] != '+' &&
                  name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-$") ==
                      std::string::npos;
  if (ok) return {};
  return Status::InvalidArgument("the OS user name '" + name + "' cannot be written to pg_ident.conf for peer "
                                 "authentication: run hubd (and PostgreSQL, see XH_PG_USER) as a user whose name "
                                 "has only letters, digits, '_', '.', '-' or '$'");
}

std::string hba_text() {
  std::ostringstream o;
  o << kHbaFirstLine << "\n"
    << "# Only the Unix socket; each OS user may log in as the roles pg_ident.conf maps it to.\n"
    << "# TYPE  DATABASE  USER  ADDRESS  METHOD\n"
    << "local   all       all            peer map=" << kIdentMap << "\n"
    << "host    all       all   all      reject\n";
  return o.str();
}

std::string ident_text(const AccessPolicy& p) {
  std::ostringstream o;
  o << "# Written by xinhui-hub at every start of the embedded server: edits are lost.\n"
    << "# MAPNAME  SYSTEM-USERNAME  PG-USERNAME\n"
    << kIdentMap << "  " << p.server_user << "  " << p.server_user << "\n";
  if (p.superuser_for_caller && p.hub_user != p.server_user)
    o << kIdentMap << "  " << p.hub_user << "  " << p.server_user << "\n";
  o << kIdentMap << "  " << p.hub_user << "  " << EmbeddedPostgres::kOwnerRole << "\n"
    << kIdentMap << "  " << p.hub_user << "  " << EmbeddedPostgres::kRuntimeRole << "\n";
  return o.str();
}

// The psql script of set_up_roles; the database name comes in as the psql
// variable db (:'db' a literal, :"db" an identifier).
std::string roles_script(bool with_database) {
  const std::string owner = EmbeddedPostgres::kOwnerRole;
  const std::string runtime = EmbeddedPostgres::kRuntimeRole;
  const std::string attributes = " WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS";
  std::string s = "SET client_min_messages = error;\n"
                  "DO $roles$ BEGIN\n"
                  "  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + owner + "') THEN CREATE ROLE " + owner +
                  "; END IF;\n"
                  "  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + runtime + "') THEN CREATE ROLE " +
                  runtime + "; END IF;\n"
                  "END $roles$;\n"
                  "ALTER ROLE " + owner + attributes + ";\n"
                  "ALTER ROLE " + runtime + attributes + ";\n"
                  "REVOKE " + owner + " FROM " + runtime + ";\n";
  if (!with_database) return s;
  s += "SELECT format('CREATE DATABASE %I OWNER " + owner + "', :'db') "
       "WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db') \\gexec\n"
       "ALTER DATABASE :\"db\" OWNER TO " + owner + ";\n"
       "REVOKE ALL ON DATABASE :\"db\" FROM PUBLIC;\n"
       "GRANT CONNECT ON DATABASE :\"db\" TO " + runtime + ";\n"
       "\\connect :\"db\"\n"
       "SET client_min_messages = error;\n"
       "REVOKE CREATE ON SCHEMA public FROM PUBLIC;\n"
       // What an earlier version's superuser created; sequences of serial
       // columns follow their table.
       "DO $owner$ DECLARE r record; BEGIN\n"
       "  FOR r IN SELECT c.oid::regclass AS name, c.relkind FROM pg_class c\n"
       "      WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'f')\n"
       "        AND c.relowner <> '" + owner + "'::regrole LOOP\n"
       "    EXECUTE format('ALTER %s %s OWNER TO " + owner + "', CASE r.relkind WHEN 'v' THEN 'VIEW'\n"
       "      WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END, r.name);\n"
       "  END LOOP;\n"
       "  FOR r IN SELECT c.oid::regclass AS name FROM pg_class c\n"
       "      WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'S'\n"
       "        AND c.relowner <> '" + owner + "'::regrole LOOP\n"
       "    EXECUTE format('ALTER SEQUENCE %s OWNER TO " + owner + "', r.name);\n"
       "  END LOOP;\n"
       "END $owner$;\n";
  return s;
}

}  // namespace

Result<AccessPolicy> access_policy(const OsUser& server, bool superuser_for_caller) {
  auto me = current_user_name();
  if (!me.ok()) return me.status();
  if (Status s = check_ident_name(server.name); !s.ok()) return s;
  if (Status s = check_ident_name(*me); !s.ok()) return s;
  return AccessPolicy{server.name, *me, superuser_for_caller};
}

bool has_peer_access(const std::string& pgdata) {
  const std::string hba = read_all(pgdata + "/pg_hba.conf");
  return hba.rfind(kHbaFirstLine, 0) == 0;
}

Result<bool> write_access_files(const OsUser& user, const Layout& layout, const AccessPolicy& policy) {
  bool changed = false;
  for (const auto& [name, text] : {std::pair<std::string, std::string>{"pg_hba.conf", hba_text()},
                                   std::pair<std::string, std::string>{"pg_ident.conf", ident_text(policy)}}) {
    const std::string path = layout.pgdata + "/" + name;
    if (read_all(path) == text) continue;
    if (Status s = write_owned(user, path, text); !s.ok()) return s;
    changed = true;
  }
  return changed;
}

Status set_up_roles(const OsUser& user, const std::string& bin_dir, const std::string& socket_dir, int port,
                    const std::string& database, int log_fd, const std::string& log_path) {
  const std::string script = roles_script(database != "postgres");
  // The script reaches psql as its standard input, from memory.
  UniqueFd in(memfd_create("xinhui-hub-roles", MFD_CLOEXEC));
  if (in.get() < 0 || write(in.get(), script.data(), script.size()) != static_cast<ssize_t>(script.size()) ||
      lseek(in.get(), 0, SEEK_SET) != 0)
    return Status::Internal(std::string("cannot prepare the roles script for psql: ") + std::strerror(errno));
  const std::vector<std::string> argv = {bin_dir + "/psql", "--no-psqlrc", "--quiet", "--no-password",
                                         "-v", "ON_ERROR_STOP=1", "-v", "db=" + database,
                                         "-h", socket_dir, "-p", std::to_string(port),
                                         "-U", user.name, "-d", "postgres"};
  const std::string marker = "---- xinhui-hub: roles ----\n";
  ssize_t ignored = write(log_fd, marker.data(), marker.size());
  (void)ignored;
  auto rc = run_as(user, argv, child_env(user, bin_dir), log_fd, in.get());
  if (!rc.ok()) return rc.status();
  if (*rc != 0)
    return Status::Internal("cannot set up the roles " + std::string(EmbeddedPostgres::kOwnerRole) + " and " +
                            EmbeddedPostgres::kRuntimeRole + " in the embedded PostgreSQL (psql exit status " +
                            std::to_string(*rc) + "), see " + log_path + "; fix the cause and start again. Last "
                            "lines:\n" + log_tail(log_path));
  return {};
}

}  // namespace hub::store::detail
