#!/usr/bin/env bash
# tick_stats.sh - CCBOARD_TICK_STATS: at exit a run that ticked writes how
# long its ticks took (wall and CPU: count, mean, p50, p99, max after the
# first, and the first; each phase's mean/p99/max; the slow ticks by phase;
# the start-up's catching up apart; the live JSON line's formatting off the
# loop thread, its own line) to the file named, or to standard error
# for "-"; unset, nothing.
. "$(dirname "$0")/lib.bash"

python3 "$GEN" --seed 3 --queues 4 --agents 20 --hours 0.2 --out "$TMP/q.log"

# Runs ccboard --json on the log until it has published two snapshots, then
# ends it with SIGTERM; its stderr to $1.
two_ticks() {
	: > "$TMP/out.json"      # there before the loop reads it (the child opens it later)
	"$CCBOARD" --json -c /dev/null "$TMP/q.log" >> "$TMP/out.json" 2> "$1" &
	local pid=$! deadline=$((SECONDS + 20))
	while [ "$(wc -l < "$TMP/out.json")" -lt 2 ]; do
		[ $SECONDS -lt $deadline ] || { kill $pid; fail "no two snapshots in 20 s"; }
		sleep 0.1
	done
	kill -TERM $pid
	wait $pid || true
}

CCBOARD_TICK_STATS="$TMP/ticks.txt" two_ticks /dev/null
grep -Eq '^tick stats: [0-9]+ ticks, wall mean [0-9.]+ ms, p50 [0-9.]+ ms, p99 [0-9.]+ ms, max [0-9.]+ ms, first [0-9.]+ ms$' "$TMP/ticks.txt" ||
	fail "no wall line: $(cat "$TMP/ticks.txt" 2>&1)"
grep -Eq '^tick stats: [0-9]+ ticks, cpu mean ' "$TMP/ticks.txt" || fail "no cpu line: $(cat "$TMP/ticks.txt")"
n=$(sed -n 's/^tick stats: \([0-9]*\) ticks, wall.*/\1/p' "$TMP/ticks.txt")
[ "$n" -ge 1 ] || fail "$n ticks counted after the first, at least 2 published"
pass "CCBOARD_TICK_STATS=FILE: $(head -1 "$TMP/ticks.txt")"
# each phase of a tick, and the slow ticks by phase, and the start-up's apart
for ph in sources history advance contacts build collect alerts out:stdout threads; do
	grep -Eq "^tick phases \(cpu ms mean/p99/max\):.* $ph [0-9.]+/[0-9.]+/[0-9.]+( |$)" "$TMP/ticks.txt" ||
		fail "no phase $ph: $(cat "$TMP/ticks.txt")"
	grep -Eq "^tick slow \(cpu > 10 ms\): [0-9]+ ticks, mean ms by phase:.* $ph [0-9.]+( |$)" "$TMP/ticks.txt" ||
		fail "no slow line for $ph: $(cat "$TMP/ticks.txt")"
done
grep -Eq '^tick startup: [0-9]+ ticks catching up a backlog after the first, apart: wall max [0-9.]+ ms, cpu max [0-9.]+ ms$' "$TMP/ticks.txt" ||
	fail "no startup line: $(cat "$TMP/ticks.txt")"
pass "phases: $(grep '^tick phases' "$TMP/ticks.txt")"
# the live line is formatted off the loop thread: its cost apart
grep -Eq '^tick worker:json \(off the loop thread, ms mean/p99/max\): [0-9]+ jobs, cpu [0-9.]+/[0-9.]+/[0-9.]+, wall [0-9.]+/[0-9.]+/[0-9.]+$' "$TMP/ticks.txt" ||
	fail "no worker:json line: $(cat "$TMP/ticks.txt")"
pass "$(grep '^tick worker:json' "$TMP/ticks.txt")"

CCBOARD_TICK_STATS=- two_ticks "$TMP/err"
grep -q '^tick stats: .* wall ' "$TMP/err" || fail "CCBOARD_TICK_STATS=- wrote nothing to stderr: $(cat "$TMP/err")"
two_ticks "$TMP/err2"
! grep -q 'tick stats' "$TMP/err2" || fail "tick stats written without CCBOARD_TICK_STATS"
pass "CCBOARD_TICK_STATS=- to stderr; unset: nothing"
