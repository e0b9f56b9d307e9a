#!/usr/bin/python3
"""Runs the examples of docs/openapi.yaml against a live hub and checks every answer by the document.

    /usr/bin/python3 tools/run_openapi_examples.py --url https://127.0.0.1:8443 --ca-file hub-ca.pem \\
        --credential registry=xk_...:registry.secret --credential pm.jinxiu=xk_...:pm.jinxiu.secret \\
        --credential sd.xinzhou=xk_...:sd.xinzhou.secret --credential court=xk_...:court.secret

It plays the life of fee checks (registry.fee_check) as the document's examples tell it: the
registry says hello, uploads a file and sends three cases (and a batch, when the document has
POST /v1/case-batches); the compound's servicer signs,
reports progress, asks for more time twice (granted, then refused by the unit that decides
extensions), answers, returns a case that is not its business; the unit that decides returned
cases assigns it on; the registry reads its cases, fetches the file, closes one case and reopens
another, and takes what the hub sends it by long poll, acking each message. Each request body is
a documented example, the ids of its path (and of its body) taken from earlier answers. Then it
provokes the documented errors it can: a bad, stale, replayed or unknown signature, an unknown
case type, a case type the unit may not send, a case or file the unit is not party to, a
delivery of another unit, malformed JSON and HTTP, and so on.

Every answer is checked: its status is one the document lists for the operation, its body
validates against the schema the document gives for that status and content type, and a
provoked error has the status, `kind` and `code` of the documented example. One line is printed
per call; the run fails when any check fails, when an operation of the document was not called,
or when a request example was not sent. A request answered 429 or 503 is sent again after its
Retry-After, signed anew, as the document asks. The document the hub serves (GET
/v1/openapi.json) must be the one given (--document): a hub built from other sources fails.

The hub must run the Xinhui configuration (config/xinhui.yaml: its units, compound directory,
lifecycle rules and the registry plugin), as a unit's test hub for 联调 does.

Credentials (`hubctl credential issue <unit>`) are needed for the sending unit (--sender,
registry), for the units the hub routes the cases to (the compound's servicer, pm.jinxiu for
锦绣花园; the unit that grants its extensions and decides returned cases, sd.xinzhou), and for
one unit that is party to none of them (--outsider, court). The units that receive need not be
on the http adapter: the runner acts for them with the delivery ids the hub answered.

References are the idempotency keys of the hub, which remembers them: on a hub that has seen
these examples before, pass a --tag, appended to every reference (the default is one made from
the time); --tag '' sends the references exactly as written. Times the examples ask for
(`until` of extensions) are moved on by whole weeks when they are not after the delivery's
deadline, so that the examples keep working as the calendar moves.

Needs only Python's standard library with Debian's python3-yaml and python3-jsonschema, the
static checker tools/check_openapi.py and the example client adapters/http/examples/xh_http_client.py
(whose signing code it uses) beside it in the source tree.
"""

import argparse
import copy
import datetime
import hashlib
import http.client
import json
import ssl
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "adapters" / "http" / "examples"))
import check_openapi  # noqa: E402
from xh_http_client import sign_request  # noqa: E402

DEFAULT_DOCUMENT = ROOT / "docs" / "openapi.yaml"
LARGEST_ID = 9007199254740991  # 2^53-1: a valid id that no hub reaches
UNKNOWN_KEY_ID = "xk_0123456789abcdef"  # the document's example key id, never issued
INBOX_PATIENCE_SECONDS = 40
RESENDS = 5  # of a request answered 429 or 503, as the document asks


class Answer:
    def __init__(self, status, headers, data):
        self.status, self.headers, self.data = status, headers, data
        self.content_type = headers.get("content-type", "").split(";")[0].strip().lower()
        self.json = None
        if self.content_type == "application/json":
            try:
                self.json = json.loads(data.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                pass

    def get(self, key, default=None):
        return self.json.get(key, default) if isinstance(self.json, dict) else default


class Failed(Exception):
    """A step cannot go on (what it needed from an answer is missing)."""


class Runner:
    def __init__(self, document, url, ca_file, credentials, tag, timeout=30, show_answers=False):
        self.doc = document
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("https", "http"):
            raise ValueError("--url must start with https://")
        self.base_path = parts.path.rstrip("/")
        self.host, self.port = parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)
        self.context = ssl.create_default_context(cafile=ca_file) if parts.scheme == "https" else None
        self.timeout = timeout
        self.credentials = credentials
        self.tag = tag
        self.show_answers = show_answers
        self.failures = []
        self.called = set()  # (METHOD, path template) of every call made
        self.sent_examples = set()  # (METHOD, path template, example name)
        self.matched_examples = set()  # names of the response examples answers were compared with
        self.connection = None  # kept alive between calls

    # -- the document ------------------------------------------------------------------------------------------

    def operation(self, method, template):
        item = self.doc["paths"].get(template)
        if not item or method.lower() not in item:
            raise KeyError(f"{method} {template} is not an operation of the document")
        return item[method.lower()]

    def request_example(self, method, template, name, content_type="application/json"):
        body = check_openapi.resolve(self.doc, self.operation(method, template).get("requestBody", {}))
        example = (body.get("content", {}).get(content_type, {}).get("examples") or {}).get(name)
        if example is None:
            raise KeyError(f"{method} {template} has no request example '{name}'")
        self.sent_examples.add((method, template, name))
        return copy.deepcopy(check_openapi.resolve(self.doc, example)["value"])

    def response_of(self, method, template, status):
        responses = self.operation(method, template)["responses"]
        response = responses.get(str(status))
        return None if response is None else check_openapi.resolve(self.doc, response)

    def response_example(self, response, name):
        for media in (response.get("content") or {}).values():
            example = (media.get("examples") or {}).get(name)
            if example is not None:
                return check_openapi.resolve(self.doc, example)["value"]
        raise KeyError(f"no example '{name}' in the response '{response.get('description', '')[:40]}'")

    # -- one call ----------------------------------------------------------------------------------------------

    def connect(self, fresh=False):
        if fresh or self.connection is None:
            if self.connection is not None:
                self.connection.close()
            if self.context is not None:
                self.connection = http.client.HTTPSConnection(self.host, self.port, timeout=self.timeout,
                                                              context=self.context)
            else:
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        return self.connection

    def signed_headers(self, unit, method, path, query, body, **tweaks):
        key_id, secret = self.credential(unit)
        headers = sign_request(tweaks.get("secret", secret), method, path, query, body,
                               timestamp=tweaks.get("timestamp"))
        headers["X-XH-Key"] = tweaks.get("key_id", key_id)
        return headers

    def credential(self, unit):
        if unit not in self.credentials:
            raise Failed(f"no credential for unit {unit}: issue one ('hubctl credential issue {unit}') "
                         f"and pass --credential {unit}=KEY_ID:SECRET_FILE")
        return self.credentials[unit]

    def exchange(self, method, target, body=b"", headers=None):
        """One HTTP exchange on a kept-alive connection (a new one when the hub closed it)."""
        for fresh in (False, True):
            connection = self.connect(fresh)
            try:
                connection.request(method, target, body=body, headers=headers or {})
                response = connection.getresponse()
                data = response.read()
                answer = Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, data)
                if response.will_close:
                    self.connect(True)
                return answer
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                if fresh:
                    raise
        raise AssertionError("unreachable")

    def call(self, unit, method, template, params=None, query="", fields=None, body=None,
             content_type="application/json", headers=None, what=""):
        """Sends one request as `unit` (None: unsigned), `fields` as JSON or `body` bytes; returns the Answer."""
        path = self.base_path + template
        for name, value in (params or {}).items():
            path = path.replace("{" + name + "}", urllib.parse.quote(str(value), safe=""))
        if body is None:
            body = b"" if fields is None else json.dumps(fields, ensure_ascii=False).encode("utf-8")
        line = f"{method} {path}{'?' + query if query else ''}" + (f" as {unit}" if unit else "") + \
            (f" ({what})" if what else "")
        for attempt in range(1, RESENDS + 2):
            all_headers = {}
            if unit is not None:  # signed anew for every resend
                all_headers.update(self.signed_headers(unit, method, path, query, body))
            if body:
                all_headers["Content-Type"] = content_type
            all_headers.update(headers or {})
            answer = self.exchange(method, path + ("?" + query if query else ""), body, all_headers)
            answer.line = line
            # As the document says of 429 and 503: the same request again after Retry-After.
            if answer.status not in (429, 503) or attempt > RESENDS:
                return answer
            pause = min(int(answer.headers.get("retry-after", "1") or 1), 10)
            print(f"{line}: {answer.status} {answer.get('code') or (answer.get('error') or {}).get('code')}, "
                  f"sent again in {pause} s", flush=True)
            time.sleep(pause)
        raise AssertionError("unreachable")

    # -- checks ------------------------------------------------------------------------------------------------

    def check(self, answer, method, template, expect=None, example=None, response_ref=None, extra=None):
        """Checks `answer` by the document for the operation `method template` (or, for a path the
        API does not have, by the response component `response_ref`): a documented status (one
        of `expect` when given), a body valid against its schema, the documented example's `kind`
        and `code` (`example`: its name in that status's response). `extra(answer)` may add
        problems. Prints one line; returns whether all held."""
        problems = []
        if response_ref is None:
            self.called.add((method, template))
            response = self.response_of(method, template, answer.status)
            if response is None:
                problems.append(f"status {answer.status} is not one the document lists for {method} {template}")
        else:
            response = check_openapi.resolve(self.doc, {"$ref": "#/components/responses/" + response_ref})
        if expect is not None and answer.status not in expect:
            problems.append(f"expected {' or '.join(map(str, expect))}")
        if response is not None:
            problems += self.body_problems(answer, response)
            problems += self.header_problems(answer, response)
            if example is not None and not problems:
                problems += self.example_problems(answer, response, example)
        if extra is not None and not problems:
            problems += extra(answer) or []
        outcome = "ok" if not problems else "FAIL: " + "; ".join(problems)
        if problems and answer.data:
            outcome += " -- answer: " + answer.data[:400].decode("utf-8", "replace")
        print(f"{answer.line}: {answer.status} {outcome}", flush=True)
        if self.show_answers and answer.json is not None and "openapi" not in answer.json:
            print("    " + json.dumps(answer.json, ensure_ascii=False), flush=True)
        if problems:
            self.failures.append(answer.line)
        return not problems

    def body_problems(self, answer, response):
        content = response.get("content")
        if not content:
            return []
        media = content.get(answer.content_type)
        if media is None:
            binary = [m for m in content.values() if (m.get("schema") or {}).get("format") == "binary"]
            if binary and answer.content_type != "application/json":
                return [] if answer.data else ["an empty body where the document gives a file"]
            return [f"Content-Type '{answer.content_type}' is not documented (only {', '.join(content)})"]
        schema = media.get("schema")
        if schema is None or schema.get("format") == "binary":
            return []
        if answer.json is None:
            return ["the body is not JSON"]
        errors = check_openapi.schema_validator(self.doc, schema).iter_errors(answer.json)
        return [f"body at {'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message[:200]}" for e in errors]

    def header_problems(self, answer, response):
        problems = []
        for name, header in (response.get("headers") or {}).items():
            header = check_openapi.resolve(self.doc, header)
            value = answer.headers.get(name.lower())
            if value is None or "schema" not in header:
                continue
            if header["schema"].get("type") == "integer":
                try:
                    value = int(value)
                except ValueError:
                    problems.append(f"header {name}: '{value}' is not an integer")
                    continue
            for e in check_openapi.schema_validator(self.doc, header["schema"]).iter_errors(value):
                problems.append(f"header {name}: {e.message[:200]}")
        return problems

    def example_problems(self, answer, response, name):
        example = self.response_example(response, name)
        self.matched_examples.add(name)
        problems = []
        if "error" in example:  # the HTTP layer's own shape
            got = (answer.get("error") or {}).get("code")
            if got != example["error"]["code"]:
                problems.append(f"code {got!r}, the example '{name}' has {example['error']['code']!r}")
            return problems
        for key in ("kind", "code", "request"):
            if key in example and answer.get(key) != example[key]:
                problems.append(f"{key} {answer.get(key)!r}, the example '{name}' has {example[key]!r}")
        if example.get("problems"):
            want = sorted(p["pointer"] for p in example["problems"])
            got = sorted(p.get("pointer") for p in answer.get("problems") or [])
            if got != want:
                problems.append(f"problems at {got}, the example '{name}' lists {want}")
        return problems

    # -- helpers of the story ----------------------------------------------------------------------------------

    def tagged(self, fields):
        """The example's fields with the run's tag appended to its reference."""
        if self.tag and "reference" in fields:
            fields["reference"] = f"{fields['reference']}-{self.tag}"
        return fields

    def need(self, condition, why):
        if not condition:
            raise Failed(why)

    def must(self, ok, why):
        if not ok:
            raise Failed(why)


def shift_weeks(times, after):
    """The smallest number of whole weeks by which every time of `times` (ISO 8601 texts) must be
    moved to be later than `after` (a datetime)."""
    earliest = min(datetime.datetime.fromisoformat(t) for t in times)
    weeks = 0
    while earliest + datetime.timedelta(weeks=weeks) <= after:
        weeks += 1
    return weeks


def moved(text, weeks):
    return (datetime.datetime.fromisoformat(text) + datetime.timedelta(weeks=weeks)).isoformat()


def play(r, sender, outsider):
    """The story: every operation, every request example, the provokable errors."""
    ok = r.check
    SEND, READ, UPLOAD, FETCH = ("POST", "/v1/cases"), ("GET", "/v1/cases/{case}"), ("POST", "/v1/attachments"), \
        ("GET", "/v1/cases/{case}/attachments/{sha256}")
    REPLY, CLOSE, REOPEN = ("POST", "/v1/deliveries/{delivery}/replies"), ("POST", "/v1/cases/{case}/close"), \
        ("POST", "/v1/cases/{case}/reopen")
    INBOX = ("GET", "/v1/inbox")

    def action(name):
        return ("POST", "/v1/deliveries/{delivery}/" + name)

    # The document itself, unsigned: the same as the one checked here.
    a = r.call(None, "GET", "/v1/openapi.json")
    ok(a, "GET", "/v1/openapi.json", expect=[200],
       extra=lambda a: [] if a.json == json.loads(json.dumps(r.doc)) else
       ["the hub serves another document than the one given (--document): rebuild or restart the hub"])

    # Hello: the hub knows the sending unit.
    a = r.call(sender, "POST", "/v1/hello", fields=r.request_example("POST", "/v1/hello", "hello"))
    r.must(ok(a, "POST", "/v1/hello", expect=[200],
              extra=lambda a: [] if a.get("unit") == sender else [f"welcome names unit {a.get('unit')!r}"]),
           "hello")

    # A fee check, and the same again: a duplicate, the same case.
    fee_check = r.tagged(r.request_example(*SEND, "feeCheck"))
    a = r.call(sender, *SEND, fields=fee_check, what="example feeCheck")
    r.must(ok(a, *SEND, expect=[201], example="accepted"), "the fee check was not accepted")
    case1 = a.get("case")
    r.need(a.get("deliveries"), "the fee check was routed to nobody: the runner needs a receiver")
    d1, receiver = a.get("deliveries")[0]["delivery"], a.get("deliveries")[0]["to"]
    a = r.call(sender, *SEND, fields=fee_check, what="example feeCheck again")
    ok(a, *SEND, expect=[200], example="duplicate",
       extra=lambda a: [] if a.get("duplicate") is True and a.get("case") == case1 else
       ["not the same case as a duplicate"])

    # Several cases in one request, when the document has it: each answered as if sent alone.
    if "/v1/case-batches" in r.doc["paths"]:
        batch_op = r.operation("POST", "/v1/case-batches")
        for name in (batch_op["requestBody"]["content"]["application/json"].get("examples") or {}):
            batch = r.request_example("POST", "/v1/case-batches", name)
            for case in batch.get("cases", []):
                r.tagged(case)
            ok(r.call(sender, "POST", "/v1/case-batches", fields=batch, what=f"example {name}"),
               "POST", "/v1/case-batches", expect=[200],
               extra=lambda a: [f"case {i}: {x.get('status')} {(x.get('answer') or {}).get('code', '')}"
                                for i, x in enumerate(a.get("answers", [])) if x.get("status") not in (200, 201)])

    # A file, uploaded and named in a second fee check.
    pdf = b"%PDF-1.7\n% " + "物业服务合同（示例）".encode("utf-8") + b"\n" + b"0" * 4096 + b"\n%%EOF\n"
    r.need("application/pdf" in r.operation(*UPLOAD)["requestBody"]["content"], "uploads of PDF are not documented")
    a = r.call(sender, *UPLOAD, body=pdf, content_type="application/pdf", what="a PDF file")
    r.must(ok(a, *UPLOAD, expect=[201], example="uploaded",
              extra=lambda a: [] if a.get("sha256") == hashlib.sha256(pdf).hexdigest() else ["another sha256"]),
           "the upload")
    sha256 = a.get("sha256")
    with_contract = r.tagged(r.request_example(*SEND, "feeCheckWithContract"))
    for f in with_contract.get("attachments", []):
        f["sha256"] = sha256
    a = r.call(sender, *SEND, fields=with_contract, what="example feeCheckWithContract, the file's sha256")
    r.must(ok(a, *SEND, expect=[201]), "the fee check with a file was not accepted")
    case2, d2 = a.get("case"), a.get("deliveries")[0]["delivery"]

    # A third fee check, for a building the servicer has handed over.
    a = r.call(sender, *SEND, fields=r.tagged(r.request_example(*SEND, "feeCheckHandedOver")),
               what="example feeCheckHandedOver")
    r.must(ok(a, *SEND, expect=[201]), "the third fee check was not accepted")
    case3, d3 = a.get("case"), a.get("deliveries")[0]["delivery"]

    # Cases the hub refuses, as documented.
    def variant(**changes):
        fields = copy.deepcopy(fee_check)
        fields["reference"] += "-X"
        for key, value in changes.items():
            if value is None:
                fields.pop(key, None)
            else:
                fields[key] = value
        return fields

    ok(r.call(sender, *SEND, fields=variant(type="court.arrears_referral"), what="a type the unit may not send"),
       *SEND, expect=[403], example="notAllowed")
    ok(r.call(sender, *SEND, fields=variant(type="registry.fee_chek"), what="a misspelt type"),
       *SEND, expect=[422], example="unknownType")
    ok(r.call(sender, *SEND, fields=variant(payload={"dwelling": 301, "seller": "张某", "application_id": "BDC-2024-5567"}),
              what="a payload without buyer, the dwelling a number"), *SEND, expect=[422], example="invalidPayload")
    ok(r.call(sender, *SEND, fields=variant(type=None), what="no type"), *SEND, expect=[400], example="invalidEnvelope")
    ok(r.call(sender, *SEND, body=b'{"reference": "ZY-2024-000123", ', what="a body cut short"),
       *SEND, expect=[400], example="malformedJson")
    ok(r.call(sender, *SEND, body=json.dumps(fee_check).encode(), content_type="text/plain", what="not sent as JSON"),
       *SEND, expect=[415], example="wrongType")
    big = variant(payload=dict(fee_check["payload"], remarks=["备注" * 100] * 1000))
    ok(r.call(sender, *SEND, fields=big, what="a body over the hub's limit"), *SEND, expect=[413], example="oversized")

    # Credentials the hub refuses: on the fee check sent already (a duplicate when accepted), and on a read.
    def raw(method, template, body, headers, what):
        path = r.base_path + template
        a = r.exchange(method, path, body, dict(headers, **({"Content-Type": "application/json"} if body else {})))
        a.line = f"{method} {path} ({what})"
        return a

    body = json.dumps(fee_check, ensure_ascii=False).encode("utf-8")
    path = r.base_path + "/v1/cases"
    good = r.signed_headers(sender, "POST", path, "", body)
    ok(raw(*SEND, body, {k: v for k, v in good.items() if k != "X-XH-Nonce"}, "no X-XH-Nonce"), *SEND,
       expect=[401], example="noCredential")
    ok(raw(*SEND, body, r.signed_headers(sender, "POST", path, "", body, secret="not-the-secret"),
           "signed with another secret"), *SEND, expect=[401], example="badSignature")
    ok(raw(*SEND, body, r.signed_headers(sender, "POST", path, "", body, timestamp=int(time.time()) - 3600),
           "signed an hour ago"), *SEND, expect=[401], example="stale")
    ok(raw(*SEND, body, good, "signed, first time"), *SEND, expect=[200])
    ok(raw(*SEND, body, good, "the same signature again"), *SEND, expect=[401], example="replayed")
    read_path = r.base_path + f"/v1/cases/{case1}"
    ok(raw("GET", f"/v1/cases/{case1}", b"", r.signed_headers(sender, "GET", read_path, "", b"", key_id=UNKNOWN_KEY_ID),
           "a key id never issued"), *READ, expect=[401], example="revoked")

    # The file: fetched by a party, checked; not by a unit that is not party to the case.
    a = r.call(sender, *FETCH, params={"case": case2, "sha256": sha256})
    ok(a, *FETCH, expect=[200], extra=lambda a: [] if a.data == pdf else ["not the bytes uploaded"])
    ok(r.call(outsider, *FETCH, params={"case": case2, "sha256": sha256}, what="a unit not party to the case"),
       *FETCH, expect=[404], example="unknownAttachment")
    ok(r.call(sender, *UPLOAD, body=pdf, content_type="image/jpeg", what="a PDF declared as JPEG"),
       *UPLOAD, expect=[415], example="typeMismatch")
    ok(r.call(outsider, *READ, params={"case": case1}, what="a unit not party to the case"),
       *READ, expect=[404], example="unknownCase")

    # The receiver's deliveries, refused to others and to malformed ids.
    sign = r.tagged(r.request_example(*action("sign"), "sign"))
    ok(r.call(sender, *action("sign"), params={"delivery": d1}, fields=sign, what="another unit's delivery"),
       *action("sign"), expect=[403], example="notReceiver")
    ok(r.call(receiver, *action("sign"), params={"delivery": 0}, fields=sign, what="delivery id 0"),
       *action("sign"), expect=[400], example="badPathId")
    settled = r.tagged(r.request_example(*REPLY, "settled"))
    ok(r.call(receiver, *REPLY, params={"delivery": LARGEST_ID}, fields=settled, what="a delivery that does not exist"),
       *REPLY, expect=[404], example="unknownDelivery")

    # Signed for, twice (the second changes nothing), then a progress note.
    a = r.call(receiver, *action("sign"), params={"delivery": d1}, fields=sign, what="example sign")
    r.must(ok(a, *action("sign"), expect=[200], example="signed"), "the sign")
    ok(r.call(receiver, *action("sign"), params={"delivery": d1}, fields=sign, what="example sign again"),
       *action("sign"), expect=[200], extra=lambda a: [] if a.get("duplicate") is True else ["not a duplicate"])
    # The reference of the example 'illegal'.
    ok(r.call(sender, *CLOSE, params={"case": case1}, fields=r.tagged({"reference": "ZY-GB-0"}),
              what="before the final answer"), *CLOSE, expect=[409], example="illegal")
    ok(r.call(receiver, *REPLY, params={"delivery": d1}, fields=r.tagged(r.request_example(*REPLY, "progress")),
              what="example progress"), *REPLY, expect=[201])

    # More time: asked, granted by the unit that decides; asked again, refused.
    a = r.call(sender, *READ, params={"case": case1}, what="the deadline")
    r.must(ok(a, *READ, expect=[200], example="case"), "reading the case")
    resolve_by = next((d.get("resolve_by") for d in a.get("deliveries", []) if d.get("delivery") == d1), None)
    r.need(resolve_by, f"delivery {d1} has no resolve deadline to extend")
    extend = r.tagged(r.request_example(*action("extend"), "extend"))
    extend_again = r.tagged(r.request_example(*action("extend"), "extendAgain"))
    grant = r.tagged(r.request_example(*action("grant_extension"), "grant"))
    weeks = shift_weeks([extend["until"], extend_again["until"], grant["until"]],
                        datetime.datetime.fromisoformat(resolve_by))
    for fields in (extend, extend_again, grant):
        fields["until"] = moved(fields["until"], weeks)
    note = f"'until' moved on by {weeks} week(s)" if weeks else ""
    a = r.call(receiver, *action("extend"), params={"delivery": d1}, fields=extend,
               what="example extend" + (", " + note if note else ""))
    r.must(ok(a, *action("extend"), expect=[200]), "the extension request")
    a = r.call(sender, *READ, params={"case": case1}, what="who decides the extension")
    ok(a, *READ, expect=[200])
    approver = next((d.get("extension", {}).get("approver") for d in a.get("deliveries", []) if d.get("delivery") == d1),
                    None)
    r.need(approver, "the case does not say who decides the extension")
    ok(r.call(approver, *action("grant_extension"), params={"delivery": d1}, fields=grant,
              what="example grant" + (", " + note if note else "")), *action("grant_extension"), expect=[200])
    ok(r.call(receiver, *action("extend"), params={"delivery": d1}, fields=extend_again,
              what="example extendAgain" + (", " + note if note else "")), *action("extend"), expect=[200])
    ok(r.call(approver, *action("refuse_extension"), params={"delivery": d1},
              fields=r.tagged(r.request_example(*action("refuse_extension"), "refuse")), what="example refuse"),
       *action("refuse_extension"), expect=[200])

    # The answer: refused by the case type's rules as the document shows, then as sent; again: a duplicate.
    arrears = dict(settled, reference=settled["reference"] + "-X", outcome="arrears", body={"note": "欠费"})
    ok(r.call(receiver, *REPLY, params={"delivery": d1}, fields=arrears, what="arrears without amount and period"),
       *REPLY, expect=[422], example="invalidReply")
    ok(r.call(receiver, *REPLY, params={"delivery": d1}, fields=settled, what="example settled"),
       *REPLY, expect=[201], example="accepted")
    ok(r.call(receiver, *REPLY, params={"delivery": d1}, fields=settled, what="example settled again"),
       *REPLY, expect=[200], example="duplicate")

    # Closed by the registry; nothing more changes it.
    ok(r.call(sender, *CLOSE, params={"case": case1}, fields=r.tagged(r.request_example(*CLOSE, "close")),
              what="example close"), *CLOSE, expect=[200])
    late = r.tagged({"reference": "JX-FC-2049", "final": False, "body": {"note": "补充说明"}})  # as the example 'closed' 
    ok(r.call(receiver, *REPLY, params={"delivery": d1}, fields=late, what="after the close"),
       *REPLY, expect=[409], example="closed")

    # The second case: answered, and the answer not accepted.
    ok(r.call(receiver, *REPLY, params={"delivery": d2}, fields=settled, what="example settled"), *REPLY, expect=[201])
    reopen = r.tagged(r.request_example(*REOPEN, "reopen"))
    reopen["delivery"] = d2
    ok(r.call(sender, *REOPEN, params={"case": case2}, fields=reopen, what="example reopen, its delivery"),
       *REOPEN, expect=[200])

    # The third case: returned (a reason is required), and assigned on by the unit that decides.
    ret = r.tagged(r.request_example(*action("return"), "return"))
    ok(r.call(receiver, *action("return"), params={"delivery": d3}, fields=dict(ret, reason=""), what="no reason"),
       *action("return"), expect=[422], example="reasonRequired")
    ok(r.call(receiver, *action("return"), params={"delivery": d3}, fields=ret, what="example return"),
       *action("return"), expect=[200])
    a = r.call(sender, *READ, params={"case": case3}, what="who decides the returned case")
    ok(a, *READ, expect=[200])
    decider = next((d for d in a.get("deliveries", []) if d.get("delivery") != d3), None)
    r.need(decider, "the returned case went to nobody")
    ok(r.call(decider["to"], *action("assign"), params={"delivery": decider["delivery"]},
              fields=r.tagged(r.request_example(*action("assign"), "assign")), what="example assign"),
       *action("assign"), expect=[200])

    # The registry's inbox: deliveries, forwarded replies and updates, each acked once taken.
    params = {p["name"]: p.get("example") for p in r.operation(*INBOX).get("parameters", [])}
    query = urllib.parse.urlencode({k: v for k, v in params.items() if v is not None})
    seen, give_up = set(), time.monotonic() + INBOX_PATIENCE_SECONDS
    while not {"delivery", "reply", "update"} <= seen and time.monotonic() < give_up:
        a = r.call(sender, *INBOX, query=query)
        if not ok(a, *INBOX, expect=[200]):
            break
        for m in a.get("messages", []):
            if m.get("kind") == "delivery":
                ack = ("/v1/deliveries/{delivery}/ack", {"delivery": m["delivery"]}, "delivery")
            elif m.get("kind") == "reply":
                ack = ("/v1/replies/{reply}/ack", {"reply": m["reply"]}, "reply")
            else:
                ack = ("/v1/updates/{update}/ack", {"update": m["update"]}, "update")
            a = r.call(sender, "POST", ack[0], params=ack[1], what=f"a {m.get('kind')} of case {m.get('case')}")
            if ack[2] == "delivery":
                ok(a, "POST", ack[0], expect=[202], example="delivery")
            else:
                ok(a, "POST", ack[0], expect=[202])
            seen.add(ack[2])
    if not {"delivery", "reply", "update"} <= seen:
        print(f"the inbox of {sender} brought no {', '.join(sorted({'delivery', 'reply', 'update'} - seen))} "
              f"within {INBOX_PATIENCE_SECONDS} s: FAIL", flush=True)
        r.failures.append("inbox")
    a = r.call(outsider, *INBOX, query="wait=0")
    ok(a, *INBOX, expect=[200], example="empty" if not a.get("messages") else None)

    # The HTTP layer's own answers.
    ok(r.call(sender, "GET", "/v1/hello", what="the wrong method"), "POST", "/v1/hello", expect=[405],
       example="wrongMethod")
    a = r.call(sender, "GET", "/v1/case", what="a path the API does not have")
    ok(a, None, None, expect=[404], example="noSuchPath", response_ref="NotFound")
    a = r.call(sender, "GET", "/v1/cases/{case}", params={"case": case1}, headers={"X-Padding": "x" * 20000},
               what="20000 bytes of headers")
    ok(a, *READ, expect=[431], example="tooLarge")
    r.connect(True)
    a = r.exchange("G(T", r.base_path + "/v1/hello", b"", {})
    a.line = f"G(T {r.base_path}/v1/hello (a malformed method)"
    ok(a, "POST", "/v1/hello", expect=[400], example="layer")
    r.connect(True)


def all_operations(document):
    return {(m.upper(), p) for p, item in document["paths"].items() for m in item if m in check_openapi.METHODS}


def all_request_examples(document):
    out = set()
    for method, path in all_operations(document):
        body = check_openapi.resolve(document, document["paths"][path][method.lower()].get("requestBody", {}))
        for media in (body.get("content") or {}).values():
            out.update((method, path, name) for name in (media.get("examples") or {}))
    return out


def error_examples(document):
    """The names of the examples of error answers (status 4xx and 5xx) anywhere in the document."""
    names = set()
    for method, path in all_operations(document):
        for status, response in document["paths"][path][method.lower()]["responses"].items():
            if not str(status).startswith(("4", "5")):
                continue
            for media in (check_openapi.resolve(document, response).get("content") or {}).values():
                names.update(media.get("examples") or {})
    return names


def read_credentials(specs):
    credentials = {}
    for spec in specs:
        unit, _, rest = spec.partition("=")
        key_id, _, secret_file = rest.partition(":")
        if not unit or not key_id or not secret_file:
            raise ValueError(f"--credential {spec}: give UNIT=KEY_ID:SECRET_FILE")
        with open(secret_file, encoding="utf-8") as f:
            credentials[unit] = (key_id, f.readline().strip())
    return credentials


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="\n".join(__doc__.strip().splitlines()[1:]))
    parser.add_argument("--url", required=True, help="the hub's unit API, e.g. https://127.0.0.1:8443")
    parser.add_argument("--ca-file", help="the CA of the hub's certificate, when not one the system trusts")
    parser.add_argument("--credential", action="append", default=[], metavar="UNIT=KEY_ID:SECRET_FILE",
                        help="a unit's credential, its secret in a file (repeat for each unit)")
    parser.add_argument("--sender", default="registry", help="the unit that sends the fee checks (registry)")
    parser.add_argument("--outsider", default="court", help="a unit party to none of the cases (court)")
    parser.add_argument("--tag", default=None,
                        help="appended to every reference ('' for none; default: one made from the time)")
    parser.add_argument("--show-answers", action="store_true", help="print every JSON answer under its line")
    parser.add_argument("--document", default=str(DEFAULT_DOCUMENT), help="the OpenAPI document (docs/openapi.yaml)")
    args = parser.parse_args(argv[1:])

    document = check_openapi.load_yaml(args.document)
    tag = args.tag if args.tag is not None else time.strftime("T%m%d%H%M%S")
    try:
        credentials = read_credentials(args.credential)
    except (OSError, ValueError) as e:
        print(f"run_openapi_examples: {e}", file=sys.stderr)
        return 2
    r = Runner(document, args.url, args.ca_file, credentials, tag, show_answers=args.show_answers)
    try:
        play(r, args.sender, args.outsider)
    except (Failed, KeyError) as e:  # KeyError: the document lacks an example or operation the story uses
        print(f"stopped: {e}", flush=True)
        r.failures.append(str(e))
    except (OSError, http.client.HTTPException) as e:
        print(f"stopped: the hub at {args.url} cannot be reached: {e}", flush=True)
        r.failures.append(str(e))

    missing = sorted(all_operations(document) - r.called)
    for method, path in missing:
        print(f"not exercised: {method} {path}")
    unsent = sorted(all_request_examples(document) - r.sent_examples)
    for method, path, name in unsent:
        print(f"request example not sent: {method} {path} '{name}'")
    unprovoked = sorted(error_examples(document) - r.matched_examples)
    if unprovoked:
        print(f"error examples not provoked here (the hub would have to be down, slow, disabled or "
              f"flooded): {', '.join(unprovoked)}")
    if r.failures or missing or unsent:
        print(f"run_openapi_examples: FAILED ({len(r.failures)} failed call(s), {len(missing)} operation(s) not "
              f"exercised, {len(unsent)} request example(s) not sent)")
        return 1
    print(f"run_openapi_examples: all {len(r.called)} operations of {args.document} answered as documented")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
