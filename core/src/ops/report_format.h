// ops/report_format.h: the answer of the "report" op (ops/report.h) as people
// and spreadsheets read it. Pure functions of the JSON answer.
#pragma once

#include <string>

#include "hub/case.h"

namespace hub::ops {

// Aligned columns, names first; Chinese characters count as two columns.
// Durations as 40s, 12m, 5.5h or 3.2d; "-" where there is nothing to measure.
std::string report_table(const Json& report);
// RFC 4180 CSV with a header line; one line per row and the total last.
std::string report_csv(const Json& report);

// Terminal columns a UTF-8 string takes (East Asian wide characters: 2).
std::size_t display_width(const std::string& text);

}  // namespace hub::ops
