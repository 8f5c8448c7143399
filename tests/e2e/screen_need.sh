#!/usr/bin/env bash
# screen_need.sh - the queue table's "Need" column in tmux at 80x24 and
# 200x60: each queue's agents needed now equal the JSON staffing of the same
# input, a queue short of agents is drawn in the critical role, and a log with
# no completed interval yet (no staffing known) has no Need column.
. "$(dirname "$0")/lib.bash"
command -v tmux > /dev/null || fail "tmux is not installed"
N=0
SOCK="need$$-0"
tm() { tmux -L "$SOCK" -f /dev/null "$@"; }
cleanup() {
	for ((i = 0; i <= N; i++)); do tmux -L "need$$-$i" kill-server 2>/dev/null || true; done
	rm -rf "$TMP"
}
trap cleanup EXIT

python3 "$GEN" --seed 41 --hours 3 --queues 4 --agents 30 --out "$TMP/log"
python3 "$GEN" --seed 42 --start 1767225600 --hours 0.1 --queues 2 --agents 8 --out "$TMP/short"   # 00:00-00:06
: > "$TMP/empty.ini"
"$CCBOARD" --replay --once --json -c "$TMP/empty.ini" "$TMP/log" > "$TMP/snap.json"

start() {  # cols rows command...
	local cols=$1 rows=$2; shift 2
	N=$((N + 1))
	SOCK="need$$-$N"
	tm new-session -d -x "$cols" -y "$rows" -e LANG=C.UTF-8 -e TZ=UTC -e TERM=xterm-256color "$*"
}
wait_done() {  # the replay read to its end, and two captures 0.3 s apart agree
	for ((i = 0; i < 100; i++)); do
		if pane_whole > "$TMP/screen" && grep -q "done" "$TMP/screen" &&
				grep -q "Total" "$TMP/screen"; then
			sleep 0.3
			tm capture-pane -p -e > "$TMP/colour"
			tm capture-pane -p > "$TMP/again"
			cmp -s "$TMP/screen" "$TMP/again" && return 0
		fi
		sleep 0.1
	done
	cat "$TMP/screen" >&2
	fail "the replay did not finish on screen"
}

for size in 80x24 200x60; do
	start "${size%x*}" "${size#*x}" "$CCBOARD" --replay -c "$TMP/empty.ini" "$TMP/log"
	wait_done
	python3 - "$TMP/snap.json" "$TMP/screen" "$TMP/colour" "$size" <<'PY' || { cat "$TMP/screen" >&2; fail "$size: the Need column"; }
import json, re, sys
snap = json.load(open(sys.argv[1]))
rows = open(sys.argv[2], encoding="utf-8").read().splitlines()
colour = open(sys.argv[3], encoding="utf-8").read().splitlines()
size = sys.argv[4]
head = next((r for r in rows if r.lstrip().startswith("Queue ")), None)
assert head is not None, "%s: no queue table heading" % size
m = re.search(r"\bNeed\b", head)
assert m, "%s: no Need column: %r" % (size, head)
lo, hi = m.start() - 1, m.end() + 2   # right-aligned under it; a badge ends a column later
for q in snap["queues"]:
    want = q["staffing"][0]["required_agents"]
    assert isinstance(want, int), "%s: %s: no staffing in the JSON" % (size, q["name"])
    i, row = next(((i, r) for i, r in enumerate(rows) if r[3:].lstrip().startswith(q["name"] + " ")),
                  (None, None))
    assert row is not None, "%s: no row for %s" % (size, q["name"])
    cell = row[lo:hi].strip()
    assert cell == str(want), "%s: %s Need %r on screen, %d in the JSON" % (size, q["name"], cell, want)
    # short of agents with the predicted SL 10 points under target: the critical badge
    st = q["staffing"][0]
    if st["gap"] > 0 and st["sl_predicted_pct"] < st["sl_target_pct"] - 10:
        assert re.search(r"48;5;160m *%d( |\x1b|$)" % want, colour[i]), \
            "%s: %s Need %d not drawn critical: %r" % (size, q["name"], want, colour[i][-120:])
print("%s: Need column matches the JSON" % size)
PY
	tm kill-server
done
python3 - "$TMP/snap.json" <<'PY' || fail "the test log has no queue short of agents"
import json, sys
snap = json.load(open(sys.argv[1]))
assert any(q["staffing"][0]["gap"] > 0 for q in snap["queues"])
PY
pass "Need at 80x24 and 200x60 equals the JSON; short queues are critical"

start 80 24 "$CCBOARD" --replay -c "$TMP/empty.ini" "$TMP/short"
wait_done
grep -q "Queue" "$TMP/screen" || fail "short log: no queue table"
grep -q "Need" "$TMP/screen" && { cat "$TMP/screen" >&2; fail "short log: a Need column with no staffing known"; }
pass "no staffing known: no Need column"
