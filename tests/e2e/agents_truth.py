#!/usr/bin/env python3
"""agents_truth.py CONFIG LOG JSON - each agent's figures today in ccboard's
snapshot (JSON, from --replay --once --json) equal those counted here from the
queue_log itself, today and in the window: answered (CONNECT), completed, transferred, talk, hold, rings
not answered and their ring time, per agent and per agent per queue; every
agent once, under its [agents] name.

Counted as SPEC 1.1 and 2.1 say, independently of ccboard's code: NUL bytes
dropped, lines with fewer than five fields or a bad epoch skipped; an outcome
counted once per entry into a queue (a repeat with no new ENTERQUEUE between
them is a duplicate; an ENTERQUEUE within 2 s of the previous one of the same
call and queue is the same entry), an end once per answer; "today" from the
local (UTC) midnight of the latest timestamp. The agents logged off today
are listed too, after the others: state, since, no queue, no call."""
import collections
import configparser
import json
import re
import sys

cfg_path, log_path, json_path = sys.argv[1:4]
cfg = configparser.ConfigParser(delimiters=("=",), interpolation=None)
cfg.optionxform = str
cfg.read(cfg_path)
amap = dict(cfg["agents"]) if cfg.has_section("agents") else {}

def field(v):
    return None if v in ("", "NONE") else v

lines = []
for raw in open(log_path, "rb").read().replace(b"\0", b"").split(b"\n"):
    parts = raw.decode("utf-8", "replace").rstrip("\r").split("|")
    if len(parts) < 5 or not parts[0].isdigit():
        continue
    lines.append(parts)
now = max(int(p[0]) for p in lines)
day = now - now % 86400

def num(v):
    try:
        return int(v)
    except ValueError:
        return 0

KEYS = ("answered", "completed", "transferred", "talk_s", "hold_s", "rna", "ring_ms")
per_agent = collections.defaultdict(lambda: dict.fromkeys(KEYS, 0))
per_queue = collections.defaultdict(lambda: dict.fromkeys(KEYS, 0))
per_agent_w = collections.defaultdict(lambda: dict.fromkeys(KEYS, 0))   # the window (900 s)
entered, outcome, ended = {}, set(), set()
for p in lines:
    t, callid, queue, agent, ev = int(p[0]), field(p[1]), field(p[2]), field(p[3]), p[4]
    data = p[5:]
    if callid is None or queue is None:
        continue
    key = (callid, queue)
    if ev == "ENTERQUEUE":
        if key in entered and abs(entered[key] - t) <= 2:
            continue
        entered[key] = t
        outcome.discard(key)
        ended.discard(key)
        continue
    name = amap.get(agent, agent) if agent else None
    add = None
    if ev in ("CONNECT", "ABANDON", "EXITWITHTIMEOUT", "EXITWITHKEY", "EXITEMPTY", "WITHDRAW"):
        if key in outcome:
            continue
        outcome.add(key)
        if ev == "CONNECT":
            ended.discard(key)
            add = {"answered": 1, "hold_s": max(num(data[0]) if data else 0, 0)}
    elif ev in ("COMPLETECALLER", "COMPLETEAGENT", "TRANSFER", "BLINDTRANSFER",
                "ATTENDEDTRANSFER"):
        if key in ended:
            continue
        ended.add(key)
        outcome.add(key)
        if ev.startswith("COMPLETE"):
            add = {"completed": 1, "talk_s": max(num(data[1]) if len(data) > 1 else 0, 0)}
        else:
            talk = data[-2] if ev == "ATTENDEDTRANSFER" else (data[3] if len(data) > 3 else "0")
            add = {"transferred": 1, "talk_s": max(num(talk), 0)}
    elif ev == "RINGNOANSWER":
        add = {"rna": 1, "ring_ms": max(num(data[0]) if data else 0, 0)}
    if add is None or name is None:
        continue
    if t > now - 900:
        for k, v in add.items():
            per_agent_w[name][k] += v
    if t < day:
        continue
    for k, v in add.items():
        per_agent[name][k] += v
        per_queue[(name, queue)][k] += v

snap = json.load(open(json_path))
agents = snap["agents"]
names = [a["name"] for a in agents]
assert len(names) == len(set(names)), f"an agent twice: {sorted(names)}"
for m in amap:
    assert m not in names, f"interface {m} listed apart from its agent {amap[m]}"
bad = []
checked = 0
for a in agents:
    want = per_agent.get(a["name"], dict.fromkeys(KEYS, 0))
    got = {k: a["today"][k] for k in KEYS if k != "ring_ms"}
    got["ring_ms"] = round(a["today"]["ring_s"] * 1000)
    if got != want:
        bad.append(f"{a['name']}: ccboard {got} != log {want}")
    ww = per_agent_w.get(a["name"], dict.fromkeys(KEYS, 0))
    gw = {k: a["window"][k] for k in KEYS if k != "ring_ms"}
    gw["ring_ms"] = round(a["window"]["ring_s"] * 1000)
    if gw != ww:
        bad.append(f"{a['name']} (window): ccboard {gw} != log {ww}")
    for q in a["today"]["queues"]:
        wq = per_queue.get((a["name"], q["queue"]), dict.fromkeys(KEYS, 0))
        gq = {k: q[k] for k in KEYS if k != "ring_ms"}
        gq["ring_ms"] = round(q["ring_s"] * 1000)
        if gq != wq:
            bad.append(f"{a['name']} in {q['queue']}: ccboard {gq} != log {wq}")
    worked = {q for (n, q), v in per_queue.items() if n == a["name"] and any(v.values())}
    if worked != {q["queue"] for q in a["today"]["queues"]}:
        bad.append(f"{a['name']}: queues {sorted(worked)} in the log")
    checked += 1
# every agent with a figure today is in the snapshot; those the log removed
# from each queue they had joined (REMOVEMEMBER, AGENTLOGOFF) today are listed
# after the logged-in ones, in natural order of their names, logged_off since
# the line that removed them from the last, in no queue and on no call
member, off_at = collections.defaultdict(set), {}
for p in lines:
    ev, queue, agent = p[4], field(p[2]), field(p[3])
    if ev not in ("ADDMEMBER", "REMOVEMEMBER", "AGENTLOGIN", "AGENTLOGOFF") or not agent:
        continue
    name = amap.get(agent, agent)
    if ev in ("ADDMEMBER", "AGENTLOGIN"):
        member[name].add(queue)
        off_at.pop(name, None)
    elif member[name]:
        if ev == "AGENTLOGOFF" and queue is None:
            member[name].clear()
        member[name].discard(queue)
        if not member[name]:
            off_at[name] = int(p[0])
off_want = {n: t for n, t in off_at.items() if t >= day}
for n in sorted(per_agent):
    if any(per_agent[n].values()) and n not in names:
        bad.append(f"{n}: {per_agent[n]} in the log, not in the snapshot")
states = [a["state"] for a in agents]
n_off = states.count("logged_off")
if "logged_off" in states[:len(states) - n_off]:
    bad.append(f"a logged-off agent before a logged-in one: {names}")
def natural(name):
    return [(0, int(t), "") if t.isdigit() else (1, 0, t) for t in re.findall(r"\d+|\D+", name)]
offs = [a for a in agents if a["state"] == "logged_off"]
if [a["name"] for a in offs] != sorted((a["name"] for a in offs), key=natural):
    bad.append(f"logged off not in order of their names: {[a['name'] for a in offs]}")
if {a["name"] for a in offs} != set(off_want):
    bad.append(f"logged off {sorted(a['name'] for a in offs)}, the log says {sorted(off_want)}")
for a in offs:
    if a["name"] in off_want and a["since"] != off_want[a["name"]]:
        bad.append(f"{a['name']}: logged off since {a['since']}, the log says {off_want[a['name']]}")
    if a["queues"] or a["call"] is not None or "reason" in a:
        bad.append(f"{a['name']}: logged off with queues, a call or a reason: {a}")
for a in bad:
    print(a, file=sys.stderr)
if bad:
    sys.exit(1)
total = sum(v["answered"] for n, v in per_agent.items() if n in names)
print(f"{checked} agents ({n_off} logged off), {total} answered today, all equal")
