#!/usr/bin/env bash
# screen.sh - the board in tmux at 80x24, 120x40 and 220x60: every panel is
# there and laid out for the pane, the figures on screen equal the JSON
# snapshot of the same input, each resize lays out again and keys still work
# after it, too small says so, q quits and restores the terminal, NO_COLOR has
# no colour codes, hostile names are drawn harmless.
. "$(dirname "$0")/lib.bash"
command -v tmux > /dev/null || fail "tmux is not installed"
N=0
SOCK="ccb$$-0"
tm() { tmux -L "$SOCK" -f /dev/null "$@"; }
cleanup() {
	for ((i = 0; i <= N; i++)); do tmux -L "ccb$$-$i" kill-server 2>/dev/null || true; done
	rm -rf "$TMP"
}
trap cleanup EXIT

python3 "$GEN" --seed 41 --hours 3 --queues 4 --agents 30 --out "$TMP/log"
: > "$TMP/empty.ini"
"$CCBOARD" --replay --once --json -c "$TMP/empty.ini" "$TMP/log" > "$TMP/snap.json"

start() {  # cols rows extra-env command...
	local cols=$1 rows=$2 env=$3; shift 3
	tm kill-server 2>/dev/null || true
	N=$((N + 1))
	SOCK="ccb$$-$N"              # a fresh server each time: no race with the old one
	tm new-session -d -x "$cols" -y "$rows" -e LANG=C.UTF-8 -e TZ=UTC -e TERM=xterm-256color \
		${env:+-e "$env"} "$*"
}
wait_for() {  # text [seconds]
	for ((i = 0; i < ${2:-50}; i++)); do
		pane_whole > "$TMP/screen" && grep -q -- "$1" "$TMP/screen" && return 0
		sleep 0.1
	done
	cat "$TMP/screen" >&2
	fail "'$1' did not appear on the screen"
}

# The frame was laid out for exactly cols x rows: the header's clock ends on
# column cols-1, the footer is on row rows and its right part ends on column
# cols-1. (A capture never holds more than the pane, so "no line is wider
# than the pane" would prove nothing; a frame laid out for another size puts
# the clock and the footer elsewhere or off the pane.)
laid_out() {  # cols rows; reads $TMP/screen, says why in $TMP/why
	python3 - "$TMP/screen" "$1" "$2" > "$TMP/why" <<'PY'
import re, sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
w, h = int(sys.argv[2]), int(sys.argv[3])
if lines and lines[-1] == "":
    lines.pop()
bad = []
if len(lines) != h:
    bad.append("%d rows captured, not %d" % (len(lines), h))
elif not re.search(r"\d\d:\d\d:\d\d$", lines[0]) or len(lines[0]) != w - 1:
    bad.append("the clock does not end on column %d: %r" % (w - 1, lines[0][-40:]))
elif not lines[h - 1].startswith(" q quit") or len(lines[h - 1]) != w - 1:
    bad.append("row %d is not the footer ending on column %d: %r" % (h, w - 1, lines[h - 1][-40:]))
print("; ".join(bad))
sys.exit(1 if bad else 0)
PY
}
wait_laid_out() {  # cols rows
	for ((i = 0; i < 50; i++)); do
		pane_whole > "$TMP/screen" && laid_out "$1" "$2" && return 0
		sleep 0.1
	done
	cat "$TMP/screen" >&2
	fail "not laid out for $1x$2 after the resize: $(cat "$TMP/why")"
}

check_figures() {  # the rows of the queue table against the JSON
	python3 - "$TMP/snap.json" "$TMP/screen" "$1" <<'PY'
import json, sys
snap = json.load(open(sys.argv[1]))
rows = open(sys.argv[2]).read().splitlines()
size = sys.argv[3]
bad = 0
# today's abandoned count gives way to the Need column at 80 columns
head = next((r.split() for r in rows if r.lstrip().startswith("Queue")), [])
aband = "Abandoned" in head or any(w == "Aband" and head[i + 1:i + 2] not in (["15m"], ["today"])
                                   for i, w in enumerate(head))
for q in snap["queues"] + [dict(snap["total"], name="Total")]:
    row = next((r for r in rows if r[3:].lstrip().startswith(q["name"] + " ")), None)
    if row is None:
        print("%s: no row for %s" % (size, q["name"])); bad += 1; continue
    tokens = row[3:].split()
    for key in ("offered", "answered") + (("abandoned",) if aband else ()):
        if str(q["today"][key]) not in tokens:
            print("%s: %s today.%s %d not in row: %s" % (size, q["name"], key, q["today"][key], row)); bad += 1
    if str(q["waiting"]) not in tokens:
        print("%s: %s waiting %d not in row" % (size, q["name"], q["waiting"])); bad += 1
sys.exit(1 if bad else 0)
PY
}

for size in 80x24 120x40 220x60; do
	start "${size%x*}" "${size#*x}" "" "$CCBOARD" --replay -c "$TMP/empty.ini" "$TMP/log"
	wait_for "log done"           # the replay has read the whole log
	for panel in "SLA 80/20" "Queue" "Alerts" "Agents" "Today by 15 min" "q quit"; do
		grep -q -- "$panel" "$TMP/screen" || fail "$size: no '$panel' on screen"
	done
	check_figures "$size" || fail "$size: figures differ from the JSON"
	laid_out "${size%x*}" "${size#*x}" || fail "$size: not laid out for the pane: $(cat "$TMP/why")"
	cp "$TMP/screen" "$TMP/screen-$size"
	pass "$size"
done

# the Waiting panel and the agent board of a selected queue: select the queue
# with the most callers waiting in the JSON (Tab from the total goes to the
# first queue); its longest-waiting caller is listed first, its agents only
read -r TABS QNAME FIRST SECOND NAGENTS < <(python3 - "$TMP/snap.json" <<'PY'
import json, sys
snap = json.load(open(sys.argv[1]))
i, q = max(enumerate(snap["queues"]), key=lambda e: (len(e[1]["callers"]), -e[0]))
c = q["callers"]
assert c, "no queue has callers waiting at the end of the log"
assert "callers" not in snap["total"], "the total has callers"
assert all(c[k]["waiting_s"] >= c[k + 1]["waiting_s"] for k in range(len(c) - 1)), "not longest first"
print(i + 1, q["name"], c[0]["callerid"], c[1]["callerid"] if len(c) > 1 else "-", q["agents"]["logged_in"])
PY
) || fail "callers: the JSON has no queue with callers"
start 220 60 "" "$CCBOARD" --replay -c "$TMP/empty.ini" "$TMP/log"
wait_for "log done"
for ((i = 0; i < TABS; i++)); do tm send-keys Tab; done
wait_for "Waiting · $QNAME"
wait_for "Agents · $QNAME"
grep -q "Agents · $QNAME.* $NAGENTS logged in" "$TMP/screen" || fail "callers: the agent board does not count $NAGENTS agents of $QNAME"
y1=$(grep -n -- "$FIRST" "$TMP/screen" | head -1 | cut -d: -f1)
[ -n "$y1" ] || fail "callers: the longest-waiting caller $FIRST of $QNAME is not on screen"
if [ "$SECOND" != "-" ]; then
	y2=$(grep -n -- "$SECOND" "$TMP/screen" | head -1 | cut -d: -f1)
	[ -n "$y2" ] && [ "$y2" -gt "$y1" ] || fail "callers: $SECOND is not listed under $FIRST"
fi
grep -- "$FIRST" "$TMP/screen" | grep -qE '[0-9]+:[0-5][0-9] *$' || fail "callers: no m:ss beside $FIRST"
pass "Waiting lists $QNAME's callers, longest first ($FIRST), and the agents are $QNAME's"

# resize: each size lays out again (footer on the new last row, clock on the
# new right edge), keys still work after each resize (? shows and hides the
# help), too small says so, and q then quits with 0. ncurses 6.4 queues a
# KEY_RESIZE on every resizeterm: answering it with another resize made the
# input loop endless (no key, no signal, 100% CPU).
start 120 40 "" "bash -c '\"$CCBOARD\" --replay -c \"$TMP/empty.ini\" \"$TMP/log\"; echo EXITED \$?; sleep 30'"
wait_laid_out 120 40
for size in 80x24 120x40 200x60 100x30 80x24; do
	tm resize-window -x "${size%x*}" -y "${size#*x}"
	wait_laid_out "${size%x*}" "${size#*x}"
	tm send-keys '?'
	wait_for "keys and colours"
	tm send-keys '?'
	for ((i = 0; i < 50; i++)); do
		tm capture-pane -p > "$TMP/screen"
		grep -q "keys and colours" "$TMP/screen" || break
		sleep 0.1
	done
	grep -q "keys and colours" "$TMP/screen" && fail "resize $size: ? did not hide the help"
	laid_out "${size%x*}" "${size#*x}" || fail "resize $size: $(cat "$TMP/why")"
done
tm resize-window -x 40 -y 10
wait_for "too small"
tm resize-window -x 90 -y 26
wait_laid_out 90 26
tm send-keys q
wait_for "EXITED 0"
pass "resize: laid out again at each size, keys work after each, q quits with 0"

# q quits and leaves the terminal as it was (the board was on the alternate screen)
start 80 24 "" "bash -c 'echo BEFORE; \"$CCBOARD\" --replay -c \"$TMP/empty.ini\" \"$TMP/log\"; echo EXITED \$?; sleep 30'"
wait_for "Total"
tm send-keys q
wait_for "EXITED 0"
grep -q "BEFORE" "$TMP/screen" || fail "q: the shell's screen was not restored"
grep -q "Total" "$TMP/screen" && fail "q: the board is still on the screen"
pass "q quits cleanly"

# NO_COLOR: no colour codes at all in the captured pane
start 120 40 NO_COLOR=1 "$CCBOARD" --replay -c "$TMP/empty.ini" "$TMP/log"
wait_for "Total"
tm capture-pane -p -e > "$TMP/colour"
# (39 and 49 are "default colour", which is no colour)
if grep -aP '\e\[([0-9;]*;)?(3[0-8]|4[0-8]|9[0-7]|10[0-7])(;[0-9;]*)?m' "$TMP/colour" > /dev/null; then
	fail "NO_COLOR: colour codes in the pane"
fi
start 120 40 "" "$CCBOARD" --replay -c "$TMP/empty.ini" "$TMP/log"
wait_for "Total"
tm capture-pane -p -e > "$TMP/colour"
grep -aqP '\e\[([0-9;]*;)?(3[0-8]|4[0-8]|9[0-7]|10[0-7])(;[0-9;]*)?m' "$TMP/colour" \
	|| fail "colour: no colour without NO_COLOR either (the check above would prove nothing)"
pass "NO_COLOR"

# hostile text: escape sequences and control characters in names and caller IDs
T=1767254400
printf '%s\n' \
	"$T|e1|evil$(printf '\033')[2J$(printf '\033')]0;pwned$(printf '\007')|NONE|ENTERQUEUE||$(printf '\033')[31m555|1" \
	"$((T + 1))|e2|sales|NONE|ENTERQUEUE||x|1" \
	"$((T + 2))|e2|sales|Mal$(printf '\033')[5mory$(printf '\001')|CONNECT|1|y|1" \
	"$((T + 3))|NONE|NONE|NONE|QUEUESTART|" \
	"$((T + 4))|e3|sales|NONE|ENTERQUEUE||$(printf '\033')[31m555$(printf '\033')]0;pwned$(printf '\007')0199|1" > "$TMP/evil.log"
start 100 30 "" "$CCBOARD" --replay -c "$TMP/empty.ini" "$TMP/evil.log"
wait_for "evil.log done"      # the whole log read: the caller is waiting
grep -q "evil" "$TMP/screen" || fail "hostile: the queue is not shown"
grep -q "SLA 80/20" "$TMP/screen" || fail "hostile: the header was wiped"
grep -q "Waiting" "$TMP/screen" || fail "hostile: no Waiting panel"
grep -q "5550199" "$TMP/screen" || fail "hostile: the caller ID is not listed, harmless"
grep -q "\[31m" "$TMP/screen" && fail "hostile: an escape sequence of a caller ID reached the screen"
tm display-message -p '#{pane_title}' | grep -q pwned && fail "hostile: the title was changed"
pass "hostile names drawn as harmless text"
echo "screens at 80x24 and 220x60:"
cat "$TMP/screen-80x24"
