// The generic plugin's types declare no outcomes and no reply fields, which is
// true: the plugin does not check replies, any reply passes.
#include <catch2/catch.hpp>

#include "generic_plugin.h"
#include "reply_contract.h"

using hub::Json;

TEST_CASE("generic case types declare no outcomes or reply fields and take any reply", "[generic][declarations]") {
  hub::generic::GenericPlugin p;
  REQUIRE(p.configure(Json::parse(R"({"case_types": {
      "notice.general": {"name": "工作通知", "fields": {"title": {"type": "string", "required": true}}},
      "a.b": {"name": "测试", "sign_limit": "2h", "resolve_limit": "1wd"}}})"))
              .ok());
  REQUIRE(p.case_types().size() == 2);
  hub::plugin_testing::check_free_replies(p, "notice.general", "community.jianshe");
  hub::plugin_testing::check_free_replies(p, "a.b", "community.jianshe");
}
