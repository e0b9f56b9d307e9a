// hub/abi.h: the ABI version of the SDK.
//
// kAbiVersion is the first 16 hex digits of the SHA-256 of the other SDK headers
// (sorted by name, concatenated). Every plugin and adapter exports the version it
// was compiled with; the host refuses any library whose version differs from its
// own. The test abi_version_test recomputes the hash and fails when a header
// changed without this constant being updated: update it to the value the test
// prints, which forces every plugin to be rebuilt.
#pragma once

#define HUB_EXPORT __attribute__((visibility("default")))

namespace hub {

inline constexpr char kAbiVersion[] = "5b1b256d09c65f2e";

}  // namespace hub
