// Helpers of the config tests: temporary deployments, and checks of a
// problem's file, line, column, key and message.
#pragma once

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "config/loader.h"
#include "keys/key_file.h"

namespace config_test {

namespace fs = std::filesystem;
using hub::config::ConfigError;
using hub::config::Limit;
using hub::config::load_deployment;
using hub::config::LoadResult;
using hub::config::parse_limit;

// A fresh folder under the system's temporary folder, removed with its contents.
class TempDir {
 public:
  TempDir() {
    std::random_device random;
    path_ = fs::temp_directory_path() /
            ("xh-config-test-" + std::to_string(::getpid()) + "-" + std::to_string(random()));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string path(const std::string& name) const { return (path_ / name).string(); }

  // Writes `text` to `name` (creating folders) and returns the file's path.
  std::string write(const std::string& name, const std::string& text) const {
    const fs::path file = path_ / name;
    fs::create_directories(file.parent_path());
    std::ofstream(file) << text;
    return file.string();
  }

 private:
  fs::path path_;
};

inline hub::keys::KeyPair generated_pair() {
  auto pair = hub::keys::generate();
  REQUIRE(pair.ok());
  return std::move(pair).value();
}

inline std::string generated_key() { return generated_pair().public_key; }

// A small valid deployment's top-level file, including `include`.
inline std::string base_config(const std::string& key, const std::string& include) {
  std::string text = R"(hub:
  id: test
  keys_dir: keys
include: [INCLUDE]
adapters:
  - {name: zmq, file: zmq}
plugins:
  - {name: generic, file: generic}
units:
  - {id: sd.a, name: 甲街道办, adapter: zmq, public_key: "KEY"}
  - {id: cgj.zone01, name: 第一片区城管, adapter: zmq, public_key: "KEY"}
  - {id: community.a, name: 甲社区居委会, adapter: zmq, public_key: "KEY"}
  - {id: pm.a, name: 甲物业, adapter: zmq, public_key: "KEY", may_send: [complaint.general]}
case_types:
  - {id: complaint.general, name: 小区综合投诉, plugin: generic}
routes:
  - {id: complaints, match: {type: complaint.general}, to: [compound.servicer]}
directory:
  zones: [{id: zone01, name: 第一片区, subdistrict: sd.a, cgj: cgj.zone01}]
  communities: [{id: community.a, name: 甲社区, zone: zone01}]
  compounds: [{id: c1, name: 甲小区, community: community.a, company: pm.a, class: A}]
)";
  // `key` is the first unit's; every other unit gets its own (a key names one unit).
  for (std::size_t at, n = 0; (at = text.find("KEY")) != std::string::npos; ++n)
    text.replace(at, 3, n == 0 ? key : generated_key());
  text.replace(text.find("INCLUDE"), 7, include);
  return text;
}

inline std::string listing(const std::vector<ConfigError>& problems) {
  std::string text;
  for (const ConfigError& problem : problems) text += problem.to_string() + "\n";
  return text;
}

// Where `needle` first occurs in `text` after `after`: 1-based line and
// column in characters.
inline hub::config::SourceLocation position_of(const std::string& file, const std::string& text,
                                               const std::string& needle, const std::string& after = "") {
  const std::size_t offset = text.find(needle, text.find(after));
  REQUIRE(offset != std::string::npos);
  hub::config::SourceLocation where{file, 1, 1};
  for (std::size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++where.line;
      where.column = 1;
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {  // not a UTF-8 continuation byte
      ++where.column;
    }
  }
  return where;
}

// The base deployment (hub.yaml) including extra.yaml with `extra`'s text.
struct Scenario {
  TempDir dir;
  std::string key = generated_key();
  std::string top_text = base_config(key, "extra.yaml");
  std::string top = dir.write("hub.yaml", top_text);
  std::string extra_text;
  std::string extra;

  LoadResult load(const std::string& text) {
    extra_text = text;
    extra = dir.write("extra.yaml", text);
    return load_deployment(top);
  }
  hub::config::SourceLocation in_extra(const std::string& needle, const std::string& after = "") const {
    return position_of(extra, extra_text, needle, after);
  }
  hub::config::SourceLocation in_top(const std::string& needle, const std::string& after = "") const {
    return position_of(top, top_text, needle, after);
  }
};

// The one problem reported for `key`; fails listing all of them otherwise.
inline const ConfigError& problem_at(const std::vector<ConfigError>& problems, const std::string& key) {
  INFO(listing(problems));
  const auto matches = std::count_if(problems.begin(), problems.end(), [&](const ConfigError& e) { return e.key == key; });
  REQUIRE(matches == 1);
  return *std::find_if(problems.begin(), problems.end(), [&](const ConfigError& e) { return e.key == key; });
}

// Checks the one error for `key`: at `expected`, with `message` in its text.
inline void check_error(const LoadResult& result, const std::string& key,
                        const hub::config::SourceLocation& expected, const std::string& message) {
  const ConfigError& error = problem_at(result.errors, key);
  INFO(error.to_string());
  CHECK(error.where.file == expected.file);
  CHECK(error.where.line == expected.line);
  CHECK(error.where.column == expected.column);
  CHECK_THAT(error.message, Catch::Contains(message));
  CHECK_FALSE(result.deployment.has_value());
}

inline std::string real_config() { return std::string(HUB_SOURCE_DIR) + "/config/hub.yaml"; }

}  // namespace config_test
