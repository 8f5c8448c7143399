#!/usr/bin/env python3
"""compare_groups.py TRUTH.json SNAPSHOT.json LOG GROUP=PATTERNS... - each
[group.NAME] of the snapshot against gen-queue-log's truth: its queues are
the truth's queues its patterns match (fnmatch), every count and sum of today
and window is the sum of theirs, waiting their sum, the longest wait their
longest, the derived figures the total's formulas on those sums, and its
logged-in agents the agents members (ADDMEMBER, no REMOVEMEMBER since) of
any of its queues, each once. Prints each difference; exits 1 if any."""
import fnmatch
import json
import sys

COUNTS = ["offered", "answered", "answered_within_sl", "abandoned", "abandoned_short",
          "abandoned_within_sl", "timed_out", "exited_key", "exited_empty", "withdrawn",
          "completed", "transferred", "talk_s", "hold_s", "abandon_wait_s"]


def members_at_end(log):
    """(queue, agent) memberships at the end of the log, from ADDMEMBER and
    REMOVEMEMBER (the generator's only membership events)."""
    mem = set()
    for line in open(log, errors="replace"):
        f = line.rstrip("\n").split("|")
        if len(f) < 5:
            continue
        if f[4] == "ADDMEMBER":
            mem.add((f[2], f[3]))
        elif f[4] == "REMOVEMEMBER":
            mem.discard((f[2], f[3]))
    return mem


def r2(x):
    return None if x is None else round(x, 2)


def ratio(a, b, scale=1.0):
    return r2(scale * a / b) if b else None


def expected(truth, names, period):
    c = {k: sum(truth[period][n][k] for n in names) for k in COUNTS}
    handled = c["completed"] + c["transferred"]
    base = c["offered"] - c["abandoned_short"]
    d = {"service_level_pct": ratio(c["answered_within_sl"], base, 100),
         "abandon_rate_pct": ratio(c["abandoned"] - c["abandoned_short"], base, 100),
         "asa_s": ratio(c["hold_s"], c["answered"]),
         "aht_s": ratio(c["talk_s"], handled),
         "avg_abandon_wait_s": ratio(c["abandon_wait_s"], c["abandoned"])}
    return c, d


def main(truth_path, snap_path, log, specs):
    truth = json.load(open(truth_path))
    snap = json.loads([l for l in open(snap_path) if l.strip()][-1])
    groups = {g["name"]: g for g in snap.get("groups", [])}
    mem = members_at_end(log)
    bad, checked = [], 0
    # the membership replay must agree with the truth per queue, or the agent check means nothing
    for q, st in truth["state"].items():
        if len({a for (qq, a) in mem if qq == q}) != st["logged_in"]:
            bad.append("log replay: %s has %d members, truth %d" %
                       (q, len({a for (qq, a) in mem if qq == q}), st["logged_in"]))
    for spec in specs:
        name, pats = spec.split("=", 1)
        pats = [p.strip() for p in pats.split(",") if p.strip()]
        g = groups.get(name)
        if g is None:
            bad.append("group %s missing from the snapshot" % name)
            continue
        names = sorted(n for n in truth["today"] if any(fnmatch.fnmatchcase(n, p) for p in pats))
        checked += 1
        if sorted(g["queues"]) != names:
            bad.append("%s queues: %s != %s" % (name, sorted(g["queues"]), names))
        for period in ("today", "window"):
            c, d = expected(truth, names, period)
            for k, want in list(c.items()) + list(d.items()):
                checked += 1
                if g[period][k] != want:
                    bad.append("%s %s.%s: %s != %s" % (name, period, k, g[period][k], want))
        live = {"waiting": sum(truth["state"][n]["waiting"] for n in names),
                "longest_wait_s": max([truth["state"][n]["longest_wait_s"] for n in names] + [0]),
                "logged_in": len({a for (q, a) in mem if q in names})}
        have = {"waiting": g["waiting"], "longest_wait_s": g["longest_wait_s"],
                "logged_in": g["agents"]["logged_in"]}
        for k, want in live.items():
            checked += 1
            if have[k] != want:
                bad.append("%s %s: %s != %s" % (name, k, have[k], want))
        if len(names) == len(truth["today"]):     # every queue: the total, figure for figure
            for k in ("waiting", "longest_wait_s", "agents", "today", "window"):
                checked += 1
                if g[k] != snap["total"][k]:
                    bad.append("%s %s differs from the total's: %s != %s" %
                               (name, k, g[k], snap["total"][k]))
    for b in bad:
        print(b)
    print("%d group figures compared, %d differ" % (checked, len(bad)))
    return 1 if bad or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]))
