#!/usr/bin/env bash
# screen_keys.sh - what a person does at the board, in tmux: a new critical
# alert rings the bell once (or flashes, with flash = yes; counted in the
# bytes the board writes); a acknowledges; t changes the theme; Ctrl-L
# repaints what something else scribbled on the terminal; the log on standard
# input with the keyboard on the terminal; SIGHUP with a new day_start moves
# the trend's hour axis.
. "$(dirname "$0")/lib.bash"
command -v tmux > /dev/null || fail "tmux is not installed (scripts/deps --test installs it)"
N=0
SOCK="ccbkeys$$-0"
tm() { tmux -L "$SOCK" -f /dev/null "$@"; }
cleanup() {
	for ((i = 0; i <= N; i++)); do tmux -L "ccbkeys$$-$i" kill-server 2>/dev/null || true; done
	rm -rf "$TMP"
}
trap cleanup EXIT

start() {  # cols rows command (run by bash in the pane)
	tm kill-server 2>/dev/null || true
	N=$((N + 1))
	SOCK="ccbkeys$$-$N"
	tm new-session -d -x "$1" -y "$2" -e LANG=C.UTF-8 -e TZ=UTC "$3"
}
on_screen() { pane_whole > "$TMP/screen" && grep -q -- "$1" "$TMP/screen"; }
wait_for() {  # text [tenths of a second]
	for ((i = 0; i < ${2:-100}; i++)); do
		on_screen "$1" && return 0
		sleep 0.1
	done
	cat "$TMP/screen" >&2
	fail "'$1' did not appear on the screen"
}
wait_gone() {  # text [tenths of a second]
	for ((i = 0; i < ${2:-100}; i++)); do
		on_screen "$1" || return 0
		sleep 0.1
	done
	cat "$TMP/screen" >&2
	fail "'$1' is still on the screen"
}

# ---- bell and flash on a new critical alert --------------------------------
# A live log: an agent, then one caller at the wall clock's now; a rule that
# is critical from one caller waiting in sales, and the built-in rules off.
rules() {  # flash yes|no
	cat <<INI
[general]
bell = yes
flash = $1
[alert.sl_low]
enabled = no
[alert.longest_wait]
enabled = no
[alert.abandon_high]
enabled = no
[alert.no_agent]
enabled = no
[alert.one_waiting]
metric = waiting
queue = sales
op = above
critical = 1
INI
}
count() {  # bytes pattern (printf) file: how often the bytes occur
	python3 -c 'import sys; print(open(sys.argv[2], "rb").read().count(sys.argv[1].encode().decode("unicode_escape").encode("latin-1")))' "$1" "$2"
}
for flash in no yes; do
	rules "$flash" > "$TMP/alert.ini"
	now=$(date +%s)
	printf '%s\n' "$((now - 60))|NONE|sales|Agent 1|ADDMEMBER|" > "$TMP/live.log"
	# TERM set here: tmux's own TERM flashes with another sequence (ESC g)
	start 120 40 "TERM=xterm-256color exec \"$CCBOARD\" -c \"$TMP/alert.ini\" \"$TMP/live.log\""
	wait_for "live.log following"
	: > "$TMP/out"
	tm pipe-pane -o "cat >> '$TMP/out'"        # every byte the board writes from here on
	sleep 0.5
	printf '%s\n' "$(date +%s)|c1|sales|NONE|ENTERQUEUE||5550100|1" >> "$TMP/live.log"
	wait_for "1 alert"
	sleep 1.5                                    # a frame or two more: no second bell
	bel=$(count '\x07' "$TMP/out")
	fl=$(count '\x1b[?5h' "$TMP/out")           # xterm's flash: reverse video on, off
	if [ "$flash" = no ]; then
		[ "$bel" = 1 ] && [ "$fl" = 0 ] || fail "bell: $bel BEL and $fl flashes for one critical alert, not 1 and 0"
		pass "a new critical alert rings the bell once"
	else
		[ "$bel" = 0 ] && [ "$fl" = 1 ] || fail "flash: $bel BEL and $fl flashes for one critical alert, not 0 and 1"
		pass "with flash = yes it flashes once instead"
	fi
done

# ---- a: acknowledge --------------------------------------------------------
tm pipe-pane                                       # stop piping
grep -q "callers waiting 1" "$TMP/screen" || fail "a: the alert is not in the Alerts panel"
grep -q "(acknowledge" "$TMP/screen" && fail "a: the alert is acknowledged before a"
head -1 "$TMP/screen" | grep -q "✖ 1 alert" || fail "a: the header does not mark the alert critical"
tm send-keys a
wait_for "alerts acknowledged"
wait_for "(acknowledge"          # "(acknowledged)", cut to the panel
# the header counts the alert without the critical mark once acknowledged
head -1 "$TMP/screen" | grep -q "✖ 1 alert" && fail "a: the header still marks the alert critical"
head -1 "$TMP/screen" | grep -q " 1 alert " || fail "a: the header does not count the alert"
pass "a: the note, the alert marked acknowledged, its mark gone from the header"

# ---- t: the next theme -----------------------------------------------------
wait_for "theme default"
for theme in light high-contrast colorblind mono default; do
	tm send-keys t
	wait_for "theme $theme"
done
pass "t: default, light, high-contrast, colorblind, mono and back to default"

# ---- Ctrl-L: repaint -------------------------------------------------------
# Write behind the board's back, straight onto its terminal: ordinary frames
# only send what the board changed, so the scribble stays until Ctrl-L.
python3 "$GEN" --seed 47 --hours 3 --queues 3 --agents 20 --out "$TMP/log"
: > "$TMP/empty.ini"
start 120 40 "exec \"$CCBOARD\" --replay -c \"$TMP/empty.ini\" \"$TMP/log\""
wait_for "log done"
printf '\033[20;30HSCRIBBLED-OVER' > "$(tm display-message -p '#{pane_tty}')"
wait_for "SCRIBBLED-OVER"
sleep 2.5                                          # two ticks: still there
on_screen "SCRIBBLED-OVER" || fail "Ctrl-L: the scribble went without Ctrl-L (the check would prove nothing)"
tm send-keys C-l
wait_gone "SCRIBBLED-OVER" 30
wait_for "Today by 15 min" 30                      # the board drawn again, not just cleared
pass "Ctrl-L repaints over what was written on the terminal"

# ---- the log on standard input, the keyboard on the terminal -------------
"$CCBOARD" --replay --once --json -c "$TMP/empty.ini" "$TMP/log" > "$TMP/snap.json"
read -r OFFERED ANSWERED ABANDONED < <(python3 -c '
import json, sys
t = json.load(open(sys.argv[1]))["total"]["today"]
print(t["offered"], t["answered"], t["abandoned"])' "$TMP/snap.json")
start 120 40 "cat \"$TMP/log\" | \"$CCBOARD\" --replay -c \"$TMP/empty.ini\" -; echo EXITED \$?; sleep 30"
wait_for "stdin done"
grep -E "Total .* $OFFERED +$ANSWERED +$ABANDONED " "$TMP/screen" > /dev/null \
	|| fail "stdin: the Total row does not show $OFFERED offered, $ANSWERED answered, $ABANDONED abandoned"
tm send-keys q
wait_for "EXITED 0"
# live, as in "ssh pbx tail -F queue_log | ccboard -": the pipe stays open
# (a pipe from a process substitution: the shell does not wait for its sleep)
start 120 40 "\"$CCBOARD\" -c \"$TMP/empty.ini\" - < <(cat \"$TMP/log\"; sleep 60); echo EXITED \$?; sleep 30"
wait_for "stdin following"
tm send-keys q
wait_for "EXITED 0"
pass "stdin: the figures of the log piped in, q from the terminal quits with 0"

# ---- SIGHUP with a new day_start: the trend's hour axis follows ------------
# The log runs 08:00-11:00 UTC; at 200x60 the trend has an hour axis.
printf '[general]\nday_start = 00:00\n' > "$TMP/day.ini"
start 200 60 "exec \"$CCBOARD\" --replay -c \"$TMP/day.ini\" \"$TMP/log\""
wait_for "log done"
axis() { grep -E '^ +[0-9]{2}:00( +[0-9]{2}:00)+ *$' "$TMP/screen" | awk '{ print $1 }'; }
[ "$(axis)" = "00:00" ] || fail "day_start: the axis starts at '$(axis)', not 00:00"
printf '[general]\nday_start = 06:00\n' > "$TMP/day.ini"
tm run-shell "kill -HUP #{pane_pid}"
for ((i = 0; i < 50; i++)); do
	tm capture-pane -p > "$TMP/screen"
	[ "$(axis)" = "06:00" ] && break
	sleep 0.1
done
[ "$(axis)" = "06:00" ] || { cat "$TMP/screen" >&2; fail "day_start: after SIGHUP the axis starts at '$(axis)', not 06:00"; }
pass "SIGHUP: the trend's axis starts at the new day_start"
