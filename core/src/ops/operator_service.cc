#include "ops/operator_service.h"

#include <sys/stat.h>

#include <filesystem>

#include <spdlog/spdlog.h>
#include <zmq.hpp>

#include "ops/operator_queries.h"
#include "ops/parked.h"
#include "ops/report.h"
#include "store/db_link.h"

namespace hub::ops {

struct OperatorService::Impl {
  Impl(std::string conninfo, const bus::CatalogHolder& c, const Clock& k, std::function<void()> r)
      : db(std::move(conninfo), "operator socket"), catalog(c), clock(k), replayed(std::move(r)) {}

  void run();
  Json handle(const Json& request);
  void add_type_names(Json& answer) const;

  store::DbLink db;
  const bus::CatalogHolder& catalog;
  const Clock& clock;
  std::function<void()> replayed;
  zmq::context_t context{1};
  zmq::socket_t socket{context, zmq::socket_type::router};
  std::atomic<bool> stopping{false};
  std::thread thread;
};

Result<std::unique_ptr<OperatorService>> OperatorService::start(const std::string& socket_path,
                                                                const std::string& conninfo,
                                                                const bus::CatalogHolder& catalog, const Clock& clock,
                                                                std::function<void()> replayed) {
  auto impl = std::make_unique<Impl>(conninfo, catalog, clock, std::move(replayed));
  const std::filesystem::path path(socket_path);
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  if (ec) return Status::Unavailable("cannot create the operator socket's folder " + path.parent_path().string() + ": " + ec.message());
  ::chmod(path.parent_path().c_str(), 0700);
  std::filesystem::remove(path, ec);  // a socket file left by a crash
  try {
    impl->socket.set(zmq::sockopt::linger, 0);
    impl->socket.bind("ipc://" + socket_path);
  } catch (const zmq::error_t& e) {
    return Status::Unavailable("cannot open the operator socket " + socket_path + ": " + e.what() +
                               " (is another hubd using this data folder?)");
  }
  Impl* raw = impl.get();
  impl->thread = std::thread([raw] { raw->run(); });
  spdlog::info("operator socket at {}", socket_path);
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
    zmq::pollitem_t items[] = {{socket.handle(), 0, ZMQ_POLLIN, 0}};
    try {
      zmq::poll(items, 1, std::chrono::milliseconds(200));
      if (!(items[0].revents & ZMQ_POLLIN)) continue;
      std::vector<zmq::message_t> frames;
      while (true) {
        zmq::message_t m;
        if (!socket.recv(m, zmq::recv_flags::dontwait)) break;
        const bool more = m.more();
        frames.push_back(std::move(m));
        if (!more) break;
      }
      if (frames.size() < 2) continue;
      Json request = Json::parse(frames.back().to_string_view(), nullptr, false);
      Json answer = request.is_object() ? handle(request)
                                        : Json{{"ok", false}, {"error", "the request must be one JSON object"}};
      socket.send(frames.front(), zmq::send_flags::sndmore);
      socket.send(zmq::buffer(answer.dump(-1, ' ', false, Json::error_handler_t::replace)), zmq::send_flags::dontwait);
    } catch (const std::exception& e) {
      spdlog::error("operator socket: {}", e.what());
    }
  }
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

Json OperatorService::Impl::handle(const Json& request) {
  const std::string op = request.value("op", "");
  const std::string who = request.contains("operator") && request["operator"].is_string()
                              ? request["operator"].get<std::string>() : "unknown";
  store::PgConnection* conn = db.get();
  if (conn == nullptr) return {{"ok", false}, {"error", "the hub's database is unreachable now; try again shortly"}};
  Result<Json> result = Status::InvalidArgument("unknown op '" + op + "' (expected case, events, parked, replay, report or status)");
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
  }
  // Every action is logged with the operator; the polling of `hubctl log --follow` only at debug.
  if (op == "events") spdlog::debug("operator {}: {}", who, request.dump());
  else if (op != "replay") spdlog::info("operator {}: {}", who, request.dump());
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
