#!/usr/bin/env bash
# alert_timing.sh - an alert is raised when its condition has held for for_s
# (to the second), escalates, and clears only past the hysteresis band.
# Replayed with --replay --json: one snapshot per second of log time.
. "$(dirname "$0")/lib.bash"
T0=1767254400
cat > "$TMP/alerts.ini" <<'INI'
[alert.longest_wait]
for_s = 30
[alert.crowd]
metric = waiting
queue = sales
op = above
warning = 3
hysteresis = 1
[alert.sl_low]
enabled = no
[alert.abandon_high]
enabled = no
[alert.no_agent]
enabled = no
INI
{
	# one unrelated event a second keeps the replay clock ticking
	for ((t = 0; t <= 260; t++)); do echo "$((T0 + t))|NONE|other|Zoe|UNPAUSE|"; done
	echo "$T0|w1|sales|NONE|ENTERQUEUE||111|1"                  # waits from T0
	echo "$((T0 + 10))|w2|sales|NONE|ENTERQUEUE||112|2"
	echo "$((T0 + 20))|w3|sales|NONE|ENTERQUEUE||113|3"         # 3 waiting: crowd raised
	echo "$((T0 + 40))|w3|sales|NONE|ABANDON|3|3|20"            # 2: not below 3 - 1, holds
	echo "$((T0 + 50))|w4|sales|NONE|ENTERQUEUE||114|3"         # 3 again
	echo "$((T0 + 70))|w4|sales|NONE|ABANDON|3|3|20"
	echo "$((T0 + 80))|w2|sales|NONE|ABANDON|2|2|70"            # 1: below 3 - 1, clears
	echo "$((T0 + 200))|w1|sales|Ann|CONNECT|200|x|3"           # nobody waits: longest_wait clears
} | sort -t'|' -k1,1n -s > "$TMP/alerts.log"
"$CCBOARD" --replay --json -c "$TMP/alerts.ini" "$TMP/alerts.log" > "$TMP/out.jsonl" \
	|| fail "ccboard exited $?"
python3 - "$TMP/out.jsonl" "$T0" <<'PY' || fail "alert timing"
import json, sys
t0 = int(sys.argv[2])
snaps = [json.loads(l) for l in open(sys.argv[1])]
def state(rule, t):
    for s in snaps:
        if s["as_of"] == t0 + t:
            for a in s["alerts"]:
                if a["rule"] == rule and a["queue"] == "sales":
                    return a["severity"]
            return None
    raise SystemExit("no snapshot at T0+%d" % t)
want = [
    ("crowd", 19, None), ("crowd", 20, "warning"), ("crowd", 45, "warning"),
    ("crowd", 79, "warning"), ("crowd", 80, None),
    # longest wait >= 60 from T0+60; for_s 30 -> warning at T0+90, not at T0+89
    ("longest_wait", 89, None), ("longest_wait", 90, "warning"),
    # >= 120 from T0+120; critical after 30 s more
    ("longest_wait", 149, "warning"), ("longest_wait", 150, "critical"),
    ("longest_wait", 199, "critical"), ("longest_wait", 200, None),
]
bad = 0
for rule, t, sev in want:
    got = state(rule, t)
    if got != sev:
        print("%s at T0+%d: %s, expected %s" % (rule, t, got, sev)); bad += 1
crit = [s for s in snaps if any(a["rule"] == "longest_wait" and a["severity"] == "critical" for a in s["alerts"])]
since = {a["since"] for s in crit for a in s["alerts"] if a["rule"] == "longest_wait"}
if since != {t0 + 90}:
    print("since should stay at the raise time T0+90: %s" % since); bad += 1
print("%d checks, %d failed" % (len(want) + 1, bad))
sys.exit(1 if bad else 0)
PY
pass "alerts fire at for_s, escalate, and clear past the hysteresis band"
