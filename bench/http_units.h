// bench/http_units.h: the bench's units on the HTTPS unit API
// (docs/ADAPTERS.md), for `hub_bench --transport http`.
//
// An HttpSender is one sending unit (bench.sNN) with `--connections`
// keep-alive HTTPS connections, each driven by a thread of its own with one
// request in flight: a signed POST /v1/cases, its answer (201 accepted, 200
// duplicate, or an error) matched to its reference. At saturation each
// connection sends again as soon as it is answered; at a fixed rate every
// connection has its share of the sender's schedule. A request whose
// connection failed, or that the hub answered 503 no_answer, is sent again
// with the same reference (the hub answers duplicate=true if it had stored
// it), until the drain ends.
//
// An HttpReceiver is one receiving unit (bench.rNN) as a webhook: an HTTPS
// listener of the hub's own HTTP layer that checks each push's signature,
// counts the delivery (load_threads.h, tally_message) and answers 204, which
// acks it for the unit.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench_deployment.h"
#include "http/client_connection.h"
#include "http/server.h"
#include "load_threads.h"

namespace hub::bench {

// A sender's way in: the unit API's port, the CA its certificate is checked
// against, and the credential hubctl would have issued to the unit.
struct HttpAccess {
  int port = 0;
  std::string ca_file;
  std::string key_id;
  std::string secret;
};

class HttpSender : public SendingUnit {
 public:
  HttpSender(HttpAccess access, int index, const Scenario& scenario, const BenchOptions& options,
             std::string reference_prefix, ScenarioControl& control);
  ~HttpSender() override;
  // Opens every connection (TLS handshake included).
  Status connect(int timeout_ms) override;
  void run() noexcept override;
  const SenderResult& result() const override { return r_; }

 private:
  struct Lane;
  void drive(Lane& lane) noexcept;
  void drive_lane(Lane& lane);
  // Sends case `seq` until a final answer, the drain's end or an abort.
  void send_until_answered(Lane& lane, std::uint64_t seq);
  void handle(Lane& lane, const std::string& reference, int status, const nlohmann::json& answer,
              std::int64_t first_sent_ns, std::int64_t now);

  HttpAccess access_;
  int index_;
  Scenario scenario_;
  const BenchOptions& options_;
  std::string prefix_;  // "<tag>-<sNN>-"
  CaseFields fields_;
  ScenarioControl& control_;
  std::string nonce_salt_;  // makes this process's nonces its own
  std::vector<std::unique_ptr<Lane>> lanes_;
  SenderResult r_;
};

class HttpReceiver : public ReceivingUnit {
 public:
  // Serves https://127.0.0.1:<edge.webhook_ports[index]>/inbox; the secret
  // is read from edge.secret_file(index) by connect().
  HttpReceiver(const HttpEdge& edge, int index, std::string reference_prefix, ScenarioControl& control);
  ~HttpReceiver() override;
  Status connect(int timeout_ms) override;
  void run() noexcept override;
  const ReceiverResult& result() const override { return r_; }

 private:
  http::Response on_push(const http::Request& request);

  const HttpEdge& edge_;
  int index_;
  std::string prefix_;
  ScenarioControl& control_;
  std::string secret_;
  std::string endpoint_;
  std::unique_ptr<http::Server> server_;
  std::mutex mu_;  // guards r_ while the server's threads run
  ReceiverResult r_;
};

}  // namespace hub::bench
