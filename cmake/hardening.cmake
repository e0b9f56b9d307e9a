# cmake/hardening.cmake: Debian's hardening flags (what `dpkg-buildflags` gives
# with DEB_BUILD_MAINT_OPTIONS=hardening=+all) for every build type but Debug.
#
# Compiling: -fstack-protector-strong, -fstack-clash-protection,
# -fcf-protection, -D_FORTIFY_SOURCE=2 (only effective with optimisation,
# which every type but Debug has), -Wformat -Werror=format-security.
# Linking: PIE executables, and -z relro -z now for executables, shared
# libraries and modules alike. tests/hardening/check_hardening.sh reads the
# built files and checks the result.
#
# Off under the sanitizers and libFuzzer (their runtimes replace the checked
# libc calls, and those builds are Debug anyway), or with -DHUB_HARDEN=OFF.
option(HUB_HARDEN "Debian's hardening flags in builds that are not Debug" ON)

include(CheckPIESupported)
check_pie_supported(OUTPUT_VARIABLE hub_pie_output LANGUAGES CXX)
if(NOT CMAKE_CXX_LINK_PIE_SUPPORTED)
  message(WARNING "the linker cannot make position-independent executables: ${hub_pie_output}")
endif()

set(HUB_HARDENED OFF)
if(HUB_HARDEN AND NOT HUB_SANITIZE AND NOT HUB_FUZZ AND NOT CMAKE_BUILD_TYPE STREQUAL "Debug")
  set(HUB_HARDENED ON)
  # -U first: some compilers define _FORTIFY_SOURCE themselves.
  add_compile_options(-fstack-protector-strong -fstack-clash-protection -fcf-protection
                      -U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=2 -Wformat -Werror=format-security)
  add_link_options(-Wl,-z,relro -Wl,-z,now)
  # GCC records its flags in the debug info, which the check reads for a
  # module without a stack canary; clang does so when asked.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    add_compile_options(-grecord-command-line)
  endif()
endif()
message(STATUS "hardening flags: ${HUB_HARDENED} (build type ${CMAKE_BUILD_TYPE})")
