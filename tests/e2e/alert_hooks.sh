#!/usr/bin/env bash
# alert_hooks.sh - the alert log and the exec hook, end to end: a real hook
# script writes its environment to a file, the log lines have the documented
# format, a burst of 1,000 alerts reaches the log whole, a failing hook shows
# as an error among the sources, and a rename rotation + SIGHUP moves the
# log to the new file.
. "$(dirname "$0")/lib.bash"
T0=1767254400
cat > "$TMP/hook.sh" <<'SH'
#!/bin/sh
env | grep '^CCBOARD_ALERT_' | sort > "$HOOK_DIR/env.$CCBOARD_ALERT_CHANGE.$CCBOARD_ALERT_QUEUE"
SH
chmod +x "$TMP/hook.sh"
mkdir "$TMP/hooks"
rules='[alert.crowd]
metric = waiting
op = above
warning = 1
[alert.sl_low]
enabled = no
[alert.abandon_high]
enabled = no
[alert.no_agent]
enabled = no
[alert.longest_wait]
enabled = no'
cat > "$TMP/c.ini" <<EOF2
[general]
alert_log = $TMP/alerts.log
alert_exec = HOOK_DIR='$TMP/hooks' '$TMP/hook.sh'
$rules
EOF2

# 1. raised, then cleared: two log lines, two hook runs
{
	for ((t = 0; t <= 5; t++)); do echo "$((T0 + t))|NONE|other|Zoe|UNPAUSE|"; done
	echo "$((T0 + 1))|c1|sales|NONE|ENTERQUEUE||111|1"
	echo "$((T0 + 3))|c1|sales|NONE|ABANDON|1|1|2"
} | sort -t'|' -k1,1n -s > "$TMP/q.log"
"$CCBOARD" --replay --json -c "$TMP/c.ini" "$TMP/q.log" > "$TMP/out.jsonl" || fail "exit $?"
[ "$(wc -l < "$TMP/alerts.log")" = 2 ] || fail "log: $(cat "$TMP/alerts.log")"
TS='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[+-][0-9]{4}'
grep -Eq "^$TS raised warning rule=crowd queue=sales value=1 since=2026-01-01T08:00:01\\+0000 message=\"[^\"]*\"\$" \
	"$TMP/alerts.log" || fail "raised line: $(head -1 "$TMP/alerts.log")"
grep -Eq "^$TS cleared ok rule=crowd queue=sales value=0 since=2026-01-01T08:00:01\\+0000 message=\"sales: [^\"]*cleared\"\$" \
	"$TMP/alerts.log" || fail "cleared line: $(tail -1 "$TMP/alerts.log")"
env_raised="$TMP/hooks/env.raised.sales"
[ -f "$env_raised" ] && [ -f "$TMP/hooks/env.cleared.sales" ] || fail "hook runs: $(ls "$TMP/hooks")"
for want in CCBOARD_ALERT_RULE=crowd CCBOARD_ALERT_QUEUE=sales CCBOARD_ALERT_SEVERITY=warning \
	CCBOARD_ALERT_CHANGE=raised CCBOARD_ALERT_VALUE=1 CCBOARD_ALERT_SINCE=$((T0 + 1)); do
	grep -qx "$want" "$env_raised" || fail "hook env lacks $want: $(cat "$env_raised")"
done
grep -q '^CCBOARD_ALERT_MESSAGE=sales: ' "$env_raised" || fail "hook env: no message"
grep -qx CCBOARD_ALERT_SEVERITY=ok "$TMP/hooks/env.cleared.sales" || fail "cleared env"
python3 - "$TMP/out.jsonl" <<'PY' || fail "sources show an error while log and hook work"
import json, sys
for l in open(sys.argv[1]):
    s = json.loads(l)
    bad = [x for x in s["sources"] if x["state"] == "error"]
    if bad:
        sys.exit(bad)
PY
pass "alert log lines and hook environment"

# 2. 1,000 queues breaching at once: 1,000 lines in the log, none lost
cat > "$TMP/burst.ini" <<EOF2
[general]
alert_log = $TMP/burst.log
$rules
EOF2
for ((i = 0; i < 1000; i++)); do echo "$T0|c$i|q$i|NONE|ENTERQUEUE||1$i|1"; done > "$TMP/burst.q"
"$CCBOARD" --replay --once --json -c "$TMP/burst.ini" "$TMP/burst.q" > "$TMP/burst.json" \
	|| fail "burst: exit $?"
n=$(grep -c ' raised warning rule=crowd ' "$TMP/burst.log")
[ "$n" = 1000 ] || fail "burst: $n of 1000 lines in the log"
python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); sys.exit(any(x["state"]=="error" for x in s["sources"]))' \
	"$TMP/burst.json" || fail "burst: an error among the sources"
pass "1,000 alerts at once: 1,000 lines"

# 3. a failing hook shows as an error among the sources
cat > "$TMP/fail.ini" <<EOF2
[general]
alert_exec = exit 3
$rules
EOF2
echo "$T0|c1|sales|NONE|ENTERQUEUE||111|1" > "$TMP/one.q"
"$CCBOARD" --replay --once --json -c "$TMP/fail.ini" "$TMP/one.q" > "$TMP/fail.json" 2> "$TMP/fail.err" \
	|| fail "failing hook: exit $?"
python3 - "$TMP/fail.json" <<'PY' || fail "failing hook not reported: $(cat "$TMP/fail.json")"
import json, sys
s = json.load(open(sys.argv[1]))
sys.exit(not any(x["state"] == "error" and "failed" in x.get("detail", "") for x in s["sources"]))
PY
pass "a failing hook is reported"

# 4. rename rotation + SIGHUP: the next lines go to a new file at the path
cat > "$TMP/live.ini" <<EOF2
[general]
alert_log = $TMP/live.log
$rules
EOF2
: > "$TMP/live.q"
"$CCBOARD" --json -c "$TMP/live.ini" "$TMP/live.q" > /dev/null 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$TMP"' EXIT
wait_for() {   # wait_for FILE PATTERN: up to 60 s, the machine may be loaded
	for ((i = 0; i < 600; i++)); do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	fail "'$2' never reached $1"
}
sleep 1   # let it open the source before the first line
echo "$(date +%s)|l1|first|NONE|ENTERQUEUE||111|1" >> "$TMP/live.q"
wait_for "$TMP/live.log" "queue=first"
mv "$TMP/live.log" "$TMP/live.log.1"
kill -HUP $pid
for ((i = 0; i < 600; i++)); do [ -e "$TMP/live.log" ] && break; sleep 0.1; done
[ -e "$TMP/live.log" ] || fail "no new log after SIGHUP"
echo "$(date +%s)|l2|second|NONE|ENTERQUEUE||112|1" >> "$TMP/live.q"
wait_for "$TMP/live.log" "queue=second"
grep -q "queue=second" "$TMP/live.log.1" && fail "a line went to the rotated file"
kill $pid
wait $pid || true
pass "the alert log follows a rename rotation"

# 5. --once waits for a slow hook (killed only past its timeout); a hung
#    hook is killed at alert_exec_timeout_s and reported
cat > "$TMP/slow.ini" <<EOF2
[general]
alert_exec = sleep 3; echo done > '$TMP/slow.out'
$rules
EOF2
"$CCBOARD" --replay --once -c "$TMP/slow.ini" "$TMP/one.q" > /dev/null || fail "slow hook: exit $?"
[ "$(cat "$TMP/slow.out" 2>/dev/null)" = done ] || fail "a 3 s hook was cut short by the exit"
cat > "$TMP/hung.ini" <<EOF2
[general]
alert_exec = sleep 600
alert_exec_timeout_s = 1
$rules
EOF2
start=$(date +%s)
timeout 120 "$CCBOARD" --replay --once --json -c "$TMP/hung.ini" "$TMP/one.q" > "$TMP/hung.json" \
	|| fail "hung hook: exit $?"
python3 - "$TMP/hung.json" <<'PY' || fail "hung hook not reported: $(cat "$TMP/hung.json")"
import json, sys
s = json.load(open(sys.argv[1]))
sys.exit(not any(x["state"] == "error" and "1 timed out" in x.get("detail", "") for x in s["sources"]))
PY
pass "hooks: a slow one completes, a hung one is killed and reported ($(( $(date +%s) - start )) s)"
