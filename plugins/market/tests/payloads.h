// Example payloads of the market case types, valid unless a test changes them.
#pragma once

#include "hub/case.h"

namespace market_test {

using hub::Json;

inline Json guided_payload(const std::string& klass = "A", double service_max = 1.80) {
  return {{"class", klass},
          {"items", Json::array({{{"name", "物业服务费"}, {"max_price_yuan", service_max}, {"unit", "元/㎡·月"}},
                                 {{"name", "电梯运行维护费"}, {"max_price_yuan", 0.30}, {"unit", "元/㎡·月"}}})},
          {"effective_from", "2026-01-01"},
          {"consulted", Json::array({"fgw", "zjj", "cgj"})},
          {"document", "新州街道〔2026〕3号"}};
}

inline Json fee_item(const std::string& name, double price, const std::string& unit = "元/㎡·月") {
  return {{"name", name}, {"price_yuan", price}, {"unit", unit}, {"basis", "政府指导价"}};
}

inline Json disclosure_payload(double service_price = 1.60) {
  return {{"service_items", Json::array({"保洁", "秩序维护", "绿化养护", "共用设施维修"})},
          {"service_standard", "一级"},
          {"fee_items", Json::array({fee_item("物业服务费", service_price), fee_item("电梯运行维护费", 0.25),
                                     fee_item("停车管理费", 80, "元/车位·月")})},
          {"repair_phone", "0476-4321234"},
          {"published_on", "2026-03-01"}};
}

inline Json accounts_payload() {
  return {{"half", "2026-H1"},
          {"income_items", Json::array({{{"name", "物业服务费"}, {"amount_yuan", 120000.50}, {"category", "fee"}},
                                        {{"name", "广告位租金"}, {"amount_yuan", 8000}, {"category", "common"}}})},
          {"expense_items", Json::array({{{"name", "人员工资"}, {"amount_yuan", 90000}},
                                         {{"name", "绿化养护"}, {"amount_yuan", 12000.25}}})},
          {"income_total_yuan", 128000.50},
          {"expense_total_yuan", 102000.25}};
}

inline Json fee_change_payload() {
  return {{"fee_items", Json::array({fee_item("物业服务费", 1.75), fee_item("电梯运行维护费", 0.25),
                                     fee_item("停车管理费", 100, "元/车位·月")})},
          {"reason", "人工成本上涨"},
          {"effective_from", "2026-07-01"}};
}

inline Json complaint_payload(const std::string& fee_item_name = "") {
  Json p = {{"description", "物业收取了未公示的费用"}, {"amount_yuan", 200}, {"complainant_phone", "13800000000"}};
  if (!fee_item_name.empty()) p["fee_item"] = fee_item_name;
  return p;
}

}  // namespace market_test
