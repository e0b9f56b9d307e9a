// A module that claims a different ABI version: the host must refuse it
// before calling anything else.
#include "hub/abi.h"

extern "C" HUB_EXPORT const char* hub_abi_version() noexcept { return "0123456789abcdef"; }
extern "C" HUB_EXPORT void* hub_create_plugin() noexcept { __builtin_trap(); }
extern "C" HUB_EXPORT void hub_destroy_plugin(void*) noexcept {}
