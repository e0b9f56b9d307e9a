#!/usr/bin/python3
"""Tests of run_openapi_examples.py's checks and signed calls, on a small document and a local
plain-HTTP server made for each test (the run against the real hub is the integration test
tests/integration/openapi_examples_test.cc)."""

import contextlib
import datetime
import hashlib
import hmac
import http.server
import io
import json
import sys
import threading
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run_openapi_examples as runner  # noqa: E402
from xh_http_client import canonical_text  # noqa: E402  (on the path through run_openapi_examples)

ERROR = {"type": "object", "required": ["kind", "code"],
         "properties": {"kind": {"type": "string", "enum": ["error"]}, "code": {"type": "string"}}}

DOCUMENT = {
    "openapi": "3.0.3",
    "info": {"title": "t", "version": "1"},
    "paths": {
        "/v1/things/{thing}": {"get": {"responses": {
            "200": {"description": "a thing", "content": {"application/json": {
                "schema": {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}}}}}},
            "404": {"$ref": "#/components/responses/NotFound"}}}},
        "/v1/files/{file}": {"get": {"responses": {
            "200": {"description": "a file", "content": {"application/octet-stream": {
                "schema": {"type": "string", "format": "binary"}}}}}}},
        "/v1/things": {"post": {
            "requestBody": {"content": {"application/json": {"schema": {"type": "object"},
                                                             "examples": {"one": {"value": {"reference": "A-1"}}}}}},
            "responses": {"201": {"description": "made"}}}},
    },
    "components": {"responses": {"NotFound": {"description": "none", "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/Error"},
        "examples": {"unknownThing": {"value": {"kind": "error", "code": "unknown_thing"}}}}}}},
        "schemas": {"Error": ERROR}},
}


def answer(status, body, content_type="application/json"):
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    a = runner.Answer(status, {"content-type": content_type}, data)
    a.line = "GET /test"
    return a


class ChecksTest(unittest.TestCase):
    def setUp(self):
        self.r = runner.Runner(DOCUMENT, "http://127.0.0.1:1", None, {}, tag="")

    def check(self, *args, **kwargs):
        with contextlib.redirect_stdout(io.StringIO()) as out:
            passed = self.r.check(*args, **kwargs)
        return passed, out.getvalue()

    def test_a_documented_status_and_a_valid_body_pass(self):
        passed, line = self.check(answer(200, {"id": 7}), "GET", "/v1/things/{thing}", expect=[200])
        self.assertTrue(passed, line)
        self.assertIn("200 ok", line)
        self.assertIn(("GET", "/v1/things/{thing}"), self.r.called)

    def test_an_undocumented_status_fails(self):
        passed, line = self.check(answer(409, {"kind": "error", "code": "x"}), "GET", "/v1/things/{thing}")
        self.assertFalse(passed)
        self.assertIn("status 409 is not one the document lists", line)

    def test_a_body_against_its_schema_fails(self):
        passed, line = self.check(answer(200, {"id": "seven"}), "GET", "/v1/things/{thing}")
        self.assertFalse(passed)
        self.assertIn("body at id", line)

    def test_an_undocumented_content_type_fails_and_a_file_passes(self):
        passed, line = self.check(answer(200, b"<html>", "text/html"), "GET", "/v1/things/{thing}")
        self.assertFalse(passed)
        self.assertIn("Content-Type 'text/html' is not documented", line)
        passed, line = self.check(answer(200, b"%PDF-1.7", "application/pdf"), "GET", "/v1/files/{file}")
        self.assertTrue(passed, line)

    def test_a_provoked_error_is_compared_with_its_example(self):
        passed, line = self.check(answer(404, {"kind": "error", "code": "unknown_thing"}), "GET",
                                  "/v1/things/{thing}", expect=[404], example="unknownThing")
        self.assertTrue(passed, line)
        passed, line = self.check(answer(404, {"kind": "error", "code": "gone"}), "GET", "/v1/things/{thing}",
                                  expect=[404], example="unknownThing")
        self.assertFalse(passed)
        self.assertIn("code 'gone', the example 'unknownThing' has 'unknown_thing'", line)

    def test_an_unexpected_documented_status_fails(self):
        passed, line = self.check(answer(404, {"kind": "error", "code": "unknown_thing"}), "GET",
                                  "/v1/things/{thing}", expect=[200])
        self.assertFalse(passed)
        self.assertIn("expected 200", line)

    def test_operations_examples_and_error_examples_of_the_document(self):
        self.assertEqual(runner.all_operations(DOCUMENT), {("GET", "/v1/things/{thing}"), ("GET", "/v1/files/{file}"),
                                                           ("POST", "/v1/things")})
        self.assertEqual(runner.all_request_examples(DOCUMENT), {("POST", "/v1/things", "one")})
        self.assertEqual(runner.error_examples(DOCUMENT), {"unknownThing"})

    def test_a_request_example_is_tagged_and_counted_as_sent(self):
        self.r.tag = "T1"
        fields = self.r.tagged(self.r.request_example("POST", "/v1/things", "one"))
        self.assertEqual(fields, {"reference": "A-1-T1"})
        self.assertIn(("POST", "/v1/things", "one"), self.r.sent_examples)
        self.assertEqual(DOCUMENT["paths"]["/v1/things"]["post"]["requestBody"]["content"]["application/json"]
                         ["examples"]["one"]["value"], {"reference": "A-1"})

    def test_times_move_by_whole_weeks_until_after_the_deadline(self):
        deadline = datetime.datetime.fromisoformat("2026-12-20T12:00:00+08:00")
        times = ["2026-12-14T18:00:00+08:00", "2026-12-12T18:00:00+08:00"]
        self.assertEqual(runner.shift_weeks(times, deadline), 2)
        self.assertEqual(runner.moved(times[0], 2), "2026-12-28T18:00:00+08:00")
        self.assertEqual(runner.shift_weeks(times, datetime.datetime.fromisoformat("2026-12-01T00:00:00+08:00")), 0)


class SignedCallTest(unittest.TestCase):
    """A call carries the four headers of docs/ADAPTERS.md, signed over the path the server sees."""

    def test_a_call_is_signed_with_the_units_secret(self):
        seen = {}

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                path, _, query = self.path.partition("?")
                text = canonical_text("POST", path, query, int(self.headers["X-XH-Timestamp"]),
                                      self.headers["X-XH-Nonce"], body)
                seen["valid"] = hmac.compare_digest(
                    hmac.new(b"s3cret", text.encode(), hashlib.sha256).hexdigest(), self.headers["X-XH-Signature"])
                seen["key"], seen["path"] = self.headers["X-XH-Key"], path
                data = json.dumps({"kind": "ok"}).encode()
                self.send_response(201)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            r = runner.Runner(DOCUMENT, f"http://127.0.0.1:{server.server_port}/hub", None,
                              {"registry": ("xk_test", "s3cret")}, tag="")
            a = r.call("registry", "POST", "/v1/things/{thing}", params={"thing": "a b"}, fields={"x": "中"})
        finally:
            server.shutdown()
            server.server_close()
        self.assertEqual(a.status, 201)
        self.assertEqual(a.json, {"kind": "ok"})
        self.assertEqual(seen, {"valid": True, "key": "xk_test", "path": "/hub/v1/things/a%20b"})

    def test_a_503_is_sent_again_after_retry_after_signed_anew(self):
        nonces, statuses = [], [503, 201]

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                nonces.append(self.headers["X-XH-Nonce"])
                status = statuses.pop(0)
                data = json.dumps({"kind": "error", "code": "busy"} if status == 503 else {"id": 1}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                if status == 503:
                    self.send_header("Retry-After", "1")
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            r = runner.Runner(DOCUMENT, f"http://127.0.0.1:{server.server_port}", None,
                              {"registry": ("xk_test", "s3cret")}, tag="")
            with contextlib.redirect_stdout(io.StringIO()) as out:
                a = r.call("registry", "GET", "/v1/things/{thing}", params={"thing": 1})
        finally:
            server.shutdown()
            server.server_close()
        self.assertEqual(a.status, 201)
        self.assertIn("503 busy, sent again in 1 s", out.getvalue())
        self.assertEqual(len(set(nonces)), 2)

    def test_a_unit_without_a_credential_is_named(self):
        r = runner.Runner(DOCUMENT, "http://127.0.0.1:1", None, {}, tag="")
        with self.assertRaisesRegex(runner.Failed, "no credential for unit court"):
            r.call("court", "GET", "/v1/things/{thing}", params={"thing": 1})


if __name__ == "__main__":
    unittest.main()
