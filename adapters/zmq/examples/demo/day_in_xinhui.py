#!/usr/bin/python3
"""A day in Xinhui: the member units' systems exchange every kind of case through the hub.

Each unit of the story is a real connection with its own CURVE key (see cast.py);
the hub routes, stores and answers as it would for the units' own systems. The
story checks at every step that the right unit received the right thing, prints
what happened in plain words, and exits 0 only when every scene went as the
policy says; otherwise it names the step that did not happen and exits 1.

Scenes: a fee-settlement check answered with arrears, and one whose company does
not answer in time (the counter's timeout, then the late answer as an update); an
incomplete court referral rejected and resent; guided prices, a price disclosure
above them (violation and credit event) and a charge complaint carrying the
published prices; a joint acceptance with a failed item fixed and passed; a
company's exit approved, handed over, and the compound in custody, so the next
fee check goes to the 镇街; complaints by category, a credit query, and a
maintenance-fund decision rejected below the threshold and resent; a complaint
signed for, extended, resolved and closed, and one returned, which the 镇街
assigns to the housing bureau.

Usage (scripts/demo runs it after starting hubd and making the keys):
    day_in_xinhui.py --hub tcp://127.0.0.1:7750 --keys var/keys
"""

import argparse
import datetime
import json
import sys
import time

from cast import Cast, StoryError

TODAY = datetime.date.today().isoformat()
ACCEPTANCE_ID = "YS-" + datetime.datetime.now().strftime("%Y%m%d-%H%M%S")


def days_ago(days):
    return (datetime.date.today() - datetime.timedelta(days=days)).isoformat()


def months_ago(months):
    """The month `months` before this one, as YYYY-MM."""
    today = datetime.date.today()
    index = today.year * 12 + today.month - 1 - months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"

# Every unit that acts in the story (the scripts/demo makes a key for each).
CAST = [
    "registry", "pm.jinxiu", "pm.anju", "pm.tongda", "court", "sd.xinzhou", "market", "fgw", "cgj",
    "cgj.zone01", "zg.zone01", "zg.zone05", "zjj", "water", "power", "heating", "gas", "fire", "zrzy",
    "cable", "telecom.mobile", "telecom.unicom", "telecom.telecom", "police", "community.jianshe",
    "community.dongcheng", "team.jinxiu", "team.dianli", "bidding", "oc.yujingyuan",
]


def scene(clock, title):
    print(f"\n── {clock}  {title}", flush=True)


def step(text):
    print(f"   ✓ {text}", flush=True)


def accepted(answer, what):
    if answer.get("kind") != "accepted":
        raise StoryError(f"{what} was not accepted: {answer}")
    return answer


def fee_check_payload(dwelling, application):
    return {"dwelling": dwelling, "seller": "王某", "buyer": "李某", "application_id": application,
            "transfer_date": TODAY}


def settlement_reminder(cast, check_id, timeout=20.0):
    return cast["registry"].expect(
        f"a settlement reminder for case {check_id}",
        lambda m: m.get("type") == "registry.settlement_reminder" and m["payload"].get("fee_check_case") == check_id,
        timeout)


# ── 08:30  the registry's counter ──────────────────────────────────────────────────

def fee_checks(cast):
    scene("08:30", "二手房过户 物业费结清查询 / fee settlement at a second-hand transfer")
    registry = cast["registry"]
    answer = accepted(registry.send(registry.reference("BDC"), "registry.fee_check", "jinxiu",
                                    fee_check_payload("3号楼2单元501", "BDC-2026-5567")), "the fee check")
    check = answer["case"]
    step(f"registry asks about 锦绣花园 3-2-501 (case {check}); the hub routes it to {answer['deliveries'][0]['to']}")
    delivery = cast["pm.jinxiu"].expect_case("registry.fee_check", application_id="BDC-2026-5567")
    cast["pm.jinxiu"].reply(delivery, "JX-QF-1", {"amount_yuan": 1260.5, "period": {"from": months_ago(12), "to": months_ago(1)}},
                            final=True, outcome="arrears")
    step(f"锦绣物业 answers: arrears of 1260.50 yuan for {months_ago(12)}..{months_ago(1)}")
    reminder = settlement_reminder(cast, check)["payload"]
    if reminder["status"] != "arrears" or reminder["answered_by"] != "pm.jinxiu":
        raise StoryError(f"unexpected settlement reminder {reminder}")
    step(f"the counter shows the settlement reminder: {reminder['status']} {reminder['amount_yuan']} yuan, "
         f"answered by {reminder['answered_by']}")

    # 育才小区's company is busy this morning: the counter must not wait for ever.
    answer = accepted(registry.send(registry.reference("BDC"), "registry.fee_check", "yucai",
                                    fee_check_payload("1号楼3单元202", "BDC-2026-5570")), "the second fee check")
    step(f"registry asks about 育才小区 1-3-202 (case {answer['case']}); 安居物业 does not answer yet "
         f"(the counter's timeout runs)")
    return answer["case"]


def late_answer(cast, check_id, timeout_seconds):
    scene("08:32", "无人答复 → 人工核实, 迟到的答复作为更新 / no answer in time, then a late answer")
    reminder = settlement_reminder(cast, check_id, timeout=timeout_seconds + 30)["payload"]
    if reminder["status"] != "no_answer":
        raise StoryError(f"expected a no_answer reminder, got {reminder}")
    step(f"after {reminder.get('timeout_seconds', timeout_seconds)} s without an answer the counter shows: "
         f"{reminder.get('message', 'no answer, check manually')}")
    delivery = cast["pm.anju"].expect_case("registry.fee_check", application_id="BDC-2026-5570")
    cast["pm.anju"].reply(delivery, "AJ-QF-1", {"note": "已结清"}, final=True, outcome="settled")
    update = settlement_reminder(cast, check_id)["payload"]
    if update["status"] != "settled" or not update.get("update"):
        raise StoryError(f"expected a settled update, got {update}")
    step("安居物业 answers late: settled; the registry gets it as an update of its reminder")


# ── 09:00  the court's green channel ───────────────────────────────────────────────

def scanned_pdf(title, pages):
    """A PDF standing in for a scanned document: `pages` pages of about 100 KB each."""
    page = ("%% %s\n" % title).encode("utf-8") + bytes(range(256)) * 400
    return b"%PDF-1.4\n" + page * pages + b"trailer<<>>\n%%EOF\n"


def dossier(complete, contract=None, receipt=None):
    d = {
        "referred_on": TODAY,
        "plaintiff": {"name": "锦绣物业服务有限公司", "unit": "pm.jinxiu"},
        "defendant": {"name": "赵某", "dwelling": "5号楼1单元302"},
        "contract": {"reference": "WY-HT-2021-007", "signed_on": "2021-06-01"},
        "claim": {"principal_yuan": 2160.0, "late_fee_yuan": 64.8, "total_yuan": 2224.8,
                  "period": {"from": months_ago(26), "to": months_ago(3)}},
        "reminders": [{"date": days_ago(60), "method": "written", "reference": "CJ-" + days_ago(60)}],
        "evidence": [{"title": "物业服务合同", "kind": "contract"}, {"title": "催缴通知书及送达回执"}],
    }
    # Each evidence item names its scanned document among the referral's files.
    if contract:
        d["evidence"][0]["attachment"] = contract["sha256"]
    if receipt:
        d["evidence"][1]["attachment"] = receipt["sha256"]
    if not complete:
        d["reminders"] = [{"date": days_ago(30), "method": "phone"}]
        d["claim"]["total_yuan"] = 2300
    return d


def court(cast):
    scene("09:00", "物业费欠费诉讼绿色通道 / the court's green channel for fee arrears")
    company = cast["pm.jinxiu"]
    reference = company.reference("JX-SS")
    answer = company.send(reference, "court.arrears_referral", "jinxiu", dossier(complete=False))
    if answer.get("kind") != "rejected":
        raise StoryError(f"an incomplete dossier was not rejected: {answer}")
    step("锦绣物业 refers an arrears case; the hub rejects the dossier, listing every problem:")
    for problem in answer["problems"]:
        print(f"       {problem['pointer']}: {problem['reason']}")
    contract = company.upload(scanned_pdf("物业服务合同 WY-HT-2021-007", 7), "application/pdf",
                              "物业服务合同.pdf", label="contract")
    receipt = company.upload(scanned_pdf("催缴通知书及送达回执", 2), "application/pdf", "催缴通知书及送达回执.pdf")
    step(f"锦绣物业 uploads the scanned contract and the reminder's receipt over ZeroMQ, in 512 KB chunks; "
         f"the hub stores each under its SHA-256 ({contract['sha256'][:12]}…, {receipt['sha256'][:12]}…)")
    answer = accepted(company.send(reference, "court.arrears_referral", "jinxiu",
                                   dossier(complete=True, contract=contract, receipt=receipt),
                                   attachments=[contract, receipt]), "the completed dossier")
    step(f"resent with a written reminder, the right total and the two documents: accepted (case {answer['case']})")
    referral = cast["court"].expect_case("court.arrears_referral")
    cast["sd.xinzhou"].expect("the 镇街's copy of the referral",
                              lambda m: m.get("type") == "court.arrears_referral" and m.get("notice"))
    files = referral.get("attachments", [])
    fetched = [cast["court"].fetch(referral["case"], entry) for entry in files]
    if len(fetched) != 2:
        raise StoryError(f"the court's delivery carries {len(files)} files, not 2: {files}")
    step(f"the court (over HTTPS) receives the dossier and fetches its {len(files)} files "
         f"({', '.join(e['name'] for e in files)}; {sum(map(len, fetched)) // 1024} KB, SHA-256 checked); "
         "新州街道 receives a copy")
    cast["court"].reply(referral, "FY-SL-1", {"status": "accepted", "case_number": "(2026)内0430民初1234号"},
                        final=False, outcome=None)
    cast["pm.jinxiu"].expect_reply(answer["case"])
    notice = cast["sd.xinzhou"].expect_case("court.status_notice")
    step(f"the court files it as {notice['payload'].get('case_number', '(2026)内0430民初1234号')}: "
         f"锦绣物业 gets the reply, 新州街道 a status notice")


# ── 09:40  prices ──────────────────────────────────────────────────────────────────

def fee_item(name, price, unit="元/㎡·月"):
    return {"name": name, "price_yuan": price, "unit": unit, "basis": "政府指导价"}


def prices(cast):
    scene("09:40", "政府指导价, 收费公示, 收费投诉 / guided prices, price disclosure, a charge complaint")
    accepted(cast["sd.xinzhou"].send(cast["sd.xinzhou"].reference("XZ-JG"), "market.guided_price", "", {
        "class": "A", "items": [{"name": "物业服务费", "max_price_yuan": 1.80, "unit": "元/㎡·月"}],
        "effective_from": days_ago(30), "consulted": ["fgw", "zjj", "cgj"], "document": "新州街道〔2026〕3号"}),
        "the guided prices")
    cast["market"].expect_case("market.guided_price")
    step("新州街道, with 发改, 住建 and 城管, sets the class A guided price: 物业服务费 ≤ 1.80 元/㎡·月")
    accepted(cast["pm.jinxiu"].send(cast["pm.jinxiu"].reference("JX-GS"), "market.price_disclosure", "jinxiu", {
        "service_items": ["保洁", "秩序维护", "绿化养护"], "service_standard": "一级",
        "fee_items": [fee_item("物业服务费", 2.20), fee_item("停车管理费", 80, "元/车位·月")],
        "repair_phone": "0476-4321234", "published_on": TODAY}), "the price disclosure")
    cast["market"].expect_case("market.price_disclosure")
    violation = cast["market"].expect_case("market.price_violation")
    step("锦绣物业 publishes its prices for 锦绣花园; 物业服务费 2.20 is above the guided 1.80: "
         f"market regulation gets a violation (case {violation['case']})")
    cast["cgj"].expect_case("governance.credit_event", company="pm.jinxiu")
    step("城管局 gets a credit event on 锦绣物业's file")
    accepted(cast["community.jianshe"].send(cast["community.jianshe"].reference("JS-TS"), "market.price_complaint",
                                            "jinxiu", {"description": "物业费按每平方米2.2元收取，高于指导价",
                                                       "fee_item": "物业服务费", "amount_yuan": 2.2}),
             "the charge complaint")
    complaint = cast["market"].expect_case("market.price_complaint")
    published = complaint.get("annex", {}).get("published_prices")
    if not published:
        raise StoryError(f"the complaint came without the published prices: {complaint}")
    step("建设社区 forwards a residents' complaint; market regulation receives it with 锦绣花园's published "
         "prices attached")


# ── 10:30  joint acceptance of a new compound ──────────────────────────────────────

CHECKLIST_ITEMS = 20  # config/plugins/utilities.yaml: the standard checklist
CHECKLIST_UNITS = ["power", "cgj", "water", "gas", "heating", "fire", "zrzy", "cable", "telecom.mobile",
                   "telecom.unicom", "telecom.telecom", "sd.xinzhou", "zjj", "market", "police"]


def answer_items(cast, expected, failing_unit=None, timeout=30.0):
    """The checklist units answer the `expected` items they receive; `failing_unit` fails its first."""
    answered, failed = 0, False
    deadline = time.monotonic() + timeout
    while answered < expected:
        if time.monotonic() >= deadline:
            raise StoryError(f"only {answered} of {expected} acceptance items arrived within {timeout:.0f} s")
        cast.pump(0.05)
        for unit_id in CHECKLIST_UNITS:
            unit = cast[unit_id]
            for item in [m for m in unit.inbox if m.get("type") == "utilities.acceptance_item"]:
                unit.inbox.remove(item)
                if unit_id == failing_unit and not failed:
                    unit.reply(item, unit.reference("YS"), {"defects": ["3号楼消防栓无水"], "must_act": "developer"},
                               final=True, outcome="failed")
                    failed = True
                else:
                    unit.reply(item, unit.reference("YS"), {"remarks": "符合要求"}, final=True, outcome="passed")
                answered += 1
    return answered


def acceptance_result(cast):
    return cast["zjj"].expect("a joint acceptance result",
                              lambda m: m.get("type") == "utilities.acceptance_result", timeout=30)["payload"]


def joint_acceptance(cast):
    scene("10:30", "新建小区联合验收 / joint acceptance of a new compound")
    accepted(cast["zjj"].send(cast["zjj"].reference("ZJJ-YS"), "utilities.joint_acceptance", "xinzhou", {
        "acceptance_id": ACCEPTANCE_ID, "project": "新州花园二期", "developer": "新州房地产开发有限公司",
        "requested_on": TODAY}), "the joint acceptance")
    answered = answer_items(cast, CHECKLIST_ITEMS, failing_unit="fire")
    step(f"住建局 opens the acceptance of 新州花园; {answered} checklist items reach their units; "
         "the fire brigade finds a dry hydrant")
    result = acceptance_result(cast)
    if result["status"] != "failed":
        raise StoryError(f"expected a failed acceptance, got {result}")
    step("住建局 and 新州街道 receive the result: failed, " +
         ", ".join(f"{f['item_name']} ({f['unit']}, {f['must_act']} must act)" for f in result["failed"]))
    accepted(cast["zjj"].send(cast["zjj"].reference("ZJJ-FY"), "utilities.reinspection", "xinzhou", {
        "acceptance_id": ACCEPTANCE_ID, "items": [f["item"] for f in result["failed"]], "requested_on": TODAY}),
        "the re-inspection")
    answer_items(cast, len(result["failed"]))
    result = acceptance_result(cast)
    if result["status"] != "completed":
        raise StoryError(f"expected a completed acceptance, got {result}")
    step("the developer fixes it; the re-inspection passes and the acceptance is completed")


# ── 14:00  a company leaves ────────────────────────────────────────────────────────

def company_exit(cast):
    scene("14:00", "物业企业退出, 交接, 临时托管 / a company's exit, handover and temporary custody")
    answer = accepted(cast["pm.tongda"].send(cast["pm.tongda"].reference("TD-TC"), "utilities.company_exit", "dianli", {
        "reason": "合同期满不再续约", "exit_date": TODAY, "written_notice_on": days_ago(90), "successor": ""}),
        "the exit notice")
    request = cast["sd.xinzhou"].expect_case("utilities.company_exit")
    step(f"通达物业 gives notice that it leaves 电力小区 (case {answer['case']}); 新州街道 must approve")
    cast["sd.xinzhou"].reply(request, "XZ-TC-1", {"remarks": "同意，由街道临时托管"}, final=True, outcome="approved")
    cast["community.dongcheng"].expect_case("utilities.exit_public_notice")
    handovers = []
    for unit_id in ["water", "power", "heating", "gas", "sd.xinzhou"]:
        item = cast[unit_id].expect_case("utilities.handover")
        body = {"readings": ["总表读数 123456"]} if item["payload"]["kind"] == "meters_accounts" else \
            {"received": ["钥匙 42 把", "竣工图纸 1 套"]}
        cast[unit_id].reply(item, cast[unit_id].reference("JJ"), body, final=True, outcome="done")
        handovers.append(unit_id)
    step("新州街道 approves; the public notice goes out; meters and accounts are handed to "
         f"{', '.join(handovers[:-1])}, keys and drawings to 新州街道, which takes temporary custody")
    registry = cast["registry"]
    answer = accepted(registry.send(registry.reference("BDC"), "registry.fee_check", "dianli",
                                    fee_check_payload("2号楼1单元101", "BDC-2026-5601")), "the fee check for 电力小区")
    to = answer["deliveries"][0]["to"]
    if to != "sd.xinzhou":
        raise StoryError(f"the fee check for 电力小区 went to {to}, not to the custodian sd.xinzhou")
    check = cast["sd.xinzhou"].expect_case("registry.fee_check", application_id="BDC-2026-5601")
    cast["sd.xinzhou"].reply(check, "XZ-QF-1", {"note": "托管期间无欠费"}, final=True, outcome="settled")
    settlement_reminder(cast, answer["case"])
    step("the registry's next question about 电力小区 goes to 新州街道, the custodian, which answers it")


# ── 15:30  complaints, credit, owners' decisions ───────────────────────────────────

def governance(cast):
    scene("15:30", "投诉分派, 信用档案, 维修资金表决 / complaints, credit files, a maintenance-fund decision")
    community = cast["community.jianshe"]
    accepted(community.send(community.reference("JS-TS"), "complaint.general", "jinxiu",
                            {"category": "sanitation", "description": "垃圾清运不及时，楼道堆放杂物"}), "a complaint")
    cast["cgj.zone01"].expect_case("complaint.general", category="sanitation")
    accepted(cast["team.jinxiu"].send(cast["team.jinxiu"].reference("JX-TS"), "complaint.general", "jinxiu",
                                      {"category": "service", "description": "电梯多次故障，维修不及时"}),
             "a service complaint")
    lift = cast["pm.jinxiu"].expect_case("complaint.general", category="service")
    cast["pm.jinxiu"].reply(lift, "JX-WX-1", {"result": "已更换曳引机部件，电梯恢复运行"}, final=True, outcome="done")
    step("a sanitation complaint reaches 城管 staff of zone 01; a lift complaint reaches 锦绣物业, which fixes it")

    accepted(cast["bidding"].send(cast["bidding"].reference("ZTB"), "governance.credit_query", "",
                                  {"company": "pm.jinxiu", "purpose": "新惠明珠物业服务招标资格审查"}), "the credit query")
    report = cast["bidding"].expect_case("governance.credit_report")["payload"]["file"]
    step(f"the bidding group asks for 锦绣物业's credit file and gets it at once: {report['points']} points "
         f"after {len(report['events'])} event(s), {report.get('status_name', report['status'])}")

    committee = cast["oc.yujingyuan"]
    vote = {"matter": "fund_use", "description": "更换2号楼电梯", "total_area_m2": 30000, "total_owners": 300,
            "consenting_area_m2": 18000, "consenting_owners": 190, "voting_closed_on": TODAY,
            "amount_yuan": 460000, "by_public_notice": False}
    reference = committee.reference("YJY-BJ")
    answer = committee.send(reference, "governance.fund_decision", "yujingyuan", vote)
    if answer.get("kind") != "rejected":
        raise StoryError(f"a vote below two thirds was not rejected: {answer}")
    step("御景苑's owners' committee files a maintenance-fund decision; rejected:")
    for problem in answer["problems"]:
        print(f"       {problem['pointer']}: {problem['reason']}")
    vote.update(consenting_area_m2=20500, consenting_owners=205)
    accepted(committee.send(reference, "governance.fund_decision", "yujingyuan", vote), "the corrected decision")
    cast["zjj"].expect_case("governance.fund_decision")
    cast["zg.zone01"].expect_case("governance.fund_decision")
    step("with the full count (68% of the area, 68% of the owners) it reaches 住建局, "
         "with copies to the zone group and 新州街道")


def lifecycle(cast):
    scene("16:30", "签收, 延期, 办结, 关闭, 退回, 指派 / signing, an extension, closing, a return, an assignment")
    team, company, xinzhou = cast["team.jinxiu"], cast["pm.jinxiu"], cast["sd.xinzhou"]
    accepted(team.send(team.reference("JX-TS"), "complaint.general", "jinxiu",
                       {"category": "service", "description": "地下车库照明损坏，夜间无法通行"}), "a complaint")
    lights = company.expect_case("complaint.general", category="service")
    d = lights["delivery"]
    company.act("sign", company.reference("JX-QS"), delivery=d)
    team.expect_state(d, "signed")
    step(f"锦绣物业 signs for a garage-lighting complaint (签收); the work team is told; "
         f"deadlines: sign by {lights['sign_by']}, resolve by {lights['resolve_by']}")

    later = datetime.datetime.fromisoformat(lights["resolve_by"]) + datetime.timedelta(days=3)
    company.act("extend", company.reference("JX-YQ"), delivery=d, until=later.isoformat(),
                reason="需更换配电箱，配件三日后到货")
    request = xinzhou.expect("an extension request", lambda m: m.get("kind") == "extension_request" and
                             m.get("delivery") == d)
    xinzhou.act("grant_extension", xinzhou.reference("XZ-PZ"), delivery=d)
    granted = company.expect_state(d, "extension_granted")
    step(f"it asks 新州街道 for more time (延期: {request['reason']}); 新州街道 grants it: "
         f"resolve by {granted['resolve_by']}")

    company.reply(lights, company.reference("JX-BJ"), {"result": "已更换配电箱，照明恢复"}, final=True, outcome="done")
    team.expect_state(d, "resolved")
    team.act("close", team.reference("JX-GB"), case=lights["case"])
    company.expect_state(d, "closed")
    step("锦绣物业 resolves it (办结); the work team confirms and closes the case (关闭); 锦绣物业 is told")

    community, anju = cast["community.jianshe"], cast["pm.anju"]
    accepted(community.send(community.reference("JS-TS"), "complaint.general", "jianshe",
                            {"category": "service", "description": "6号楼外墙瓷砖脱落"}), "a complaint")
    wall = anju.expect_case("complaint.general", category="service")
    reason = "6号楼由开发商自管，不属本公司服务范围"
    anju.act("return", anju.reference("AJ-TH"), delivery=wall["delivery"], reason=reason)
    community.expect_state(wall["delivery"], "returned")
    decide = xinzhou.expect("the returned complaint", lambda m: m.get("kind") == "delivery" and
                            m.get("case") == wall["case"] and "returned" in m)
    how = "as the config's decider" if decide["returned"].get("decide") else "by the complaint routes"
    step(f"安居物业 returns a façade complaint (退回: {reason}); it goes on to 新州街道 ({how})")
    xinzhou.act("assign", xinzhou.reference("XZ-ZP"), delivery=decide["delivery"], to="zjj",
                reason="开发商自管楼栋，由住建局督促开发商维修")
    handed = cast["zjj"].expect("the assigned complaint", lambda m: m.get("kind") == "delivery" and
                                m.get("case") == wall["case"] and "assigned" in m)
    community.expect_state(decide["delivery"], "rerouted")
    step(f"新州街道 assigns it to 住建局 (指派), which receives it with its own deadlines "
         f"(resolve by {handed['resolve_by']}); 建设社区 is told where it went")


def http_links(args):
    """The registry polls the unit API; the court gets pushes at its webhook receiver."""
    from http_link import HttpLink, WebhookReceiver  # noqa: E402 (only when asked for)
    with open(args.credentials, encoding="utf-8") as f:
        credentials = json.load(f)
    with open(args.court_webhook_secret, encoding="utf-8") as f:
        webhook_secret = f.readline().strip()
    receiver = WebhookReceiver(webhook_secret, port=args.court_webhook_port)
    registry = credentials["registry"]
    court_credential = credentials["court"]
    return {
        "registry": HttpLink(args.http, registry["key_id"], registry["secret"]),
        "court": HttpLink(args.http, court_credential["key_id"], court_credential["secret"], webhook=receiver),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hub", required=True, help="the hub's endpoint, e.g. tcp://127.0.0.1:7750")
    parser.add_argument("--keys", required=True, help="folder with <unit>.key files and hub.pub")
    parser.add_argument("--registry-timeout", type=int, default=120,
                        help="the registry plugin's answer_timeout_seconds in the hub's config")
    parser.add_argument("--http", help="the hub's unit API (e.g. http://127.0.0.1:8443): the registry polls it, "
                                       "the court receives by webhook; both need --credentials")
    parser.add_argument("--credentials", help="JSON file {unit: {key_id, secret}} from 'hubctl credential issue'")
    parser.add_argument("--court-webhook-port", type=int, default=8480,
                        help="where the court's webhook receiver listens (the hub's config names its URL)")
    parser.add_argument("--court-webhook-secret", help="the file with the court webhook's secret")
    args = parser.parse_args()
    links = http_links(args) if args.http else {}
    cast = Cast(args.hub, args.keys, CAST, links)
    try:
        over_http = " (the registry and the court on the HTTP unit API, the court receiving by webhook)" if links else ""
        print(f"{len(CAST)} member units are connected, each with its own key{over_http}.", flush=True)
        waiting_check = fee_checks(cast)
        court(cast)
        prices(cast)
        joint_acceptance(cast)
        company_exit(cast)
        governance(cast)
        lifecycle(cast)
        late_answer(cast, waiting_check, args.registry_timeout)
    except StoryError as e:
        print(f"\n   ✗ {e}", flush=True)
        return 1
    finally:
        cast.close()
    print("\nThe day is done: every exchange went as the policy says.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
