#include "curve_key_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <sstream>
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

std::string octal_mode(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

// Whether a file with these attributes may hold the hub's secret: only the
// hub's user (or root) owns it, and nobody else may read or write it.
Status check_private(const struct stat& st, const std::string& path) {
  if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
    return Status::PermissionDenied("the hub's secret key file " + path + " may be read or written by its group or by "
                                    "others (mode " + octal_mode(st.st_mode) + "): run 'chmod 600 " + path +
                                    "', and make a new pair ('hubctl keygen --force') if others may have read it");
  if (st.st_uid != ::geteuid() && st.st_uid != 0)
    return Status::PermissionDenied("the hub's secret key file " + path + " belongs to uid " +
                                    std::to_string(st.st_uid) + ", neither the hub's user (uid " +
                                    std::to_string(::geteuid()) + ") nor root: run 'chown " +
                                    std::to_string(::geteuid()) + " " + path + "'");
  return {};
}

// The file's text and attributes, from one open file.
Status read_text(const std::string& path, std::string& text, struct stat& st) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return Status::NotFound("the hub's key file " + path + " cannot be read (" + std::strerror(errno) +
                            "); create it with 'hubctl keygen --unit HUB_ID --out DIR' "
                            "and set adapters[zmq].settings.secret_key_file");
  Status checked;
  if (::fstat(fd, &st) != 0) checked = Status::Unavailable("cannot examine " + path + ": " + std::strerror(errno));
  else if (!S_ISREG(st.st_mode)) checked = Status::InvalidArgument(path + " is not a file: give the hub's key pair file (.key)");
  char buffer[4096];
  for (ssize_t n = 0; checked.ok() && (n = ::read(fd, buffer, sizeof buffer)) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) checked = Status::Unavailable("cannot read " + path + ": " + std::strerror(errno));
    else if (text.size() > 64 * 1024) checked = Status::InvalidArgument(path + " is too large for a key file");
    else text.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return checked;
}

Status read_file(const std::string& path, CurveServerKey& out) {
  std::string text;
  struct stat st {};
  if (Status s = read_text(path, text, st); !s.ok()) return s;
  std::istringstream in(text);
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
  if (Status s = check_private(st, path); !s.ok()) return s;
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
