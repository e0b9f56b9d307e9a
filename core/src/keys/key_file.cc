#include "keys/key_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <zmq.h>

#include "util/ids.h"

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

// Creates `path` new with exactly `mode` (whatever the umask) and writes `text`.
Status create_file(const std::filesystem::path& path, const std::string& text, mode_t mode) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
  if (fd < 0) {
    const int error = errno;
    if (error == EEXIST)
      return Status::Conflict(path.string() + " appeared while the key pair was being written; nothing was replaced");
    return Status::Unavailable("cannot create " + path.string() + ": " + std::strerror(error) +
                               "; check the folder's owner and permissions");
  }
  bool ok = ::fchmod(fd, mode) == 0;
  for (std::size_t done = 0; ok && done < text.size();) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<std::size_t>(n);
  }
  ok = ::fsync(fd) == 0 && ok;
  const int error = errno;
  ok = ::close(fd) == 0 && ok;
  if (!ok) {
    ::unlink(path.c_str());
    return Status::Unavailable("cannot write " + path.string() + ": " + std::strerror(error));
  }
  return {};
}

// "" when nothing is at `path` (not even a dangling link), else what is there.
std::string what_is_at(const std::filesystem::path& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return {};
  return S_ISLNK(st.st_mode) ? "a symbolic link" : S_ISREG(st.st_mode) ? "a file" : "something that is not a file";
}

}  // namespace

bool is_z85_key(const std::string& s) {
  if (s.size() != 40) return false;
  for (char c : s)
    if (kZ85Alphabet.find(c) == std::string_view::npos) return false;
  return true;
}

std::string fingerprint(const std::string& public_key_z85) { return public_key_z85.substr(0, 8) + "…"; }

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

Status write(const std::string& dir, const std::string& id, const KeyPair& pair, Replace replace) {
  if (!is_id(id))
    return Status::InvalidArgument("'" + id + "' is not a unit id (expected " + kIdRule + ")");
  const std::filesystem::path base(dir);
  const std::filesystem::path secret_path = base / (id + ".key"), public_path = base / (id + ".pub");
  for (const auto& path : {secret_path, public_path}) {
    const std::string there = what_is_at(path);
    if (there.empty()) continue;
    if (replace == Replace::kNo)
      return Status::Conflict(path.string() + " exists already (" + there + "); nothing was written. To replace " + id +
                              "'s key pair, add --force: whoever holds the old secret key can then no longer connect");
    if (::unlink(path.c_str()) != 0)
      return Status::Unavailable("cannot remove " + path.string() + " to replace it: " + std::strerror(errno));
  }
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::Unavailable("cannot create " + dir + ": " + ec.message());
  std::ostringstream key;
  key << "# xinhui-hub CURVE key pair of " << id << ". Secret: keep it on " << id << "'s machine only.\n"
      << "public = " << pair.public_key << "\nsecret = " << pair.secret_key << "\n";
  if (Status s = create_file(secret_path, key.str(), 0600); !s.ok()) return s;
  std::ostringstream pub;
  pub << "# xinhui-hub CURVE public key of " << id << "\npublic = " << pair.public_key << "\n";
  if (Status s = create_file(public_path, pub.str(), 0644); !s.ok()) {
    ::unlink(secret_path.c_str());
    return s;
  }
  return {};
}

}  // namespace hub::keys
