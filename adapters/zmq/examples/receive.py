#!/usr/bin/python3
"""Receives the Xinhui hub's messages for your unit and prints them, one JSON per line.

Every delivery, forwarded reply and update (state change, reminder, extension
request) is acknowledged after it is printed. The hub sends a message again
until it is acknowledged, so the same delivery id can arrive twice: it is
acknowledged again but handled once.

With --reply-final OUTCOME, each delivery that is not a notice gets a final
reply with that outcome (e.g. done), for trying a set-up end to end.
"""

import argparse
import json
import sys

from xh_client import HubClient


def show(message):
    print(json.dumps(message, ensure_ascii=False), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hub", required=True, help="the hub's endpoint, e.g. tcp://hub.example:7750; with several hubs, "
                        "their endpoints separated by commas, in the order to try them")
    parser.add_argument("--key", required=True, help="your unit's key pair file (UNIT.key)")
    parser.add_argument("--hub-key", required=True, help="the hub's public key file (hub.pub)")
    parser.add_argument("--reply-final", metavar="OUTCOME", help="answer each delivery with a final reply")
    args = parser.parse_args()

    handled = set()  # delivery ids already handled; a real system keeps this in its database
    with HubClient(args.hub, args.key, args.hub_key) as hub:
        welcome = hub.hello(client="receive.py/1")
        if welcome is None or welcome["kind"] != "welcome":
            print(f"no welcome from {args.hub}: {welcome}", file=sys.stderr)
            return 2
        show(welcome)
        try:
            while True:
                message = hub.recv()
                show(message)
                if "update" in message:
                    hub.ack_update(message["update"])
                elif message["kind"] == "reply":
                    hub.ack_reply(message["reply"])
                elif message["kind"] == "delivery":
                    delivery = message["delivery"]
                    hub.ack_delivery(delivery)
                    if delivery in handled:
                        continue
                    handled.add(delivery)
                    if args.reply_final and not message["notice"]:
                        # The reference is derived from the delivery, so a resent reply is a duplicate.
                        show(hub.reply(delivery, f"final-{delivery}", {}, final=True, outcome=args.reply_final))
        except KeyboardInterrupt:
            return 0


if __name__ == "__main__":
    sys.exit(main())
