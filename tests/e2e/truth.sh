#!/usr/bin/env bash
# truth.sh - ccboard --replay --once --json on generated logs equals the
# generator's own figures (--truth) for every queue: every count and sum of
# today and window, waiting, longest wait, logged in, paused, on call.
. "$(dirname "$0")/lib.bash"

agents_map() {  # the [agents] section for --names asterisk with N agents
	echo "[agents]"
	for ((i = 0; i < $1; i++)); do printf 'PJSIP/%d = Agent %03d\n' $((1000 + i)) "$i"; done
}

check() {  # name, config file, generator options...
	local name=$1 cfg=$2; shift 2
	python3 "$GEN" "$@" --out "$TMP/$name.log" --truth "$TMP/$name.truth"
	"$CCBOARD" --replay --once --json -c "$cfg" "$TMP/$name.log" > "$TMP/$name.json" \
		|| fail "$name: ccboard exited $?"
	python3 "$SRCDIR/tests/e2e/compare_truth.py" "$TMP/$name.truth" "$TMP/$name.json" \
		|| fail "$name: figures differ from the truth"
	pass "$name ($(wc -l < "$TMP/$name.log") lines)"
}

: > "$TMP/empty.ini"
agents_map 60 > "$TMP/agents60.ini"
agents_map 40 > "$TMP/agents40.ini"

check seed1-8h "$TMP/empty.ini" --seed 1
check seed2-6q "$TMP/empty.ini" --seed 2 --queues 6 --agents 60 --hours 6
check seed3-busy "$TMP/empty.ini" --seed 3 --queues 3 --agents 20 --calls-per-hour 200 --patience 60
check seed4-day "$TMP/empty.ini" --seed 4 --start 1767225600 --hours 23.5 --queues 5 --agents 50
check names-member "$TMP/empty.ini" --seed 5 --names member
check names-interface "$TMP/empty.ini" --seed 6 --names interface
check names-asterisk "$TMP/agents40.ini" --seed 7 --names asterisk
check names-asterisk-60 "$TMP/agents60.ini" --seed 8 --names asterisk --agents 60 --queues 5
check freepbx "$TMP/empty.ini" --seed 9 --freepbx
check freepbx-asterisk "$TMP/agents40.ini" --seed 10 --freepbx --names asterisk
printf "[defaults]\nsl_threshold_s = 30\nshort_abandon_s = 10\n" > "$TMP/sl30.ini"
check sl30-short10 "$TMP/sl30.ini" --seed 11 --hours 3 --sl-threshold 30 --short-abandon 10
echo "all truth comparisons passed"
