// hubctl credential: the credentials of units that connect over HTTP
// (ops/credential_admin.h on the hub's side). Certificates are read here, with
// OpenSSL; the hub gets their fingerprint only.
#include <iostream>

#include <fmt/format.h>

#include "hubctl_operator.h"
#include "keys/certificate_fingerprint.h"

namespace hub::apps {
namespace {

constexpr const char* kCredentialUsage =
    "hubctl credential issue UNIT\n"
    "       hubctl credential rotate UNIT [--grace DURATION (7d, 12h, 30m; default 7d)]\n"
    "       hubctl credential revoke KEY_ID\n"
    "       hubctl credential list [UNIT]\n"
    "       hubctl credential add-certificate UNIT CERTIFICATE.pem";

// "7d", "12h", "30m", "45s" as seconds; nullopt when it is none of these.
std::optional<std::int64_t> duration_seconds(const std::string& text) {
  if (text.size() < 2 || text.size() > 8 || text.find_first_not_of("0123456789") != text.size() - 1) return std::nullopt;
  const std::int64_t n = std::stoll(text.substr(0, text.size() - 1));
  switch (text.back()) {
    case 'd': return n * 24 * 3600;
    case 'h': return n * 3600;
    case 'm': return n * 60;
    case 's': return n;
    default: return std::nullopt;
  }
}

void print_secret(const Json& a) {
  std::cout << fmt::format("{} for unit {}:\n\n  key id: {}\n  secret: {}\n\n", a.contains("grace_until") ? "rotated credential" : "issued credential",
                           text(a, "unit"), text(a, "key_id"), text(a, "secret"));
  std::cout << "THE SECRET IS SHOWN ONLY NOW: the hub keeps it encrypted and cannot show it again.\n"
               "Hand key id and secret to the unit's IT staff over a trusted channel (not the same e-mail as\n"
               "the key id). Their system signs every HTTP request with it: HMAC-SHA256 keyed with the\n"
               "secret's 64 characters exactly as shown over the request's canonical text, sent as\n"
               "lower-case hex with the key id, timestamp and nonce (docs/ADAPTERS.md, \"Signing requests\").\n"
               "Lost or leaked: 'hubctl credential rotate " << text(a, "unit") << "' or 'hubctl credential revoke "
            << text(a, "key_id") << "'.\n";
  if (a.contains("grace_until"))
    std::cout << fmt::format("The unit's {} older key(s) stay valid until {}, then are refused.\n",
                             text(a, "ended"), text(a, "grace_until"));
}

void print_list(const Json& a) {
  const Json& rows = a["credentials"];
  if (rows.empty()) {
    std::cout << (text(a, "unit").empty() ? std::string("no credential is stored\n")
                                          : "unit " + text(a, "unit") + " has no credential\n");
    return;
  }
  for (const auto& c : rows) {
    std::string when = "since " + text(c, "created_at") + " by " + text(c, "issued_by");
    if (!text(c, "not_after").empty()) when += ", until " + text(c, "not_after");
    if (!text(c, "revoked_at").empty()) when += ", revoked " + text(c, "revoked_at") + " by " + text(c, "revoked_by");
    const std::string fingerprint = text(c, "fingerprint").empty() ? "" : "  SHA-256 " + text(c, "fingerprint");
    std::cout << fmt::format("  {:<20}  {:<24}  {:<11}  {:<8}  {}{}\n", text(c, "key_id"), text(c, "unit"),
                             text(c, "kind") == "hmac" ? "secret" : "certificate", text(c, "state"), when, fingerprint);
  }
}

}  // namespace

int run_credential(const Args& args) {
  Common c;
  std::string grace_text;
  std::vector<std::string> words;
  po::options_description d("hubctl credential options");
  add_common(d, c);
  d.add_options()("grace", po::value(&grace_text), "with rotate: how long the unit's older keys stay valid (default 7d)");
  po::options_description all;
  all.add(d).add_options()("words", po::value(&words), "ACTION ARGUMENTS");
  po::positional_options_description pos;
  pos.add("words", -1);
  if (int r = parse(args, all, &pos, kCredentialUsage, &d); r >= 0) return r;
  const std::string action = words.empty() ? "" : words[0];
  const std::map<std::string, std::pair<std::size_t, std::size_t>> arity = {
      {"issue", {2, 2}}, {"rotate", {2, 2}}, {"revoke", {2, 2}}, {"list", {1, 2}}, {"add-certificate", {3, 3}}};
  const auto expected = arity.find(action);
  if (expected == arity.end() || words.size() < expected->second.first || words.size() > expected->second.second) {
    std::cerr << "hubctl: " << (expected == arity.end() ? "say what to do: issue, rotate, revoke, list or add-certificate"
                                                        : "wrong arguments for '" + action + "'")
              << "\nusage: " << kCredentialUsage << "\n";
    return kUsage;
  }
  const auto grace = grace_text.empty() ? std::optional<std::int64_t>() : duration_seconds(grace_text);
  if (!grace_text.empty() && (action != "rotate" || !grace)) {
    std::cerr << "hubctl: --grace goes with rotate and takes a duration such as 7d, 12h or 30m\nusage: "
              << kCredentialUsage << "\n";
    return kUsage;
  }
  Json request{{"op", "credential"}, {"action", action}};
  if (action == "revoke") request["key_id"] = words[1];
  else if (words.size() > 1) request["unit"] = words[1];
  if (grace) request["grace_seconds"] = *grace;
  if (action == "add-certificate") {
    auto certificate = keys::summarize_certificate_file(words[2]);
    if (!certificate.ok()) {
      std::cerr << "hubctl: " << certificate.status().message() << "\n";
      return kUsage;
    }
    request["action"] = "add_certificate";
    request["fingerprint"] = certificate->fingerprint;
    request["subject"] = certificate->subject;
    std::cout << fmt::format("certificate {}: subject {}, valid until {}\n  SHA-256 fingerprint {}\n", words[2],
                             certificate->subject, certificate->not_after, certificate->fingerprint);
  }
  int code = 0;
  auto a = ask(c, request, code);
  if (!a) return code;
  if (c.json) std::cout << shown_json(*a) << "\n";
  else if (action == "issue" || action == "rotate") print_secret(*a);
  else if (action == "list") print_list(*a);
  else if (action == "revoke")
    std::cout << fmt::format("{} credential {} of unit {}{}\n", a->value("changed", false) ? "revoked" : "already revoked:",
                             text(*a, "key_id"), text(*a, "unit"),
                             a->value("changed", false) ? ": refused from its next request on, on every hub" : "");
  else
    std::cout << fmt::format("registered certificate {} for unit {}: its TLS connections are now this unit\n",
                             text(*a, "key_id"), text(*a, "unit"));
  return kOk;
}

}  // namespace hub::apps
