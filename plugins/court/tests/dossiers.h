// plugins/court/tests/dossiers.h: referral dossiers shared by the court tests.
#pragma once

#include <map>
#include <string>

#include "hub/case.h"

namespace court_test {

// A dossier the court accepts: 24 months at 90 yuan, 3% late fee, a written
// reminder before the referral, the contract in the evidence.
inline hub::Json complete_dossier() {
  return hub::Json::parse(R"({
    "referred_on": "2026-11-30",
    "plaintiff": {"name": "锦绣物业服务有限公司", "unit": "pm.jinxiu"},
    "defendant": {"name": "王某", "dwelling": "3号楼2单元501", "phone": "13800000000"},
    "contract": {"reference": "WY-HT-2021-007", "signed_on": "2021-06-01"},
    "claim": {"principal_yuan": 2160.0, "late_fee_yuan": 64.8, "total_yuan": 2224.8,
              "period": {"from": "2024-07", "to": "2026-06"}},
    "reminders": [{"date": "2026-08-15", "method": "written", "reference": "CJ-2026-0815-01"},
                  {"date": "2026-10-10", "method": "visit"}],
    "evidence": [{"title": "物业服务合同", "kind": "contract"},
                 {"title": "催缴通知书及送达回执", "kind": "reminder_receipt"},
                 {"title": "欠费明细"}],
    "collection_measures": ["written_reminder", "visit"]
  })");
}

// The complete dossier with five problems: only a phone reminder, amounts
// that do not add up, a reversed period, water cut off, no evidence.
inline hub::Json incomplete_dossier() {
  hub::Json d = complete_dossier();
  d["reminders"] = hub::Json::parse(R"([{"date": "2026-09-01", "method": "phone"}])");
  d["claim"]["total_yuan"] = 2300;
  d["claim"]["period"] = {{"from", "2026-06"}, {"to", "2024-07"}};
  d["collection_measures"] = {"written_reminder", "cut_water"};
  d["evidence"] = hub::Json::array();
  return d;
}

// Pointer → reason, for tests that check both (each pointer at most once).
template <class ProblemList>
std::map<std::string, std::string> by_pointer(const ProblemList& problems) {
  std::map<std::string, std::string> out;
  for (const auto& p : problems) out[p.pointer] = p.reason;
  return out;
}

}  // namespace court_test
