#!/usr/bin/env bash
# agents_screen.sh - the Agents view in tmux: the grid fits 60 agents on
# 80x24 and 500 on 250x70 (every tile on one page, the long-call and
# missed-ring marks on the tiles); the list pages, sorts, finds by name and
# filters by state; the queue board marks a long call.
. "$(dirname "$0")/lib.bash"
command -v tmux > /dev/null || fail "tmux is not installed (scripts/deps --test installs it)"
N=0
SOCK="ccbagents$$-0"
tm() { tmux -L "$SOCK" -f /dev/null "$@"; }
cleanup() {
	for ((i = 0; i <= N; i++)); do tmux -L "ccbagents$$-$i" kill-server 2>/dev/null || true; done
	rm -rf "$TMP"
}
trap cleanup EXIT

on_screen() { pane_whole > "$TMP/screen" && grep -q -- "$1" "$TMP/screen"; }
wait_for() {  # text
	for ((i = 0; i < 100; i++)); do
		on_screen "$1" && return 0
		sleep 0.1
	done
	cat "$TMP/screen" >&2
	fail "'$1' did not appear on the screen"
}

# N agents in 7 queues: every third on a call answered at 08:01:50 (a long
# call by 08:33:20, the log's end), every fifth paused, every ninth with a ring
# not answered in the window; the last logged off at the end.
floor() {  # N
	local t=1767254400 i
	for ((i = 0; i < $1; i++)); do printf '%d|NONE|q%d|Agent %03d|ADDMEMBER|\n' $t $((i % 7)) $i; done
	for ((i = 0; i < $1; i += 3)); do
		printf '%d|c%d|q%d|NONE|ENTERQUEUE||0555%04d|1\n' $((t + 100)) $i $((i % 7)) $i
		printf '%d|c%d|q%d|Agent %03d|CONNECT|10|c%d.1|3\n' $((t + 110)) $i $((i % 7)) $i $i
	done
	for ((i = 1; i < $1; i += 5)); do printf '%d|NONE|q%d|Agent %03d|PAUSE|lunch\n' $((t + 200)) $((i % 7)) $i; done
	for ((i = 2; i < $1; i += 9)); do
		printf '%d|r%d|q%d|NONE|ENTERQUEUE||0777|1\n' $((t + 1500)) $i $((i % 7))
		printf '%d|r%d|q%d|Agent %03d|RINGNOANSWER|15000\n' $((t + 1515)) $i $((i % 7)) $i
		printf '%d|r%d|q%d|NONE|ABANDON|1|1|20\n' $((t + 1520)) $i $((i % 7))
	done
	printf '%d|NONE|q1|Agent 001|UNPAUSE|\n' $((t + 2000))
	printf '%d|NONE|q%d|Agent %03d|REMOVEMEMBER|\n' $((t + 2000)) $((($1 - 1) % 7)) $(($1 - 1))
}
floor 60 > "$TMP/a60.log"
floor 500 > "$TMP/a500.log"

start() {  # cols rows args...
	local cols=$1 rows=$2; shift 2
	tm kill-server 2>/dev/null || true
	N=$((N + 1))
	SOCK="ccbagents$$-$N"            # a new server each time: no race with the old one
	tm new-session -d -x "$cols" -y "$rows" -e LANG=C.UTF-8 -e TZ=UTC -e CCBOARD_CONFIG=/dev/null \
		"$CCBOARD --replay $*"
}

# ---- 60 agents on 80x24 ----------------------------------------------------
start 80 24 --view agents "$TMP/a60.log"
wait_for "Agents · 1–20 of 60"
wait_for "On call  Agent 000"
tm send-keys NPage
wait_for "Agents · 21–40 of 60"
tm send-keys End
wait_for "Agents · 41–60 of 60"
tm send-keys Home s
wait_for "by state"
tm send-keys / A g e n t Space 0 5
wait_for "Agents · 1–10 of 10"
tm send-keys Escape
wait_for "Agents · 1–20 of 60"
tm send-keys f
wait_for "all · Avail\|by state · Avail"
tm send-keys f f
wait_for "1–20 of 20 "
tm send-keys f f f      # wrap-up, paused, logged off
wait_for "1–1 of 1 .* logged off"
wait_for "Off      Agent 059 "
pass "the agent logged off today is listed, and found with f"
tm send-keys f g        # all, the grid
wait_for "Agents grid · 1–60 of 60"
for a in "Agent 000       !" "Agent 002       ×" "Agent 059"; do wait_for "$a"; done
pass "the grid shows all 60 agents on 80x24, with the marks"

# ---- 500 agents on 250x70 ----------------------------------------------------
start 250 70 --view agents "$TMP/a500.log"
wait_for "Agents · 1–"
tm send-keys g
wait_for "Agents grid · 1–500 of 500"
for a in "Agent 000" "Agent 251" "Agent 499"; do wait_for "$a"; done
pass "the grid shows all 500 agents on 250x70"

# ---- the queue board marks a long call ---------------------------------------
start 200 60 "$TMP/a60.log"
wait_for "▲On call"
pass "the queue board marks a long call"
# the queue board's snapshot holds the agents' figures brief (calls and
# pauses): the key to the Agents view builds one whole at once, not at the
# next tick (ticks a minute apart here: within the 2 s looked at, one in 30)
printf '[general]\ntick_ms = 60000\n' > "$TMP/slow.ini"
start 200 60 -c "$TMP/slow.ini" "$TMP/a60.log"
wait_for "▲On call"
tm send-keys 5
for ((k = 0; k < 20; k++)); do
	on_screen "On call  Agent 000 .*  1  *–  *0  *94%" && break
	sleep 0.1
done
on_screen "On call  Agent 000 .*  1  *–  *0  *94%" || { cat "$TMP/screen" >&2; fail "the Agents view showed no figures at once"; }
on_screen "Avail    Agent 002 .*  0  *–  *1  *0%" || { cat "$TMP/screen" >&2; fail "Agent 002's missed ring not shown"; }
pass "the Agents view shows the figures at once from the queue board"
