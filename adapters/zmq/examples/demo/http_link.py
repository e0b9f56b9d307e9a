"""Units of the demo that reach the hub over HTTPS instead of ZeroMQ.

HttpLink gives a story the same calls as xh_client.HubClient (send_case, reply,
transition, ack_*, recv, hello, disconnect), carried by the unit API with the
standard-library client of adapters/http/examples/xh_http_client.py. A unit
receives either by polling its inbox (recv() polls) or by webhook: a
WebhookReceiver on this machine, where the hub pushes signed messages that it
checks before keeping them; the hub counts a push answered 2xx as acked.

Refusals come back as the hub's answer (rejected, error), as over ZeroMQ, so
a story checks them the same way.
"""

import collections
import http.server
import json
import os
import queue
import sys
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "http", "examples"))
from xh_http_client import HubClient, HubError, verify_push  # noqa: E402


class WebhookReceiver:
    """An HTTP server on 127.0.0.1 that keeps every correctly signed push and answers 204."""

    def __init__(self, secret, port=0):
        self.messages = queue.Queue()
        self.refused = 0
        seen = set()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (the standard library's name)
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                parts = urllib.parse.urlsplit(self.path)
                if not verify_push(secret, parts.path, parts.query, dict(self.headers), body, seen_nonces=seen):
                    receiver.refused += 1
                    self.send_response(401)
                    self.end_headers()
                    return
                receiver.messages.put(json.loads(body.decode("utf-8")))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):  # quiet: the story prints what matters
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def close(self):
        self._server.shutdown()
        self._server.server_close()


class HttpLink:
    """One unit's HTTPS link, with the calls of xh_client.HubClient."""

    def __init__(self, url, key_id, secret, ca_file=None, webhook=None):
        self._hub = HubClient(url, key_id, secret, ca_file=ca_file, attempts=3)
        self._webhook = webhook
        self._backlog = collections.deque()
        self._next_poll = 0.0

    POLL_EVERY_SECONDS = 0.2  # a story pumps every few ms; the inbox is asked at most this often

    def _answer(self, method, path, fields=None):
        try:
            return self._hub.call(method, path, fields)
        except HubError as refused:
            return refused.answer

    def hello(self, client="xh_http_client.py", timeout=10.0):
        del timeout  # the HTTP client's own timeout applies
        return self._answer("POST", "/v1/hello", {"client": client})

    def send_case(self, reference, case_type, payload, compound="", timeout=10.0, attachments=None):
        del timeout
        fields = {"reference": reference, "type": case_type, "compound": compound, "payload": payload}
        if attachments:
            fields["attachments"] = attachments
        return self._answer("POST", "/v1/cases", fields)

    def upload(self, data, media_type, timeout=10.0):
        del timeout
        try:
            return self._hub.upload(data, media_type)
        except HubError as refused:
            return refused.answer

    def fetch(self, case, sha256, timeout=10.0):
        """The file's bytes, or the hub's refusal (a dict)."""
        del timeout
        try:
            return self._hub.fetch(case, sha256)
        except HubError as refused:
            return refused.answer

    def reply(self, delivery, reference, body, final=False, outcome=None, timeout=10.0):
        del timeout
        fields = {"reference": reference, "final": final, "body": body}
        if outcome is not None:
            fields["outcome"] = outcome
        return self._answer("POST", "/v1/deliveries/%d/replies" % delivery, fields)

    def transition(self, kind, reference, timeout=10.0, **fields):
        del timeout
        if kind in ("close", "reopen"):
            case = fields.pop("case")
            return self._answer("POST", "/v1/cases/%d/%s" % (case, kind), dict(fields, reference=reference))
        delivery = fields.pop("delivery")
        return self._answer("POST", "/v1/deliveries/%d/%s" % (delivery, kind), dict(fields, reference=reference))

    def ack_delivery(self, delivery):
        if self._webhook is None:  # a push answered 2xx is acked already
            self._answer("POST", "/v1/deliveries/%d/ack" % delivery)

    def ack_reply(self, reply):
        if self._webhook is None:
            self._answer("POST", "/v1/replies/%d/ack" % reply)

    def ack_update(self, update):
        if self._webhook is None:
            self._answer("POST", "/v1/updates/%d/ack" % update)

    def recv(self, timeout=None):
        """The next message from the hub, or None: from the webhook's receiver, or a poll of the inbox."""
        if self._backlog:
            return self._backlog.popleft()
        if self._webhook is not None:
            try:
                return self._webhook.messages.get(timeout=timeout or 0.001)
            except queue.Empty:
                return None
        if not timeout and time.monotonic() < self._next_poll:
            return None
        self._next_poll = time.monotonic() + self.POLL_EVERY_SECONDS
        wait = 0 if not timeout else min(int(timeout), 10)
        self._backlog.extend(self._hub.inbox(wait=wait))
        return self._backlog.popleft() if self._backlog else None

    def disconnect(self):
        if self._webhook is not None:
            self._webhook.close()
