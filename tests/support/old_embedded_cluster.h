// tests/support/old_embedded_cluster.h: an embedded cluster as hubd made it
// before least privilege (initdb with trust authentication on the socket,
// one superuser owning the database and the tables it migrated), to test
// that the current hubd converts it.
//
// Thread-safety: one call per folder at a time. Failures FAIL() the current
// Catch2 test with the reason.
#pragma once

#include <string>

namespace hub::test {

struct OldClusterOptions {
  bool leave_running = false;  // as if the old hubd had crashed
  std::string database = "hub";
};

// Creates the cluster in <data_dir>/pgdata (socket in <data_dir>/pgrun, as
// EmbeddedPostgres lays it out), creates the database, applies the schema
// as the superuser and stores one case with reference "old-1". Stops the
// server unless options.leave_running. Returns the folder used.
std::string make_old_embedded_cluster(const std::string& data_dir, const OldClusterOptions& options = {});

}  // namespace hub::test
