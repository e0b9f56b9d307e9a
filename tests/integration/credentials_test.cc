// Credentials of units that connect over HTTP (issue 15, item 4): secrets the
// hub issues and checks (HMAC-SHA256 over the adapter's canonical text, within
// the clock-skew window, each nonce once), rotation with a grace period,
// revocation at the next request, client certificates by fingerprint, the
// master key file, and the database unreachable. The hub in-process on a
// ManualClock, real PostgreSQL, operator actions over the operator socket.
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <limits>
#include <thread>
#include <vector>

#include "config/loader.h"
#include "keys/request_signature.h"
#include "ops/operator_client.h"
#include "store/pg.h"
#include "test_database.h"
#include "test_hub.h"
#include "util/time_format.h"

using hub::Credential;
using hub::Identity;
using hub::Json;
using namespace hub::testing;
using namespace std::chrono_literals;

namespace {

constexpr const char* kText = "POST\n/v1/messages\nsha256-of-the-body\n";

Json operate(const TestDeployment& d, Json request) {
  auto answer = hub::ops::ask_operator({d.operator_socket(), ""}, request);
  INFO(answer.status().message());
  REQUIRE(answer.ok());
  return *answer;
}

struct Issued {
  std::string key_id;
  std::string secret;  // its text, as the unit is given it: the HMAC's key
};

Issued issued(const Json& answer) {
  INFO(answer.dump());
  REQUIRE(answer["ok"] == true);
  REQUIRE_THAT(answer["secret"].get<std::string>(), Catch::Matches("[0-9a-f]{64}"));
  return {answer["key_id"], answer["secret"]};
}

Issued issue(const TestDeployment& d, const std::string& unit) {
  return issued(operate(d, {{"op", "credential"}, {"action", "issue"}, {"unit", unit}}));
}

std::int64_t seconds(hub::TimePoint t) { return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count(); }

// A request as the HTTP adapter presents it, signed by `secret` at `at`.
Credential signed_request(const Issued& key, hub::TimePoint at, const std::string& nonce, const std::string& text = kText) {
  Credential c;
  c.kind = Credential::Kind::kSignedRequest;
  c.id = key.key_id;
  c.signed_text = text;
  c.signature = hub::keys::sign_text(key.secret, text);
  c.timestamp = seconds(at);
  c.nonce = nonce;
  return c;
}

Credential certificate(const std::string& fingerprint) {
  Credential c;
  c.kind = Credential::Kind::kClientCertificate;
  c.id = fingerprint;
  return c;
}

}  // namespace

TEST_CASE("an issued secret signs requests: wrong signature, stale time and replayed nonce are refused",
          "[credentials]") {
  TestDeployment d;
  InProcessHub h(d);
  const Issued key = issue(d, "test.sender");
  CHECK_THAT(key.key_id, Catch::Matches("xk_[0-9a-f]{16}"));

  auto ok = h.hub().authenticate(signed_request(key, h.clock().now(), "nonce-0000000001"));
  CHECK(ok.unit == "test.sender");

  // Another text, or another secret: bad_signature, and its nonce is not burnt.
  Credential forged = signed_request(key, h.clock().now(), "nonce-0000000002");
  forged.signed_text = "POST\n/v1/messages\nsomething-else\n";
  auto refused = h.hub().authenticate(forged);
  CHECK(refused.code == "bad_signature");
  CHECK_THAT(refused.message, Catch::Contains("docs/ADAPTERS.md") && Catch::Contains("Signing requests"));
  const Issued wrong{key.key_id, hub::keys::to_hex(hub::keys::random_bytes(hub::keys::kSecretBytes))};
  CHECK(h.hub().authenticate(signed_request(wrong, h.clock().now(), "nonce-0000000002")).code == "bad_signature");
  Credential upper = signed_request(key, h.clock().now(), "nonce-0000000002");
  for (auto& ch : upper.signature) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  CHECK(h.hub().authenticate(upper).code == "bad_signature");
  CHECK(h.hub().authenticate(signed_request(key, h.clock().now(), "nonce-0000000002")).unit == "test.sender");

  // The same nonce again (a captured request played back): refused.
  refused = h.hub().authenticate(signed_request(key, h.clock().now(), "nonce-0000000001"));
  CHECK(refused.code == "replayed_nonce");

  // Timestamps beyond the window of 300 s, either way.
  const auto signed_at = h.clock().now();
  h.clock().advance(301s);
  refused = h.hub().authenticate(signed_request(key, signed_at, "nonce-0000000003"));
  CHECK(refused.code == "stale_request");
  CHECK_THAT(refused.message, Catch::Contains("301 s behind") && Catch::Contains("NTP") &&
                                  Catch::Contains(std::to_string(seconds(h.clock().now()))));
  CHECK(h.hub().authenticate(signed_request(key, h.clock().now() + 301s, "nonce-0000000003")).code == "stale_request");
  CHECK(h.hub().authenticate(signed_request(key, h.clock().now() - 300s, "nonce-0000000003")).unit == "test.sender");

  // Nonsense the adapter should never pass on is still refused.
  CHECK(h.hub().authenticate(signed_request(key, h.clock().now(), "short")).code == "bad_signature");
  CHECK(h.hub().authenticate(signed_request(key, h.clock().now(), "nonce with spaces 0001")).code == "bad_signature");
  Credential far = signed_request(key, h.clock().now(), "nonce-0000000005");
  far.timestamp = std::numeric_limits<std::int64_t>::min();
  CHECK(h.hub().authenticate(far).code == "stale_request");
  far.timestamp = std::numeric_limits<std::int64_t>::max();
  CHECK(h.hub().authenticate(far).code == "stale_request");

  // Unknown key ids.
  Issued unknown{"xk_0000000000000000", key.secret};
  CHECK(h.hub().authenticate(signed_request(unknown, h.clock().now(), "nonce-0000000004")).code == "key_revoked");
  unknown.key_id = "not a key id";
  CHECK(h.hub().authenticate(signed_request(unknown, h.clock().now(), "nonce-0000000004")).code == "key_revoked");
}

TEST_CASE("requests checked at once, as a batch, each get their own answer; a nonce repeated among them passes once",
          "[credentials]") {
  TestDeployment d;
  InProcessHub h(d);
  const Issued sender = issue(d, "test.sender");
  const Issued receiver = issue(d, "test.receiver");
  const auto now = h.clock().now();
  // 16 good requests of two units, 6 copies of one request, 2 forged, 2 of an unknown key.
  std::vector<Credential> requests;
  for (int i = 0; i < 16; ++i)
    requests.push_back(signed_request(i % 2 ? receiver : sender, now, "batch-nonce-" + std::to_string(1000 + i)));
  for (int i = 0; i < 6; ++i) requests.push_back(signed_request(sender, now, "batch-nonce-repeated"));
  for (int i = 0; i < 2; ++i) {
    Credential forged = signed_request(receiver, now, "batch-nonce-forged-" + std::to_string(i));
    forged.signed_text += "x";
    requests.push_back(forged);
  }
  for (int i = 0; i < 2; ++i)
    requests.push_back(signed_request(Issued{"xk_00000000000000a" + std::to_string(i), sender.secret}, now,
                                      "batch-nonce-unknown-" + std::to_string(i)));
  std::vector<Identity> answers(requests.size());
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < requests.size(); ++i)
    threads.emplace_back([&, i] {
      ready.fetch_add(1);
      while (ready.load() < static_cast<int>(requests.size())) std::this_thread::yield();
      answers[i] = h.hub().authenticate(requests[i]);
    });
  for (auto& t : threads) t.join();

  for (int i = 0; i < 16; ++i) CHECK(answers[static_cast<std::size_t>(i)].unit == (i % 2 ? "test.receiver" : "test.sender"));
  int passed = 0, replayed = 0;
  for (int i = 16; i < 22; ++i) {
    const Identity& a = answers[static_cast<std::size_t>(i)];
    passed += a.unit == "test.sender";
    replayed += a.code == "replayed_nonce";
  }
  CHECK(passed == 1);
  CHECK(replayed == 5);
  CHECK(answers[22].code == "bad_signature");
  CHECK(answers[23].code == "bad_signature");
  CHECK(answers[24].code == "key_revoked");
  CHECK(answers[25].code == "key_revoked");
  // Exactly the nonces of the requests that passed were recorded.
  CHECK(query_one(d, "SELECT count(*) FROM credential_nonces WHERE nonce LIKE 'batch-nonce-%'") == "17");
}

TEST_CASE("the secret is stored sealed, never in the clear, and the operator's actions are events", "[credentials]") {
  TestDeployment d;
  InProcessHub h(d);
  const Issued key = issue(d, "test.receiver");
  const std::string hex = key.secret;
  const std::string where = " FROM unit_credentials WHERE key_id = '" + key.key_id + "'";
  CHECK(query_one(d, "SELECT unit || ' ' || kind || ' ' || octet_length(secret)" + where) == "test.receiver hmac 72");
  CHECK(query_one(d, "SELECT position(decode('" + hex + "', 'hex') IN secret)" + where) == "0");
  CHECK(query_one(d, "SELECT position(convert_to('" + hex + "', 'UTF8') IN secret)" + where) == "0");
  CHECK(query_one(d, "SELECT position('" + hex + "' IN encode(secret, 'hex'))" + where) == "0");
  CHECK(query_one(d, "SELECT count(*) FROM events WHERE kind = 'operator' AND detail->>'key_id' = '" + key.key_id +
                         "' AND detail::text NOT LIKE '%" + hex + "%'") == "1");

  const Json listed = operate(d, {{"op", "credential"}, {"action", "list"}, {"unit", "test.receiver"}});
  REQUIRE(listed["credentials"].size() == 1);
  CHECK(listed["credentials"][0]["state"] == "active");
  CHECK_THAT(listed.dump(), !Catch::Contains(hex) && !Catch::Contains("secret\""));

  const Json unknown = operate(d, {{"op", "credential"}, {"action", "issue"}, {"unit", "test.nobody"}});
  CHECK(unknown["ok"] == false);
  CHECK_THAT(unknown["error"].get<std::string>(), Catch::Contains("units.yaml"));
}

TEST_CASE("a revoked key is refused from the next request on, a rotated one at the end of its grace period",
          "[credentials]") {
  TestDeployment d;
  InProcessHub h(d);
  const Issued first = issue(d, "test.sender");
  CHECK(h.hub().authenticate(signed_request(first, h.clock().now(), "rotation-0000001")).ok());

  const Json rotated = operate(d, {{"op", "credential"}, {"action", "rotate"}, {"unit", "test.sender"},
                                   {"grace_seconds", 3600}});
  REQUIRE(rotated["ok"] == true);
  CHECK(rotated["ended"] == 1);
  const Issued second = issued(rotated);
  CHECK(h.hub().authenticate(signed_request(first, h.clock().now(), "rotation-0000002")).ok());
  CHECK(h.hub().authenticate(signed_request(second, h.clock().now(), "rotation-0000003")).ok());
  h.clock().advance(3599s);
  CHECK(h.hub().authenticate(signed_request(first, h.clock().now(), "rotation-0000004")).ok());
  h.clock().advance(2s);
  auto refused = h.hub().authenticate(signed_request(first, h.clock().now(), "rotation-0000005"));
  CHECK(refused.code == "key_revoked");
  CHECK_THAT(refused.message, Catch::Contains(first.key_id));
  CHECK(h.hub().authenticate(signed_request(second, h.clock().now(), "rotation-0000006")).ok());

  const Json revoked = operate(d, {{"op", "credential"}, {"action", "revoke"}, {"key_id", second.key_id}});
  CHECK(revoked["changed"] == true);
  CHECK(h.hub().authenticate(signed_request(second, h.clock().now(), "rotation-0000007")).code == "key_revoked");
  CHECK(operate(d, {{"op", "credential"}, {"action", "revoke"}, {"key_id", second.key_id}})["changed"] == false);
  CHECK(operate(d, {{"op", "credential"}, {"action", "revoke"}, {"key_id", "xk_0123456789abcdef"}})["ok"] == false);
}

TEST_CASE("a client certificate's fingerprint maps to its unit until revoked", "[credentials]") {
  TestDeployment d;
  InProcessHub h(d);
  const std::string fingerprint(64, 'a');
  CHECK(h.hub().authenticate(certificate(fingerprint)).code == "key_revoked");
  const Json added = operate(d, {{"op", "credential"}, {"action", "add_certificate"}, {"unit", "test.receiver"},
                                 {"fingerprint", fingerprint}, {"subject", "/CN=test.receiver"}});
  REQUIRE(added["ok"] == true);
  CHECK(h.hub().authenticate(certificate(fingerprint)).unit == "test.receiver");
  const Json again = operate(d, {{"op", "credential"}, {"action", "add_certificate"}, {"unit", "test.sender"},
                                 {"fingerprint", fingerprint}});
  CHECK(again["ok"] == false);
  CHECK_THAT(again["error"].get<std::string>(), Catch::Contains("registered already"));
  operate(d, {{"op", "credential"}, {"action", "revoke"}, {"key_id", added["key_id"]}});
  CHECK(h.hub().authenticate(certificate(fingerprint)).code == "key_revoked");
  // Revoked, it may be given to another unit.
  CHECK(operate(d, {{"op", "credential"}, {"action", "add_certificate"}, {"unit", "test.sender"},
                    {"fingerprint", fingerprint}})["ok"] == true);
  CHECK(h.hub().authenticate(certificate(fingerprint)).unit == "test.sender");
}

TEST_CASE("a nonce used at one hub is refused at another on the same database", "[credentials][several_hubs]") {
  TestDeployment first;
  InProcessHub a(first);
  DeploymentOptions options;
  options.shared_database = first.conninfo();
  options.keys_from = first.dir();  // the master key file too: every hub on one database needs the same
  options.hub_id = "second";
  TestDeployment second(options);
  InProcessHub b(second);
  // A hub given a master key file of its own, started before the first secret was issued.
  DeploymentOptions own_file;
  own_file.shared_database = first.conninfo();
  own_file.hub_id = "third";
  TestDeployment third(own_file);
  auto c = std::make_unique<InProcessHub>(third);

  const Issued key = issue(first, "test.sender");
  const Credential request = signed_request(key, a.clock().now(), "shared-nonce-0001");
  CHECK(a.hub().authenticate(request).ok());
  CHECK(b.hub().authenticate(request).code == "replayed_nonce");
  CHECK(b.hub().authenticate(signed_request(key, b.clock().now(), "shared-nonce-0002")).unit == "test.sender");

  // The third hub cannot open the secret, issues nothing, and does not start again with its file.
  CHECK(c->hub().authenticate(signed_request(key, c->clock().now(), "shared-nonce-0003")).code == "internal");
  const Json refused = operate(third, {{"op", "credential"}, {"action", "issue"}, {"unit", "test.receiver"}});
  CHECK(refused["ok"] == false);
  CHECK_THAT(refused["error"].get<std::string>(), Catch::Contains("not the one the database's secrets were sealed"));
  CHECK(query_one(first, "SELECT count(*) FROM unit_credentials") == "1");
  c.reset();
  auto loaded = hub::config::load_deployment(third.config_path());
  REQUIRE(loaded.ok());
  ManualClock clock;
  auto restarted = hub::bus::Hub::start(hub::bus::HubOptions{*loaded.deployment, third.conninfo(), HUB_MODULE_DIR, &clock});
  REQUIRE(!restarted.ok());
  CHECK_THAT(restarted.status().message(), Catch::Contains("not the master key") && Catch::Contains("backup"));
}

TEST_CASE("with the database unreachable a credential is answered unavailable, and checked again once it is back",
          "[credentials]") {
  TestDeployment d;
  InProcessHub h(d);
  const Issued key = issue(d, "test.sender");
  CHECK(h.hub().authenticate(signed_request(key, h.clock().now(), "outage-000000001")).ok());
  const std::string database = query_one(d, "SELECT current_database()");
  auto admin = hub::store::PgConnection::connect(hub::test::TestPostgres::admin_conninfo());
  REQUIRE(admin.ok());
  REQUIRE(admin->exec("ALTER DATABASE \"" + database + "\" ALLOW_CONNECTIONS false").ok());
  REQUIRE(admin->exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + database + "'").ok());

  for (const char* nonce : {"outage-000000002", "outage-000000003"}) {  // a broken pooled connection, then a failed connect
    auto refused = h.hub().authenticate(signed_request(key, h.clock().now(), nonce));
    CHECK(refused.code == "unavailable");
    CHECK_THAT(refused.message, Catch::Contains("later") && Catch::Contains("nothing"));
  }
  CHECK(h.hub().authenticate(certificate(std::string(64, 'b'))).code == "unavailable");

  REQUIRE(admin->exec("ALTER DATABASE \"" + database + "\" ALLOW_CONNECTIONS true").ok());
  CHECK(h.hub().authenticate(signed_request(key, h.clock().now(), "outage-000000002")).unit == "test.sender");
}

TEST_CASE("the master key file: created private, refused when others may read it, malformed or not the database's",
          "[credentials]") {
  TestDeployment d;
  const std::string file = d.dir() + "/keys/credentials.key";
  ManualClock clock;
  auto start = [&] {
    auto loaded = hub::config::load_deployment(d.config_path());
    REQUIRE(loaded.ok());
    return hub::bus::Hub::start(hub::bus::HubOptions{*loaded.deployment, d.conninfo(), HUB_MODULE_DIR, &clock});
  };
  {
    InProcessHub h(d);
    issue(d, "test.sender");
  }
  struct stat st {};
  REQUIRE(::stat(file.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);

  REQUIRE(::chmod(file.c_str(), 0640) == 0);
  auto refused = start();
  REQUIRE(!refused.ok());
  CHECK_THAT(refused.status().message(), Catch::Contains("chmod 600 " + file) && Catch::Contains("0640"));
  REQUIRE(::chmod(file.c_str(), 0600) == 0);

  const std::string original = [&] {
    std::ifstream in(file);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }();
  std::ofstream(file) << "key = 1234\n";
  refused = start();
  REQUIRE(!refused.ok());
  CHECK_THAT(refused.status().message(), Catch::Contains(file) && Catch::Contains("64 lower-case hexadecimal"));

  // Another key (a hub given a fresh file): refused, the database's secrets would not open.
  std::ofstream(file) << "key = " << std::string(64, '7') << "\n";
  refused = start();
  REQUIRE(!refused.ok());
  CHECK_THAT(refused.status().message(), Catch::Contains("not the master key") && Catch::Contains("backup"));
  // Missing: not silently replaced by a new one.
  std::filesystem::remove(file);
  refused = start();
  REQUIRE(!refused.ok());
  CHECK_THAT(refused.status().message(), Catch::Contains("missing") && Catch::Contains("backup"));
  CHECK(!std::filesystem::exists(file));

  std::ofstream(file) << original;
  REQUIRE(::chmod(file.c_str(), 0600) == 0);
  CHECK(start().ok());
}

TEST_CASE("nonces older than twice the window are deleted in bounded passes", "[credentials]") {
  TestDeployment d;
  InProcessHub h(d);
  const Issued key = issue(d, "test.sender");
  auto at = [&](std::chrono::seconds ago) { return "'" + hub::to_iso8601(h.clock().now() - ago) + "'::timestamptz"; };
  // 2,500 nonces seen 601 s ago (past 2 × 300 s) and 10 seen 599 s ago, of another key.
  query_one(d, "INSERT INTO credential_nonces SELECT 'xk_00000000000000aa', 'old-' || i, " + at(601s) +
                   " FROM generate_series(1, 2500) i");
  query_one(d, "INSERT INTO credential_nonces SELECT 'xk_00000000000000aa', 'recent-' || i, " + at(599s) +
                   " FROM generate_series(1, 10) i");
  const std::string old_rows = "SELECT count(*) FROM credential_nonces WHERE nonce LIKE 'old-%'";
  // Each check runs at most one pass of 1,000 rows; a full pass makes the next one due at once.
  CHECK(h.hub().authenticate(signed_request(key, h.clock().now(), "purge-0000000001")).ok());
  CHECK(query_one(d, old_rows) == "1500");
  CHECK(h.hub().authenticate(signed_request(key, h.clock().now(), "purge-0000000002")).ok());
  CHECK(query_one(d, old_rows) == "500");
  CHECK(h.hub().authenticate(signed_request(key, h.clock().now(), "purge-0000000003")).ok());
  CHECK(query_one(d, old_rows) == "0");
  // A pass that found less than a full batch: the next comes a minute later.
  query_one(d, "INSERT INTO credential_nonces VALUES ('xk_00000000000000aa', 'old-again', " + at(700s) + ")");
  CHECK(h.hub().authenticate(signed_request(key, h.clock().now(), "purge-0000000004")).ok());
  CHECK(query_one(d, old_rows) == "1");
  CHECK(query_one(d, "SELECT count(*) FROM credential_nonces WHERE nonce LIKE 'recent-%' OR nonce LIKE 'purge-%'") ==
        "14");
}
