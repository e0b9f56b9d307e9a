#include "http_settings.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <fstream>
#include <sstream>

#include "http/listener_config.h"

namespace hub::http_adapter {
namespace {

constexpr std::size_t kShortestSecret = 32;

std::string setting_name(const std::string& name) { return "adapters[http].settings." + name; }

// A whole number of seconds within [min, max]; `fallback` when absent.
Status read_seconds(const nlohmann::json& map, const std::string& where, const char* name, int fallback, int min,
                    int max, std::chrono::milliseconds* out) {
  const auto it = map.find(name);
  if (it == map.end() || it->is_null()) {
    *out = std::chrono::seconds(fallback);
    return {};
  }
  if (!it->is_number_integer() || it->get<std::int64_t>() < min || it->get<std::int64_t>() > max)
    return Status::InvalidArgument(where + "." + name + " must be a whole number of seconds from " +
                                   std::to_string(min) + " to " + std::to_string(max));
  *out = std::chrono::seconds(it->get<std::int64_t>());
  return {};
}

Status read_count(const nlohmann::json& map, const std::string& where, const char* name, std::int64_t fallback,
                  std::int64_t min, std::int64_t max, std::int64_t* out) {
  const auto it = map.find(name);
  if (it == map.end() || it->is_null()) {
    *out = fallback;
    return {};
  }
  if (!it->is_number_integer() || it->get<std::int64_t>() < min || it->get<std::int64_t>() > max)
    return Status::InvalidArgument(where + "." + name + " must be a whole number from " + std::to_string(min) +
                                   " to " + std::to_string(max));
  *out = it->get<std::int64_t>();
  return {};
}

// Makes a new secret file: 32 random bytes as 64 hex digits, mode 0600,
// never replacing a file that appeared meanwhile.
Status make_secret_file(const std::string& path, const std::string& where) {
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  char hex[2 * sizeof bytes + 1];
  sodium_bin2hex(hex, sizeof hex, bytes, sizeof bytes);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    return Status::InvalidArgument(where + ": cannot make " + path + " (" + std::strerror(errno) +
                                   "): write the webhook's secret there yourself ('openssl rand -hex 32', mode 0600)");
  const std::string line = std::string(hex) + "\n";
  const bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  ::close(fd);
  if (!written) return Status::InvalidArgument(where + ": could not write " + path);
  return {};
}

// The secret file: its first line, at least kShortestSecret characters,
// readable by the hub's user alone. A missing file is made with a new secret
// (`made` says so: the unit's IT staff must be given it).
Status read_secret_file(const std::string& path, const std::string& where, std::string* out, bool* made) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 && errno == ENOENT) {
    if (Status s = make_secret_file(path, where); !s.ok()) return s;
    *made = true;
  }
  if (::stat(path.c_str(), &st) != 0)
    return Status::InvalidArgument(where + ": cannot read " + path +
                                   ": write the webhook's secret there (e.g. 'openssl rand -hex 32 > FILE', mode 0600)");
  if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
    return Status::InvalidArgument(where + ": " + path + " may be read by other users: chmod 600 it");
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  if (line.size() < kShortestSecret)
    return Status::InvalidArgument(where + ": the secret in " + path + " has " + std::to_string(line.size()) +
                                   " characters; write at least " + std::to_string(kShortestSecret) +
                                   " (e.g. 'openssl rand -hex 32')");
  *out = line;
  return {};
}

bool is_loopback_host(const std::string& host) {
  return host == "::1" || host.rfind("127.", 0) == 0;
}

Status parse_webhook(const std::string& unit, const nlohmann::json& entry, WebhookSettings* out) {
  const std::string where = setting_name("webhooks." + unit);
  if (!entry.is_object())
    return Status::InvalidArgument(where + " must be a map: {url: https://..., secret_file: ...}");
  static const char* kKnown[] = {"url", "secret_file", "ca_file", "timeout_seconds", "connections",
                                 "batch", "queue_limit", "allow_plain_http"};
  for (const auto& [key, value] : entry.items()) {
    bool known = false;
    for (const char* k : kKnown) known = known || key == k;
    if (!known)
      return Status::InvalidArgument(where + "." + key +
                                     " is not a webhook setting (url, secret_file, ca_file, timeout_seconds, "
                                     "connections, batch, queue_limit, allow_plain_http)");
  }
  WebhookSettings w;
  const auto url = entry.find("url");
  if (url == entry.end() || !url->is_string())
    return Status::InvalidArgument(where + ".url is required: the https:// address the hub pushes to");
  w.url = url->get<std::string>();
  const auto plain = entry.find("allow_plain_http");
  if (plain != entry.end() && !plain->is_boolean())
    return Status::InvalidArgument(where + ".allow_plain_http must be true or false");
  const bool allow_plain = plain != entry.end() && plain->get<bool>();
  if (Status s = parse_webhook_url(w.url, allow_plain, &w.where); !s.ok())
    return Status::InvalidArgument(where + ".url: " + s.message());
  const auto secret = entry.find("secret_file");
  if (secret == entry.end() || !secret->is_string())
    return Status::InvalidArgument(where + ".secret_file is required: a file holding the secret the pushes "
                                           "are signed with, which the unit's IT staff also get");
  w.secret_file = secret->get<std::string>();
  if (Status s = read_secret_file(w.secret_file, where + ".secret_file", &w.secret, &w.secret_made); !s.ok()) return s;
  const auto ca = entry.find("ca_file");
  if (ca != entry.end()) {
    if (!ca->is_string()) return Status::InvalidArgument(where + ".ca_file must be a path to PEM certificates");
    w.ca_file = ca->get<std::string>();
  }
  if (Status s = read_seconds(entry, where, "timeout_seconds", 10, 1, 300, &w.timeout); !s.ok()) return s;
  std::int64_t connections = 0;
  if (Status s = read_count(entry, where, "connections", 2, 1, 32, &connections); !s.ok()) return s;
  w.connections = static_cast<int>(connections);
  std::int64_t batch = 0;
  if (Status s = read_count(entry, where, "batch", 1, 1, kLargestWebhookBatch, &batch); !s.ok()) return s;
  w.batch = static_cast<int>(batch);
  std::int64_t queue_limit = 0;
  if (Status s = read_count(entry, where, "queue_limit", 1000, 1, 1000000, &queue_limit); !s.ok()) return s;
  w.queue_limit = static_cast<std::size_t>(queue_limit);
  *out = std::move(w);
  return {};
}

}  // namespace

std::vector<SettingDecl> setting_declarations() {
  return {
      {"listener", SettingType::kMap, nullptr, true,
       "the unit API's listener: {bind: \"0.0.0.0:8443\", certificate_file: ..., private_key_file: ...} and "
       "optional client_ca_file, limits and timeouts (docs/ADAPTERS.md, \"Running the HTTP adapter\")"},
      {"answer_timeout_seconds", SettingType::kInt, 30, false,
       "how long a request waits for the hub's answer before it is answered 503 no_answer (resend it with the "
       "same reference)"},
      {"max_poll_wait_seconds", SettingType::kInt, 10, false,
       "the longest GET /v1/inbox?wait=N holds a request open; keep it below hub.heartbeat_timeout_seconds"},
      {"poll_presence_seconds", SettingType::kInt, 15, false,
       "a unit that polled its inbox counts as connected this long afterwards (work is handed to it)"},
      {"inbox_limit", SettingType::kInt, 1000, false,
       "messages kept for one polling unit; beyond, the hub keeps them and sends them again later"},
      {"request_threads", SettingType::kInt, 8, false,
       "requests carried out at once (each waits for its credential check in the database); the listener's own "
       "threads only read and write"},
      {"max_upload_bytes", SettingType::kInt, 20971520, false,
       "the largest file POST /v1/attachments takes (its whole body); the case types' own limits still apply"},
      {"uploads_at_once", SettingType::kInt, 4, false,
       "uploads being read or stored at once, and files being fetched at once; more are answered 503 busy "
       "(an upload before its body is read)"},
      {"webhooks", SettingType::kMap, nullptr, false,
       "units the hub pushes to, by unit id: {url, secret_file, ca_file, timeout_seconds, connections, batch, queue_limit}; a "
       "unit not named here fetches its messages with GET /v1/inbox"},
  };
}

Status parse_webhook_url(const std::string& url, bool allow_plain, WebhookTarget* out) {
  WebhookTarget t;
  std::string rest;
  if (url.rfind("https://", 0) == 0) {
    rest = url.substr(8);
    t.https = true;
    t.port = 443;
  } else if (url.rfind("http://", 0) == 0) {
    rest = url.substr(7);
    t.https = false;
    t.port = 80;
  } else {
    return Status::InvalidArgument("'" + url + "' must start with https://");
  }
  const auto path_at = rest.find_first_of("/?#");
  std::string authority = rest.substr(0, path_at);
  t.target = path_at == std::string::npos ? "/" : rest.substr(path_at);
  if (t.target.find('#') != std::string::npos) return Status::InvalidArgument("'" + url + "' must not have a #fragment");
  if (t.target[0] == '?') t.target = "/" + t.target;
  if (authority.find('@') != std::string::npos)
    return Status::InvalidArgument("'" + url + "' must not hold a user name or password: the pushes are signed");
  std::string port;
  if (!authority.empty() && authority[0] == '[') {
    const auto close = authority.find(']');
    if (close == std::string::npos) return Status::InvalidArgument("'" + url + "' has an unclosed '['");
    t.host = authority.substr(1, close - 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return Status::InvalidArgument("'" + url + "': expected ':port' after ']'");
      port = authority.substr(close + 2);
    }
  } else {
    const auto colon = authority.find(':');
    t.host = authority.substr(0, colon);
    if (colon != std::string::npos) port = authority.substr(colon + 1);
  }
  if (t.host.empty()) return Status::InvalidArgument("'" + url + "' names no host");
  if (!port.empty() || (authority.find(':') != std::string::npos && authority[0] != '[')) {
    if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
        std::stoi(port) < 1 || std::stoi(port) > 65535)
      return Status::InvalidArgument("'" + url + "' has a port that is not 1..65535");
    t.port = static_cast<std::uint16_t>(std::stoi(port));
  }
  if (!t.https && !allow_plain && !is_loopback_host(t.host))
    return Status::InvalidArgument("'" + url +
                                   "' is plain http to another machine: use https://, or set allow_plain_http: "
                                   "true when a TLS proxy on the way protects it");
  *out = std::move(t);
  return {};
}

Status parse_settings(const nlohmann::json& settings, HttpSettings& out) noexcept {
  try {
    if (!settings.is_object()) return Status::InvalidArgument("adapters[http].settings must be a map");
    HttpSettings parsed;
    const auto listener = settings.find("listener");
    if (listener == settings.end() || !listener->is_object())
      return Status::InvalidArgument(setting_name("listener") +
                                     " is required: a map with bind, certificate_file and private_key_file");
    if (Status s = http::read_listener_settings(*listener, setting_name("listener"), &parsed.listener); !s.ok())
      return s;
    const std::string where = "adapters[http].settings";
    if (Status s = read_seconds(settings, where, "answer_timeout_seconds", 30, 1, 600, &parsed.answer_timeout);
        !s.ok())
      return s;
    if (Status s = read_seconds(settings, where, "max_poll_wait_seconds", 10, 1, 300, &parsed.max_poll_wait); !s.ok())
      return s;
    if (Status s = read_seconds(settings, where, "poll_presence_seconds", 15, 1, 3600, &parsed.poll_presence);
        !s.ok())
      return s;
    std::int64_t inbox_limit = 0;
    if (Status s = read_count(settings, where, "inbox_limit", 1000, 1, 1000000, &inbox_limit); !s.ok()) return s;
    parsed.inbox_limit = static_cast<std::size_t>(inbox_limit);
    std::int64_t request_threads = 0;
    if (Status s = read_count(settings, where, "request_threads", 8, 1, 64, &request_threads); !s.ok()) return s;
    parsed.request_threads = static_cast<int>(request_threads);
    std::int64_t upload_bytes = 0, uploads = 0;
    if (Status s = read_count(settings, where, "max_upload_bytes", 20971520, 1, std::int64_t{1} << 30, &upload_bytes);
        !s.ok())
      return s;
    if (Status s = read_count(settings, where, "uploads_at_once", 4, 1, 64, &uploads); !s.ok()) return s;
    parsed.max_upload_bytes = static_cast<std::size_t>(upload_bytes);
    parsed.uploads_at_once = static_cast<std::size_t>(uploads);
    if (const auto hooks = settings.find("webhooks"); hooks != settings.end() && !hooks->is_null()) {
      if (!hooks->is_object())
        return Status::InvalidArgument(setting_name("webhooks") + " must be a map of unit id to {url, secret_file}");
      for (const auto& [unit, entry] : hooks->items()) {
        WebhookSettings w;
        if (Status s = parse_webhook(unit, entry, &w); !s.ok()) return s;
        parsed.webhooks.emplace(unit, std::move(w));
      }
    }
    out = std::move(parsed);
    return {};
  } catch (const std::exception& e) {
    return Status::Internal(std::string("reading adapters[http].settings: ") + e.what());
  }
}

}  // namespace hub::http_adapter
