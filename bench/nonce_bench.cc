// nonce_bench: how fast the hub can record request nonces (store/request_nonces.h)
// with the table logged and each commit waiting for the WAL flush, logged with
// synchronous_commit off (what the hub does), and unlogged. Prints inserts per
// second for 1 and 4 threads, each with its own connection, as the adapter
// threads' credential checks do.
//
//   build/bin/nonce_bench [--inserts N (per thread, default 5000)] [--database CONNINFO]
#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "bench_deployment.h"
#include "store/migrations.h"
#include "store/request_nonces.h"

namespace {

using namespace hub;

struct Variant {
  const char* name;
  const char* table_sql;    // run once before the variant
  const char* session_sql;  // run on every connection
};

// Inserts per second of `threads` threads inserting `per_thread` nonces each.
Result<double> measure(const std::string& conninfo, const Variant& v, int threads, int per_thread) {
  std::atomic<int> failures{0};
  std::vector<std::thread> workers;
  std::vector<store::PgConnection> connections;
  for (int t = 0; t < threads; ++t) {
    auto db = store::PgConnection::connect(conninfo);
    if (!db.ok()) return db.status();
    if (auto s = db->exec(v.session_sql); !s.ok()) return s.status();
    connections.push_back(std::move(db.value()));
  }
  const auto started = std::chrono::steady_clock::now();
  for (int t = 0; t < threads; ++t)
    workers.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i) {
        const std::string nonce = std::string(v.name) + "-" + std::to_string(threads) + "-" + std::to_string(t) + "-" +
                                  std::to_string(i) + "-0123456789";
        auto fresh = store::record_nonce(connections[static_cast<std::size_t>(t)], "xk_0123456789abcdef", nonce,
                                         std::chrono::system_clock::now());
        if (!fresh.ok() || !*fresh) ++failures;
      }
    });
  for (auto& w : workers) w.join();
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (failures > 0) return Status::Internal(std::to_string(failures.load()) + " inserts failed");
  return threads * per_thread / elapsed;
}

}  // namespace

int main(int argc, char** argv) {
  int per_thread = 5000;
  std::string external;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string option = argv[i];
    if (option == "--inserts") per_thread = std::stoi(argv[i + 1]);
    else if (option == "--database") external = argv[i + 1];
  }
  auto folder = bench::BenchFolder::create(false);
  if (!folder.ok()) return std::fprintf(stderr, "nonce_bench: %s\n", folder.status().message().c_str()), 1;
  auto server = bench::BenchDatabase::start((*folder)->path(), external);
  if (!server.ok()) return std::fprintf(stderr, "nonce_bench: %s\n", server.status().message().c_str()), 1;
  auto conninfo = (*server)->database_for("nonces");
  auto db = conninfo.ok() ? store::PgConnection::connect(*conninfo) : Result<store::PgConnection>(conninfo.status());
  if (!db.ok() || !store::migrate(*db).ok()) return std::fprintf(stderr, "nonce_bench: no database\n"), 1;
  const Variant variants[] = {
      {"logged, synchronous_commit on", "ALTER TABLE credential_nonces SET LOGGED", "SET synchronous_commit = on"},
      {"logged, synchronous_commit off", "ALTER TABLE credential_nonces SET LOGGED", "SET synchronous_commit = off"},
      {"unlogged", "ALTER TABLE credential_nonces SET UNLOGGED", "SET synchronous_commit = on"},
  };
  std::printf("%-34s %14s %14s\n", "credential_nonces", "1 thread /s", "4 threads /s");
  for (const Variant& v : variants) {
    if (!db->exec(v.table_sql).ok()) return std::fprintf(stderr, "nonce_bench: %s failed\n", v.table_sql), 1;
    auto one = measure(*conninfo, v, 1, per_thread);
    auto four = measure(*conninfo, v, 4, per_thread);
    if (!one.ok() || !four.ok()) return std::fprintf(stderr, "nonce_bench: %s\n", one.status().message().c_str()), 1;
    std::printf("%-34s %14.0f %14.0f\n", v.name, *one, *four);
  }
  (*server)->release("nonces");
  return 0;
}
