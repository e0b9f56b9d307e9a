#!/usr/bin/python3
"""Tests of check_openapi.py on small documents and route sources made for each test."""

import copy
import sys
import tempfile
import unittest
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import check_openapi  # noqa: E402

SOURCE = """\
Status add_unit_api(http::Router& router, UnitApiParts parts) {
  added.push_back(router.add("POST", "/v1/cases", asking({"send", "", ""})));
  for (const char* action : {"sign", "return"})
    added.push_back(router.add("POST", std::string("/v1/deliveries/{delivery}/") + action,
                               asking({action, "delivery", "delivery"})));
  added.push_back(router.add_sync("GET", "/v1/openapi.json", [](const http::Request&) { return x; }));
}
"""

ANSWER = {"type": "object", "required": ["kind"], "properties": {"kind": {"type": "string", "enum": ["ok"]}}}


def operation(example_value):
    return {"responses": {"200": {"description": "fine", "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/Answer"},
        "examples": {"one": {"value": example_value}}}}}}}


DOCUMENT = {
    "openapi": "3.0.3",
    "info": {"title": "t", "version": "1"},
    "paths": {
        "/v1/cases": {"post": operation({"kind": "ok"})},
        "/v1/deliveries/{delivery}/sign": {"post": operation({"kind": "ok"})},
        "/v1/deliveries/{delivery}/return": {"post": operation({"kind": "ok"})},
        "/v1/openapi.json": {"get": operation({"kind": "ok"})},
    },
    "components": {"schemas": {"Answer": ANSWER}},
}


class CheckOpenApiTest(unittest.TestCase):
    def setUp(self):
        self.temp = tempfile.TemporaryDirectory()
        self.dir = Path(self.temp.name)
        (self.dir / "unit_api.cc").write_text(SOURCE, encoding="utf-8")

    def tearDown(self):
        self.temp.cleanup()

    def problems(self, document):
        path = self.dir / "openapi.yaml"
        path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
        return check_openapi.check(path, self.dir / "unit_api.cc")

    def assert_reported(self, document, *fragments):
        problems = self.problems(document)
        self.assertTrue(any(all(f in p for f in fragments) for p in problems), problems)

    def test_routes_of_reads_calls_and_action_lists(self):
        self.assertEqual(check_openapi.routes_of(SOURCE), {
            ("POST", "/v1/cases"), ("POST", "/v1/deliveries/{delivery}/sign"),
            ("POST", "/v1/deliveries/{delivery}/return"), ("GET", "/v1/openapi.json")})

    def test_a_matching_document_passes(self):
        self.assertEqual(self.problems(DOCUMENT), [])

    def test_invalid_openapi_is_refused(self):
        broken = copy.deepcopy(DOCUMENT)
        del broken["info"]
        self.assert_reported(broken, "OpenAPI 3.0 schema", "info")
        broken = copy.deepcopy(DOCUMENT)
        broken["paths"]["/v1/cases"]["post"]["responses"]["200"].pop("description")
        self.assert_reported(broken, "OpenAPI 3.0 schema", "paths//v1/cases/post/responses/200")

    def test_undocumented_and_unregistered_routes_are_named(self):
        missing = copy.deepcopy(DOCUMENT)
        del missing["paths"]["/v1/deliveries/{delivery}/return"]
        self.assert_reported(missing, "POST /v1/deliveries/{delivery}/return is registered but not documented")
        extra = copy.deepcopy(DOCUMENT)
        extra["paths"]["/v1/cases"]["get"] = operation({"kind": "ok"})
        self.assert_reported(extra, "GET /v1/cases is documented but not registered")

    def test_an_example_against_its_schema_is_refused(self):
        wrong = copy.deepcopy(DOCUMENT)
        wrong["paths"]["/v1/cases"]["post"] = operation({"kind": "accepted"})
        self.assert_reported(wrong, "/v1/cases", "examples/one", "'accepted' is not one of ['ok']")

    def test_a_referenced_example_and_a_parameter_example_are_checked(self):
        doc = copy.deepcopy(DOCUMENT)
        doc["components"]["examples"] = {"Bad": {"value": {"kind": 7}}}
        content = doc["paths"]["/v1/cases"]["post"]["responses"]["200"]["content"]["application/json"]
        content["examples"]["one"] = {"$ref": "#/components/examples/Bad"}
        doc["paths"]["/v1/cases"]["post"]["parameters"] = [
            {"name": "wait", "in": "query", "schema": {"type": "integer", "maximum": 10}, "example": 600}]
        problems = self.problems(doc)
        self.assertTrue(any("examples/one" in p and "7 is not of type 'string'" in p for p in problems), problems)
        self.assertTrue(any("parameters/0/example" in p and "600 is greater than the maximum" in p
                            for p in problems), problems)

    def test_the_webhook_extension_is_checked_as_a_path_item(self):
        doc = copy.deepcopy(DOCUMENT)
        doc["x-webhooks"] = {"push": {"post": {"summary": "no responses"}}}
        self.assert_reported(doc, "x-webhooks")


if __name__ == "__main__":
    unittest.main()
