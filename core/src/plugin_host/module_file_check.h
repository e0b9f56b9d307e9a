// plugin_host/module_file_check.h: whether a module file may be mapped into
// the hub at all.
//
// Loading a plugin or adapter runs its code as the hub's user, so whoever can
// change the file, or the folder holding it, could run code as the hub. The
// file and its folder (symbolic links resolved) must therefore be writable by
// nobody but root and the hub's user: owned by one of them, and neither
// group- nor world-writable. A pinned module (`sha256` in its config entry)
// must also hash to the pin. Every refusal names the file and says what to do.
// Thread-safe; reads the file system only.
#pragma once

#include <string>

#include "util/result.h"

namespace hub::plugin_host {

// `kind` is "plugin" or "adapter", for messages; `sha256` is empty (no pin) or
// 64 lower-case hex digits. kPermissionDenied for ownership or mode,
// kInvalidArgument for a pin that does not match, kNotFound/kUnavailable when
// the file cannot be examined.
Status check_module_file(const std::string& path, const std::string& sha256, const char* kind);

// The SHA-256 of a file's contents, as 64 lower-case hex digits (what
// `sha256sum` prints).
Result<std::string> file_sha256(const std::string& path);

}  // namespace hub::plugin_host
