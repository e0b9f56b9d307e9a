#include "unit_api.h"

#include <atomic>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "answer_status.h"
#include "openapi_json.h"
#include "protocol_message.h"
#include "request_signature.h"

namespace hub::http_adapter {
namespace {

constexpr std::size_t kDefaultPollLimit = 100;
constexpr std::size_t kLargestPollLimit = 500;
constexpr const char* kHeartbeat = R"({"kind":"heartbeat"})";
// Cases one POST /v1/case-batches carries at most, and how deep it may nest
// (the hub's own limit for a message is 64; a case sits 2 levels down).
constexpr std::size_t kLargestCaseBatch = 100;
constexpr std::size_t kBatchDepth = 66;
// The parts of a batch are the hub's requests too: their ids are apart from
// the listener's (which count from 1), so the two never meet.
constexpr std::uint64_t kFirstPartId = std::uint64_t{1} << 62;
// A fetch over HTTP asks for the whole file; the hub sends at most its size.
constexpr std::int64_t kWholeFile = std::int64_t{1} << 40;

// What a route sends: the protocol kind, and which path parameter (if any)
// becomes which member of the message.
struct RouteSpec {
  std::string kind;
  std::string id_param;   // "" when the path has no id
  std::string id_member;  // the member it becomes ("delivery", "case", ...)
};

http::Response refused(std::string_view code, std::string_view message, std::string_view kind) {
  http::Response response = adapter_error(code, message, kind);
  if (response.status == 401) response.headers.set("WWW-Authenticate", std::string(kSignatureScheme));
  return response;
}

class UnitApi {
 public:
  explicit UnitApi(UnitApiParts parts) : parts_(parts) {}

  // The unit the request's credential belongs to, or the refusal to answer.
  std::optional<std::string> authenticate(const http::Request& r, std::string_view kind, http::Response* refusal) const {
    Credential credential;
    const bool signed_request = r.headers.has(kKeyHeader) || r.headers.has(kSignatureHeader);
    if (signed_request) {
      SignatureHeaders h;
      if (Status s = check_signature_headers(r.headers.get(kKeyHeader), r.headers.get(kTimestampHeader),
                                             r.headers.get(kNonceHeader), r.headers.get(kSignatureHeader), &h);
          !s.ok()) {
        *refusal = refused("unauthenticated", s.message(), kind);
        return std::nullopt;
      }
      credential.kind = Credential::Kind::kSignedRequest;
      if (Status s = canonical_text(r.method, r.path, r.query, h.timestamp, h.nonce, r.body, &credential.signed_text);
          !s.ok()) {
        *refusal = refused("unauthenticated", s.message(), kind);
        return std::nullopt;
      }
      credential.id = std::move(h.key);
      credential.signature = std::move(h.signature);
      credential.timestamp = h.timestamp;
      credential.nonce = std::move(h.nonce);
    } else if (!r.client_certificate_sha256.empty()) {
      credential.kind = Credential::Kind::kClientCertificate;
      credential.id = r.client_certificate_sha256;
    } else {
      *refusal = refused("unauthenticated",
                         "this request carries no credential: sign it with your unit's key (headers X-XH-Key, "
                         "X-XH-Timestamp, X-XH-Nonce, X-XH-Signature; docs/ADAPTERS.md, \"Signing requests\") or "
                         "present your unit's client certificate",
                         kind);
      return std::nullopt;
    }
    Identity identity = parts_.host->authenticate(credential);
    if (!identity.ok()) {
      *refusal = refused(identity.code.empty() ? "unauthenticated" : identity.code, identity.message, kind);
      return std::nullopt;
    }
    parts_.inbox->heard(identity.unit);
    return std::move(identity.unit);
  }

  // The message for the hub, or the refusal to answer.
  std::optional<std::string> message(const http::Request& r, const RouteSpec& spec, http::Response* refusal) const {
    if (!r.body.empty()) {
      const auto type = r.headers.get("Content-Type");
      if (!type || !starts_with_json_type(*type)) {
        *refusal = refused("unsupported_media_type", "send the body as JSON with Content-Type: application/json",
                           spec.kind);
        return std::nullopt;
      }
    }
    std::vector<FixedMember> fixed{{"kind", json_string(spec.kind)}};
    if (!spec.id_param.empty()) {
      const auto id = parse_id(r.param(spec.id_param));
      if (!id) {
        *refusal = refused("invalid_envelope",
                           "the " + spec.id_member + " id in the path must be a whole number from 1 to 2^53-1",
                           spec.kind);
        return std::nullopt;
      }
      fixed.push_back({spec.id_member, std::to_string(*id)});
    }
    std::string text;
    if (Status s = splice_message(fixed, r.body, &text); !s.ok()) {
      *refusal = refused("malformed_json", s.message(), spec.kind);
      return std::nullopt;
    }
    return text;
  }

  // A request the hub answers: kept until its answer comes.
  void ask(const http::Request& r, http::Responder respond, const RouteSpec& spec) const {
    http::Response refusal;
    const auto unit = authenticate(r, spec.kind, &refusal);
    if (!unit) return void(respond(std::move(refusal)));
    auto text = message(r, spec, &refusal);
    if (!text) return void(respond(std::move(refusal)));
    parts_.pending->wait(r.id, spec.kind, std::move(respond));
    parts_.host->on_message(Origin{*unit, r.id}, std::move(*text));
  }

  // Several cases in one request (docs/ADAPTERS.md, "Sending many cases"):
  // each is sent as if it came alone, the answers come back together.
  void send_batch(const http::Request& r, http::Responder respond) const {
    constexpr std::string_view kKind = "send_batch";
    http::Response refusal;
    const auto unit = authenticate(r, kKind, &refusal);
    if (!unit) return void(respond(std::move(refusal)));
    const auto type = r.headers.get("Content-Type");
    if (!type || !starts_with_json_type(*type))
      return void(respond(refused("unsupported_media_type",
                                  "send the body as JSON with Content-Type: application/json", kKind)));
    std::vector<std::string_view> cases;
    if (Status s = split_case_batch(r.body, kLargestCaseBatch, kBatchDepth, &cases); !s.ok())
      return void(respond(refused("malformed_json", s.message(), kKind)));
    auto batch = std::make_shared<AnswerBatch>(cases.size(), std::string(kKind), std::move(respond));
    const std::vector<FixedMember> fixed{{"kind", R"("send")"}};
    const std::uint64_t first = next_part_id_.fetch_add(cases.size());
    std::vector<std::string> texts(cases.size());
    for (std::size_t i = 0; i < cases.size(); ++i) {
      splice_message(fixed, cases[i], &texts[i]);  // an object: it cannot fail
      parts_.pending->wait_part(first + i, "send", batch, i);
    }
    for (std::size_t i = 0; i < cases.size(); ++i)
      parts_.host->on_message(Origin{*unit, first + i}, std::move(texts[i]));
  }

  // An ack: the hub does not answer acks, so the adapter says it took it.
  void ack(const http::Request& r, http::Responder respond, const RouteSpec& spec) const {
    http::Response refusal;
    const auto unit = authenticate(r, "ack", &refusal);
    if (!unit) return void(respond(std::move(refusal)));
    auto text = message(r, spec, &refusal);
    if (!text) return void(respond(std::move(refusal)));
    parts_.host->on_message(Origin{*unit, 0}, std::move(*text));
    respond(http::Response::json(202, R"({"kind":"ack_taken","request":"ack",")" + spec.id_member +
                                          "\":" + std::string(r.param(spec.id_param)) + "}"));
  }

  // A whole file as the body (docs/ADAPTERS.md, "Attachments"): the
  // upload's one chunk, its digest and size the body's own.
  void upload(const http::Request& r, http::Responder respond) const {
    http::Response refusal;
    const auto unit = authenticate(r, "upload", &refusal);
    if (!unit) return void(respond(std::move(refusal)));
    std::string type(r.headers.get("Content-Type").value_or(""));
    type = type.substr(0, type.find(';'));
    while (!type.empty() && type.back() == ' ') type.pop_back();
    if (type.empty() || type == "application/json")
      return void(respond(refused("unsupported_media_type",
                                  "send the file itself as the body, with its type as Content-Type (for example "
                                  "image/jpeg or application/pdf)",
                                  "upload")));
    const std::string envelope = R"({"kind":"upload","sha256":")" + sha256_hex(r.body) + R"(","size":)" +
                                 std::to_string(r.body.size()) + R"(,"type":)" + json_string(type) +
                                 R"(,"offset":0})";
    parts_.pending->wait(r.id, "upload", std::move(respond));
    parts_.host->on_message_with_data(Origin{*unit, r.id}, envelope, r.body);
  }

  // One file a case names, whole (docs/ADAPTERS.md, "Attachments").
  void fetch(const http::Request& r, http::Responder respond) const {
    http::Response refusal;
    const auto unit = authenticate(r, "fetch", &refusal);
    if (!unit) return void(respond(std::move(refusal)));
    const auto case_id = parse_id(r.param("case"));
    const std::string sha256(r.param("sha256"));
    if (!case_id || sha256.size() != 64 || sha256.find_first_not_of("0123456789abcdef") != std::string::npos)
      return void(respond(refused("invalid_envelope",
                                  "the path is /v1/cases/<case id>/attachments/<the file's sha256, 64 lower-case "
                                  "hex digits, as the case lists it>",
                                  "fetch")));
    parts_.pending->wait(r.id, "fetch", std::move(respond));
    parts_.host->on_message(Origin{*unit, r.id}, R"({"kind":"fetch","case":)" + std::to_string(*case_id) +
                                                     R"(,"sha256":")" + sha256 + R"(","length":)" +
                                                     std::to_string(kWholeFile) + "}");
  }

  void poll(const http::Request& r, http::Responder respond) const {
    http::Response refusal;
    const auto unit = authenticate(r, "inbox", &refusal);
    if (!unit) return void(respond(std::move(refusal)));
    std::vector<std::pair<std::string, std::string>> query;
    std::int64_t wait_seconds = 0;
    std::size_t limit = kDefaultPollLimit;
    const auto max_wait = std::chrono::duration_cast<std::chrono::seconds>(parts_.max_poll_wait).count();
    if (Status s = http::parse_query(r.query, &query); !s.ok())
      return void(respond(refused("invalid_envelope", s.message(), "inbox")));
    for (const auto& [name, value] : query) {
      const auto number = parse_id(value);
      if (name == "wait" && (value == "0" || (number && *number <= max_wait))) {
        wait_seconds = number.value_or(0);
      } else if (name == "limit" && number && *number <= static_cast<std::int64_t>(kLargestPollLimit)) {
        limit = static_cast<std::size_t>(*number);
      } else {
        return void(respond(refused("invalid_envelope",
                                    "the inbox takes wait=0.." + std::to_string(max_wait) +
                                        " (seconds) and limit=1.." + std::to_string(kLargestPollLimit),
                                    "inbox")));
      }
    }
    // A poll keeps the unit online at the hub, like a heartbeat on ZeroMQ.
    parts_.host->on_message(Origin{*unit, 0}, kHeartbeat);
    parts_.inbox->poll(*unit, std::chrono::seconds(wait_seconds), limit, std::move(respond));
  }

 private:
  static bool starts_with_json_type(std::string_view type) {
    constexpr std::string_view kJson = "application/json";
    if (type.size() < kJson.size() || !http::equals_ignoring_case(type.substr(0, kJson.size()), kJson)) return false;
    return type.size() == kJson.size() || type[kJson.size()] == ';' || type[kJson.size()] == ' ';
  }

  UnitApiParts parts_;
  mutable std::atomic<std::uint64_t> next_part_id_{kFirstPartId};
};

}  // namespace

Status add_unit_api(http::Router& router, UnitApiParts parts) {
  auto api = std::make_shared<const UnitApi>(parts);
  // The handler the router runs on an I/O thread: hands `work` to the workers.
  const auto on_workers = [workers = parts.workers](std::string kind, RequestWorkers::Work work) {
    return [workers, kind = std::move(kind), work = std::move(work)](const http::Request& r, http::Responder respond) {
      if (workers->try_run(r, respond, work)) return;
      respond(refused("busy",
                      "the hub has too many HTTP requests waiting to be carried out: send this one again after the "
                      "Retry-After pause (resend with the same reference; nothing of it was read)",
                      kind));
    };
  };
  const auto asking = [api, on_workers](RouteSpec spec) {
    const std::string kind = spec.kind;
    return on_workers(kind, [api, spec = std::move(spec)](const http::Request& r, http::Responder respond) {
      api->ask(r, std::move(respond), spec);
    });
  };
  const auto acking = [api, on_workers](RouteSpec spec) {
    return on_workers("ack", [api, spec = std::move(spec)](const http::Request& r, http::Responder respond) {
      api->ack(r, std::move(respond), spec);
    });
  };
  std::vector<Status> added;
  added.push_back(router.add("POST", "/v1/hello", asking({"hello", "", ""})));
  added.push_back(router.add("POST", "/v1/cases", asking({"send", "", ""})));
  added.push_back(router.add("POST", "/v1/case-batches",
                             on_workers("send_batch", [api](const http::Request& r, http::Responder respond) {
                               api->send_batch(r, std::move(respond));
                             })));
  added.push_back(router.add("GET", "/v1/cases/{case}", asking({"read", "case", "case"})));
  added.push_back(router.add("POST", "/v1/deliveries/{delivery}/replies", asking({"reply", "delivery", "delivery"})));
  added.push_back(router.add("POST", "/v1/deliveries/{delivery}/ack", acking({"ack", "delivery", "delivery"})));
  for (const char* action : {"sign", "return", "assign", "extend", "grant_extension", "refuse_extension"})
    added.push_back(router.add("POST", std::string("/v1/deliveries/{delivery}/") + action,
                               asking({action, "delivery", "delivery"})));
  // The originator's requests name the case (and, in the body, optionally one delivery).
  for (const char* action : {"close", "reopen"})
    added.push_back(router.add("POST", std::string("/v1/cases/{case}/") + action, asking({action, "case", "case"})));
  added.push_back(router.add("POST", "/v1/replies/{reply}/ack", acking({"ack", "reply", "reply"})));
  added.push_back(router.add("POST", "/v1/updates/{update}/ack", acking({"ack", "update", "update"})));
  // The API's own description (docs/openapi.yaml, embedded at build time): no credential needed.
  added.push_back(router.add_sync("GET", "/v1/openapi.json", [](const http::Request&) {
    static const std::string document = [] {
      std::string text;
      for (const std::string_view part : kOpenApiJsonParts) text.append(part);
      return text;
    }();
    http::Response response = http::Response::json(200, document);
    response.headers.set("Cache-Control", "public, max-age=3600");
    return response;
  }));
  http::RouteOptions uploads;
  uploads.max_body_bytes = parts.max_upload_bytes;
  uploads.max_in_flight = parts.uploads_at_once;
  added.push_back(router.add("POST", "/v1/attachments",
                             on_workers("upload", [api](const http::Request& r, http::Responder respond) {
                               api->upload(r, std::move(respond));
                             }),
                             uploads));
  http::RouteOptions fetches;
  fetches.max_in_flight = parts.uploads_at_once;  // each answer holds a whole file until written
  added.push_back(router.add("GET", "/v1/cases/{case}/attachments/{sha256}",
                             on_workers("fetch", [api](const http::Request& r, http::Responder respond) {
                               api->fetch(r, std::move(respond));
                             }),
                             fetches));
  added.push_back(router.add("GET", "/v1/inbox", on_workers("inbox", [api](const http::Request& r, http::Responder respond) {
                               api->poll(r, std::move(respond));
                             })));
  for (const auto& s : added)
    if (!s.ok()) return s;
  return {};
}

}  // namespace hub::http_adapter
