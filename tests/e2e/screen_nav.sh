#!/usr/bin/env bash
# screen_nav.sh - navigating a big board in tmux at 80x24 and 220x60: the
# queue table scrolls to the last queue and back (End, Home, PgDn, PgUp,
# "N–M of T" in its heading), '/' filters by name and Esc clears, 's' sorts
# by waiting (its column marked) and 'S' reverses, a group folds and unfolds
# (Enter, + -), the alerts page (]) and fold by rule (z), the agent board
# filters by state (f) and pages (>); --cycle turns the pages, a key holds it.
. "$(dirname "$0")/lib.bash"
command -v tmux > /dev/null || fail "tmux is not installed"
SOCK="ccbnav$$"
tm() { tmux -L "$SOCK" -f /dev/null "$@"; }
trap 'for s in 80x24 220x60; do tmux -L "ccbnav$$-$s" kill-server 2>/dev/null || true; done; rm -rf "$TMP"' EXIT

python3 "$GEN" --seed 7 --queues 70 --agents 280 --hours 0.5 --calls-per-hour 300 --patience 20 \
	--out "$TMP/log"
cat > "$TMP/g.ini" <<'INI'
[queue.q10]
[queue.sales]
[queue.vip]
[group.numbered]
queues = q1*
[group.front]
queues = sales, vip
[alert.busy]
metric = today.offered
op = >
warning = 1
critical = 2
hysteresis = 0
INI

wait_for() {  # text: polls the pane for it (5 s)
	for ((i = 0; i < 50; i++)); do
		pane_whole > "$TMP/screen" && grep -q -- "$1" "$TMP/screen" && return 0
		sleep 0.1
	done
	cat "$TMP/screen" >&2
	fail "$size: '$1' did not appear on the screen"
}
wait_gone() {  # text
	for ((i = 0; i < 50; i++)); do
		pane_whole > "$TMP/screen" && ! grep -q -- "$1" "$TMP/screen" && return 0
		sleep 0.1
	done
	cat "$TMP/screen" >&2
	fail "$size: '$1' stayed on the screen"
}
key() { tm send-keys "$@"; }

for size in 80x24 220x60; do
	SOCK="ccbnav$$-$size"          # a fresh server for each size: no race with the last one
	tm new-session -d -x "${size%x*}" -y "${size#*x}" -e LANG=C.UTF-8 -e TZ=UTC \
		-e TERM=xterm-256color "$CCBOARD --replay -c $TMP/g.ini $TMP/log"
	wait_for "log done"
	wait_for "1–[0-9]* of 72\|1–[0-9]*/72"              # 70 queues and 2 groups: not all fit
	grep -q -- "- numbered" "$TMP/screen" || fail "$size: no group row above its queues"
	key End
	wait_for "▶.* tech "                                 # the last row (no group), selected
	wait_for "–72 of 72\|–72/72"
	key Home                                             # the total, the first rows
	wait_for "▶[^a-z]*Total "
	wait_for " 1–[0-9]* of 72\| 1–[0-9]*/72"
	key Down                                             # then the first row
	wait_for "▶.*- numbered"
	key PPage; key NPage; key NPage
	wait_gone "▶.*- numbered"
	key Home Down
	wait_for "▶.*- numbered"
	pass "$size: scrolled to the last queue and back"

	key Enter                                            # fold the group under the cursor
	wait_for "+ numbered"
	wait_gone "   q10  *[0-9]"
	key +
	wait_for "- numbered"
	wait_for "   q10  *[0-9]"
	key -                                                # '-' folds it as well
	wait_for "+ numbered"
	wait_gone "   q10  *[0-9]"
	key +
	wait_for "   q10  *[0-9]"
	pass "$size: a group folds and unfolds (Enter, - and +)"

	key / t e c h
	wait_for "/tech_"
	key Enter
	wait_for " tech  *[0-9]"
	wait_gone " q10  *[0-9]"
	key Escape
	wait_for " q10  *[0-9]"
	pass "$size: '/' filters by name, Esc clears"

	key s
	wait_for "▾Wait"
	key S
	wait_for "▴Wait"
	key s s s s
	wait_gone "▴Wait"
	pass "$size: s sorts by waiting (marked), S reverses, s cycles back to names"

	wait_for "Alerts ─* 1-[0-9]* of [0-9]*"              # more alerts than rows
	before=$(grep -o "Alerts ─* 1-[0-9]* of [0-9]*" "$TMP/screen")
	key ]
	wait_gone "$before"
	pass "$size: the alerts page ($before, then $(grep -o "Alerts ─* [0-9]*-[0-9]* of [0-9]*" "$TMP/screen"))"
	key z
	wait_for "[a-z_]* on [0-9]* queues"
	key z
	wait_gone " on [0-9]* queues"
	pass "$size: alerts of one rule fold into one line"

	key f
	wait_for "Agents ─.* on call"
	key f
	wait_for "Agents ─.* paused"
	key f f f
	wait_gone "Agents ─.* \(on call\|paused\|available\|wrap-up\) "
	if grep -q "Agents ─.* 1-[0-9]* of [0-9]*" "$TMP/screen"; then   # a list with pages
		before=$(grep -o "Agents ─.* 1-[0-9]* of [0-9]*" "$TMP/screen")
		key ">"
		wait_gone "$before"
		wait_for "Agents ─.* [0-9]*-[0-9]* of [0-9]*"
	fi
	pass "$size: the agent board filters by state (f) and pages (> <)"
	key q
done
# --cycle 1: the table's pages turn by themselves, the view in the footer;
# a key holds the rotation (a minute: here, for the 3 s watched)
size=80x24-cycle
SOCK="ccbnav$$-$size"
trap 'for s in 80x24 220x60 80x24-cycle; do tmux -L "ccbnav$$-$s" kill-server 2>/dev/null || true; done; rm -rf "$TMP"' EXIT
tm new-session -d -x 80 -y 24 -e LANG=C.UTF-8 -e TZ=UTC -e TERM=xterm-256color \
	"$CCBOARD --cycle 1 --replay -c $TMP/g.ini $TMP/log"
wait_for "log done"
wait_for " 1[0-9]–[0-9]*\(/\| of \)72"                  # the second page of rows
wait_for "Queues (page 1 of"
wait_for " 2[0-9]–[0-9]*\(/\| of \)72"                  # and the third
pass "--cycle moves through the table's pages, the view in the footer"
key Home
wait_for "rotation paused"
wait_for "▶[^a-z]*Total "
for ((i = 0; i < 30; i++)); do                           # 3 s: still on the first rows
	tm capture-pane -p > "$TMP/screen"
	grep -q " 1–[0-9]*\(/\| of \)72" "$TMP/screen" || { cat "$TMP/screen" >&2; fail "--cycle went on after a key"; }
	sleep 0.1
done
pass "--cycle: a key holds the rotation"
key q
echo "screen_nav: all passed"
