#!/usr/bin/env bash
# screen_today.sh - the fourth view, Today vs typical, in tmux at 80x24 and
# 200x60: eight Mondays imported, a Monday with 1.6 times the calls replayed:
# both curves, the hour axis, "peak x1.60", the forecast, the queue's row and
# the staffing rect; without history it says how to get one.
. "$(dirname "$0")/lib.bash"
command -v tmux > /dev/null || fail "tmux is not installed"
SOCK="ccbt$$"
tm() { tmux -L "$SOCK" -f /dev/null "$@"; }
trap 'tm kill-server 2>/dev/null || true; rm -rf "$TMP"' EXIT

python3 "$SRCDIR/tests/e2e/history_gen.py" --gen "$GEN" --out "$TMP"
printf '[history]\npath = %s\n' "$TMP/h.sqlite3" > "$TMP/h.ini"
"$CCBOARD" -c "$TMP/h.ini" --import "$TMP"/mon*.log "$TMP"/tue*.log 2>/dev/null || fail "import"

wait_for() {  # text
	for ((i = 0; i < 100; i++)); do
		pane_whole > "$TMP/screen" && grep -q -- "$1" "$TMP/screen" && return 0
		sleep 0.1
	done
	cat "$TMP/screen" >&2
	fail "'$1' did not appear on the screen"
}

tm new-session -d -x 80 -y 24 -e LANG=C.UTF-8 -e TZ=UTC -e TERM=xterm-256color \
	"$CCBOARD -c $TMP/h.ini --replay --view today $TMP/today.log"
wait_for "today.log done"      # the replay read to its end: the day as it ends
wait_for "peak ×1.60 so far"
for text in "Today vs typical" "^Today    [▁▂▃▄▅▆▇█]" "^Typical  " "^         08 " "^Forecast 15:45 16" \
	"^sales .* 280 .* 175 .*×1.60" "─ Staffing ─"; do
	grep -q -- "$text" "$TMP/screen" || { cat "$TMP/screen" >&2; fail "80x24: no '$text'"; }
done
[ "$(wc -l < "$TMP/screen")" -le 24 ] || fail "80x24: more than 24 rows"
pass "80x24: curves, axis, peak, forecast, table, staffing rect"

tm resize-window -x 200 -y 60
wait_for "08:00       09:00"
for text in "peak ×1.60 so far" "^Forecast 15:45 16" "─ Staffing ─" "^Peaks    sales: 2 of 8 past days ×1.2 the median: AHT 282s vs 282s  SL 91% vs 91%"; do
	grep -q -- "$text" "$TMP/screen" || { cat "$TMP/screen" >&2; fail "200x60: no '$text'"; }
done
pass "200x60: laid out again (hour marks at every 4 intervals of 3 columns)"
tm kill-server
SOCK="${SOCK}b"    # a server of our own: the old one may still be exiting

# no history: the page says so and how to get one
printf '[history]\nhistory = no\n' > "$TMP/off.ini"
tm new-session -d -x 80 -y 24 -e LANG=C.UTF-8 -e TZ=UTC -e TERM=xterm-256color \
	"$CCBOARD -c $TMP/off.ini --replay --view today $TMP/today.log"
wait_for "No typical day yet: history off"
grep -q -- "--import" "$TMP/screen" || fail "no hint of --import"
pass "without history: said, with the way to fill it"
