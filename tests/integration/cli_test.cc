// hubd and hubctl as a user runs them: exit codes, messages, and the Python
// client example against a real hubd.
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <fstream>

#include "test_hub.h"

using hub::Json;
using namespace hub::testing;

namespace {

const std::string kBin = std::string(HUB_BINARY_DIR) + "/bin/";
const std::string kExamples = std::string(HUB_SOURCE_DIR) + "/adapters/zmq/examples/";

int run(const std::string& command, std::string& out) { return run_command(command, out); }

void write_file(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

}  // namespace

TEST_CASE("hubd --check-config accepts the Xinhui config and reports every error of a broken one", "[cli]") {
  std::string out;
  CHECK(run(kBin + "hubd --check-config " + HUB_SOURCE_DIR + "/config/hub.yaml", out) == 0);
  CHECK_THAT(out, Catch::Contains("valid"));

  TestDeployment d;
  write_file(d.dir() + "/broken.yaml", "hub:\n  id: x\nunits:\n  - id: a\n    nmae: 甲\n    adapter: zmq\nroutes: [\n");
  CHECK(run(kBin + "hubd --check-config " + d.dir() + "/broken.yaml", out) == 1);
  CHECK_THAT(out, Catch::Contains("broken.yaml:8:"));
  write_file(d.dir() + "/wrong.yaml", "hub:\n  id: x\nunits:\n  - id: a\n    nmae: 甲\n    adapter: zmq\n");
  CHECK(run(kBin + "hubd --check-config " + d.dir() + "/wrong.yaml", out) == 1);
  CHECK_THAT(out, Catch::Contains("wrong.yaml:5:5") && Catch::Contains("nmae"));
  CHECK(run(kBin + "hubd --no-such-option", out) == 2);
  CHECK(run(kBin + "hubd --help", out) == 0);
  CHECK_THAT(out, Catch::Contains("--check-config"));
}

TEST_CASE("hubd --check-config reads the credentials' master key file when there is one", "[cli]") {
  TestDeployment d;
  std::string out;
  const std::string key_file = d.dir() + "/keys/credentials.key";
  std::filesystem::remove(key_file);
  REQUIRE(run(kBin + "hubd --check-config " + d.config_path() + " 2>&1", out) == 0);
  CHECK_THAT(out, Catch::Contains("does not exist yet") && Catch::Contains("credentials.key"));
  write_file(key_file, "not a key\n");
  ::chmod(key_file.c_str(), 0600);
  REQUIRE(run(kBin + "hubd --check-config " + d.config_path() + " 2>&1", out) == 1);
  CHECK_THAT(out, Catch::Contains("hub.credentials.key_file") && Catch::Contains("credentials.key"));
}

TEST_CASE("hubctl types shows each case type from the config and its plugin, without a running hub", "[cli]") {
  std::string out;
  const std::string types = kBin + "hubctl types --config " + HUB_SOURCE_DIR + "/config/hub.yaml --module-dir " +
                            HUB_BINARY_DIR + "/modules ";
  REQUIRE(run(types + "court.arrears_referral --format json 2>&1", out) == 0);
  const Json document = Json::parse(out);
  REQUIRE(document.size() == 1);
  const Json& referral = document[0];
  CHECK(referral["name"] == "物业费欠费诉讼绿色通道移送");
  CHECK(referral["sign_limit"] == "2wd");
  CHECK(referral["routes"][0]["to"] == Json::array({"court"}));
  CHECK(referral["attachments"]["max_files"] == 30);
  CHECK(std::find(referral["senders"].begin(), referral["senders"].end(), "pm.jinxiu") != referral["senders"].end());
  CHECK(std::any_of(referral["fields"].begin(), referral["fields"].end(),
                    [](const Json& f) { return f["pointer"] == "/evidence" && f["required"] == true; }));
  CHECK(std::any_of(referral["outcomes"].begin(), referral["outcomes"].end(),
                    [](const Json& o) { return o["id"] == "judged"; }));

  REQUIRE(run(types + "registry.fee_check 2>&1", out) == 0);
  CHECK_THAT(out, Catch::StartsWith("registry.fee_check 物业费结清查询") && Catch::Contains("sent by: registry") &&
                      Catch::Contains("/dwelling") && Catch::Contains("files: up to 10 per message"));
  CHECK(run(types + "no.such.type 2>&1", out) == 1);
  CHECK_THAT(out, Catch::Contains("no case type 'no.such.type'"));
  CHECK(run(types + "--format yaml 2>&1", out) == 2);
}

TEST_CASE("hubd refuses to start with a clear message when the database or a plugin is missing", "[cli]") {
  std::string out;
  TestDeployment d;
  std::string yaml;
  {
    std::ifstream in(d.config_path());
    yaml.assign(std::istreambuf_iterator<char>(in), {});
  }
  const auto db_at = yaml.find("database: \"");
  const auto db_end = yaml.find('\n', db_at);
  write_file(d.dir() + "/nodb.yaml",
             yaml.substr(0, db_at) + "database: \"host=" + d.dir() + "/nowhere dbname=none connect_timeout=2\"" + yaml.substr(db_end));
  CHECK(run(kBin + "hubd --config " + d.dir() + "/nodb.yaml", out) == 1);
  CHECK_THAT(out, Catch::Contains("cannot reach the database") && Catch::Contains("hub.database"));

  write_file(d.dir() + "/test_extra.yaml", "plugins:\n  - {name: test_faulty, file: no_such_plugin}\n");
  CHECK(run(kBin + "hubd --config " + d.config_path(), out) == 1);
  CHECK_THAT(out, Catch::Contains("no_such_plugin.so") && Catch::Contains("does not exist"));
}

TEST_CASE("hubctl keygen writes a key pair a unit can use, with the secret kept private", "[cli]") {
  TestDeployment d;
  std::string out;
  REQUIRE(run(kBin + "hubctl keygen --unit pm.new --out " + d.dir() + "/newkeys", out) == 0);
  struct stat st {};
  REQUIRE(::stat((d.dir() + "/newkeys/pm.new.key").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  auto pair = hub::keys::read(d.dir() + "/newkeys/pm.new.key");
  REQUIRE(pair.ok());
  CHECK(hub::keys::is_z85_key(pair->secret_key));
  CHECK(hub::keys::read(d.dir() + "/newkeys/pm.new.pub")->public_key == pair->public_key);
  CHECK(run(kBin + "hubctl keygen --unit x", out) == 2);
  CHECK(run(kBin + "hubctl frobnicate", out) == 2);
}

TEST_CASE("hubctl keygen replaces a pair only with --force, never writes through a link, and takes only unit ids",
          "[cli]") {
  TestDeployment d;
  const std::string keys = d.dir() + "/newkeys";
  std::string out;
  REQUIRE(run(kBin + "hubctl keygen --unit pm.new --out " + keys, out) == 0);
  const auto first = hub::keys::read(keys + "/pm.new.key").value();

  CHECK(run(kBin + "hubctl keygen --unit pm.new --out " + keys, out) == 1);
  CHECK_THAT(out, Catch::Contains(keys + "/pm.new.key exists already") && Catch::Contains("--force"));
  CHECK(hub::keys::read(keys + "/pm.new.key")->secret_key == first.secret_key);
  REQUIRE(run(kBin + "hubctl keygen --unit pm.new --force --out " + keys, out) == 0);
  CHECK(hub::keys::read(keys + "/pm.new.key")->secret_key != first.secret_key);

  write_file(d.dir() + "/precious", "not a key\n");
  std::filesystem::create_symlink(d.dir() + "/precious", keys + "/pm.linked.key");
  CHECK(run(kBin + "hubctl keygen --unit pm.linked --out " + keys, out) == 1);
  CHECK_THAT(out, Catch::Contains("a symbolic link"));
  std::ifstream precious(d.dir() + "/precious");
  std::string line;
  std::getline(precious, line);
  CHECK(line == "not a key");

  for (const char* bad : {"../pm.x", "PM.X", "'pm x'"}) {
    CHECK(run(kBin + "hubctl keygen --unit " + bad + " --out " + keys, out) == 2);
    CHECK_THAT(out, Catch::Contains("is not a unit id"));
  }
  CHECK_FALSE(std::filesystem::exists(d.dir() + "/pm.x.key"));
}

TEST_CASE("hubd refuses a secret key file others may read, saying what to do", "[cli]") {
  TestDeployment d;
  std::string out;
  const std::string key = d.dir() + "/keys/hub.key";
  REQUIRE(::chmod(key.c_str(), 0644) == 0);
  CHECK(run(kBin + "hubd --config " + d.config_path(), out) == 1);
  CHECK_THAT(out, Catch::Contains("chmod 600 " + key));
}

TEST_CASE("hubd refuses modules in a folder others may write, saying what to do", "[cli]") {
  TestDeployment d;
  std::string out;
  // The same modules, in a folder its group may write.
  const std::string modules = d.dir() + "/modules";
  std::filesystem::copy(HUB_MODULE_DIR, modules);
  REQUIRE(::chmod(modules.c_str(), 0775) == 0);
  CHECK(run(kBin + "hubd --check-config " + d.config_path() + " --module-dir " + modules, out) == 1);
  CHECK_THAT(out, Catch::Contains("chmod go-w " + modules));
  REQUIRE(::chmod(modules.c_str(), 0755) == 0);
  CHECK(run(kBin + "hubd --check-config " + d.config_path() + " --module-dir " + modules, out) == 0);
}

TEST_CASE("hubctl sends as a unit and reads the routing log as an operator", "[cli]") {
  TestDeployment d;
  HubProcess hubd(d);
  std::string out;
  const std::string as_registry = kBin + "hubctl send --key " + d.dir() + "/keys/registry.key --hub-key " + d.dir() +
                                  "/keys/hub.pub --endpoint " + d.endpoint() + " --timeout 5 ";
  write_file(d.dir() + "/case.json", R"({"reference": "CLI-1", "type": "registry.fee_check", "compound": "hexie",
      "payload": {"dwelling": "2-1-302", "seller": "王五", "buyer": "赵六", "application_id": "BDC-9"}})");
  CHECK(run(as_registry + d.dir() + "/case.json", out) == 3);  // no hub yet
  hubd.start();
  REQUIRE(run(as_registry + d.dir() + "/case.json", out) == 0);
  const auto case_id = Json::parse(out)["case"].get<std::int64_t>();
  write_file(d.dir() + "/bad.json", R"({"reference": "CLI-2", "type": "registry.fee_check", "compound": "hexie", "payload": {}})");
  CHECK(run(as_registry + d.dir() + "/bad.json", out) == 1);
  CHECK_THAT(out, Catch::Contains("invalid_payload"));

  const std::string ctl = kBin + "hubctl --socket " + d.operator_socket() + " ";
  REQUIRE(run(kBin + "hubctl log --socket " + d.operator_socket() + " --case " + std::to_string(case_id), out) == 0);
  CHECK_THAT(out, Catch::Contains("registry → pm.hengan") && Catch::Contains("routed by rule fee_check") &&
                      Catch::Contains("物业费结清查询"));
  CHECK_THAT(out, !Catch::Contains("CLI-2"));
  // The rejection is recorded after it is answered: wait for its row before reading the log.
  REQUIRE(wait_until(d, "SELECT count(*) FROM events WHERE kind = 'rejected' AND from_unit = 'registry'", "1"));
  REQUIRE(run(kBin + "hubctl log --socket " + d.operator_socket() + " --unit registry --json", out) == 0);
  CHECK_THAT(out, Catch::Contains("\"rejected\""));
  CHECK(run(kBin + "hubctl case 424242 --socket " + d.operator_socket(), out) == 1);
  CHECK_THAT(out, Catch::Contains("does not exist"));
  CHECK(run(kBin + "hubctl status --socket " + d.dir() + "/no.sock", out) == 3);
}

TEST_CASE("the Python client example sends a case and answers a delivery through hubd", "[cli][python]") {
  TestDeployment d;
  HubProcess hubd(d);
  hubd.start();
  const std::string keys = d.dir() + "/keys/";
  // The company runs the example receiver, which answers every delivery.
  const pid_t receiver = ::fork();
  REQUIRE(receiver >= 0);
  if (receiver == 0) {
    FILE* log = std::fopen((d.dir() + "/receive.log").c_str(), "w");
    ::dup2(fileno(log), 1);
    ::dup2(fileno(log), 2);
    const std::string script = kExamples + "receive.py", key = keys + "pm.hengan.key", hub_key = keys + "hub.pub";
    ::execl("/usr/bin/python3", "python3", script.c_str(), "--hub", d.endpoint().c_str(), "--key", key.c_str(),
            "--hub-key", hub_key.c_str(), "--reply-final", "settled", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  auto registry = d.client("registry");  // the registry's own receiving system
  registry->hello();
  REQUIRE(registry->wait_kind("welcome"));
  std::string out;
  write_file(d.dir() + "/case.json", R"({"reference": "PY-1", "type": "registry.fee_check", "compound": "hexie",
      "payload": {"dwelling": "5-3-101", "seller": "钱七", "buyer": "孙八", "application_id": "BDC-10"}})");
  const int sent = run("/usr/bin/python3 " + kExamples + "send_case.py --hub " + d.endpoint() + " --key " + keys +
                           "sd.xinzhou.key --hub-key " + keys + "hub.pub " + d.dir() + "/case.json", out);
  CHECK(sent == 1);  // sd.xinzhou may not send fee checks: rejected
  CHECK_THAT(out, Catch::Contains("not_allowed"));
  REQUIRE(run("/usr/bin/python3 " + kExamples + "send_case.py --hub " + d.endpoint() + " --key " + keys +
                  "registry.key --hub-key " + keys + "hub.pub " + d.dir() + "/case.json", out) == 0);
  // send_case.py used the registry's key on a connection of its own, which
  // is gone now; the registry's system is heard again at its next heartbeat.
  std::optional<Json> reply;
  for (int beat = 0; beat < 40 && !reply; ++beat) {
    registry->send({{"kind", "heartbeat"}});
    reply = registry->wait_kind("reply", std::chrono::milliseconds(500));
  }
  ::kill(receiver, SIGTERM);
  ::waitpid(receiver, nullptr, 0);
  INFO(hubd.log());
  REQUIRE(reply);
  CHECK((*reply)["from"] == "pm.hengan");
  CHECK((*reply)["final"] == true);
  CHECK((*reply)["outcome"] == "settled");
}
