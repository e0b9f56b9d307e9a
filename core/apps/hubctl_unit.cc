// hubctl's unit commands: act as a member unit with its key file.
#include <fstream>
#include <iostream>
#include <sstream>

#include <boost/program_options.hpp>
#include <zmq.hpp>

#include "hub/case.h"
#include "hubctl_commands.h"
#include "keys/key_file.h"
#include "util/ids.h"
#include "util/printable.h"

namespace hub::apps {
namespace {

namespace po = boost::program_options;

int parse(const Args& args, po::options_description& d, po::positional_options_description* pos, const char* usage) {
  po::variables_map vm;
  try {
    po::command_line_parser p(args);
    p.options(d);
    if (pos) p.positional(*pos);
    po::store(p.run(), vm);
    if (vm.count("help")) {
      std::cout << "usage: " << usage << "\n" << d;
      return kOk;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "hubctl: " << e.what() << "\nusage: " << usage << "\n";
    return kUsage;
  }
  return -1;
}

}  // namespace

int run_keygen(const Args& args) {
  std::string unit, out;
  bool force = false;
  po::options_description d("hubctl keygen options");
  d.add_options()("help,h", "show this help")("unit", po::value(&unit)->required(), "the unit id, e.g. registry")(
      "out", po::value(&out)->required(), "the folder to write ID.key and ID.pub into")(
      "force", po::bool_switch(&force), "replace an existing pair (the old secret key stops working)");
  const char* usage = "hubctl keygen --unit ID --out DIR [--force]";
  if (int r = parse(args, d, nullptr, usage); r >= 0) return r;
  if (!is_id(unit)) {
    std::cerr << "hubctl: '" << unit << "' is not a unit id (expected " << kIdRule << ")\nusage: " << usage << "\n";
    return kUsage;
  }
  auto pair = keys::generate();
  if (!pair.ok()) {
    std::cerr << "hubctl: " << pair.status().message() << "\n";
    return kRefused;
  }
  if (Status s = keys::write(out, unit, *pair, force ? keys::Replace::kYes : keys::Replace::kNo); !s.ok()) {
    std::cerr << "hubctl: " << s.message() << "\n";
    return kRefused;
  }
  std::cout << "wrote " << out << "/" << unit << ".key (secret, mode 0600: keep it on the unit's machine) and " << out
            << "/" << unit << ".pub (give it to the hub's operators)\n";
  return kOk;
}

int run_send(const Args& args) {
  std::string key_file, hub_key_file, endpoint = "tcp://127.0.0.1:7750", case_file;
  int timeout = 10;
  po::options_description d("hubctl send options");
  d.add_options()("help,h", "show this help")("key", po::value(&key_file)->required(), "your unit's key file (ID.key)")(
      "hub-key", po::value(&hub_key_file)->required(), "the hub's public key file (hub.pub)")(
      "endpoint", po::value(&endpoint)->default_value(endpoint), "the hub's ZeroMQ endpoint")(
      "timeout", po::value(&timeout)->default_value(timeout), "seconds to wait for the answer")(
      "case", po::value(&case_file)->required(), "JSON file: {\"reference\", \"type\", \"compound\", \"payload\"}");
  po::positional_options_description pos;
  pos.add("case", 1);
  const char* usage = "hubctl send --key UNIT.key --hub-key HUB.pub [--endpoint E] CASE.json";
  if (int r = parse(args, d, &pos, usage); r >= 0) return r;

  auto mine = keys::read(key_file);
  auto hub_key = keys::read(hub_key_file);
  for (auto* k : {&mine, &hub_key})
    if (!k->ok()) {
      std::cerr << "hubctl: " << k->status().message() << "\n";
      return kUsage;
    }
  if (mine->secret_key.empty()) {
    std::cerr << "hubctl: " << key_file << " holds no secret key: give the unit's .key file, not its .pub\n";
    return kUsage;
  }
  std::ifstream in(case_file);
  std::stringstream text;
  text << in.rdbuf();
  Json c = Json::parse(text.str(), nullptr, false);
  if (!in || c.is_discarded() || !c.is_object()) {
    std::cerr << "hubctl: " << case_file << " is not readable as one JSON object\n";
    return kUsage;
  }
  c["kind"] = "send";

  zmq::context_t ctx;
  zmq::socket_t s(ctx, zmq::socket_type::dealer);
  s.set(zmq::sockopt::linger, 0);
  s.set(zmq::sockopt::curve_serverkey, hub_key->public_key);
  s.set(zmq::sockopt::curve_publickey, mine->public_key);
  s.set(zmq::sockopt::curve_secretkey, mine->secret_key);
  s.connect(endpoint);
  s.send(zmq::str_buffer("xh1"), zmq::send_flags::sndmore);
  s.send(zmq::buffer(c.dump()), zmq::send_flags::none);

  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout);
  while (std::chrono::steady_clock::now() < deadline) {
    zmq::pollitem_t items[] = {{s.handle(), 0, ZMQ_POLLIN, 0}};
    zmq::poll(items, 1, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()));
    if (!(items[0].revents & ZMQ_POLLIN)) break;
    zmq::message_t tag, body;
    if (!s.recv(tag) || !tag.more() || !s.recv(body)) continue;
    Json answer = Json::parse(body.to_string_view(), nullptr, false);
    const std::string kind = answer.is_object() ? answer.value("kind", "") : "";
    if (kind != "accepted" && kind != "rejected" && kind != "error") continue;  // deliveries meant for the unit's own system
    std::cout << printable_json(answer.dump(2)) << "\n";
    return kind == "accepted" ? kOk : kind == "rejected" ? kRefused : (answer.value("retry", false) ? kUnreachable : kRefused);
  }
  std::cerr << "hubctl: no answer from " << endpoint << " within " << timeout
            << " s: is hubd running, is the endpoint right, and is this unit's public key in the hub's config?\n";
  return kUnreachable;
}

}  // namespace hub::apps
