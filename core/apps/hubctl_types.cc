// hubctl types: the case types of a deployment, their fields, outcomes, reply
// fields and files (apps/case_type_doc.h). Reads the config and loads its
// plugins itself: no hub needs to run.
#include <spdlog/spdlog.h>

#include <iostream>

#include "case_type_doc.h"
#include "config/loader.h"
#include "hubctl_operator.h"
#include "module_dir.h"

namespace hub::apps {

int run_types(const Args& args) {
  std::string config = "config/hub.yaml", module_dir, format = "text";
  std::vector<std::string> only;
  po::options_description d("hubctl types options");
  d.add_options()("help,h", "show this help")("config", po::value(&config)->default_value(config),
                                              "the deployment file (YAML)")(
      "module-dir", po::value(&module_dir), "where the plugin modules are (default: hub.plugin_dir, or beside hubctl)")(
      "format", po::value(&format)->default_value(format), "text, markdown (docs/CASE_TYPES.md) or json")(
      "type", po::value(&only)->multitoken(), "only these case types (ids)");
  po::positional_options_description pos;
  pos.add("type", -1);
  const int parsed = parse(args, d, &pos, "hubctl types [TYPE...] [--config FILE] [--format text|markdown|json]");
  if (parsed >= 0) return parsed;
  if (format != "text" && format != "markdown" && format != "json") {
    std::cerr << "hubctl types: --format is text, markdown or json, not '" << format << "'\n";
    return kUsage;
  }
  auto loaded = config::load_deployment(config);
  for (const auto& e : loaded.errors) std::cerr << "error: " << e.to_string() << "\n";
  if (!loaded.ok()) {
    std::cerr << config << ": " << loaded.errors.size() << " error(s): fix the config (hubd --check-config " << config
              << ")\n";
    return kRefused;
  }
  const config::Deployment& deployment = *loaded.deployment;
  spdlog::set_level(spdlog::level::warn);  // the plugins' "loaded" lines are not part of the answer
  auto plugins = plugin_host::PluginSet::load(deployment.plugins,
                                              find_module_dir(module_dir, deployment.hub.plugin_dir, "/proc/self/exe"));
  if (!plugins.ok()) {
    std::cerr << "hubctl types: " << plugins.status().message() << "\n";
    return kRefused;
  }
  auto catalog = catalog::Catalog::build(deployment, **plugins);
  if (!catalog.ok()) {
    std::cerr << "hubctl types: " << catalog.status().message() << "\n";
    return kRefused;
  }
  const Json document = case_types_document(**catalog, **plugins, only);
  for (const auto& id : only)
    if (std::none_of(document.begin(), document.end(), [&](const Json& t) { return t["id"] == id; })) {
      std::cerr << "hubctl types: no case type '" << id << "' in " << config << "\n";
      return kRefused;
    }
  if (format == "json") std::cout << document.dump(2) << "\n";
  else if (format == "markdown") std::cout << case_types_markdown(document);
  else std::cout << case_types_text(document);
  return kOk;
}

}  // namespace hub::apps
