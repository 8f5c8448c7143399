#!/usr/bin/env bash
# demo_alerts.sh - the demo's busy spell raises alerts within its first
# minutes, each within a second of its condition having held for for_s.
. "$(dirname "$0")/lib.bash"
timeout 110 "$CCBOARD" --demo --json -c /dev/null > "$TMP/demo.jsonl" || [ $? = 124 ] \
	|| fail "ccboard --demo exited $?"
python3 - "$TMP/demo.jsonl" <<'PY' || fail "demo alerts"
import json, sys
snaps = [json.loads(l) for l in open(sys.argv[1])]
FOR_S = {"no_agent": 10, "longest_wait": 0}
def holds(rule, q):
    if rule == "no_agent":
        return q["waiting"] > 0 and q["agents"]["available"] == 0
    return q["longest_wait_s"] >= 60
checked = bad = 0
for rule, for_s in FOR_S.items():
    for name in sorted({q["name"] for s in snaps for q in s["queues"]}):
        since = None
        for s in snaps:
            q = next((x for x in s["queues"] if x["name"] == name), None)
            if q is None:
                continue
            active = any(a["rule"] == rule and a["queue"] == name for a in s["alerts"])
            if holds(rule, q):
                since = s["as_of"] if since is None else since
            elif not active:
                since = None
            if active and since is not None:
                late = s["as_of"] - (since + for_s)
                checked += 1
                if not -1 <= late <= 1:
                    print("%s %s raised at %d, condition held since %d (for_s %d)"
                          % (rule, name, s["as_of"], since, for_s)); bad += 1
                break
            if since is not None and s["as_of"] - since > for_s + 1 and not active:
                print("%s %s: condition held since %d, no alert at %d" % (rule, name, since, s["as_of"]))
                bad += 1
                break
print("%d snapshots, %d alerts checked, %d wrong" % (len(snaps), checked, bad))
sys.exit(1 if bad or checked == 0 else 0)
PY
pass "demo alerts"
