#include "keys/credential_key.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <optional>
#include <sstream>

#include "keys/request_signature.h"
#include "util/file_mode.h"

namespace hub::keys {
namespace {

constexpr std::size_t kMaxFileBytes = 4096;
constexpr const char* kCheckText = "xinhui-hub credentials key check";
constexpr const char* kCheckContext = "credential_key_check";
constexpr const char* kFileHeader =
    "# xinhui-hub: the master key of the units' request-signing secrets (hub.credentials.key_file).\n"
    "# The database holds those secrets encrypted with this key. Keep this file mode 0600, back it up\n"
    "# apart from the database, and give every hub sharing the database this same file.\n";

std::string trimmed(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

// The file's bytes, after checking it is a regular file only the hub's user (or root) may read or write.
Result<std::string> read_private_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return Status::NotFound("the credentials key file " + path + " cannot be read: " + std::strerror(errno) +
                            " (restore it from its backup, or check hub.credentials.key_file)");
  struct stat st {};
  Status checked;
  std::string text;
  if (::fstat(fd, &st) != 0)
    checked = Status::Unavailable("cannot examine " + path + ": " + std::strerror(errno));
  else if (!S_ISREG(st.st_mode))
    checked = Status::InvalidArgument("the credentials key file " + path + " is not a file");
  else if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
    checked = Status::PermissionDenied("the credentials key file " + path +
                                       " may be read or written by its group or by others (mode " +
                                       octal_mode(st.st_mode) + "): run 'chmod 600 " + path +
                                       "'; if others may have read it, issue every unit a new credential "
                                       "(hubctl credential rotate UNIT)");
  else if (st.st_uid != ::geteuid() && st.st_uid != 0)
    checked = Status::PermissionDenied("the credentials key file " + path + " belongs to uid " +
                                       std::to_string(st.st_uid) + ", neither the hub's user (uid " +
                                       std::to_string(::geteuid()) + ") nor root: run 'chown " +
                                       std::to_string(::geteuid()) + " " + path + "'");
  char buffer[1024];
  for (ssize_t n = 0; checked.ok() && (n = ::read(fd, buffer, sizeof buffer)) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) checked = Status::Unavailable("cannot read " + path + ": " + std::strerror(errno));
    else if (text.size() + static_cast<std::size_t>(n) > kMaxFileBytes)
      checked = Status::InvalidArgument("the credentials key file " + path + " is too large to be a key file");
    else text.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  if (!checked.ok()) return checked;
  return text;
}

// The key of a file's text: exactly one "key = <64 hex>" line besides comments and blank lines.
Result<std::array<unsigned char, CredentialKey::kKeyBytes>> parse_key(const std::string& text, const std::string& path) {
  const std::string expected = "expected one line 'key = ' and 64 lower-case hexadecimal digits (32 bytes); "
                               "restore the file from its backup";
  std::istringstream in(text);
  std::optional<std::string> key;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    line = trimmed(line);
    if (line.empty() || line[0] == '#') continue;
    const auto equals = line.find('=');
    const auto bytes = equals == std::string::npos ? std::nullopt
                                                   : from_hex(trimmed(line.substr(equals + 1)), CredentialKey::kKeyBytes);
    if (trimmed(line.substr(0, equals)) != "key" || !bytes || key)
      return Status::InvalidArgument("the credentials key file " + path + ", line " + std::to_string(number) + ": " +
                                     (key && bytes ? "a second key; " : "") + expected);
    key = bytes;
  }
  if (!key) return Status::InvalidArgument("the credentials key file " + path + " holds no key: " + expected);
  std::array<unsigned char, CredentialKey::kKeyBytes> out{};
  std::memcpy(out.data(), key->data(), out.size());
  sodium_memzero(key->data(), key->size());
  return out;
}

// Writes a fresh key to `path`, created new with mode 0600 whatever the umask.
// Writes a new key to a private file beside `path`, then links it to `path`
// in one step: another hub sharing the folder and starting at the same time
// either sees no file or a whole one. True: this call made the file; false:
// another process made it first (it is used as it is).
Result<bool> create_key_file(const std::string& path) {
  std::error_code ec;
  const auto folder = std::filesystem::path(path).parent_path();
  if (!folder.empty()) std::filesystem::create_directories(folder, ec);
  const std::string draft = path + ".new-" + to_hex(random_bytes(8));
  const int fd = ::open(draft.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0)
    return Status::Unavailable("cannot create the credentials key file " + path + ": " + std::strerror(errno) +
                               "; check its folder's owner and permissions, or set hub.credentials.key_file");
  std::string text = kFileHeader;
  text += "key = ";
  text += to_hex(random_bytes(CredentialKey::kKeyBytes));
  text += '\n';
  bool ok = ::fchmod(fd, 0600) == 0;
  for (std::size_t done = 0; ok && done < text.size();) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<std::size_t>(n);
  }
  int error = errno;
  ok = ::fsync(fd) == 0 && ::close(fd) == 0 && ok;
  sodium_memzero(text.data(), text.size());
  bool linked = false;
  if (ok) {
    linked = ::link(draft.c_str(), path.c_str()) == 0;
    error = errno;
  }
  ::unlink(draft.c_str());
  if (linked) return true;
  if (ok && error == EEXIST) return false;  // another hub made it a moment ago
  return Status::Unavailable("cannot write the credentials key file " + path + ": " + std::strerror(error));
}

}  // namespace

Result<CredentialKey> CredentialKey::load(const std::string& path) {
  if (sodium_init() < 0) return Status::Internal("libsodium could not start");
  auto text = read_private_file(path);
  if (!text.ok()) return text.status();
  auto key = parse_key(*text, path);
  sodium_memzero(text->data(), text->size());
  if (!key.ok()) return key.status();
  CredentialKey out(*key);
  sodium_memzero(key->data(), key->size());
  return out;
}

Result<CredentialKey> CredentialKey::load_or_create(const std::string& path, bool& created) {
  created = false;
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0 && errno == ENOENT) {
    if (sodium_init() < 0) return Status::Internal("libsodium could not start");
    auto made = create_key_file(path);
    if (!made.ok()) return made.status();
    created = *made;
  }
  return load(path);
}

CredentialKey::~CredentialKey() { sodium_memzero(key_.data(), key_.size()); }

std::string CredentialKey::seal(std::string_view plaintext, std::string_view context) const {
  std::string out(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + plaintext.size() +
                      crypto_aead_xchacha20poly1305_ietf_ABYTES,
                  '\0');
  auto* nonce = reinterpret_cast<unsigned char*>(out.data());
  randombytes_buf(nonce, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      nonce + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, &written,
      reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size(),
      reinterpret_cast<const unsigned char*>(context.data()), context.size(), nullptr, nonce, key_.data());
  out.resize(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + written);
  return out;
}

Result<std::string> CredentialKey::open(std::string_view sealed, std::string_view context) const {
  constexpr std::size_t kOverhead = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + crypto_aead_xchacha20poly1305_ietf_ABYTES;
  const Status refused = Status::PermissionDenied(
      "a stored secret does not open with this hub's credentials key file: the file is not the one the secret was "
      "issued with (every hub on one database needs the same file), or the row was altered");
  if (sealed.size() < kOverhead) return refused;
  const auto* nonce = reinterpret_cast<const unsigned char*>(sealed.data());
  std::string plain(sealed.size() - kOverhead, '\0');
  unsigned long long length = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<unsigned char*>(plain.data()), &length, nullptr,
          nonce + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, sealed.size() - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
          reinterpret_cast<const unsigned char*>(context.data()), context.size(), nonce, key_.data()) != 0)
    return refused;
  plain.resize(length);
  return plain;
}

std::string CredentialKey::seal_check_value() const { return seal(kCheckText, kCheckContext); }

bool CredentialKey::opens_check_value(std::string_view sealed) const {
  const auto text = open(sealed, kCheckContext);
  return text.ok() && text.value() == kCheckText;
}

}  // namespace hub::keys
