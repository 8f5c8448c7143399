#!/usr/bin/env python3
"""agree.py SNAPSHOT_JSON MAWK_OUTPUT - checks that the mawk reference computed
the same figures as ccboard (today's offered, answered, abandoned, SL %, ASA
per queue), so that the replay race compares like with like. Prints
"agree N queues" or the differences (and exits 1)."""
import json
import sys


def main(snap_path, mawk_path):
    snap = json.load(open(snap_path))
    ours = {q["name"]: q["today"] for q in snap["queues"]}
    theirs = {}
    for line in open(mawk_path):
        name, *pairs = line.split()
        theirs[name] = dict(p.split("=") for p in pairs)
    bad = []
    for name, t in ours.items():
        m = theirs.get(name)
        if m is None:
            if t["offered"]:
                bad.append("%s: missing in mawk" % name)
            continue
        for key, mk in (("offered", "offered"), ("answered", "answered"),
                        ("abandoned", "abandoned"), ("service_level_pct", "sl"),
                        ("asa_s", "asa")):
            a, b = t[key], m[mk]
            if (a is None) != (b == "null") or (a is not None and abs(a - float(b)) > 0.006):
                bad.append("%s %s: ccboard %s, mawk %s" % (name, key, a, b))
    if set(theirs) - set(ours):
        bad.append("mawk only: %s" % " ".join(sorted(set(theirs) - set(ours))))
    if bad:
        print("DIFFER " + "; ".join(bad[:5]))
        return 1
    print("agree %d queues" % len(ours))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
