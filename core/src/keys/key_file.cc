#include "keys/key_file.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <zmq.h>

namespace hub::keys {
namespace {

constexpr std::string_view kZ85Alphabet =
    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";

std::string trim(std::string s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  const auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

Status write_file(const std::filesystem::path& path, const std::string& text, mode_t mode) {
  std::ofstream out(path, std::ios::trunc);
  if (!out) return Status::Unavailable("cannot write " + path.string() + ": check the folder's permissions");
  out << text;
  out.close();
  if (!out) return Status::Unavailable("cannot write " + path.string());
  ::chmod(path.c_str(), mode);
  return {};
}

}  // namespace

bool is_z85_key(const std::string& s) {
  if (s.size() != 40) return false;
  for (char c : s)
    if (kZ85Alphabet.find(c) == std::string_view::npos) return false;
  return true;
}

Result<KeyPair> generate() {
  char pub[41] = {}, sec[41] = {};
  if (zmq_curve_keypair(pub, sec) != 0)
    return Status::Internal(std::string("cannot generate a CURVE key pair: ") + zmq_strerror(zmq_errno()) +
                            " (is libzmq built with CURVE support?)");
  return KeyPair{pub, sec};
}

Result<KeyPair> read(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::NotFound("key file " + path + " does not exist or cannot be read; generate one with "
                                   "'hubctl keygen --unit ID --out DIR'");
  KeyPair pair;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    line = trim(line);
    if (line.empty() || line[0] == '#') continue;
    const auto eq = line.find('=');
    if (eq == std::string::npos)
      return Status::InvalidArgument(path + ":" + std::to_string(number) + ": expected 'public = <key>' or 'secret = <key>'");
    const std::string name = trim(line.substr(0, eq));
    const std::string value = trim(line.substr(eq + 1));
    if (!is_z85_key(value))
      return Status::InvalidArgument(path + ":" + std::to_string(number) + ": '" + name +
                                     "' is not a 40-character Z85 CURVE key");
    if (name == "public") pair.public_key = value;
    else if (name == "secret") pair.secret_key = value;
    else return Status::InvalidArgument(path + ":" + std::to_string(number) + ": unknown field '" + name + "'");
  }
  if (pair.public_key.empty()) return Status::InvalidArgument(path + ": no 'public = <key>' line");
  return pair;
}

Status write(const std::string& dir, const std::string& id, const KeyPair& pair) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::Unavailable("cannot create " + dir + ": " + ec.message());
  const std::filesystem::path base(dir);
  std::ostringstream pub;
  pub << "# xinhui-hub CURVE public key of " << id << "\npublic = " << pair.public_key << "\n";
  if (Status s = write_file(base / (id + ".pub"), pub.str(), 0644); !s.ok()) return s;
  std::ostringstream key;
  key << "# xinhui-hub CURVE key pair of " << id << ". Secret: keep it on " << id << "'s machine only.\n"
      << "public = " << pair.public_key << "\nsecret = " << pair.secret_key << "\n";
  return write_file(base / (id + ".key"), key.str(), 0600);
}

}  // namespace hub::keys
