// curve_key_file.h: reads the hub's CURVE key pair file for the zmq adapter.
//
// The format is the hub's (core/src/keys/key_file.h, docs/PROTOCOL.md): lines
// "public = <Z85>" and "secret = <Z85>", '#' starts a comment line, blank lines
// are ignored. This is a small parser of its own because an adapter links the
// SDK and libzmq only, never hub_core.
#pragma once

#include <array>
#include <string>

#include "hub/status.h"

namespace hub::zmq_adapter {

struct CurveServerKey {
  std::string public_z85;           // 40 characters
  std::array<unsigned char, 32> secret{};  // binary, for ZMQ_CURVE_SECRETKEY
};

// Reads a key pair file. Fails with NotFound when the file cannot be read;
// PermissionDenied when its group or others have any access to it (mode must
// be 0600 or stricter) or it belongs to neither the hub's user nor root; and
// InvalidArgument (naming file and line) when it is malformed, has no secret
// key (a .pub file), or its public and secret keys do not belong together.
// Every message says what to do. Never throws.
Status read_curve_server_key(const std::string& path, CurveServerKey& out) noexcept;

}  // namespace hub::zmq_adapter
