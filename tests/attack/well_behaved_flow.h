// tests/attack/well_behaved_flow.h: the units every attack harness keeps
// working beside the attacker: the registry sends a fee-settlement check to
// the property company pm.jinxiu, which acks it.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "test_hub.h"

namespace hub::testing {

class WellBehavedFlow {
 public:
  // Connects both units; the company says hello.
  explicit WellBehavedFlow(const TestDeployment& d);

  // hubd runs and a fee check flows end to end (accepted, delivered, its ack
  // stored): "" or what failed. `took`, when given: send to delivery.
  std::string check(HubProcess& hubd, std::chrono::milliseconds* took = nullptr);
  // A fee check delivered to the company and left unacked: its delivery id.
  std::int64_t unacked_delivery();
  // A case whose deliveries must all end acked (nothing_lost()).
  void expect_acked(std::int64_t case_id) { expected_.push_back(case_id); }
  // Every case expected acked is stored with all its deliveries acked (waits
  // up to 15 s for acks still on their way): "" or what differs.
  std::string nothing_lost() const;

  UnitClient& company() { return *company_; }

 private:
  // Sends a fee check and returns the accepted answer's case id (REQUIREs acceptance).
  std::int64_t send_fee_check(const std::string& prefix);

  const TestDeployment& d_;
  std::unique_ptr<UnitClient> registry_, company_;
  std::vector<std::int64_t> expected_;
  int sent_ = 0;
};

}  // namespace hub::testing
