#!/usr/bin/python3
"""A simulated member unit of the Xinhui hub, for scripts/demo (one process per unit).

Every unit receives: it stores each delivery in its journal, acks it, and (unless it
is a notice) answers it after a short random delay: sometimes a progress reply
first, then a final reply whose body suits the case type.

Some roles also send cases, for the compounds given with --compounds:
  registry     a fee-settlement check (registry.fee_check) every 1-2 s
  subdistrict  complaints (complaint.general, several categories), now and then a
               price complaint (market.price_complaint) or a court referral of fee
               arrears (court.arrears_referral), every 2-4 s
  company, court, market, community, zone: receive only

A sender journals every case it sends, the hub's answer and every reply forwarded
to it. It sends for --send-for seconds (default: until stopped; SIGUSR1 ends the
sending early), then waits up to --drain seconds until every accepted case is fully
answered (every delivery that is not a notice has a final reply) and writes its
summary (UNIT.summary). It goes on receiving, since other units may still send it
cases, until SIGTERM or Ctrl-C: then it writes the summary again and exits, 0 if
every case it sent was accepted and fully answered, 1 otherwise.

Example (after 'hubctl keygen --unit registry --out var/keys'):
    simulated_unit.py --unit registry --role registry --compounds jinxiu,huimin \\
        --hub tcp://127.0.0.1:7750 --key var/keys/registry.key --hub-key var/keys/hub.pub
"""

import argparse
import datetime
import heapq
import itertools
import json
import os
import random
import signal
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from xh_client import HubClient  # noqa: E402  (the client library next to this folder)

SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
COMPLAINTS = {  # category -> descriptions; the routes pick the receiver by category
    "sanitation": ["垃圾清运不及时，楼道堆放杂物", "化粪池外溢，影响通行"],
    "illegal_construction": ["顶楼住户私搭彩钢房", "一楼住户占用绿地扩建院子"],
    "occupation": ["商户占道经营，堵塞消防通道", "车辆长期占用绿地停放"],
    "service": ["电梯多次故障，物业维修不及时", "小区夜间无人值守，门禁损坏"],
}
stopping = False     # set by SIGTERM / SIGINT: stop now
stop_sending = False  # set by SIGUSR1: send no more cases, wait for the answers


def log(unit, text):
    print(f"{time.strftime('%H:%M:%S')} {unit:<18} {text}", flush=True)


class Journal:
    """Append-only JSON lines: what this unit stored. Written before every ack."""

    def __init__(self, path):
        self._file = open(path, "a", encoding="utf-8")

    def write(self, event, **fields):
        stamp = datetime.datetime.now().astimezone().isoformat(timespec="milliseconds")
        self._file.write(json.dumps({"time": stamp, "event": event, **fields}, ensure_ascii=False) + "\n")
        self._file.flush()
        os.fsync(self._file.fileno())  # "ack only after storing" (docs/PROTOCOL.md, section 6)


def with_retries(request, attempts=3):
    """Makes a request (send_case or reply) until the hub answers, at most `attempts` times.
    Resending is safe because the request keeps its reference (docs/PROTOCOL.md, section 6)."""
    answer = None
    for attempt in range(attempts):
        if attempt:
            time.sleep(2 ** attempt)  # back off before sending the same request again
        answer = request()  # waits up to 10 s for the answer
        if answer is not None and not (answer["kind"] == "error" and answer.get("retry")):
            break
    return answer


# --- what senders send ----------------------------------------------------------------

def person():
    return random.choice(SURNAMES) + "某"


def dwelling():
    return f"{random.randint(1, 12)}号楼{random.randint(1, 4)}单元{random.randint(1, 6)}0{random.randint(1, 4)}"


def next_case(role, compounds):
    """Returns (case type, compound, payload) for the next case of a sending role."""
    compound = random.choice(compounds)
    if role == "registry":
        return "registry.fee_check", compound, {
            "dwelling": dwelling(), "seller": person(), "buyer": person(),
            "application_id": f"BDC-{time.strftime('%Y')}-{random.randint(1000, 9999)}"}
    draw = random.random()
    if draw < 0.15:
        year = int(time.strftime("%Y")) - 1
        return "court.arrears_referral", compound, {
            "debtor": person(), "dwelling": dwelling(),
            "amount_yuan": round(random.uniform(800, 6000), 2),
            "period": {"from": f"{year - 1}-07", "to": f"{year}-06"},
            "contract": f"WY-HT-{year - 3}-{random.randint(1, 99):03d}",
            "reminders": [{"date": f"{year}-08-15", "way": "书面催缴"}, {"date": f"{year}-10-10", "way": "上门催缴"}],
            "evidence": ["物业服务合同", "催缴通知书及送达回执", "欠费明细"]}
    if draw < 0.30:
        return "market.price_complaint", compound, {
            "description": "物业公司未公示即上调电梯运行费", "fee_item": "电梯运行费",
            "amount_yuan": random.choice([60, 120, 180])}
    category = random.choice(list(COMPLAINTS))
    return "complaint.general", compound, {
        "category": category, "description": random.choice(COMPLAINTS[category]), "location": dwelling()}


# --- what receivers answer --------------------------------------------------------------

def final_answer(unit, delivery):
    """Returns (outcome, body) of the final reply to a delivery, by case type."""
    case_type = delivery["type"]
    if case_type == "registry.fee_check":
        settled = random.random() < 0.7
        year = int(time.strftime("%Y"))
        return "done", {"settled": settled,
                        "arrears_yuan": 0 if settled else round(random.uniform(300, 3000), 2),
                        "period": f"{year - 1}-07至{year}-06", "answered_by": unit}
    if case_type == "court.arrears_referral":
        return "done", {"accepted": True,
                        "court_case_no": f"({time.strftime('%Y')})内0430民初{random.randint(1000, 9999)}号"}
    notes = {"complaint.general": "已现场核实并处理完毕，已回访投诉人",
             "market.price_complaint": "已约谈物业企业，责令按公示标准收费并退还多收费用"}
    return "done", {"note": notes.get(case_type, "已办理"), "handled_by": unit}


# --- the unit ---------------------------------------------------------------------------

class SimulatedUnit:
    def __init__(self, args, hub, journal):
        self.args, self.hub, self.journal = args, hub, journal
        self.unit = args.unit
        self.sends = args.role in ("registry", "subdistrict") and bool(args.compounds)
        self.run = time.strftime("%Y%m%dT%H%M%S")  # references stay unique across demo runs
        self.counter = 0
        self.cases = {}       # reference -> {"accepted": bool, "case": id, "due": {delivery ids}, ...}
        self.finals = set()   # delivery ids of this unit's cases that have a final reply
        self.handled = set()  # delivery ids this unit has received (a real unit keeps them in its database)
        self.replies = set()  # reply ids forwarded to this unit
        self.timers = []      # heap of (when, sequence, delivery, final?): replies to send
        self.sequence = itertools.count()
        self.reported = False  # the summary is written

    # Sending.
    def send_one(self):
        case_type, compound, payload = next_case(self.args.role, self.args.compounds)
        self.counter += 1
        reference = f"{self.unit}-{self.run}-{self.counter:04d}"
        self.journal.write("sent", reference=reference, type=case_type, compound=compound, payload=payload)
        answer = with_retries(lambda: self.hub.send_case(reference, case_type, payload, compound=compound))
        record = self.cases[reference] = {"type": case_type, "compound": compound, "accepted": False,
                                          "answer": answer["kind"] if answer else "no answer"}
        if answer is None or answer["kind"] != "accepted":
            self.journal.write("refused", reference=reference, answer=answer)
            log(self.unit, f"→ {reference} {case_type} {compound}: NOT accepted: {json.dumps(answer, ensure_ascii=False)}")
            return
        self.journal.write("accepted", reference=reference, case=answer["case"], deliveries=answer["deliveries"],
                           parked=answer.get("parked"))
        record.update(accepted=True, case=answer["case"],
                      due={d["delivery"] for d in answer["deliveries"] if not d["notice"]})
        receivers = ", ".join(d["to"] + (" (notice)" if d["notice"] else "") for d in answer["deliveries"])
        log(self.unit, f"→ {reference} {case_type} {compound}: accepted as case {answer['case']} → "
                       f"{receivers or 'nobody: ' + str(answer.get('parked'))}")

    def answered(self, record):
        return record["accepted"] and bool(record["due"]) and record["due"] <= self.finals

    def all_answered(self):
        return all(self.answered(r) for r in self.cases.values())

    # Receiving.
    def handle(self, message):
        kind = message.get("kind")
        if kind == "delivery":
            delivery = message["delivery"]
            if delivery not in self.handled:
                self.journal.write("delivery", **message)
            self.hub.ack_delivery(delivery)  # again if it is a resend: our earlier ack may have been lost
            if delivery in self.handled:
                return
            self.handled.add(delivery)
            log(self.unit, f"← delivery {delivery} (case {message['case']}, {message['type']}, {message['compound']}) "
                           f"from {message['origin']}" + (" — notice, no reply needed" if message["notice"] else ""))
            if not message["notice"]:
                now = time.monotonic()
                if random.random() < 0.4:
                    self.schedule(now + random.uniform(0.3, 1.2), message, final=False)
                self.schedule(now + random.uniform(1.5, 4.0), message, final=True)
        elif kind == "reply":
            if message["reply"] not in self.replies:
                self.journal.write("reply", **message)
            self.hub.ack_reply(message["reply"])
            if message["reply"] in self.replies:
                return  # a resend: already stored and shown
            self.replies.add(message["reply"])
            if message.get("final"):
                self.finals.add(message["delivery"])
            log(self.unit, f"← reply {message['reply']} to case {message['case']} from {message['from']}: "
                           f"{'final ' + str(message.get('outcome')) if message.get('final') else 'progress'} "
                           f"{json.dumps(message.get('body'), ensure_ascii=False)}")
        elif kind == "error":
            log(self.unit, f"hub error: {json.dumps(message, ensure_ascii=False)}")

    def schedule(self, when, delivery, final):
        heapq.heappush(self.timers, (when, next(self.sequence), delivery, final))

    def send_due_replies(self):
        while self.timers and self.timers[0][0] <= time.monotonic():
            _, _, delivery, final = heapq.heappop(self.timers)
            number = delivery["delivery"]
            if final:
                outcome, body = final_answer(self.unit, delivery)
                reference = f"{self.unit}-D{number}-final"
            else:
                outcome, body = None, {"status": "in_progress", "note": "已受理，正在核实"}
                reference = f"{self.unit}-D{number}-progress"
            answer = with_retries(lambda: self.hub.reply(number, reference, body, final=final, outcome=outcome))
            self.journal.write("replied", delivery=number, reference=reference, final=final, outcome=outcome,
                               body=body, answer=answer)
            log(self.unit, f"→ reply to delivery {number} (case {delivery['case']}): "
                           f"{'final ' + outcome if final else 'progress'}"
                           + ("" if answer and answer["kind"] == "reply_accepted" else f" — NOT accepted: {answer}"))

    # The loop.
    def run_loop(self):
        started = time.monotonic()
        send_until = started + self.args.send_for if self.args.send_for else float("inf")
        next_send = started + random.uniform(0.5, 1.5)
        drain_until = None
        while not stopping:
            now = time.monotonic()
            if self.sends and drain_until is None:
                if now >= send_until or stop_sending:
                    drain_until = now + self.args.drain
                    log(self.unit, f"stopped sending after {len(self.cases)} cases; waiting for the answers")
                elif now >= next_send:
                    self.send_one()
                    low, high = (1.0, 2.0) if self.args.role == "registry" else (2.0, 4.0)
                    next_send = time.monotonic() + random.uniform(low, high)
            if drain_until is not None and not self.reported and (self.all_answered() or now >= drain_until):
                self.write_summary()  # done as a sender; still a receiver until stopped
            self.send_due_replies()
            wake = min([next_send, 0.5 + now] + [t[0] for t in self.timers[:1]])
            message = self.hub.recv(timeout=max(0.0, min(wake - time.monotonic(), 0.5)))
            if message is not None:
                self.handle(message)

    def write_summary(self):
        """Writes UNIT.summary, one line for scripts/demo's table: unit role sent accepted rejected answered.
        Returns True if every case sent was accepted and fully answered."""
        accepted = sum(r["accepted"] for r in self.cases.values())
        rejected = sum(r["answer"] == "rejected" for r in self.cases.values())
        answered = sum(self.answered(r) for r in self.cases.values())
        still_open = [ref for ref, r in self.cases.items() if r["accepted"] and not self.answered(r)]
        with open(os.path.join(self.args.journal_dir, f"{self.unit}.summary"), "w", encoding="utf-8") as f:
            f.write(f"{self.unit} {self.args.role} {len(self.cases)} {accepted} {rejected} {answered}\n")
        self.reported = True
        log(self.unit, f"summary: sent {len(self.cases)}, accepted {accepted}, rejected {rejected}, "
                       f"fully answered {answered}" + (f"; still open: {' '.join(still_open)}" if still_open else ""))
        return len(self.cases) == accepted == answered


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--unit", required=True, help="this unit's id, e.g. pm.jinxiu")
    parser.add_argument("--role", required=True,
                        choices=["registry", "subdistrict", "company", "court", "market", "community", "zone"])
    parser.add_argument("--compounds", default="", help="comma-separated compounds this unit sends cases about")
    parser.add_argument("--hub", required=True, help="the hub's endpoint, e.g. tcp://127.0.0.1:7750")
    parser.add_argument("--key", required=True, help="this unit's key pair file (UNIT.key)")
    parser.add_argument("--hub-key", required=True, help="the hub's public key file (hub.pub)")
    parser.add_argument("--journal-dir", default="var/demo", help="where UNIT.jsonl (journal) and UNIT.summary go")
    parser.add_argument("--send-for", type=float, default=0, help="seconds to send cases (0: until stopped)")
    parser.add_argument("--drain", type=float, default=20, help="seconds to wait for answers after sending")
    args = parser.parse_args()
    args.compounds = [c for c in args.compounds.split(",") if c]

    def stop(signum, _frame):
        global stopping, stop_sending
        if signum == signal.SIGUSR1:
            stop_sending = True
        else:
            stopping = True
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGUSR1):
        signal.signal(signum, stop)

    os.makedirs(args.journal_dir, exist_ok=True)
    journal = Journal(os.path.join(args.journal_dir, f"{args.unit}.jsonl"))
    with HubClient(args.hub, args.key, args.hub_key) as hub:
        welcome = hub.hello(client=f"simulated_unit.py/{args.role}")
        if welcome is None or welcome.get("kind") != "welcome" or welcome.get("unit") != args.unit:
            log(args.unit, f"no welcome as {args.unit} from {args.hub}: {welcome} (is the hub up, is the key registered?)")
            return 2
        log(args.unit, f"connected as {welcome['unit']} ({args.role}), hub {welcome['hub']}")
        unit = SimulatedUnit(args, hub, journal)
        unit.run_loop()  # until SIGTERM / Ctrl-C
        log(args.unit, f"stopping; received {len(unit.handled)} deliveries")
        if unit.sends:
            return 0 if unit.write_summary() else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
