#!/usr/bin/env bash
# agents_truth.sh - each agent's figures (answered, handled, talk, hold, rings
# not answered; today, the window and per queue) in --replay --once --json
# equal those agents_truth.py counts from the log itself, over the real logs
# and a generated log whose agents work several queues under an [agents]
# mapping (each agent once); those logged off today listed after the others
# (the Issabel log removes one from its queue for good).
. "$(dirname "$0")/lib.bash"

check() {  # name, config, log
	"$CCBOARD" --replay --once --json -c "$2" "$3" > "$TMP/$1.json" || fail "$1: ccboard exited $?"
	python3 "$SRCDIR/tests/e2e/agents_truth.py" "$2" "$3" "$TMP/$1.json" > "$TMP/$1.out" \
		|| fail "$1: agents' figures differ from the log"
	pass "$1: $(cat "$TMP/$1.out")"
}

: > "$TMP/empty.ini"
for f in "$SHARED"/data/real/*.queue_log "$SHARED"/data/real/asterisk22-session/queue_log; do
	check "real-$(basename "$(dirname "$f")")-$(basename "$f")" "$TMP/empty.ini" "$f"
done
issabel="$TMP/real-real-issabel-500-2022-07.queue_log.out"
if [ -f "$issabel" ] && ! grep -q '(1 logged off)' "$issabel"; then
	fail "the Issabel log's agent removed for good is not listed logged off: $(cat "$issabel")"
fi
{
	echo "[agents]"
	for ((i = 0; i < 12; i++)); do printf 'PJSIP/%d = Agent %03d\n' $((1000 + i)) "$i"; done
} > "$TMP/agents.ini"
python3 "$GEN" --seed 7 --names asterisk --queues 3 --agents 12 --hours 2 --out "$TMP/gen.log"
check generated "$TMP/agents.ini" "$TMP/gen.log"
n=$(grep -oE '[0-9]+ answered' "$TMP/generated.out" | cut -d' ' -f1)
[ "${n:-0}" -gt 100 ] || fail "the generated log has few calls answered today: $(cat "$TMP/generated.out")"
grep -qE '\([1-9][0-9]* logged off\)' "$TMP/generated.out" \
	|| fail "no agent of the generated log logged off: $(cat "$TMP/generated.out")"
