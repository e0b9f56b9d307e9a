#include "well_behaved_flow.h"

#include <catch2/catch.hpp>

namespace hub::testing {

using namespace std::chrono_literals;

WellBehavedFlow::WellBehavedFlow(const TestDeployment& d)
    : d_(d), registry_(d.client("registry")), company_(d.client("pm.jinxiu")) {
  company_->hello();
  REQUIRE(company_->wait_kind("welcome"));
}

std::int64_t WellBehavedFlow::send_fee_check(const std::string& prefix) {
  const std::string reference = prefix + std::to_string(++sent_);
  const Json accepted = send_accepted(*registry_, reference, "registry.fee_check", "jinxiu",
                                      {{"dwelling", "3-2-501"}, {"seller", "张三"}, {"buyer", "李四"},
                                       {"application_id", reference}});
  return accepted["case"].get<std::int64_t>();
}

std::string WellBehavedFlow::check(HubProcess& hubd, std::chrono::milliseconds* took) {
  if (hubd.wait_exit(0ms) != -1) return "hubd is gone";
  const auto started = std::chrono::steady_clock::now();
  const std::int64_t case_id = send_fee_check("GOOD-");
  expect_acked(case_id);
  const auto delivery = company_->wait_for(
      [&](const Json& j) { return j.value("kind", "") == "delivery" && j["case"] == case_id; }, 15s);
  if (!delivery) return "the well-behaved case was not delivered";
  if (took) *took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  company_->ack_delivery((*delivery)["delivery"].get<std::int64_t>());
  if (!wait_until(d_, "SELECT count(*) FROM deliveries WHERE case_id = " + std::to_string(case_id) +
                          " AND acked_at IS NOT NULL", "1", 15s))
    return "the well-behaved delivery's ack was not stored";
  return "";
}

std::int64_t WellBehavedFlow::unacked_delivery() {
  const std::int64_t case_id = send_fee_check("VICTIM-");
  const auto delivery = company_->wait_for(
      [&](const Json& j) { return j.value("kind", "") == "delivery" && j["case"] == case_id; }, 15s);
  REQUIRE(delivery);
  return (*delivery)["delivery"].get<std::int64_t>();
}

std::string WellBehavedFlow::nothing_lost() const {
  std::string ids;
  for (auto id : expected_) ids += (ids.empty() ? "" : ",") + std::to_string(id);
  const std::string sql = "SELECT count(*) FILTER (WHERE acked_at IS NULL) || '/' || count(DISTINCT case_id) "
                          "FROM deliveries WHERE case_id IN (" + ids + ")";
  const std::string expected = "0/" + std::to_string(expected_.size());
  return wait_until(d_, sql, expected, 15s) ? "" : "unacked/cases: " + query_one(d_, sql);
}

}  // namespace hub::testing
