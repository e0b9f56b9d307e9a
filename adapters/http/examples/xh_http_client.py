"""A client for the Xinhui hub's unit API over HTTPS, with Python's standard library only.

See docs/ADAPTERS.md (中文: docs/ADAPTERS.zh.md). Copy this file into your unit's system.
It needs your unit's key id and secret (given once by the hub's operator with
'hubctl credential issue <unit>'), the hub's address and, for a hub whose certificate is
not signed by a CA your system trusts, the CA file the operator gives you:

    from xh_http_client import HubClient

    hub = HubClient("https://hub.example:8443", "xk_0123456789abcdef", secret, ca_file="hub-ca.pem")
    answer = hub.send_case("ZY-2024-000123", "registry.fee_check", "jinxiu",
                           {"dwelling": "5号楼2单元301", "seller": "张某", "buyer": "李某"})
    for message in hub.inbox(wait=10):        # deliveries, forwarded replies, updates
        store(message)                          # your database first ...
        hub.ack(message)                        # ... then the ack

Every request is signed (sign_request below); answers are the hub's protocol messages
(docs/PROTOCOL.md) as dicts, with the HTTP status in answer["http_status"]. Requests the hub
could not take now (429, 503) are sent again, with the same reference, after the pause the
hub asks for (Retry-After), up to `attempts` times: the hub never does the same work twice.

A webhook receiver checks each push with verify_push() before trusting it, and reads its
messages with messages_of_push() (one message, or a batch when the webhook has `batch` > 1).

Run it as a program to try a hub by hand:

    python3 xh_http_client.py --url https://127.0.0.1:8443 --key-id xk_... --secret-file registry.secret \\
        --ca-file hub-ca.pem send ZY-1 registry.fee_check jinxiu '{"dwelling": "5号楼2单元301"}'
    python3 xh_http_client.py ... send-batch cases.json   # up to 100 cases in one request, a line per answer
    python3 xh_http_client.py ... inbox --follow          # print and ack what comes
    python3 xh_http_client.py ... read 1024               # a case your unit is party to
    python3 xh_http_client.py ... upload 合同.pdf          # prints the file's sha256 to name in a case
    python3 xh_http_client.py ... send ZY-2 court.arrears_referral jinxiu '{...}' --attach <sha256>=合同.pdf
    python3 xh_http_client.py ... fetch 1024 <sha256> 合同.pdf   # a file of a case, checked
"""

import argparse
import hashlib
import hmac
import http.client
import json
import os
import secrets
import ssl
import sys
import time
import urllib.parse

SCHEME = "XH1-HMAC-SHA256"
MAX_CLOCK_SKEW_SECONDS = 300

# The file types the hub stores, by extension (docs/PROTOCOL.md, "Attachments").
MEDIA_TYPES = {
    ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".webp": "image/webp",
    ".pdf": "application/pdf", ".ofd": "application/ofd", ".mp4": "video/mp4",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def canonical_query(query):
    """The query's pairs decoded, sorted, re-encoded (only A-Z a-z 0-9 - . _ ~ kept), joined by '&'."""
    pairs = urllib.parse.parse_qsl(query, keep_blank_values=True)
    encoded = sorted((name.encode("utf-8"), value.encode("utf-8")) for name, value in pairs)
    return "&".join(urllib.parse.quote(name, safe="") + "=" + urllib.parse.quote(value, safe="")
                    for name, value in encoded)


def canonical_text(method, path, query, timestamp, nonce, body):
    """The seven lines a request (or a webhook push) is signed over; `body` is bytes."""
    return "\n".join([SCHEME, method, path, canonical_query(query), str(timestamp), nonce,
                      hashlib.sha256(body).hexdigest()])


def sign_request(secret, method, path, query, body, timestamp=None, nonce=None):
    """The headers X-XH-Timestamp, X-XH-Nonce and X-XH-Signature of one request."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    nonce = secrets.token_hex(16) if nonce is None else nonce
    text = canonical_text(method, path, query, timestamp, nonce, body)
    signature = hmac.new(secret.encode("utf-8"), text.encode("utf-8"), hashlib.sha256).hexdigest()
    return {"X-XH-Timestamp": str(timestamp), "X-XH-Nonce": nonce, "X-XH-Signature": signature}


def verify_push(secret, path, query, headers, body, now=None, seen_nonces=None):
    """True when a webhook push is signed by the hub with the webhook's secret, recently.

    `headers` maps header names (any case) to values; `body` is bytes. Pass a set as
    `seen_nonces` (kept for at least 2 * MAX_CLOCK_SKEW_SECONDS) to refuse a replayed push."""
    lower = {name.lower(): value for name, value in headers.items()}
    try:
        timestamp = int(lower["x-xh-timestamp"])
        nonce = lower["x-xh-nonce"]
        signature = lower["x-xh-signature"]
    except (KeyError, ValueError):
        return False
    now = time.time() if now is None else now
    if abs(now - timestamp) > MAX_CLOCK_SKEW_SECONDS:
        return False
    text = canonical_text("POST", path, query, timestamp, nonce, body)
    expected = hmac.new(secret.encode("utf-8"), text.encode("utf-8"), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature):
        return False
    if seen_nonces is not None:
        if nonce in seen_nonces:
            return False
        seen_nonces.add(nonce)
    return True


def messages_of_push(body):
    """The messages a verified webhook push carries: [message] or, for {"kind":"batch",...}, its list."""
    pushed = json.loads(body)
    if pushed.get("kind") == "batch":
        return list(pushed.get("messages", []))
    return [pushed]


class HubError(Exception):
    """The hub refused a request for good (4xx), or kept answering 'later' (429, 503)."""

    def __init__(self, answer):
        super().__init__("HTTP %s %s: %s" % (answer.get("http_status"), answer.get("code"), answer.get("message")))
        self.answer = answer


class HubClient:
    """One unit's connection to the hub's unit API (kept alive between requests). One thread at a time."""

    def __init__(self, url, key_id, secret, ca_file=None, timeout=40, attempts=5):
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("https", "http"):
            raise ValueError("url must start with https://")
        self.key_id, self.secret, self.timeout, self.attempts = key_id, secret, timeout, attempts
        self.base_path = parts.path.rstrip("/")
        if parts.scheme == "https":
            context = ssl.create_default_context(cafile=ca_file)
            self._connect = lambda: http.client.HTTPSConnection(parts.hostname, parts.port or 443,
                                                                timeout=timeout, context=context)
        else:
            self._connect = lambda: http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=timeout)
        self._connection = None

    # -- the unit API (docs/ADAPTERS.md, "Calls") --------------------------------------------------------------

    def hello(self, client="xh_http_client.py"):
        return self.call("POST", "/v1/hello", {"client": client})

    def send_case(self, reference, case_type, compound, payload, attachments=None):
        """`attachments`: files your unit uploaded, [{"sha256": ..., "name": ..., "label": ...}, ...]."""
        fields = {"reference": reference, "type": case_type, "compound": compound, "payload": payload}
        if attachments:
            fields["attachments"] = attachments
        return self.call("POST", "/v1/cases", fields)

    def send_cases(self, cases):
        """Up to 100 cases in one request (docs/ADAPTERS.md, "Sending many cases"): each a dict with the
        fields of send_case ("reference", "type", "compound", "payload", optionally "attachments").
        Returns the answer of each case, in order, each with its own "http_status"; resend those
        whose answer says "retry" with the same references."""
        answer = self.call("POST", "/v1/case-batches", {"cases": list(cases)})
        answers = []
        for part in answer.get("answers", []):
            one = dict(part["answer"])
            one["http_status"] = part["status"]
            answers.append(one)
        return answers

    def read_case(self, case_id):
        return self.call("GET", "/v1/cases/%d" % case_id)

    def reply(self, delivery, reference, final, body, outcome=None, attachments=None):
        fields = {"reference": reference, "final": final, "body": body}
        if outcome is not None:
            fields["outcome"] = outcome
        if attachments:
            fields["attachments"] = attachments
        return self.call("POST", "/v1/deliveries/%d/replies" % delivery, fields)

    def upload(self, data, media_type):
        """Stores a file (bytes) at the hub; name it afterwards by the answer's "sha256"."""
        return self.call("POST", "/v1/attachments", body=data, content_type=media_type)

    def upload_file(self, path, media_type=None):
        """upload() of a file on disk, its type from its extension unless given."""
        media_type = media_type or MEDIA_TYPES.get(os.path.splitext(path)[1].lower())
        if media_type is None:
            raise ValueError("%s: the hub stores %s files; give the type" % (path, ", ".join(sorted(MEDIA_TYPES))))
        with open(path, "rb") as f:
            return self.upload(f.read(), media_type)

    def fetch(self, case_id, sha256):
        """The bytes of a file the case names (your unit must be party to it), checked against its digest."""
        data = self.call("GET", "/v1/cases/%d/attachments/%s" % (case_id, sha256), raw=True)
        if hashlib.sha256(data).hexdigest() != sha256:
            raise ValueError("the file fetched does not have the SHA-256 %s: fetch it again" % sha256)
        return data

    def transition(self, kind, delivery, reference, **fields):
        """As a receiver (or the unit deciding extensions): sign, return, assign, extend,
        grant_extension or refuse_extension of a delivery."""
        return self.call("POST", "/v1/deliveries/%d/%s" % (delivery, kind), dict(fields, reference=reference))

    def close(self, case, reference, delivery=None):
        """As the originator: confirm a resolved case (all its resolved deliveries, or the one named)."""
        fields = {"reference": reference} if delivery is None else {"reference": reference, "delivery": delivery}
        return self.call("POST", "/v1/cases/%d/close" % case, fields)

    def reopen(self, case, reference, reason, delivery=None):
        """As the originator: the resolution is not accepted; the delivery is in progress again."""
        fields = {"reference": reference, "reason": reason}
        if delivery is not None:
            fields["delivery"] = delivery
        return self.call("POST", "/v1/cases/%d/reopen" % case, fields)

    def ack(self, message):
        """Acks a message the hub sent (after you stored it): a delivery, a reply or an update."""
        kind = message.get("kind")
        if kind == "delivery":
            return self.call("POST", "/v1/deliveries/%d/ack" % message["delivery"])
        if kind == "reply":
            return self.call("POST", "/v1/replies/%d/ack" % message["reply"])
        if "update" in message:  # state, reminder, extension_request
            return self.call("POST", "/v1/updates/%d/ack" % message["update"])
        raise ValueError("nothing to ack in a %r message" % message.get("kind"))

    def inbox(self, wait=10, limit=100):
        """The messages the hub has for your unit, waiting up to `wait` seconds for the first."""
        return self.call("GET", "/v1/inbox", query="wait=%d&limit=%d" % (wait, limit))["messages"]

    # -- one signed request ----------------------------------------------------------------------------------

    def call(self, method, path, fields=None, query="", body=None, content_type="application/json", raw=False):
        """One request: `fields` as a JSON body, or `body` bytes of `content_type`. With `raw`, a
        successful answer's bytes are returned as they came (a fetched file)."""
        if body is None:
            body = b"" if fields is None else json.dumps(fields, ensure_ascii=False).encode("utf-8")
        for attempt in range(1, self.attempts + 1):
            status, headers, data = self._exchange(method, self.base_path + path, query, body, content_type)
            if status < 400 and raw:
                return data
            answer = _answer_of(data)
            answer["http_status"] = status
            if status < 400:
                return answer
            if status not in (429, 503) or attempt == self.attempts:
                raise HubError(answer)
            time.sleep(min(int(headers.get("retry-after", "1")), 60) * attempt)
        raise AssertionError("unreachable")

    def _exchange(self, method, path, query, body, content_type):
        headers = sign_request(self.secret, method, path, query, body)
        headers["X-XH-Key"] = self.key_id
        if body:
            headers["Content-Type"] = content_type
        target = path + ("?" + query if query else "")
        for fresh in (False, True):
            if self._connection is None or fresh:
                if self._connection is not None:
                    self._connection.close()
                self._connection = self._connect()
            try:
                self._connection.request(method, target, body=body, headers=headers)
                response = self._connection.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                if fresh:
                    raise
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data


def _answer_of(data):
    """The hub's JSON answer as a dict (the HTTP layer's own errors in the protocol's shape)."""
    answer = json.loads(data.decode("utf-8")) if data else {}
    if "error" in answer and isinstance(answer["error"], dict):
        answer = {"kind": "error", "code": answer["error"].get("code"), "message": answer["error"].get("message")}
    return answer


def main():
    parser = argparse.ArgumentParser(description="Try the hub's unit API by hand (docs/ADAPTERS.md).")
    parser.add_argument("--url", required=True, help="the hub's unit API, e.g. https://hub.example:8443")
    parser.add_argument("--key-id", required=True)
    parser.add_argument("--secret-file", required=True, help="a file holding your unit's secret")
    parser.add_argument("--ca-file", help="the CA of the hub's certificate, when not one your system trusts")
    commands = parser.add_subparsers(dest="command", required=True)
    send = commands.add_parser("send", help="send a case")
    send.add_argument("reference")
    send.add_argument("type")
    send.add_argument("compound")
    send.add_argument("payload", help="the payload as JSON")
    send.add_argument("--attach", action="append", default=[], metavar="SHA256=NAME",
                      help="name a file your unit uploaded (repeat for more)")
    batch = commands.add_parser("send-batch", help="send up to 100 cases in one request; prints each one's answer")
    batch.add_argument("file", help="a JSON file holding a list of cases, each {reference, type, compound, payload}")
    upload = commands.add_parser("upload", help="upload a file; prints the hub's answer with its sha256")
    upload.add_argument("file")
    upload.add_argument("--type", help="its media type (default: from its extension)")
    fetch = commands.add_parser("fetch", help="fetch a file a case names, checked against its sha256")
    fetch.add_argument("case", type=int)
    fetch.add_argument("sha256")
    fetch.add_argument("out", help="where to write it")
    read = commands.add_parser("read", help="read a case your unit is party to")
    read.add_argument("case", type=int)
    inbox = commands.add_parser("inbox", help="fetch (and ack) what the hub has for your unit")
    inbox.add_argument("--follow", action="store_true", help="keep polling")
    args = parser.parse_args()

    with open(args.secret_file, encoding="utf-8") as f:
        secret = f.readline().strip()
    hub = HubClient(args.url, args.key_id, secret, ca_file=args.ca_file)
    try:
        if args.command == "send":
            files = [dict(zip(("sha256", "name"), a.split("=", 1))) for a in args.attach]
            print(json.dumps(hub.send_case(args.reference, args.type, args.compound, json.loads(args.payload),
                                           files), ensure_ascii=False))
        elif args.command == "send-batch":
            with open(args.file, encoding="utf-8") as f:
                for answer in hub.send_cases(json.load(f)):
                    print(json.dumps(answer, ensure_ascii=False))
        elif args.command == "upload":
            print(json.dumps(hub.upload_file(args.file, args.type), ensure_ascii=False))
        elif args.command == "fetch":
            data = hub.fetch(args.case, args.sha256)
            with open(args.out, "wb") as f:
                f.write(data)
        elif args.command == "read":
            print(json.dumps(hub.read_case(args.case), ensure_ascii=False))
        else:
            while True:
                for message in hub.inbox():
                    print(json.dumps(message, ensure_ascii=False), flush=True)
                    hub.ack(message)
                if not args.follow:
                    break
    except HubError as e:
        print(json.dumps(e.answer, ensure_ascii=False), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
