// hubctl credential as an operator runs it against a real hubd: the secret
// shown once with its warning, never listed, a revocation, a certificate read
// from its PEM file, unknown units and bad arguments refused.
#include <catch2/catch.hpp>

#include <regex>

#include "test_hub.h"
#include "test_pki.h"

using namespace hub::testing;

namespace {

const std::string kBin = std::string(HUB_BINARY_DIR) + "/bin/";

}  // namespace

TEST_CASE("hubctl credential issues a secret once, lists without it, revokes, and registers a certificate",
          "[credentials][cli]") {
  TestDeployment d;
  HubProcess hubd(d);
  hubd.start();
  const std::string ctl = kBin + "hubctl credential --socket " + d.operator_socket() + " ";
  std::string out;

  REQUIRE(run_command(ctl + "issue registry", out) == 0);
  CHECK_THAT(out, Catch::Contains("SHOWN ONLY NOW") && Catch::Contains("HMAC-SHA256"));
  std::smatch found;
  REQUIRE(std::regex_search(out, found, std::regex("key id: (xk_[0-9a-f]{16})\\n  secret: ([0-9a-f]{64})")));
  const std::string key_id = found[1], secret = found[2];

  REQUIRE(run_command(ctl + "list registry", out) == 0);
  CHECK_THAT(out, Catch::Contains(key_id) && Catch::Contains("active") && !Catch::Contains(secret));
  REQUIRE(run_command(ctl + "list --json", out) == 0);
  CHECK_THAT(out, Catch::Contains(key_id) && !Catch::Contains(secret));

  REQUIRE(run_command(ctl + "rotate registry --grace 12h", out) == 0);
  CHECK_THAT(out, Catch::Contains("rotated credential") && Catch::Contains("1 older key(s) stay valid until"));
  REQUIRE(run_command(ctl + "list", out) == 0);
  CHECK_THAT(out, Catch::Contains("ending"));

  REQUIRE(run_command(ctl + "revoke " + key_id, out) == 0);
  CHECK_THAT(out, Catch::Contains("revoked credential " + key_id + " of unit registry"));
  REQUIRE(run_command(ctl + "list registry", out) == 0);
  CHECK_THAT(out, Catch::Contains("revoked"));

  hub::http::testing::TestPki pki;
  REQUIRE(run_command(ctl + "add-certificate court " + pki.client_cert_file, out) == 0);
  CHECK_THAT(out, Catch::Contains(pki.client_sha256) && Catch::Contains("registered certificate xc_"));
  CHECK(run_command(ctl + "add-certificate court " + pki.client_key_file, out) == 2);
  CHECK_THAT(out, Catch::Contains("BEGIN CERTIFICATE"));

  CHECK(run_command(ctl + "issue no.such.unit", out) == 1);
  CHECK_THAT(out, Catch::Contains("no unit 'no.such.unit'") && Catch::Contains("units.yaml"));
  CHECK(run_command(ctl + "rotate registry --grace soon", out) == 2);
  CHECK(run_command(ctl + "revoke", out) == 2);

  // Every change is in the routing log, with the operator.
  REQUIRE(run_command(kBin + "hubctl log --socket " + d.operator_socket() + " --unit registry", out) == 0);
  CHECK_THAT(out, Catch::Contains("issue credential " + key_id) && Catch::Contains("revoke credential " + key_id));
  CHECK_THAT(hubd.log(), Catch::Contains("issue credential " + key_id) && !Catch::Contains(secret));
}
