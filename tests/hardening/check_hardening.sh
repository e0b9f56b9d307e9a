#!/usr/bin/env bash
# tests/hardening/check_hardening.sh: checks that the built hubd, hubctl and
# every module carry Debian's hardening (cmake/hardening.cmake), by reading
# the ELF files with readelf (binutils):
#   - executables are PIE: type DYN with the PIE flag (FLAGS_1);
#   - every file has a GNU_RELRO segment and BIND_NOW (full RELRO);
#   - every file imports __stack_chk_fail (stack protector), or, having no
#     function that needs a canary, says in its debug info (DW_AT_producer)
#     that it was compiled with -fstack-protector-strong;
#   - hubd and hubctl import checked __*_chk variants of libc functions
#     (_FORTIFY_SOURCE; the core writes into fixed-size buffers). A module
#     importing none is reported, not failed: FORTIFY only checks calls whose
#     destination size the compiler knows, and a module may have none (the
#     false alarm of hardening-check and lintian). Its flags are those of the
#     stack protector, which is checked.
# Usage: check_hardening.sh BUILD_TYPE HARDENED BIN_DIR MODULE_DIR
# Exit status 77 (ctest's SKIP_RETURN_CODE) when the build is not hardened
# (Debug, sanitizers, -DHUB_HARDEN=OFF), with the reason on stdout.
set -uo pipefail

if [[ $# -ne 4 ]]; then
  echo "usage: $0 BUILD_TYPE HARDENED BIN_DIR MODULE_DIR" >&2
  exit 2
fi
build_type=$1 hardened=$2 bin_dir=$3 module_dir=$4

if [[ $hardened != ON ]]; then
  echo "skipped: the $build_type build has no hardening flags (Debug, sanitizers or -DHUB_HARDEN=OFF)"
  exit 77
fi
if ! command -v readelf >/dev/null; then
  echo "readelf not found: install binutils (apt-get install binutils)" >&2
  exit 1
fi

# Libc functions that _FORTIFY_SOURCE replaces by a __*_chk variant when the
# size of the destination is known.
fortifiable='memcpy|memmove|mempcpy|memset|stpcpy|strcpy|strncpy|strcat|strncat|sprintf|snprintf|vsprintf|vsnprintf|fprintf|printf|vfprintf|vprintf|read|pread64|recv|recvfrom|readlink|getcwd|fgets|realpath|wcscpy|wmemcpy|wmemset|poll|ppoll|confstr|getgroups|ttyname_r|gethostname|getlogin_r'

failures=0
fail() {
  echo "FAIL $1: $2"
  failures=$((failures + 1))
}

# check FILE KIND: KIND is exe or module.
check() {
  local file=$1 kind=$2 header dynamic segments imports before=$failures
  header=$(readelf -hW "$file") || { fail "$file" "not an ELF file readelf can read"; return; }
  dynamic=$(readelf -dW "$file")
  segments=$(readelf -lW "$file")
  imports=$(readelf --dyn-syms -W "$file" | awk '$7 == "UND" { sub(/@.*/, "", $8); print $8 }')

  if [[ $kind == exe ]]; then
    grep -Eq 'Type:[[:space:]]+DYN' <<<"$header" || fail "$file" "not position-independent (ELF type is not DYN)"
    grep -E '\(FLAGS_1\)' <<<"$dynamic" | grep -qw PIE || fail "$file" "no PIE flag in FLAGS_1"
  fi
  grep -qw GNU_RELRO <<<"$segments" || fail "$file" "no GNU_RELRO segment (link with -z relro)"
  grep -Eq '\(BIND_NOW\)|\(FLAGS\).*BIND_NOW|\(FLAGS_1\).*NOW' <<<"$dynamic" ||
    fail "$file" "no BIND_NOW (link with -z now)"
  local note=""
  if ! grep -qx '__stack_chk_fail' <<<"$imports"; then
    local producers
    producers=$(readelf --debug-dump=info "$file" 2>/dev/null | grep 'DW_AT_producer')
    if [[ -z $producers ]]; then
      note=" (no function needs a stack canary; no debug info to confirm the flag)"
    elif grep -q -- '-fstack-protector-strong' <<<"$producers"; then
      note=" (no function needs a stack canary; compiled with -fstack-protector-strong)"
    else
      fail "$file" "does not import __stack_chk_fail and was not compiled with -fstack-protector-strong"
    fi
  fi
  local checked plain
  checked=$(grep -E '^__.*_chk$' <<<"$imports" | grep -vcx '__stack_chk_fail')
  plain=$(grep -Ex "($fortifiable)" <<<"$imports" | tr '\n' ' ')
  if [[ $checked -eq 0 && -n $plain ]]; then
    if [[ $kind == exe ]]; then
      fail "$file" "imports fortifiable functions ($plain) but no checked __*_chk one (no _FORTIFY_SOURCE)"
    else
      note+=" (no call FORTIFY could check among: $plain)"
    fi
  fi
  if [[ $failures -eq $before ]]; then
    echo "ok   $file: $([[ $kind == exe ]] && echo "PIE, ")relro, bind-now, stack protector, $checked checked libc functions$note"
  fi
}

count=0
for exe in hubd hubctl; do
  if [[ ! -f $bin_dir/$exe ]]; then
    fail "$bin_dir/$exe" "missing: build it first"
    continue
  fi
  check "$bin_dir/$exe" exe
  count=$((count + 1))
done
shopt -s nullglob
modules=("$module_dir"/*.so)
[[ ${#modules[@]} -gt 0 ]] || fail "$module_dir" "no modules found: build them first"
for module in "${modules[@]}"; do
  check "$module" module
  count=$((count + 1))
done

if [[ $failures -gt 0 ]]; then
  echo "$failures problem(s) in $count file(s): build with the flags of cmake/hardening.cmake"
  exit 1
fi
echo "all $count files hardened"
