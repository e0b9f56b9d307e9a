#include "ops/operator_service.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <spdlog/spdlog.h>

#include "ops/credential_admin.h"
#include "ops/local_socket.h"
#include "ops/operator_access.h"
#include "ops/operator_queries.h"
#include "ops/parked.h"
#include "ops/report.h"
#include "ops/unit_admin.h"
#include "store/db_link.h"
#include "util/printable.h"

namespace hub::ops {
namespace {

constexpr std::size_t kMaxRequestBytes = 1024 * 1024;
constexpr auto kRequestTime = std::chrono::seconds(5);   // to send the request, once connected
constexpr auto kAnswerTime = std::chrono::seconds(30);   // to take the answer

// Binds and listens at `path`. A socket file left there by a hub that is gone
// is replaced; one where a hub still answers, or anything that is not a
// socket, is refused.
Result<UniqueFd> listen_at(const std::string& path) {
  sockaddr_un address{};
  if (!unix_address(path, address))
    return Status::InvalidArgument("hub.operator_socket " + path + " is too long for a Unix socket (at most 107 bytes)");
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode))
      return Status::InvalidArgument("hub.operator_socket " + path + " exists and is not a socket: remove it or choose another path");
    UniqueFd probe(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (probe && ::connect(probe.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0)
      return Status::Unavailable("another hubd answers on the operator socket " + path +
                                 ": stop it, or give this hub its own hub.operator_socket and data_dir");
    ::unlink(path.c_str());  // left by a hub that stopped without removing it
  }
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!fd) return Status::Unavailable(std::string("cannot make the operator socket: ") + std::strerror(errno));
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0 || ::listen(fd.get(), 16) != 0)
    return Status::Unavailable("cannot open the operator socket " + path + ": " + std::strerror(errno));
  return fd;
}

}  // namespace

struct OperatorService::Impl {
  Impl(std::string path, OperatorAccess a, std::string conninfo, const catalog::CatalogHolder& c,
       const keys::CredentialKey& key, const Clock& k, std::function<void()> r,
       std::function<Status(store::PgConnection&)> u)
      : socket_path(std::move(path)), access(std::move(a)), db(std::move(conninfo), "operator socket"), catalog(c),
        credential_key(key), clock(k), replayed(std::move(r)), units_changed(std::move(u)) {}
  ~Impl() {
    if (listener) ::unlink(socket_path.c_str());
  }

  void run();
  void serve(int fd);
  Json handle(Json request, const std::string& who);
  void add_type_names(Json& answer) const;

  std::string socket_path;
  OperatorAccess access;
  UniqueFd listener;
  store::DbLink db;
  const catalog::CatalogHolder& catalog;
  const keys::CredentialKey& credential_key;
  const Clock& clock;
  std::function<void()> replayed;
  std::function<Status(store::PgConnection&)> units_changed;
  std::atomic<bool> stopping{false};
  std::thread thread;
};

Result<std::unique_ptr<OperatorService>> OperatorService::start(const std::string& socket_path,
                                                                const std::string& operator_group,
                                                                const std::string& conninfo,
                                                                const catalog::CatalogHolder& catalog,
                                                                const keys::CredentialKey& credential_key,
                                                                const Clock& clock, std::function<void()> replayed,
                                                                std::function<Status(store::PgConnection&)> units_changed) {
  auto access = OperatorAccess::resolve(operator_group);
  if (!access.ok()) return access.status();
  if (Status s = access->secure_folder(std::filesystem::path(socket_path).parent_path().string()); !s.ok()) return s;
  auto listener = listen_at(socket_path);
  if (!listener.ok()) return listener.status();
  auto impl = std::make_unique<Impl>(socket_path, std::move(access.value()), conninfo, catalog, credential_key, clock,
                                     std::move(replayed), std::move(units_changed));
  impl->listener = std::move(listener.value());
  if (Status s = impl->access.secure_socket(socket_path); !s.ok()) return s;
  Impl* raw = impl.get();
  impl->thread = std::thread([raw] { raw->run(); });
  spdlog::info("operator socket at {} (operators: root, the hub's user{})", socket_path,
               operator_group.empty() ? std::string() : " and group " + operator_group);
  return std::unique_ptr<OperatorService>(new OperatorService(std::move(impl)));
}

OperatorService::OperatorService(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

OperatorService::~OperatorService() { stop(); }

void OperatorService::stop() {
  if (!impl_) return;
  impl_->stopping = true;
  if (impl_->thread.joinable()) impl_->thread.join();
}

void OperatorService::Impl::run() {
  while (!stopping) {
    pollfd p{listener.get(), POLLIN, 0};
    if (::poll(&p, 1, 200) <= 0) continue;  // wakes every 200 ms to see whether the hub stops
    UniqueFd connection(::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK));
    if (!connection) continue;
    try {
      serve(connection.get());
    } catch (const std::exception& e) {
      spdlog::error("operator socket: {}", e.what());
    }
  }
}

// One connection: who it is (asked of the kernel before anything is read),
// its request, the answer. The request is read even from a peer that is
// refused, so that the answer is not lost to a reset.
void OperatorService::Impl::serve(int fd) {
  auto answer_with = [fd](const Json& answer) {
    write_all(fd, answer.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n",
              std::chrono::steady_clock::now() + kAnswerTime);
  };
  auto peer = peer_credentials(fd);
  auto line = read_line(fd, kMaxRequestBytes, std::chrono::steady_clock::now() + kRequestTime);
  if (!peer.ok()) {
    spdlog::error("operator socket: {}", peer.status().message());
    answer_with({{"ok", false}, {"error", "the hub cannot tell who you are: " + peer.status().message()}});
    return;
  }
  const std::string who = operator_name(*peer);
  if (!access.admits(*peer)) {
    spdlog::warn("operator socket: refused uid {} (pid {}): {}", peer->uid, peer->pid, access.refusal(*peer));
    answer_with({{"ok", false}, {"error", access.refusal(*peer)}});
    return;
  }
  if (!line.ok()) {
    spdlog::warn("operator {}: request not read: {}", who, line.status().message());
    answer_with({{"ok", false}, {"error", "request not read: " + line.status().message() +
                                              " (send one JSON object on one line, ending with a newline)"}});
    return;
  }
  Json request = Json::parse(*line, nullptr, false);
  answer_with(request.is_object() ? handle(std::move(request), who)
                                  : Json{{"ok", false}, {"error", "the request must be one JSON object on one line"}});
}

// Adds the Chinese display name next to every case type in an answer.
void OperatorService::Impl::add_type_names(Json& answer) const {
  const auto current = catalog.get();
  auto name_rows = [&](Json& rows, const char* key) {
    if (!rows.is_array()) return;
    for (auto& row : rows)
      if (row.is_object() && row.contains(key) && row[key].is_string())
        row["type_name"] = current->case_type_name(row[key].get<std::string>());
  };
  auto name_one = [&](const char* key) {
    if (!answer.contains(key) || !answer[key].is_object()) return;
    Json one = Json::array({answer[key]});
    name_rows(one, "type");
    answer[key] = one[0];
  };
  if (answer.contains("events")) name_rows(answer["events"], "case_type");
  if (answer.contains("history")) name_rows(answer["history"], "case_type");
  if (answer.contains("oldest")) name_rows(answer["oldest"], "type");  // what waits for a unit
  name_one("case");
  name_one("item");
  // Parked work: listed by kind, and by outcome when replayed.
  auto name_kinds = [&](Json& lists) {
    for (const char* kind : {"deliveries", "cases", "updates", "hooks"})
      if (lists.is_object() && lists.contains(kind)) name_rows(lists[kind], "type");
  };
  name_kinds(answer);
  for (const char* part : {"replayed", "not_replayed", "gone"})
    if (answer.contains(part)) name_kinds(answer[part]);
}

// `who` is the kernel's name for the peer; a name the request carries is dropped
// before anything reads or logs the request.
Json OperatorService::Impl::handle(Json request, const std::string& who) {
  request.erase("operator");
  const std::string op = request.value("op", "");
  store::PgConnection* conn = db.get();
  if (conn == nullptr) return {{"ok", false}, {"error", "the hub's database is unreachable now; try again shortly"}};
  Result<Json> result = Status::InvalidArgument(
      "unknown op '" + op + "' (expected case, events, parked, replay, report, status, disable_unit, enable_unit, unit, "
      "units or credential)");
  if (op == "case") result = show_case(*conn, request);
  else if (op == "events") result = list_events(*conn, request);
  else if (op == "parked") result = request.contains("show") ? show_parked(*conn, request) : list_parked(*conn, request);
  else if (op == "report") result = report(*conn, *catalog.get(), request, clock.now());
  else if (op == "status") result = Json{{"hub", catalog.get()->deployment().hub.id}, {"version", HUB_VERSION}};
  else if (op == "replay") {
    spdlog::info("operator {}: replay {}", who, request.dump());
    const bool all = request.contains("all") && request["all"] == true;
    result = all ? replay_parked(*conn, *catalog.get(), request, who, clock.now())
                 : replay(*conn, *catalog.get(), request, who, clock.now());
    if (result.ok()) replayed();
  } else if (op == "disable_unit" || op == "enable_unit") {
    result = op == "disable_unit" ? disable_unit(*conn, *catalog.get(), request, who, clock.now())
                                  : enable_unit(*conn, *catalog.get(), request, who, clock.now());
    if (result.ok() && (*result)["changed"] == true) {
      spdlog::warn("operator {}: {}", who, printable((*result)["action"].get<std::string>()));
      if (Status s = units_changed(*conn); !s.ok())
        spdlog::warn("disabled units: this hub applies the change when it can read it: {}", s.message());
    }
  } else if (op == "credential") {
    result = credential_action(*conn, *catalog.get(), credential_key, request, who, clock.now());
    if (result.ok() && result->contains("action")) spdlog::warn("operator {}: {}", who, printable((*result)["action"].get<std::string>()));
  } else if (op == "unit") result = show_unit(*conn, *catalog.get(), request);
  else if (op == "units") result = list_units(*conn, *catalog.get(), request);
  // Every action is logged with the operator; the polling of `hubctl log --follow` only at debug.
  // Requests carry operators' text (reasons): escaped like units' text.
  if (op == "events") spdlog::debug("operator {}: {}", who, printable_json(request.dump()));
  else if (op != "replay")
    spdlog::info("operator {}: {}", who, printable_json(request.dump()));
  if (result.ok()) add_type_names(result.value());
  if (!result.ok()) {
    db.check(result.status());
    return {{"ok", false}, {"error", result.status().message()}};
  }
  Json out = std::move(result.value());
  out["ok"] = true;
  return out;
}

}  // namespace hub::ops
