"""A small client for the Xinhui hub, protocol 1 ("xh1"); see docs/PROTOCOL.md.

Copy this file into your unit's system. It needs pyzmq (Debian: python3-zmq),
your unit's key pair file (made by 'hubctl keygen'), the hub's public key file
and the hub's endpoint:

    from xh_client import HubClient

    with HubClient("tcp://hub.example:7750", "registry.key", "hub.pub") as hub:
        print(hub.hello())
        answer = hub.send_case("R-2024-0001", "fee_check", {"room": "3-2-501"})
        message = hub.recv(timeout=30)      # a delivery, a forwarded reply, an update, ...
        hub.sign(message["delivery"], "SIGN-1")   # your unit takes responsibility (签收)

A HubClient is one connection of one unit. It is not thread-safe: use it from
one thread. While you wait in recv() or for an answer, it sends the heartbeats
that keep your unit online.

A deployment may run several hubs on one database ("Several hubs" in
docs/PROTOCOL.md). Give their endpoints in your order of preference, as a list
or as one string with commas ("tcp://hub1:7750,tcp://hub2:7750"): the client
uses the first, and when its hub has answered nothing for three heartbeat
intervals it moves to the next one, says hello there (after a hello of yours)
and sends the request still waiting for its answer again.
"""

import collections
import hashlib
import json
import time

import zmq

PROTOCOL_TAG = b"xh1"


def read_key_file(path):
    """Reads a hub key file: {"public": Z85, "secret": Z85 (only in .key files)}."""
    keys = {}
    with open(path, encoding="ascii") as lines:
        for number, line in enumerate(lines, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            name, equals, value = (part.strip() for part in line.partition("="))
            if not equals or name not in ("public", "secret") or len(value) != 40:
                raise ValueError(f"{path}:{number}: expected 'public = <40-character key>' "
                                 f"or 'secret = <40-character key>'")
            keys[name] = value
    if "public" not in keys:
        raise ValueError(f"{path}: no 'public = <key>' line")
    return keys


class HubClient:
    """One unit's connection to the hub (a CURVE DEALER socket)."""

    def __init__(self, endpoint, key_file, hub_public_key_file):
        own = read_key_file(key_file)
        if "secret" not in own:
            raise ValueError(f"{key_file} has no secret key: pass your unit's .key file, not a .pub file")
        self.endpoints = [e.strip() for e in endpoint.split(",")] if isinstance(endpoint, str) else list(endpoint)
        if not self.endpoints or not all(self.endpoints):
            raise ValueError(f"no hub endpoint in {endpoint!r}")
        self._current = 0
        self._keys = (own["public"].encode("ascii"), own["secret"].encode("ascii"),
                      read_key_file(hub_public_key_file)["public"].encode("ascii"))
        self._context = zmq.Context()
        self._socket = None
        self._connect()
        self._backlog = collections.deque()  # messages that arrived while waiting for an answer
        self._last_sent = time.monotonic()
        self._unanswered_since = None  # when something was sent to the hub that it has not answered yet
        self._pending = None           # the request waiting for its answer
        self._hello = None             # the last hello sent: said again on another hub
        self._waiting_for_welcome = False
        self.heartbeat_seconds = 5  # the hub's value replaces this after hello()
        self.unit = None            # your unit id, as the hub knows it, after hello()
        self.hub = None             # the id of the hub that welcomed this connection last

    @property
    def endpoint(self):
        """The endpoint of the hub in use."""
        return self.endpoints[self._current]

    def disconnect(self):
        self._socket.close()
        self._context.term()

    def _connect(self):
        self._socket = self._context.socket(zmq.DEALER)
        self._socket.linger = 0
        self._socket.curve_publickey, self._socket.curve_secretkey, self._socket.curve_serverkey = self._keys
        self._socket.connect(self.endpoint)

    def _move_on(self):
        """The hub answered nothing for three heartbeat intervals: the next hub of the deployment."""
        self._socket.close()  # with whatever it still queued for the silent hub
        self._current = (self._current + 1) % len(self.endpoints)
        self._connect()
        self._unanswered_since = None
        if self._hello is not None:
            self._send(self._hello)  # that hub sends everything pending for your unit at once
        if self._pending is not None:
            self._send(self._pending)  # same reference: safe, the answer says "duplicate" if it was stored

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.disconnect()

    # Requests. Each waits up to `timeout` seconds for the hub's answer and
    # returns it (a dict), or None on timeout. Resending the same request with the
    # same reference is safe: the hub answers with the same result.

    def hello(self, client="xh_client.py/1", timeout=10.0):
        """Announces this connection as the unit's receiver; returns "welcome"."""
        self._hello = {"kind": "hello", "client": client}
        self._send(self._hello)
        self._waiting_for_welcome = True
        try:
            return self._wait(lambda m: m.get("kind") in ("welcome", "error"), timeout)
        finally:
            self._waiting_for_welcome = False

    def send_case(self, reference, case_type, payload, compound="", timeout=10.0, attachments=None):
        """Sends a case; returns "accepted", "rejected" or "error". `attachments`: files your unit
        uploaded (upload()), [{"sha256": ..., "name": ..., "label": ...}, ...]."""
        message = {"kind": "send", "reference": reference, "type": case_type, "compound": compound, "payload": payload}
        if attachments:
            message["attachments"] = attachments
        return self._request(message, ("accepted", "rejected", "error"), timeout)

    def reply(self, delivery, reference, body, final=False, outcome=None, timeout=10.0, attachments=None):
        """Replies about one of your deliveries; returns "reply_accepted" or "error"."""
        message = {"kind": "reply", "delivery": delivery, "reference": reference, "final": final, "body": body}
        if outcome is not None:
            message["outcome"] = outcome
        if attachments:
            message["attachments"] = attachments
        return self._request(message, ("reply_accepted", "error"), timeout)

    # Files (docs/PROTOCOL.md, "Attachments"): a chunk's bytes travel as a third frame.

    def upload(self, data, media_type, chunk_bytes=512 * 1024, timeout=10.0):
        """Stores a file (bytes) at the hub, chunk after chunk; returns "uploaded" (name the file by
        its "sha256"), an "error", or None on timeout. Safe to call again: the hub goes on where
        it stopped."""
        sha256 = hashlib.sha256(data).hexdigest()
        offset = 0
        while True:
            message = {"kind": "upload", "sha256": sha256, "size": len(data), "type": media_type, "offset": offset}
            self._send(message, data[offset:offset + chunk_bytes])
            answer = self._wait(lambda m: m.get("request") == "upload" and m.get("reference", sha256) == sha256
                                and m.get("sha256", sha256) == sha256, timeout)
            if answer is None or answer.get("kind") != "upload_progress":
                return answer
            offset = answer["received"]

    def fetch(self, case, sha256, chunk_bytes=512 * 1024, timeout=10.0):
        """The bytes of a file that case `case` names (your unit must be party to it), checked
        against its digest; or the hub's "error" (a dict), or None on timeout."""
        data = b""
        while True:
            self._send({"kind": "fetch", "case": case, "sha256": sha256, "offset": len(data), "length": chunk_bytes})
            answer = self._wait(lambda m: m.get("request") == "fetch" and
                                (m.get("sha256") == sha256 or m.get("reference") == sha256), timeout)
            if answer is None or answer.get("kind") != "file":
                return answer
            data += answer.pop("data", b"")
            if answer["length"] == 0 or len(data) >= answer["size"]:
                break
        if hashlib.sha256(data).hexdigest() != sha256:
            raise ValueError("the file fetched does not have the SHA-256 %s: fetch it again" % sha256)
        return data

    def read(self, case, timeout=10.0):
        """The current state of a case your unit sent or received a delivery of; returns "case" or "error".
        Reads have no reference: the answer names the case."""
        message = {"kind": "read", "case": case}
        self._pending = message
        try:
            self._send(message)
            # An error without request and case answers the frame just sent (oversized, ...).
            return self._wait(lambda m: m.get("kind") in ("case", "error") and m.get("request", "read") == "read"
                              and m.get("case", case) == case, timeout)
        finally:
            self._pending = None

    # The case lifecycle. Each returns "transition_accepted" or "error"; the
    # reference makes a resend safe, as for cases and replies.

    def sign(self, delivery, reference, timeout=10.0):
        """Your unit takes responsibility for a delivery (签收)."""
        return self.transition("sign", reference, timeout, delivery=delivery)

    def return_delivery(self, delivery, reference, reason, timeout=10.0):
        """Not your unit's business (退回): the hub routes the case on."""
        return self.transition("return", reference, timeout, delivery=delivery, reason=reason)

    def assign(self, delivery, reference, to, reason=None, timeout=10.0):
        """For a delivery that came after a return (it has "returned"): unit `to` is to handle the case."""
        fields = {"reason": reason} if reason is not None else {}
        return self.transition("assign", reference, timeout, delivery=delivery, to=to, **fields)

    def extend(self, delivery, reference, until, reason, timeout=10.0):
        """Asks for more time (延期) before the deadline; `until`: "2026-12-03T18:00:00+08:00"."""
        return self.transition("extend", reference, timeout, delivery=delivery, until=until, reason=reason)

    def grant_extension(self, delivery, reference, until=None, reason=None, timeout=10.0):
        """As the unit that decides another unit's extensions: grant it (optionally a shorter one)."""
        fields = {k: v for k, v in (("until", until), ("reason", reason)) if v is not None}
        return self.transition("grant_extension", reference, timeout, delivery=delivery, **fields)

    def refuse_extension(self, delivery, reference, reason, timeout=10.0):
        return self.transition("refuse_extension", reference, timeout, delivery=delivery, reason=reason)

    def close(self, case, reference, delivery=None, timeout=10.0):
        """As the originator: confirm a resolved case (all its resolved deliveries, or one)."""
        fields = {"delivery": delivery} if delivery is not None else {}
        return self.transition("close", reference, timeout, case=case, **fields)

    def reopen(self, case, reference, reason, delivery=None, timeout=10.0):
        """As the originator: the resolution is not accepted; back to in progress."""
        fields = {"delivery": delivery} if delivery is not None else {}
        return self.transition("reopen", reference, timeout, case=case, reason=reason, **fields)

    def transition(self, kind, reference, timeout=10.0, **fields):
        return self._request({"kind": kind, "reference": reference, **fields}, ("transition_accepted", "error"), timeout)

    # Acknowledgements: send them once the message is stored on your side. The
    # hub does not answer them.

    def ack_delivery(self, delivery):
        self._send({"kind": "ack", "delivery": delivery})

    def ack_reply(self, reply):
        self._send({"kind": "ack", "reply": reply})

    def ack_update(self, update):
        """Acks a state change, reminder or extension request (any message with an "update" id)."""
        self._send({"kind": "ack", "update": update})

    def recv(self, timeout=None):
        """The next message from the hub (a dict), or None after `timeout` seconds
        (None: wait for ever). Heartbeat answers are not returned."""
        if self._backlog:
            return self._backlog.popleft()
        return self._receive(timeout)

    # Internals.

    def _send(self, message, data=None):
        body = json.dumps(message, ensure_ascii=False).encode("utf-8")
        self._socket.send_multipart([PROTOCOL_TAG, body] if data is None else [PROTOCOL_TAG, body, data])
        self._last_sent = time.monotonic()
        if self._unanswered_since is None:
            self._unanswered_since = self._last_sent

    def _request(self, message, kinds, timeout):
        self._pending = message
        try:
            self._send(message)
            return self._wait_for_answer(message["reference"], kinds, timeout)
        finally:
            self._pending = None

    def _wait_for_answer(self, reference, kinds, timeout):
        # An error without a reference is an answer to the frame we just sent
        # (malformed_frame, oversized, ...): this client has one request out at a time.
        return self._wait(lambda m: m.get("kind") in kinds and m.get("reference", reference) == reference, timeout)

    def _wait(self, is_answer, timeout):
        deadline = time.monotonic() + timeout
        while True:
            message = self._receive(max(0.0, deadline - time.monotonic()))
            if message is None or is_answer(message):
                return message
            self._backlog.append(message)

    def _receive(self, timeout):
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            silence = 3 * self.heartbeat_seconds  # then the hub counts as unreachable
            if (len(self.endpoints) > 1 and self._unanswered_since is not None
                    and time.monotonic() - self._unanswered_since >= silence):
                self._move_on()
            if time.monotonic() - self._last_sent >= self.heartbeat_seconds:
                self._send({"kind": "heartbeat"})
            wake = self._last_sent + self.heartbeat_seconds
            if len(self.endpoints) > 1 and self._unanswered_since is not None:
                wake = min(wake, self._unanswered_since + silence)
            if deadline is not None:
                wake = min(wake, deadline)
            if self._socket.poll(max(0, int((wake - time.monotonic()) * 1000)) + 1):
                tag, *rest = self._socket.recv_multipart()
                self._unanswered_since = None
                if tag != PROTOCOL_TAG or len(rest) not in (1, 2):
                    continue  # not protocol 1: cannot come from this hub
                message = json.loads(rest[0].decode("utf-8"))
                if len(rest) == 2:
                    message["data"] = rest[1]  # a fetched file's bytes
                kind = message.get("kind")
                if kind == "welcome":
                    self.unit = message["unit"]
                    self.hub = message.get("hub")
                    self.heartbeat_seconds = message["heartbeat_seconds"]
                    if not self._waiting_for_welcome:
                        continue  # the answer to a hello said again on another hub
                if kind != "heartbeat":
                    return message
            elif deadline is not None and time.monotonic() >= deadline:
                return None
