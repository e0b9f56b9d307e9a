#include <catch2/catch.hpp>

#include "ops/figures.h"
#include "ops/report_format.h"

using hub::Json;
namespace ops = hub::ops;

TEST_CASE("percentiles are by nearest rank", "[report]") {
  CHECK_FALSE(ops::percentile({}, 50));
  CHECK(*ops::percentile({7}, 90) == 7);
  CHECK(*ops::percentile({5, 1, 3, 4}, 50) == 3);  // rank ⌈0.5·4⌉ = 2 of [1, 3, 4, 5]
  CHECK(*ops::percentile({5, 1, 3, 4}, 90) == 5);  // rank ⌈0.9·4⌉ = 4
  CHECK(*ops::percentile({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 90) == 9);
}

TEST_CASE("Chinese names take two columns each", "[report]") {
  CHECK(ops::display_width("pm.jinxiu") == 9);
  CHECK(ops::display_width("锦绣物业") == 8);
  CHECK(ops::display_width("合计 total") == 10);
  CHECK(ops::display_width("（无小区）") == 10);  // full-width brackets too
}

TEST_CASE("a report reads as a table and as CSV", "[report]") {
  const Json row{{"key", "pm.jinxiu"}, {"name", "锦绣物业, 一部"}, {"received", 3}, {"signed_on_time", 2},
                 {"resolved_on_time", 2}, {"overdue_now", 0}, {"returned", 1}, {"extended", 1}, {"reopened", 0},
                 {"sign_median_hours", 0.25}, {"sign_p90_hours", 3.0}, {"resolve_median_hours", 25.0},
                 {"resolve_p90_hours", 75.0}};
  Json total = row;
  total["key"] = "total";
  total["name"] = "合计 total";
  total["sign_median_hours"] = nullptr;
  const Json report{{"from", "2026-12-07"}, {"to", "2026-12-13"}, {"by", "unit"}, {"now", "2026-12-11T12:00:00+08:00"},
                    {"rows", Json::array({row})}, {"total", total}};

  const std::string csv = ops::report_csv(report);
  CHECK_THAT(csv, Catch::Contains("pm.jinxiu,\"锦绣物业, 一部\",3,2,2,0,1,1,0,0.25,3,25,75\r\n"));
  CHECK_THAT(csv, Catch::EndsWith("total,合计 total,3,2,2,0,1,1,0,,3,25,75\r\n"));

  const std::string table = ops::report_table(report);
  CHECK_THAT(table, Catch::Contains("15m"));   // 0.25 h
  CHECK_THAT(table, Catch::Contains("25.0h"));
  CHECK_THAT(table, Catch::Contains("3.1d"));  // 75 h
  CHECK_THAT(table, Catch::Contains(" -  "));  // nothing to measure
  // Every line of the table is equally wide on a terminal.
  std::size_t width = 0;
  std::size_t start = table.find('\n') + 1;
  for (std::size_t end; (end = table.find('\n', start)) != std::string::npos; start = end + 1) {
    const std::size_t w = ops::display_width(table.substr(start, end - start));
    if (width == 0) width = w;
    CHECK(w == width);
  }
}
