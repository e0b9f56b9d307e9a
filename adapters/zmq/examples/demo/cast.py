"""The member units of a demo story, each a real connection to the hub with its own key.

A Cast connects every unit it is given (one HubClient each, see ../xh_client.py),
keeps what each one receives, acks it at once (deliveries, forwarded replies and
updates: state changes, reminders, extension requests),
and lets a story wait for a message with a bounded timeout. Because several
units share one thread, every wait keeps all of them heartbeating, so none of
them drops offline while the story waits on another.
"""

import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from xh_client import HubClient  # noqa: E402  (the client library next to this folder)


class StoryError(Exception):
    """Something the story expected did not happen."""


class Unit:
    """One member unit in the story: a connection and what it received."""

    def __init__(self, cast, unit_id, client):
        self.cast = cast
        self.id = unit_id
        self.client = client
        self.inbox = []  # deliveries and forwarded replies, acked, in arrival order
        self._references = 0

    def reference(self, prefix):
        self._references += 1
        return f"{prefix}-{time.strftime('%Y%m%d%H%M%S')}-{self._references}"

    def send(self, reference, case_type, compound, payload, attachments=None):
        """Sends a case; returns the hub's answer (accepted / rejected / error)."""
        answer = self.client.send_case(reference, case_type, payload, compound=compound, timeout=15,
                                       attachments=attachments)
        if answer is None:
            raise StoryError(f"{self.id}: no answer from the hub to {case_type} {reference}")
        self.cast.collect_backlog(self)
        return answer

    def upload(self, data, media_type, name, label=None):
        """Stores a file at the hub; returns its entry for a case's attachments."""
        answer = self.client.upload(data, media_type, timeout=15)
        self.cast.collect_backlog(self)
        if answer is None or answer.get("kind") != "uploaded":
            raise StoryError(f"{self.id}: {name} was not uploaded: {answer}")
        entry = {"sha256": answer["sha256"], "name": name}
        if label:
            entry["label"] = label
        return entry

    def fetch(self, case_id, entry):
        """The bytes of a file a case carries, checked against its digest."""
        data = self.client.fetch(case_id, entry["sha256"], timeout=15)
        self.cast.collect_backlog(self)
        if not isinstance(data, bytes):
            raise StoryError(f"{self.id}: {entry['name']} of case {case_id} was not fetched: {data}")
        return data

    def reply(self, delivery, reference, body, final, outcome=None):
        answer = self.client.reply(delivery["delivery"], reference, body, final=final, outcome=outcome, timeout=15)
        if answer is None:
            raise StoryError(f"{self.id}: no answer from the hub to reply {reference}")
        self.cast.collect_backlog(self)
        return answer

    def expect(self, what, match, timeout=20.0):
        """The first message received (kept or new) for which match(message) is true."""
        deadline = time.monotonic() + timeout
        while True:
            for message in self.inbox:
                if match(message):
                    self.inbox.remove(message)
                    return message
            if time.monotonic() >= deadline:
                raise StoryError(f"{self.id} did not receive {what} within {timeout:.0f} s")
            self.cast.pump(0.05)

    def expect_case(self, case_type, timeout=20.0, **payload_fields):
        """A delivery of `case_type` whose payload has the given field values."""
        def match(m):
            return (m.get("kind") == "delivery" and m.get("type") == case_type and
                    all(m.get("payload", {}).get(k) == v for k, v in payload_fields.items()))
        return self.expect(f"a {case_type} delivery {payload_fields or ''}".rstrip(), match, timeout)

    def expect_state(self, delivery, change, timeout=20.0):
        """The state update announcing `change` (signed, resolved, closed, ...) of a delivery."""
        return self.expect(f"the change '{change}' of delivery {delivery}",
                           lambda m: m.get("kind") == "state" and m.get("delivery") == delivery and
                           m.get("change") == change, timeout)

    def act(self, kind, reference, **fields):
        """A lifecycle request (sign, return, extend, ...); raises unless the hub accepts it."""
        answer = self.client.transition(kind, reference, 15, **fields)
        self.cast.collect_backlog(self)
        if answer is None or answer.get("kind") != "transition_accepted":
            raise StoryError(f"{self.id}: {kind} {fields} was not accepted: {answer}")
        return answer

    def expect_reply(self, case_id, timeout=20.0):
        return self.expect(f"a reply to case {case_id}",
                           lambda m: m.get("kind") == "reply" and m.get("case") == case_id, timeout)


class Cast:
    """`links`: units that reach the hub otherwise than over ZeroMQ, by unit id: an object with
    HubClient's calls (http_link.HttpLink for units on the HTTP unit API)."""

    def __init__(self, endpoint, keys_dir, unit_ids, links=None):
        self.units = {}
        hub_key = os.path.join(keys_dir, "hub.pub")
        links = links or {}
        for unit_id in unit_ids:
            if unit_id in links:
                client = links[unit_id]
            else:
                client = HubClient(endpoint, os.path.join(keys_dir, unit_id + ".key"), hub_key)
            welcome = client.hello(client="day_in_xinhui.py/1", timeout=15)
            if not welcome or welcome.get("kind") != "welcome":
                raise StoryError(f"{unit_id} could not connect: {welcome}")
            self.units[unit_id] = Unit(self, unit_id, client)

    def __getitem__(self, unit_id):
        return self.units[unit_id]

    def close(self):
        for unit in self.units.values():
            unit.client.disconnect()

    def collect_backlog(self, unit):
        while True:
            message = unit.client.recv(timeout=0)
            if message is None:
                return
            self._keep(unit, message)

    def pump(self, seconds):
        """Receives for every unit for about `seconds`; keeps and acks what arrives."""
        deadline = time.monotonic() + seconds
        while True:
            for unit in self.units.values():
                self.collect_backlog(unit)
            if time.monotonic() >= deadline:
                return
            time.sleep(0.01)

    @staticmethod
    def _keep(unit, message):
        kind = message.get("kind")
        if kind == "delivery":
            unit.client.ack_delivery(message["delivery"])
            if any(m.get("kind") == "delivery" and m["delivery"] == message["delivery"] for m in unit.inbox):
                return  # a resend of one we hold
        elif kind == "reply":
            unit.client.ack_reply(message["reply"])
            if any(m.get("kind") == "reply" and m["reply"] == message["reply"] for m in unit.inbox):
                return
        elif "update" in message:
            unit.client.ack_update(message["update"])
            if any(m.get("update") == message["update"] for m in unit.inbox):
                return
        else:
            return  # stray answers (welcome, late errors) are not part of the story
        unit.inbox.append(message)
