// test_pki.h: certificates the HTTP tests make for themselves, with
// OpenSSL's C API: two CAs, a server certificate for 127.0.0.1/localhost and
// a client certificate from each CA, as PEM files in a fresh temporary
// folder removed by the destructor. No test framework: hub_bench makes its
// certificates with it too.
#pragma once

#include <string>

namespace hub::http::testing {

class TestPki {
 public:
  TestPki();  // makes everything; throws std::runtime_error, naming the step, on failure
  ~TestPki();
  TestPki(const TestPki&) = delete;
  TestPki& operator=(const TestPki&) = delete;

  std::string ca_file;            // the CA that issued the server and client certificates
  std::string server_cert_file;   // CN=localhost, SAN DNS:localhost, IP:127.0.0.1
  std::string server_key_file;
  std::string client_cert_file;   // issued by ca_file
  std::string client_key_file;
  std::string client_sha256;      // hex SHA-256 of the client certificate's DER
  std::string other_ca_file;      // another CA
  std::string other_client_cert_file;  // issued by other_ca_file
  std::string other_client_key_file;

 private:
  std::string dir_;
};

}  // namespace hub::http::testing
