#!/usr/bin/env bash
# screen_term.sh - the kinds of terminal, in tmux: a TERM that cannot place the
# cursor (dumb) or is unknown is refused with a clear message and exit 2,
# the terminal left as it was; a colourless terminal in the C locale (vt100,
# LANG=C) gets the ASCII glyphs and no colour at all, not one UTF-8 byte.
. "$(dirname "$0")/lib.bash"
command -v tmux > /dev/null || fail "tmux is not installed (scripts/deps --test installs it)"
# One tmux server per case: a server just killed may still hold its socket,
# and a new session on the same name then meets "server exited unexpectedly".
SOCK="ccbterm$$"
tm() { tmux -L "$SOCK" -f /dev/null "$@"; }
SOCKS=()
new_server() { tm kill-server 2>/dev/null || true; SOCK="ccbterm$$-$1"; SOCKS+=("$SOCK"); }
trap 'for s in "${SOCKS[@]}"; do tmux -L "$s" kill-server 2>/dev/null || true; done; rm -rf "$TMP"' EXIT

python3 "$GEN" --seed 43 --hours 3 --queues 3 --agents 20 --out "$TMP/log"
: > "$TMP/empty.ini"

wait_for() {  # text [tenths of a second]
	for ((i = 0; i < ${2:-100}; i++)); do
		pane_whole > "$TMP/screen" && grep -q -- "$1" "$TMP/screen" && return 0
		sleep 0.1
	done
	cat "$TMP/screen" >&2
	fail "'$1' did not appear on the screen"
}

# run.sh TERM: the modes before and after, the board's exit status, its stderr
cat > "$TMP/run.sh" <<SH
stty -g > "$TMP/stty.before"
echo BEFORE
TERM=\$1 "$CCBOARD" --replay -c "$TMP/empty.ini" "$TMP/log" 2> "$TMP/stderr"
echo "EXITED \$?"
stty -g > "$TMP/stty.after"
sleep 30
SH

for term in dumb no-such-terminal; do
	new_server "$term"
	rm -f "$TMP/stty.before" "$TMP/stty.after"
	tm new-session -d -x 100 -y 30 -e LANG=C.UTF-8 -e TZ=UTC "bash $TMP/run.sh $term"
	wait_for "EXITED"
	grep -q "EXITED 2" "$TMP/screen" || fail "TERM=$term: $(grep EXITED "$TMP/screen"), not exit 2"
	grep -q "TERM=$term" "$TMP/stderr" || fail "TERM=$term: no message naming the TERM: $(cat "$TMP/stderr")"
	grep -q -- "--json" "$TMP/stderr" || fail "TERM=$term: the message offers no way out"
	for ((i = 0; i < 50; i++)); do [ -s "$TMP/stty.after" ] && break; sleep 0.1; done
	cmp -s "$TMP/stty.before" "$TMP/stty.after" || fail "TERM=$term: terminal modes changed"
	# nothing of the board reached the terminal: BEFORE, then EXITED on the next row
	[ "$(grep -v '^$' "$TMP/screen" | head -2 | tr '\n' ' ')" = "BEFORE EXITED 2 " ] \
		|| { cat "$TMP/screen" >&2; fail "TERM=$term: output on the terminal besides the message"; }
	pass "TERM=$term refused: $(head -1 "$TMP/stderr")"
done

# vt100 (no colour) in the C locale: ASCII glyphs, no colour, no UTF-8 byte
new_server vt100
tm new-session -d -x 120 -y 40 -e LANG=C -e LC_ALL=C -e TZ=UTC \
	"TERM=vt100 \"$CCBOARD\" --replay -c \"$TMP/empty.ini\" \"$TMP/log\"; sleep 30"
wait_for "log done"
tm capture-pane -p -e > "$TMP/raw"
LC_ALL=C grep -q -P '[\x80-\xff]' "$TMP/raw" && fail "vt100, LANG=C: UTF-8 bytes on the screen"
grep -aqP '\e\[([0-9;]*;)?(3[0-8]|4[0-8]|9[0-7]|10[0-7])(;[0-9;]*)?m' "$TMP/raw" \
	&& fail "vt100: colour codes on a terminal without colour"
grep -q "theme default (no colour)" "$TMP/screen" || fail "vt100: the footer does not say there is no colour"
# sparklines drawn with the ASCII levels " ._-=+*#" and the total marked with >
grep -E '^ (Calls|SL %|Aband %) +[._=+*#-]{4,}' "$TMP/screen" > /dev/null \
	|| { cat "$TMP/screen" >&2; fail "vt100: no ASCII sparklines"; }
grep -q '^>' "$TMP/screen" || fail "vt100: the selected total is not marked with >"
grep -q -- '- Today by 15 min | Total -' "$TMP/screen" || fail "vt100: the trend's title is not drawn in ASCII"
pass "vt100 in the C locale: ASCII glyphs, no colour, no UTF-8 byte"
