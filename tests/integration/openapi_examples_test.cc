// The examples of docs/openapi.yaml, run against the real hubd: tools/run_openapi_examples.py
// plays the fee checks the document describes (registry.fee_check from the registry to
// 锦绣花园's company, extensions decided and a returned case assigned by 新州街道) over real TLS,
// on a fresh PostgreSQL, with credentials issued on the operator socket, and checks every
// answer's status and body by the document.
#include <catch2/catch.hpp>

#include <fstream>
#include <string>
#include <vector>

#include "http_hub.h"

using namespace hub::testing;
using namespace hub::testing::http_e2e;

TEST_CASE("every operation of docs/openapi.yaml answers its examples as documented on the real hubd", "[http][openapi]") {
  HttpHub h;
  // The sender, the compound's servicer, the 镇街 that grants its extensions and decides
  // returned cases, and a unit party to none of the cases.
  std::string credentials;
  for (const std::string& unit : std::vector<std::string>{"registry", "pm.jinxiu", "sd.xinzhou", "court"}) {
    const Credential c = h.issue(unit);
    const std::string secret_file = h.deployment->dir() + "/" + unit + ".secret";
    std::ofstream(secret_file) << c.secret << "\n";
    credentials += " --credential " + unit + "=" + c.key_id + ":" + secret_file;
  }
  const std::string command = "/usr/bin/python3 -B " + std::string(HUB_SOURCE_DIR) +
                              "/tools/run_openapi_examples.py --url https://127.0.0.1:" + std::to_string(h.port()) +
                              " --ca-file " + h.pki.ca_file + " --show-answers" + credentials;
  // A fresh hub: the references exactly as the document writes them (--tag ''); then again, as
  // on a hub that has seen them, with a tag appended to each.
  for (const std::string& tag : std::vector<std::string>{"''", "again"}) {
    std::string out;
    const int status = run_command(command + " --tag " + tag, out);
    INFO("with --tag " << tag << ":\n" << out);
    INFO((status == 0 ? std::string() : "hubd's log:\n" + h.hubd->log()));
    CHECK(status == 0);
    CHECK_THAT(out, Catch::Contains("operations of") && Catch::Contains("answered as documented"));
  }
}
