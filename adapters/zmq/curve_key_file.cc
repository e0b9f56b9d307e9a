#include "curve_key_file.h"

#include <exception>
#include <fstream>
#include <string_view>

#include <zmq.h>

namespace hub::zmq_adapter {
namespace {

constexpr std::string_view kZ85Alphabet =
    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";

std::string trim(const std::string& s) {
  const auto begin = s.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return {};
  const auto end = s.find_last_not_of(" \t\r\n");
  return s.substr(begin, end - begin + 1);
}

bool is_z85_key(const std::string& s) {
  return s.size() == 40 && s.find_first_not_of(kZ85Alphabet) == std::string::npos;
}

Status read_file(const std::string& path, CurveServerKey& out) {
  std::ifstream in(path);
  if (!in)
    return Status::NotFound("the hub's key file " + path +
                            " does not exist or cannot be read; create it with 'hubctl keygen --unit HUB_ID --out DIR' "
                            "and set adapters[zmq].settings.secret_key_file");
  std::string public_z85, secret_z85, line;
  for (int number = 1; std::getline(in, line); ++number) {
    line = trim(line);
    if (line.empty() || line[0] == '#') continue;
    const std::string where = path + ":" + std::to_string(number) + ": ";
    const auto eq = line.find('=');
    if (eq == std::string::npos) return Status::InvalidArgument(where + "expected 'public = <key>' or 'secret = <key>'");
    const std::string name = trim(line.substr(0, eq));
    const std::string value = trim(line.substr(eq + 1));
    if (name != "public" && name != "secret") return Status::InvalidArgument(where + "unknown field '" + name + "'");
    if (!is_z85_key(value)) return Status::InvalidArgument(where + "'" + name + "' is not a 40-character Z85 CURVE key");
    (name == "public" ? public_z85 : secret_z85) = value;
  }
  if (secret_z85.empty())
    return Status::InvalidArgument(path + " has no 'secret = <key>' line: the hub needs its key pair file (.key), "
                                          "not a public key file (.pub)");
  char derived_public[41] = {};
  if (zmq_curve_public(derived_public, secret_z85.c_str()) != 0)
    return Status::Internal(std::string("cannot derive the public key: ") + zmq_strerror(zmq_errno()) +
                            " (is libzmq built with CURVE support?)");
  if (!public_z85.empty() && public_z85 != derived_public)
    return Status::InvalidArgument(path + ": the public and secret keys do not belong together; regenerate the pair");
  if (zmq_z85_decode(out.secret.data(), secret_z85.c_str()) == nullptr)
    return Status::InvalidArgument(path + ": the secret key is not valid Z85");
  out.public_z85 = derived_public;
  return {};
}

}  // namespace

Status read_curve_server_key(const std::string& path, CurveServerKey& out) noexcept {
  try {
    return read_file(path, out);
  } catch (const std::exception& e) {
    return Status::Internal("reading " + path + ": " + e.what());
  }
}

}  // namespace hub::zmq_adapter
