#!/usr/bin/python3
"""Sends one case to the Xinhui hub and prints the hub's answer.

The JSON file holds the case:
    {"reference": "R-2024-0001", "type": "fee_check", "compound": "C-017", "payload": {...}}
"reference" is your own id for the case; sending the same file again is safe
(the hub answers "duplicate": true and creates nothing new).

Exit status: 0 accepted, 1 rejected, 2 error or no answer.

This tool opens its own connection with your unit's key. While it runs, the hub
may send your unit's deliveries to it; it does not ack them, so the hub sends
them again to your receiver later.
"""

import argparse
import json
import sys
import time

from xh_client import HubClient


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("case_file", help="JSON file with reference, type, compound and payload")
    parser.add_argument("--hub", required=True, help="the hub's endpoint, e.g. tcp://hub.example:7750; with several hubs, "
                        "their endpoints separated by commas, in the order to try them")
    parser.add_argument("--key", required=True, help="your unit's key pair file (UNIT.key)")
    parser.add_argument("--hub-key", required=True, help="the hub's public key file (hub.pub)")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds to wait for each answer (default 10)")
    parser.add_argument("--attempts", type=int, default=3, help="sends before giving up (default 3)")
    args = parser.parse_args()

    with open(args.case_file, encoding="utf-8") as f:
        case = json.load(f)

    answer = None
    with HubClient(args.hub, args.key, args.hub_key) as hub:
        for attempt in range(1, args.attempts + 1):
            answer = hub.send_case(case["reference"], case["type"], case.get("payload", {}),
                                   compound=case.get("compound", ""), timeout=args.timeout)
            retry = answer is None or (answer["kind"] == "error" and answer.get("retry"))
            if not retry or attempt == args.attempts:
                break
            print(f"attempt {attempt}: {'no answer' if answer is None else answer['code']}; sending again",
                  file=sys.stderr)
            time.sleep(2 ** attempt)  # back off; the same reference makes the resend safe

    if answer is None:
        print(f"no answer from {args.hub} after {args.attempts} attempts", file=sys.stderr)
        return 2
    print(json.dumps(answer, ensure_ascii=False, indent=2))
    return {"accepted": 0, "rejected": 1}.get(answer["kind"], 2)


if __name__ == "__main__":
    sys.exit(main())
