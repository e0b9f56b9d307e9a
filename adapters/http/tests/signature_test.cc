// The canonical text and the signature headers (request_signature.h),
// including the worked example of docs/ADAPTERS.md, byte by byte.
#include <catch2/catch.hpp>

#include "request_signature.h"

using namespace hub::http_adapter;

TEST_CASE("the canonical query sorts decoded pairs and re-encodes them one way", "[signature]") {
  std::string q;
  REQUIRE(canonical_query("wait=10&limit=5", &q).ok());
  CHECK(q == "limit=5&wait=10");
  REQUIRE(canonical_query("b=2&a=%7e&a=1+2&c", &q).ok());
  CHECK(q == "a=1%202&a=~&b=2&c=");
  REQUIRE(canonical_query("name=%E5%BC%A0", &q).ok());
  CHECK(q == "name=%E5%BC%A0");
  REQUIRE(canonical_query("", &q).ok());
  CHECK(q.empty());
  CHECK_FALSE(canonical_query("a=%zz", &q).ok());
}

TEST_CASE("the canonical text is the seven lines of the worked example", "[signature]") {
  std::string text;
  REQUIRE(canonical_text("POST", "/v1/cases", "", 1765072800, "3f2a9c1e5b7d4a60", "{\"a\":1}", &text).ok());
  CHECK(text ==
        "XH1-HMAC-SHA256\nPOST\n/v1/cases\n\n1765072800\n3f2a9c1e5b7d4a60\n"
        "015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862");
}

TEST_CASE("SHA-256 and HMAC-SHA256 match their published test vectors", "[signature]") {
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // RFC 4231, test case 2.
  CHECK(hmac_sha256_hex("Jefe", "what do ya want for nothing?") ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST_CASE("signature headers are checked for form, each refusal naming its header", "[signature]") {
  SignatureHeaders h;
  const std::string sig(64, 'a');
  CHECK(check_signature_headers("xk_0123456789abcdef", "1765072800", "3f2a9c1e5b7d4a60", sig, &h).ok());
  CHECK(h.key == "xk_0123456789abcdef");
  CHECK(h.timestamp == 1765072800);

  const auto refusal = [&](std::optional<std::string_view> k, std::optional<std::string_view> t,
                           std::optional<std::string_view> n, std::optional<std::string_view> s) {
    SignatureHeaders ignored;
    return check_signature_headers(k, t, n, s, &ignored).message();
  };
  CHECK_THAT(refusal(std::nullopt, "1", "3f2a9c1e5b7d4a60", sig), Catch::Contains("X-XH-Key is missing"));
  CHECK_THAT(refusal("k", "-5", "3f2a9c1e5b7d4a60", sig), Catch::Contains("X-XH-Timestamp"));
  CHECK_THAT(refusal("k", "1234567890123456789", "3f2a9c1e5b7d4a60", sig), Catch::Contains("X-XH-Timestamp"));
  CHECK_THAT(refusal("k", "1", "short", sig), Catch::Contains("X-XH-Nonce"));
  CHECK_THAT(refusal("k", "1", "has space in it here", sig), Catch::Contains("X-XH-Nonce"));
  CHECK_THAT(refusal("k", "1", "3f2a9c1e5b7d4a60", std::string(64, 'A')), Catch::Contains("X-XH-Signature"));
  CHECK_THAT(refusal("k y", "1", "3f2a9c1e5b7d4a60", sig), Catch::Contains("X-XH-Key"));
}
