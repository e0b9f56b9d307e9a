#include <catch2/catch.hpp>

#include <string>

#include "hub/abi.h"

// HUB_ABI_HASH_NOW is computed by CMake from the SDK headers as they are now
// (cmake/abi_hash.cmake). If this fails, an SDK header changed: set
// hub::kAbiVersion in core/include/hub/abi.h to the value printed here.
TEST_CASE("the ABI version matches the hash of the SDK headers", "[abi]") {
  INFO("SDK headers changed: set kAbiVersion in core/include/hub/abi.h to \"" HUB_ABI_HASH_NOW "\"");
  REQUIRE(std::string(hub::kAbiVersion) == HUB_ABI_HASH_NOW);
}
