// The crypto of units' HTTP credentials: request signatures (HMAC-SHA256),
// key ids, the master key file and its sealing, certificate fingerprints.
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <thread>
#include <vector>
#include <fstream>

#include "keys/certificate_fingerprint.h"
#include "keys/credential_key.h"
#include "keys/request_signature.h"
#include "private_dir.h"
#include "test_pki.h"

using namespace hub::keys;

TEST_CASE("request signatures are lower-case hex HMAC-SHA256, checked in full", "[credentials]") {
  // RFC 4231, test case 2.
  CHECK(sign_text("Jefe", "what do ya want for nothing?") ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // docs/ADAPTERS.md's worked example: the key is the secret's 64 characters as given.
  const std::string example_secret = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
  const std::string example_text =
      "XH1-HMAC-SHA256\nPOST\n/v1/cases\n\n1765072800\n3f2a9c1e5b7d4a60\n"
      "015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862";
  CHECK(signature_matches(example_secret, example_text,
                          "193837a8b84022d8dba1e1f97d9f79bfcbd27d027b0fbd2c494843ac0da00bb1"));
  CHECK_FALSE(signature_matches(*from_hex(example_secret, kSecretBytes), example_text,
                                "193837a8b84022d8dba1e1f97d9f79bfcbd27d027b0fbd2c494843ac0da00bb1"));

  const std::string secret = to_hex(random_bytes(kSecretBytes));
  const std::string text = "POST\n/v1/messages\n1765100000\nnonce-1\n";
  const std::string signature = sign_text(secret, text);
  CHECK(signature.size() == 64);
  CHECK(signature_matches(secret, text, signature));
  CHECK_FALSE(signature_matches(secret, text + " ", signature));
  CHECK_FALSE(signature_matches(to_hex(random_bytes(kSecretBytes)), text, signature));
  std::string changed = signature;
  changed[63] = changed[63] == '0' ? '1' : '0';
  CHECK_FALSE(signature_matches(secret, text, changed));
  std::string upper = signature;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  CHECK_FALSE(signature_matches(secret, text, upper));  // the format is lower case, as documented
  CHECK_FALSE(signature_matches(secret, text, signature.substr(0, 62)));
  CHECK_FALSE(signature_matches(secret.substr(1), text, signature));
  CHECK_FALSE(signature_matches("", text, sign_text("", text)));
}

TEST_CASE("key ids and hex", "[credentials]") {
  const std::string id = new_key_id(kSecretKeyIdPrefix);
  CHECK_THAT(id, Catch::Matches("xk_[0-9a-f]{16}"));
  CHECK(is_key_id(id, kSecretKeyIdPrefix));
  CHECK_FALSE(is_key_id(id, kCertificateIdPrefix));
  CHECK_FALSE(is_key_id("xk_0123456789ABCDEF", kSecretKeyIdPrefix));
  CHECK_FALSE(is_key_id("xk_0123456789abcde", kSecretKeyIdPrefix));
  CHECK(new_key_id(kSecretKeyIdPrefix) != id);
  CHECK(to_hex(std::string("\x00\xff\x10", 3)) == "00ff10");
  CHECK(from_hex("00ff10", 3) == std::string("\x00\xff\x10", 3));
  CHECK_FALSE(from_hex("00FF10", 3));
  CHECK_FALSE(from_hex("00ff1", 3));
  CHECK_FALSE(from_hex("00ff10", 2));
}

TEST_CASE("the master key file is created private, read back, and seals bound to a context", "[credentials]") {
  hub::testing::PrivateDir dir;
  const std::string path = dir.path() + "/keys/credentials.key";
  bool created = false;
  auto first = CredentialKey::load_or_create(path, created);
  REQUIRE(first.ok());
  CHECK(created);
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  auto again = CredentialKey::load_or_create(path, created);
  REQUIRE(again.ok());
  CHECK_FALSE(created);

  const std::string secret = random_bytes(kSecretBytes);
  const std::string sealed = first->seal(secret, secret_context("xk_0123456789abcdef", "registry"));
  CHECK(sealed.find(secret) == std::string::npos);
  CHECK(again->open(sealed, secret_context("xk_0123456789abcdef", "registry")).value() == secret);
  CHECK(again->open(sealed, secret_context("xk_0123456789abcdef", "court")).status().code() ==
        hub::StatusCode::kPermissionDenied);
  std::string altered = sealed;
  altered[30] = static_cast<char>(altered[30] ^ 1);
  CHECK_FALSE(again->open(altered, secret_context("xk_0123456789abcdef", "registry")).ok());
  CHECK_FALSE(again->open(sealed.substr(0, 10), secret_context("xk_0123456789abcdef", "registry")).ok());
  CHECK(first->seal(secret, "c") != first->seal(secret, "c"));  // a fresh nonce each time
}

TEST_CASE("hubs starting at once on one keys folder make one master key file and all use it", "[credentials]") {
  hub::testing::PrivateDir dir;
  const std::string path = dir.path() + "/keys/credentials.key";
  constexpr int kHubs = 8;
  std::vector<std::optional<CredentialKey>> keys(kHubs);
  std::vector<int> made(kHubs, 0);
  std::vector<std::string> errors(kHubs);
  std::vector<std::thread> hubs;
  for (int i = 0; i < kHubs; ++i)
    hubs.emplace_back([&, i] {
      bool created = false;
      auto key = CredentialKey::load_or_create(path, created);
      if (key.ok()) keys[i].emplace(std::move(key.value()));
      else errors[i] = key.status().message();
      made[i] = created ? 1 : 0;
    });
  for (auto& t : hubs) t.join();
  for (int i = 0; i < kHubs; ++i) {
    INFO(errors[i]);
    REQUIRE(keys[i].has_value());
  }
  CHECK(std::count(made.begin(), made.end(), 1) == 1);
  const std::string sealed = keys[0]->seal_check_value();
  for (const auto& k : keys) CHECK(k->opens_check_value(sealed));
  // Nothing but the key file is left in its folder.
  CHECK(std::distance(std::filesystem::directory_iterator(dir.path() + "/keys"), {}) == 1);
}

TEST_CASE("the master key file is refused when others may read it or it is not one key", "[credentials]") {
  hub::testing::PrivateDir dir;
  const std::string path = dir.path() + "/credentials.key";
  auto write = [&](const std::string& text, mode_t mode) {
    std::filesystem::remove(path);
    std::ofstream(path) << text;
    REQUIRE(::chmod(path.c_str(), mode) == 0);
  };
  const std::string good = "# comment\n\nkey = " + std::string(64, 'a') + "\n";
  write(good, 0600);
  CHECK(CredentialKey::load(path).ok());
  write(good, 0604);
  auto refused = CredentialKey::load(path);
  CHECK(refused.status().code() == hub::StatusCode::kPermissionDenied);
  CHECK_THAT(refused.status().message(), Catch::Contains("chmod 600 " + path) && Catch::Contains("0604"));
  for (const std::string& bad : {std::string("key = abc\n"), "secret = " + std::string(64, 'a') + "\n",
                                good + good, std::string("# nothing\n"), "key = " + std::string(64, 'A') + "\n"}) {
    write(bad, 0600);
    refused = CredentialKey::load(path);
    CHECK(refused.status().code() == hub::StatusCode::kInvalidArgument);
    CHECK_THAT(refused.status().message(), Catch::Contains(path) && Catch::Contains("64 lower-case hexadecimal"));
  }
  CHECK(CredentialKey::load(dir.path() + "/absent.key").status().code() == hub::StatusCode::kNotFound);
}

TEST_CASE("a certificate's fingerprint is the SHA-256 of its DER", "[credentials]") {
  hub::http::testing::TestPki pki;
  auto summary = summarize_certificate_file(pki.client_cert_file);
  REQUIRE(summary.ok());
  CHECK(summary->fingerprint == pki.client_sha256);
  CHECK(is_fingerprint(summary->fingerprint));
  CHECK_FALSE(summary->not_after.empty());
  auto key_only = summarize_certificate_file(pki.client_key_file);
  CHECK(key_only.status().code() == hub::StatusCode::kInvalidArgument);
  CHECK_THAT(key_only.status().message(), Catch::Contains("BEGIN CERTIFICATE"));
  CHECK(summarize_certificate_file(pki.client_cert_file + ".absent").status().code() == hub::StatusCode::kNotFound);
}
