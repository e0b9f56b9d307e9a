// The http adapter's settings: defaults, webhooks and refusals that say what to write.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "http_settings.h"

using namespace hub::http_adapter;
using nlohmann::json;

namespace {

class SecretFile {
 public:
  explicit SecretFile(const std::string& content, mode_t mode = 0600) {
    std::string pattern = (std::filesystem::temp_directory_path() / "http-settings-XXXXXX").string();
    const int fd = mkstemp(pattern.data());
    REQUIRE(fd >= 0);
    ::close(fd);
    path = pattern;
    std::ofstream(path) << content << "\n";
    ::chmod(path.c_str(), mode);
  }
  ~SecretFile() { std::filesystem::remove(path); }
  std::string path;
};

}  // namespace

TEST_CASE("a listener alone takes every other default", "[settings]") {
  HttpSettings s;
  REQUIRE(parse_settings(json{{"listener", {{"bind", "127.0.0.1:0"}}}}, s).ok());
  CHECK(s.listener.bind == "127.0.0.1:0");
  CHECK(s.answer_timeout == std::chrono::seconds(30));
  CHECK(s.max_poll_wait == std::chrono::seconds(10));
  CHECK(s.webhooks.empty());
}

TEST_CASE("refusals name the setting and what to write", "[settings]") {
  HttpSettings s;
  CHECK_THAT(parse_settings(json::object(), s).message(), Catch::Contains("adapters[http].settings.listener"));
  CHECK_THAT(parse_settings(json{{"listener", {{"bind", "127.0.0.1:0"}, {"colour", 1}}}}, s).message(),
             Catch::Contains("colour"));
  CHECK_THAT(parse_settings(json{{"listener", {{"bind", "127.0.0.1:0"}}}, {"answer_timeout_seconds", 0}}, s).message(),
             Catch::Contains("answer_timeout_seconds"));
}

TEST_CASE("a webhook needs an https URL and a private secret file", "[settings]") {
  SecretFile good(std::string(64, 'f'));
  const json listener = {{"bind", "127.0.0.1:0"}};
  HttpSettings s;
  REQUIRE(parse_settings(json{{"listener", listener},
                              {"webhooks", {{"registry", {{"url", "https://10.20.1.5:8443/xh/in?x=1"},
                                                          {"secret_file", good.path}}}}}},
                         s)
              .ok());
  const auto& w = s.webhooks.at("registry");
  CHECK(w.where.host == "10.20.1.5");
  CHECK(w.where.port == 8443);
  CHECK(w.where.target == "/xh/in?x=1");
  CHECK(w.secret == std::string(64, 'f'));
  CHECK(w.batch == 1);
  CHECK(w.queue_limit == 1000);

  const auto refusal = [&](const json& hook) {
    HttpSettings ignored;
    return parse_settings(json{{"listener", listener}, {"webhooks", {{"registry", hook}}}}, ignored).message();
  };
  CHECK_THAT(refusal({{"url", "http://10.20.1.5/in"}, {"secret_file", good.path}}), Catch::Contains("https://"));
  CHECK_THAT(refusal({{"url", "ftp://x/in"}, {"secret_file", good.path}}), Catch::Contains("https://"));
  CHECK_THAT(refusal({{"url", "https://u:p@x/in"}, {"secret_file", good.path}}), Catch::Contains("password"));
  CHECK_THAT(refusal({{"url", "https://x:99999/in"}, {"secret_file", good.path}}), Catch::Contains("port"));
  CHECK_THAT(refusal({{"url", "https://x/in"}}), Catch::Contains("secret_file is required"));
  CHECK_THAT(refusal({{"url", "https://x/in"}, {"secret_file", good.path}, {"batch", 0}}), Catch::Contains("batch"));
  CHECK_THAT(refusal({{"url", "https://x/in"}, {"secret_file", good.path}, {"batch", 501}}), Catch::Contains("batch"));
  CHECK_THAT(refusal({{"url", "https://x/in"}, {"secret_file", good.path}, {"queue_limit", 0}}),
             Catch::Contains("queue_limit"));
  CHECK_THAT(refusal({{"url", "https://x/in"}, {"secret_file", good.path}, {"batches", 5}}),
             Catch::Contains("batch, queue_limit"));
  SecretFile open_to_all(std::string(64, 'f'), 0644);
  CHECK_THAT(refusal({{"url", "https://x/in"}, {"secret_file", open_to_all.path}}), Catch::Contains("chmod 600"));
  SecretFile short_secret("abc");
  CHECK_THAT(refusal({{"url", "https://x/in"}, {"secret_file", short_secret.path}}), Catch::Contains("at least 32"));
  // A missing secret file is made, private, with a new secret.
  const std::string made = good.path + ".made";
  HttpSettings with_new;
  REQUIRE(parse_settings(json{{"listener", listener},
                              {"webhooks", {{"court", {{"url", "https://x/in"}, {"secret_file", made}}}}}},
                         with_new)
              .ok());
  CHECK(with_new.webhooks.at("court").secret_made);
  CHECK(with_new.webhooks.at("court").secret.size() == 64);
  struct stat st {};
  REQUIRE(::stat(made.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  HttpSettings again;
  REQUIRE(parse_settings(json{{"listener", listener},
                              {"webhooks", {{"court", {{"url", "https://x/in"}, {"secret_file", made}}}}}},
                         again)
              .ok());
  CHECK_FALSE(again.webhooks.at("court").secret_made);
  CHECK(again.webhooks.at("court").secret == with_new.webhooks.at("court").secret);
  std::filesystem::remove(made);
  // Plain HTTP to loopback is allowed (a receiver on the same machine).
  CHECK(refusal({{"url", "http://127.0.0.1:9000/in"}, {"secret_file", good.path}}).empty());
}
