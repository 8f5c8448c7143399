#!/usr/bin/env bash
# faults_tty.sh - the screen under tmux: 100 resizes within a second (still
# alive, laid out for the final size, keys still work, idle afterwards); SIGINT and SIGTERM (exit
# 0, the terminal's modes restored exactly as they were: stty -g before and
# after); SIGHUP (reloads, does not die).
. "$(dirname "$0")/lib.bash"
command -v tmux > /dev/null || fail "tmux is not installed (scripts/deps --test installs it)"
sock="ccb-faults-$$"
T() { tmux -L "$sock" -f /dev/null "$@"; }
trap 'T kill-server 2>/dev/null || true; rm -rf "$TMP"' EXIT
python3 "$GEN" --seed 51 --hours 1 --out "$TMP/log"
: > "$TMP/empty.ini"

# run.sh: save the tty modes, run the board, record its exit and the modes after.
cat > "$TMP/run.sh" <<SH
stty -g > "$TMP/stty.before"
"$CCBOARD" -c "$TMP/empty.ini" "$TMP/log" 2> "$TMP/stderr"
echo \$? > "$TMP/rc"
stty -g > "$TMP/stty.after"
sleep 30
SH

wait_for() {  # seconds, command...
	local end=$((SECONDS + $1)); shift
	until "$@"; do
		[ $SECONDS -lt $end ] || return 1
		sleep 0.2
	done
}
board_up() { T capture-pane -p -t b 2>/dev/null | grep -q "sales"; }
pid_of_board() { pgrep -n -f "^$CCBOARD -c $TMP/empty.ini" || true; }

start() {
	rm -f "$TMP/rc" "$TMP/stty.before" "$TMP/stty.after"
	T new-session -d -s b -x 120 -y 40 -e LANG=C.UTF-8 -e TZ=UTC "bash $TMP/run.sh"
	wait_for 20 board_up || fail "the board did not come up: $(T capture-pane -p -t b)"
	pid=$(pid_of_board)
	[ -n "$pid" ] || fail "no ccboard process"
}
finish() {  # signal name
	kill -s "$1" "$pid"
	wait_for 15 test -s "$TMP/stty.after" || fail "$1: ccboard did not exit"
	[ "$(cat "$TMP/rc")" = 0 ] || fail "$1: exit $(cat "$TMP/rc"): $(cat "$TMP/stderr")"
	cmp -s "$TMP/stty.before" "$TMP/stty.after" || fail "$1: terminal modes not restored"
	grep -q "Sanitizer\|runtime error" "$TMP/stderr" && fail "$1: $(cat "$TMP/stderr")"
	T kill-session -t b
}

# 100 resizes within a second, then SIGINT.
start
t0=$(date +%s%N)
for i in $(seq 1 100); do
	T resize-window -t b -x $((60 + i % 80)) -y $((15 + i % 40))
done
elapsed=$(( ($(date +%s%N) - t0) / 1000000 ))
T resize-window -t b -x 100 -y 30
sleep 1.5
kill -0 "$pid" 2> /dev/null || fail "resizes: ccboard died: $(cat "$TMP/stderr")"
wait_for 5 board_up || fail "resizes: the board is not drawn after the resizes"
# laid out for 100x30: the clock ends on column 99 and the footer is row 30
# (a capture never holds more than the pane: a width check would prove nothing)
laid_out() {
	T capture-pane -p -t b | python3 -c '
import re, sys
l = sys.stdin.read().split("\n")[:30]
sys.exit(not (re.search(r"\d\d:\d\d:\d\d$", l[0]) and len(l[0]) == 99
              and l[29].startswith(" q quit") and len(l[29]) == 99))'
}
wait_for 5 laid_out || fail "resizes: not laid out for 100x30: $(T capture-pane -p -t b)"
# a key after the resizes still works (a resize queues a KEY_RESIZE, which
# must not resize again), and the loop is idle again afterwards
help_shown() { T capture-pane -p -t b | grep -q "keys and colours"; }
T send-keys -t b '?'
wait_for 5 help_shown || fail "resizes: ? shows no help after the resizes"
T send-keys -t b '?'
wait_for 5 eval '! help_shown' || fail "resizes: ? does not hide the help"
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$pid/stat"; }
c0=$(cpu_ticks); s0=$(date +%s%N)
sleep 3
c1=$(cpu_ticks); s1=$(date +%s%N)
cpu_pct=$(( (c1 - c0) * 100 * 1000000000 / $(getconf CLK_TCK) / (s1 - s0) ))
[ "$cpu_pct" -lt 25 ] || fail "resizes: ccboard uses ${cpu_pct}% CPU when idle"
pass "100 resizes in ${elapsed} ms; ${cpu_pct}% CPU idle afterwards"
finish INT
pass "SIGINT: exit 0, terminal restored"

# SIGHUP with a broken config: alive; then SIGTERM.
start
printf '[general]\nwindow_s = soon\n' > "$TMP/empty.ini"
kill -HUP "$pid"
sleep 1
kill -0 "$pid" 2> /dev/null || fail "SIGHUP: ccboard died on a broken config"
board_up || fail "SIGHUP: the board is gone"
: > "$TMP/empty.ini"
finish TERM
pass "SIGHUP survives a broken config; SIGTERM: exit 0, terminal restored"
