#!/usr/bin/env python3
"""compare_truth.py TRUTH.json SNAPSHOT.json - compare ccboard's snapshot with
gen-queue-log's truth: every count and sum of today and window, and the live
state per queue. Prints each difference; exits 1 if there is any."""
import json
import sys

COUNTS = ["offered", "answered", "answered_within_sl", "abandoned", "abandoned_short",
          "abandoned_within_sl", "timed_out", "exited_key", "exited_empty", "withdrawn",
          "completed", "transferred", "talk_s", "hold_s", "abandon_wait_s"]


def main(truth_path, snap_path):
    truth = json.load(open(truth_path))
    lines = [l for l in open(snap_path) if l.strip()]
    if not lines:
        print("no snapshot printed")
        return 1
    snap = json.loads(lines[-1])
    queues = {q["name"]: q for q in snap["queues"]}
    bad = []
    if snap["as_of"] != truth["as_of"]:
        bad.append("as_of: %s != truth %s" % (snap["as_of"], truth["as_of"]))
    checked = 0
    for name in truth["today"]:
        q = queues.get(name)
        if q is None:
            if any(truth["today"][name].values()):
                bad.append("%s: queue missing from the snapshot" % name)
            continue
        for period in ("today", "window"):
            for key in COUNTS:
                want, got = truth[period][name][key], q[period][key]
                checked += 1
                if want != got:
                    bad.append("%s %s.%s: %s != truth %s" % (name, period, key, got, want))
        st = truth["state"][name]
        have = {"waiting": q["waiting"], "longest_wait_s": q["longest_wait_s"],
                "logged_in": q["agents"]["logged_in"], "paused": q["agents"]["paused"],
                "on_call": q["agents"]["on_call"]}
        for key, want in st.items():
            checked += 1
            if have[key] != want:
                bad.append("%s %s: %s != truth %s" % (name, key, have[key], want))
    for b in bad:
        print(b)
    print("%d figures compared, %d differ" % (checked, len(bad)))
    return 1 if bad or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
