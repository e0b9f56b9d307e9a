// util/file_mode.h: a file's permission bits as people type them to chmod.
#pragma once

#include <sys/types.h>

#include <cstdio>
#include <string>

namespace hub {

// "0755": the permission bits (with set-id and sticky bits) of `mode`, in octal.
inline std::string octal_mode(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

}  // namespace hub
