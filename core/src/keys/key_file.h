// keys/key_file.h: CURVE key files of units and of the hub.
//
// A public key file (<id>.pub) holds a line "public = <Z85>"; a secret key file
// (<id>.key) holds "public = <Z85>" and "secret = <Z85>". Lines starting with
// '#' are comments. Z85 keys are 40 characters. The format is documented in
// docs/PROTOCOL.md so that clients in other languages can read it.
#pragma once

#include <string>

#include "util/result.h"

namespace hub::keys {

struct KeyPair {
  std::string public_key;  // Z85
  std::string secret_key;  // Z85, empty for a public key file
};

// Generates a fresh CURVE key pair (libzmq, libsodium-backed).
Result<KeyPair> generate();

// Reads a .pub or .key file. Errors name the file and say what was expected.
Result<KeyPair> read(const std::string& path);

enum class Replace { kNo, kYes };

// Writes <dir>/<id>.key (mode 0600) and <dir>/<id>.pub (mode 0644), creating
// dir. Each file is created new (O_CREAT | O_EXCL | O_NOFOLLOW), so nothing is
// ever written through a symbolic link. An existing file or link is refused
// (kConflict, nothing written) unless `replace` is kYes, which first removes
// it (a link itself, never what it points to). `id` must be an id
// (util/ids.h), else kInvalidArgument. When the second file cannot be made,
// the first is removed again: no half pair is left behind.
Status write(const std::string& dir, const std::string& id, const KeyPair& pair, Replace replace = Replace::kNo);

// True when s is 40 characters of the Z85 alphabet.
bool is_z85_key(const std::string& s);

// How logs and messages name a public key: its first 8 characters and "…"
// ("rq:rM>}U…"), which an operator finds at the start of the .pub file's
// "public = " line. Only ever given public keys; the zmq adapter's refusal
// lines use the same form.
std::string fingerprint(const std::string& public_key_z85);

}  // namespace hub::keys
