#!/usr/bin/env bash
# faults_replay.sh - hostile input read with --replay --once --json, figures
# checked: timestamps that go backwards; a year of history; 10 000 queues and
# 100 000 agents; a million callers whose outcome never arrives (stale);
# standard output closed; an alert log on a full disk (/dev/full).
. "$(dirname "$0")/lib.bash"
: > "$TMP/empty.ini"
snap() {  # config, log -> $TMP/out.json
	"$CCBOARD" --replay --once --json -c "$1" "$2" > "$TMP/out.json" 2> "$TMP/err" \
		|| fail "ccboard exited $? on $2: $(tail -n 5 "$TMP/err")"
}
checks() {  # (python expression over s (the snapshot), message)...: each in turn
	# One reading of the snapshot for all: the scale's is 68 MB, 5 s of CPU a reading.
	local msg
	msg=$(python3 - "$TMP/out.json" "$@" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
t = s["total"]; q = {x["name"]: x for x in s["queues"]}
for expr, msg in zip(sys.argv[2::2], sys.argv[3::2]):
    try:
        ok = eval(expr)
    except Exception:
        print(msg)
        raise
    if not ok:
        print("snapshot:", json.dumps({"as_of": s["as_of"], "total": t})[:1500], file=sys.stderr)
        print(msg)
        sys.exit(1)
PY
	) || fail "$msg"
}
check() { checks "$1" "$2"; }  # one expression, message

# 1. Timestamps that go backwards: an hour back, then a line from yesterday.
T=1767268800   # 2026-01-01 12:00 UTC
{
	echo "$T|1.1|sales|NONE|ENTERQUEUE||5551|1"
	echo "$((T + 10))|1.1|sales|NONE|ABANDON|1|1|10"
	echo "$((T + 500))|2.1|sales|NONE|ENTERQUEUE||5552|1"
	echo "$((T + 520))|2.1|sales|NONE|ABANDON|1|1|20"
	echo "$((T - 3600))|3.1|sales|NONE|ENTERQUEUE||5553|1"
	echo "$((T - 3590))|3.1|sales|NONE|ABANDON|1|1|10"
	echo "$((T - 86400))|4.1|sales|NONE|ENTERQUEUE||5554|1"
	echo "$((T - 86390))|4.1|sales|NONE|ABANDON|1|1|10"
	echo "$((T + 600))|5.1|sales|NONE|ENTERQUEUE||5555|1"
} > "$TMP/back.log"
snap "$TMP/empty.ini" "$TMP/back.log"
check "s['as_of'] == $((T + 600))" "backwards: as_of is not the latest timestamp"
check "t['today']['abandoned'] == 3" "backwards: today counts the hour-old abandon, not yesterday's"
check "t['window']['abandoned'] == 2" "backwards: the 900 s window holds the two recent abandons"
check "t['waiting'] == 1 and t['longest_wait_s'] == 0" "backwards: one caller waiting, just in"
pass "timestamps going backwards"

# 2. A year of history: today's figures are those of the last day only (counted
# here from the log's outcome lines), the window and live state as the truth.
python3 "$GEN" --seed 41 --start 1735718400 --hours 8760 --queues 1 --agents 3 \
	--calls-per-hour 2 --out "$TMP/year.log" --truth "$TMP/year.truth"
snap "$TMP/empty.ini" "$TMP/year.log"
python3 - "$TMP/year.log" "$TMP/year.truth" "$TMP/out.json" <<'PY' || fail "a year of history"
import json, sys
log, truth, snap = sys.argv[1:]
truth = json.load(open(truth)); s = json.load(open(snap))
lines = [l.rstrip("\n").split("|") for l in open(log) if l.strip()]
last = max(int(f[0]) for f in lines)
day0 = last - last % 86400
kinds = {"CONNECT": "answered", "ABANDON": "abandoned", "EXITWITHTIMEOUT": "timed_out",
         "EXITWITHKEY": "exited_key", "EXITEMPTY": "exited_empty", "WITHDRAW": "withdrawn",
         "COMPLETECALLER": "completed", "COMPLETEAGENT": "completed",
         "TRANSFER": "transferred", "BLINDTRANSFER": "transferred",
         "ATTENDEDTRANSFER": "transferred"}
want = {k: 0 for k in set(kinds.values())}
for f in lines:
    if int(f[0]) >= day0 and f[4] in kinds:
        want[kinds[f[4]]] += 1
want["offered"] = sum(want[k] for k in ("answered", "abandoned", "timed_out", "exited_key",
                                          "exited_empty", "withdrawn"))
got = s["total"]["today"]
bad = ["today.%s: %s != %s" % (k, got[k], v) for k, v in want.items() if got[k] != v]
if s["as_of"] != truth["as_of"]:
    bad.append("as_of %s != %s" % (s["as_of"], truth["as_of"]))
for k, v in truth["window"]["sales"].items():
    if s["total"]["window"].get(k, v) != v:
        bad.append("window.%s: %s != %s" % (k, s["total"]["window"][k], v))
for k, v in truth["state"]["sales"].items():
    have = s["total"]["agents"].get(k, s["total"].get(k))
    if have != v:
        bad.append("%s: %s != %s" % (k, have, v))
if want["offered"] == 0 or want["offered"] > 200:
    bad.append("the last day has %d calls; the test needs a few" % want["offered"])
print("\n".join(bad), file=sys.stderr)
sys.exit(1 if bad else 0)
PY
pass "a year of history ($(wc -l < "$TMP/year.log") lines)"

# 3. 10 000 queues and 100 000 agents, one answered call per queue.
python3 - "$TMP/big.log" <<'PY'
import sys
T = 1767268800
with open(sys.argv[1], "w") as f:
    for a in range(100000):
        f.write("%d|NONE|q%05d|Agent%06d|ADDMEMBER|\n" % (T, a % 10000, a))
    for q in range(10000):
        f.write("%d|c%d|q%05d|NONE|ENTERQUEUE||555|1\n" % (T + 1, q, q))
        f.write("%d|c%d|q%05d|Agent%06d|CONNECT|5|x|1\n" % (T + 6, q, q, q))
        f.write("%d|c%d|q%05d|Agent%06d|COMPLETECALLER|5|60|1\n" % (T + 66, q, q, q))
PY
printf '[general]\nmax_queues = 10000\nmax_agents = 100000\n' > "$TMP/big.ini"
snap "$TMP/big.ini" "$TMP/big.log"
checks "len(s['queues']) == 10000" "scale: not 10 000 queues" \
	"t['agents']['logged_in'] == 100000 and t['agents']['available'] == 100000" \
	"scale: not 100 000 agents logged in and available" \
	"all(x['agents']['logged_in'] == 10 for x in s['queues'])" "scale: 10 agents per queue" \
	"t['today']['answered'] == 10000 and t['today']['completed'] == 10000" \
	"scale: 10 000 answered and completed" \
	"t['today']['talk_s'] == 600000 and t['today']['aht_s'] == 60" "scale: talk time"
pass "10 000 queues, 100 000 agents"

# 3b. The same under the default caps (5000 queues, 50 000 agents): lines that
# name a new queue or agent past them are bad lines, and the board says so.
snap "$TMP/empty.ini" "$TMP/big.log"
# refused: the ADDMEMBER lines of queues q05000.. (50 000) and their calls'
# lines (15 000); agents 0..4999 and 10000..14999 and so on make 50 000
checks "len(s['queues']) == 5000" "caps: not 5000 queues" \
	"t['agents']['logged_in'] == 50000" "caps: not 50 000 agents" \
	"t['today']['answered'] == 5000" "caps: the known queues' calls do not count" \
	"s['sources'][0]['bad_lines'] == 50000 + 3 * 5000" "caps: refused lines not in bad_lines" \
	"any(x['kind'] == 'model' and x['state'] == 'error' and
           x['detail'] == 'queue cap 5000 reached: 65000 lines refused' for x in s['sources'])" \
	"caps: the board does not say the queue cap was reached"
printf '[general]\nmax_agents = 1000\nmax_queues = 10000\n' > "$TMP/agentcap.ini"
snap "$TMP/agentcap.ini" "$TMP/big.log"
checks "t['agents']['logged_in'] == 1000 and len(s['queues']) == 10000" "agent cap: figures" \
	"any(x['kind'] == 'model' and
           x['detail'] == 'agent cap 1000 reached: %d lines refused' % (99000 + 2 * 9000)
           for x in s['sources'])" "caps: the board does not say the agent cap was reached"
"$CCBOARD" --replay --once -c "$TMP/agentcap.ini" "$TMP/big.log" > "$TMP/agentcap.txt"
grep -q '^source model: .*(agent cap 1000 reached: 117000 lines refused)$' "$TMP/agentcap.txt" \
	|| fail "caps: the --once table does not say the agent cap was reached: $(tail -n 2 "$TMP/agentcap.txt")"
pass "caps on queue and agent names"

# 3c. One line from the future (year 2286) among seventeen waiting callers and
# two answered: a bad line that moves nothing (today, waits, later answers).
{
	for i in $(seq 0 16); do echo "$((T + i))|w$i|sales|NONE|ENTERQUEUE||1|1"; done
	echo "$((T + 20))|a1|sales|NONE|ENTERQUEUE||1|1"
	echo "$((T + 30))|a1|sales|Alex|CONNECT|10|x|1"
	echo "9999999999|j|sales|NONE|ENTERQUEUE||1|1"
	echo "$((T + 40))|a2|sales|NONE|ENTERQUEUE||1|1"
	echo "$((T + 50))|a2|sales|Alex|CONNECT|10|x|1"
} > "$TMP/future.log"
snap "$TMP/empty.ini" "$TMP/future.log"
check "s['as_of'] == $((T + 50))" "future: the clock moved to the future line"
check "t['today']['answered'] == 2 and t['window']['answered'] == 2" "future: answers lost"
check "t['waiting'] == 17 and t['longest_wait_s'] == 50" "future: waits wrong"
check "s['input']['stale_dropped'] == 0" "future: callers dropped as stale"
check "s['sources'][0]['bad_lines'] == 1 and s['input']['future_lines'] == 1" \
	"future: the line is not counted as bad"
pass "a line from the future"

# 4. A million callers whose outcome never arrives: waiting, then stale.
python3 - "$TMP/stale.log" <<'PY'
import sys
T = 1767268800
with open(sys.argv[1], "w") as f:
    for i in range(1000000):
        f.write("%d|%d.%d|q%d|NONE|ENTERQUEUE||555|1\n" % (T + i // 1000, T, i, i % 4))
PY
snap "$TMP/empty.ini" "$TMP/stale.log"
checks "t['waiting'] == 1000000 and t['longest_wait_s'] == 999" "stale: a million waiting" \
	"t['today']['offered'] == 0" "stale: nothing offered yet"
printf '[general]\nstale_call_s = 3600\n' > "$TMP/stale.ini"
echo "$((T + 999 + 3601))|NONE|q0|Alex|ADDMEMBER|" >> "$TMP/stale.log"
snap "$TMP/stale.ini" "$TMP/stale.log"
checks "t['waiting'] == 0 and t['longest_wait_s'] == 0" \
	"stale: callers still waiting after stale_call_s" \
	"t['today']['offered'] == 0" "stale: dropped callers were counted as offered"
pass "a million stale callers"

# 5. Standard output closed under --json: a clean exit, within seconds.
set +e
timeout 20 "$CCBOARD" --replay --once --json -c "$TMP/empty.ini" "$TMP/big.log" >&- 2> "$TMP/err"
rc=$?
timeout 20 "$CCBOARD" --replay --json -c "$TMP/empty.ini" "$TMP/big.log" >&- 2>> "$TMP/err"
rc2=$?
set -e
[ $rc -ne 124 ] && [ $rc2 -ne 124 ] || fail "stdout closed: ccboard hung"
[ $rc -lt 128 ] && [ $rc2 -lt 128 ] || fail "stdout closed: killed by a signal ($rc, $rc2)"
grep -q "Sanitizer" "$TMP/err" && fail "stdout closed: $(cat "$TMP/err")"
pass "standard output closed (exit $rc, $rc2)"

# 6. The alert log on a full disk: the snapshot still comes, alerts and all.
printf '[general]\nalert_log = /dev/full\n' > "$TMP/full.ini"
{
	for i in $(seq 1 20); do
		echo "$((T + i))|9.$i|sales|NONE|ENTERQUEUE||555|1"
		echo "$((T + i + 200))|9.$i|sales|NONE|ABANDON|1|1|200"
	done
	echo "$((T + 5))|9.99|sales|NONE|ENTERQUEUE||555|1"   # still waiting: longest_wait alert
	echo "$((T + 221))|9.98|sales|NONE|ENTERQUEUE||555|1"
} > "$TMP/alerts.log"
snap "$TMP/full.ini" "$TMP/alerts.log"
check "t['today']['abandoned'] == 20 and t['waiting'] == 2" "/dev/full: figures"
check "len(s['alerts']) > 0" "/dev/full: no alerts were raised (the test needs some)"
# The lost alert lines must be told: on stderr, or as an error in "sources".
grep -qi "dev/full\|alert.log" "$TMP/err" ||
	check "any('alert' in (x['name'] + x.get('detail', '')) and x['state'] == 'error' for x in s['sources'])" \
		"/dev/full: the failed alert log is reported neither on stderr nor in sources"
pass "alert log on a full disk"
