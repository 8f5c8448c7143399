#!/usr/bin/env bash
# demo_alerts.sh - the demo's busy spell raises alerts within its first
# minutes, each within a second of its condition having held for for_s.
# --demo-speed 8 runs those 112 s of the board's clock in 14 s of the wall's:
# one snapshot (and one evaluation of the alerts) per second of the board's.
. "$(dirname "$0")/lib.bash"
for bad in "--demo --demo-speed 0" "--demo --demo-speed 21" "--demo --demo-speed x" \
           "--demo-speed 4 --once /dev/null" "--demo --replay --demo-speed 4"; do
	rc=0; "$CCBOARD" $bad -c /dev/null > /dev/null 2> "$TMP/err" || rc=$?
	[ "$rc" = 2 ] && grep -q -- '--demo-speed' "$TMP/err" || fail "ccboard $bad: exit $rc, $(cat "$TMP/err")"
done
pass "--demo-speed: bad values and uses refused"
# until the board's clock has covered the busy spell (about 14 s of the
# wall's; more on a loaded machine, whose slow start must not cut it short)
"$CCBOARD" --demo --demo-speed 8 --json -c /dev/null > "$TMP/demo.jsonl" &
pid=$!
for _ in $(seq 120); do
	sleep 0.5
	kill -0 "$pid" 2> /dev/null || fail "ccboard --demo exited early"
	span=$(python3 -c 'import json, sys
lines = open(sys.argv[1]).read().split("\n")[:-1]   # whole lines only
print(json.loads(lines[-1])["as_of"] - json.loads(lines[0])["as_of"] if lines else 0)' "$TMP/demo.jsonl")
	[ "${span:-0}" -ge 112 ] && break
done
kill -INT "$pid"; rc=0; wait "$pid" || rc=$?
[ "$rc" = 0 ] || [ "$rc" = 130 ] || fail "ccboard --demo exited $rc after SIGINT"
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
span = snaps[-1]["as_of"] - snaps[0]["as_of"]
print("%d snapshots over %d s of the board's clock, %d alerts checked, %d wrong"
      % (len(snaps), span, checked, bad))
if span < 100:
    print("the board's clock covered %d s, not the busy spell's 100" % span); bad += 1
sys.exit(1 if bad or checked == 0 else 0)
PY
pass "demo alerts"
