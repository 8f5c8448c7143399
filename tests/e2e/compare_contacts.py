#!/usr/bin/env python3
"""compare_contacts.py TRUTH.json SNAPSHOT.json - compare ccboard's contact
figures (SPEC 6.4) with gen-contacts' truth, figure by figure: each channel,
the channel total, each queue's contacts, pivots by pair and the journeys.
Prints each difference and how many figures were compared; exits 1 on any
difference."""
import json
import math
import sys


def close(a, b):
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(a - b) < 5e-4
    return a == b


class Cmp:
    def __init__(self):
        self.n = 0
        self.bad = []

    def value(self, where, truth, got):
        self.n += 1
        if not close(truth, got):
            self.bad.append("%s: %r, truth %r" % (where, got, truth))

    def scope(self, where, truth, got):
        if got is None:
            self.bad.append("%s: missing" % where)
            return
        for k, v in truth.items():
            if k in ("today", "window"):
                for f, x in v.items():
                    self.value("%s.%s.%s" % (where, k, f), x, got.get(k, {}).get(f, "absent"))
            elif k == "reasons":
                keys = set(v) | set(got.get("reasons", {}))
                for r in sorted(keys):
                    self.value("%s.reasons.%s" % (where, r), v.get(r, 0),
                               got.get("reasons", {}).get(r, 0))
            else:
                self.value("%s.%s" % (where, k), v, got.get(k, "absent"))


def main(truth_path, snap_path):
    truth = json.load(open(truth_path))
    lines = [l for l in open(snap_path) if l.strip()]
    if not lines:
        print("no snapshot printed")
        return 1
    snap = json.loads(lines[-1])
    c = Cmp()
    # as_of is whole seconds (SPEC 3.2); the figures keep the milliseconds
    c.value("as_of", math.floor(truth["as_of"]), snap["as_of"])
    channels = {ch["name"]: ch for ch in snap.get("channels", [])}
    for name, t in truth["channels"].items():
        c.scope("channels.%s" % name, t, channels.get(name))
    c.scope("channel_total", truth["channel_total"], snap.get("channel_total"))
    queues = {q["name"]: q for q in snap["queues"]}
    for name, t in truth["queues"].items():
        c.scope("queues.%s.contacts" % name, t["contacts"], queues.get(name, {}).get("contacts"))
    for name, q in queues.items():
        if "contacts" in q and name not in truth["queues"]:
            c.bad.append("queues.%s: not in the truth" % name)
    pairs = snap.get("pivots_by_pair", {})
    for pair in sorted(set(pairs) | set(truth["pivots_by_pair"])):
        t = truth["pivots_by_pair"].get(pair, {"today": 0, "window": 0})
        g = pairs.get(pair, {"today": 0, "window": 0})
        for k in ("today", "window"):
            c.value("pivots_by_pair.%s.%s" % (pair, k), t[k], g[k])
    got_j = snap.get("journeys", [])
    c.value("journeys.count", len(truth["journeys"]), len(got_j))
    for i, (t, g) in enumerate(zip(truth["journeys"], got_j)):
        c.value("journeys[%d].customer" % i, t["customer"], g["customer"])
        c.value("journeys[%d].resolved" % i, t["resolved"], g["resolved"])
        c.value("journeys[%d].n" % i, len(t["contacts"]), len(g["contacts"]))
        for j, (tc, gc) in enumerate(zip(t["contacts"], g["contacts"])):
            for k in ("channel", "id", "created", "state"):
                c.value("journeys[%d][%d].%s" % (i, j, k), tc[k], gc[k])
    for b in c.bad[:40]:
        print(b)
    if len(c.bad) > 40:
        print("... and %d more" % (len(c.bad) - 40))
    print("%d figures compared, %d differ" % (c.n, len(c.bad)))
    return 1 if c.bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
