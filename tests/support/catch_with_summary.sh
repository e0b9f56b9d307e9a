#!/usr/bin/env bash
# tests/support/catch_with_summary.sh: runs a Catch2 test binary whose tests
# print a lot (hubd's log, the routing log), and prints what failed again at
# the very end, so that the end of a long CI log says which test and which
# assertion failed.
# Usage: catch_with_summary.sh BINARY [CATCH_ARGS...]
set -uo pipefail
binary=$1; shift
report=$(mktemp)
trap 'rm -f "$report"' EXIT
"$binary" "$@" --reporter compact --out "$report"
status=$?
if [[ $status -ne 0 ]]; then
  echo "==> $(basename "$binary") failed (exit $status); its failures:"
  grep -v -E '^[0-9.]+ s: ' "$report"
else
  grep -v -E "^[[:space:]]*$" "$report" | tail -n 1
fi
exit $status
