#include "lifecycle/delivery_facts.h"

#include <array>
#include <utility>

namespace hub::lifecycle {
namespace {

constexpr std::array<std::pair<Stage, std::string_view>, 7> kNames = {{
    {Stage::kNotice, "notice"},
    {Stage::kDispatched, "dispatched"},
    {Stage::kSigned, "signed"},
    {Stage::kInProgress, "in_progress"},
    {Stage::kResolved, "resolved"},
    {Stage::kClosed, "closed"},
    {Stage::kReturned, "returned"},
}};

}  // namespace

std::string_view stage_name(Stage s) {
  for (const auto& [stage, name] : kNames)
    if (stage == s) return name;
  return "unknown";
}

std::optional<Stage> stage_from_name(std::string_view name) {
  for (const auto& [stage, n] : kNames)
    if (n == name) return stage;
  return std::nullopt;
}

bool is_open(Stage s) { return s == Stage::kDispatched || s == Stage::kSigned || s == Stage::kInProgress; }

std::string_view deadline_name(Deadline d) { return d == Deadline::kSign ? "sign" : "resolve"; }

}  // namespace hub::lifecycle
