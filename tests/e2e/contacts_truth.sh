#!/usr/bin/env bash
# contacts_truth.sh - ccboard --replay --once --json over gen-contacts' events
# and calls (one stream, both kinds of line in time order) equals its --truth
# figure by figure (SPEC 6): every count and derived figure of today and the
# window per channel, per queue and in total, the live backlog, reasons,
# pivots by pair and journeys. 48-hour runs, so today and the window differ.
. "$(dirname "$0")/lib.bash"
GENC="$SHARED/tools/gen-contacts"

check() {  # name, config file, generator options...
	local name=$1 cfg=$2; shift 2
	python3 "$GENC" "$@" --out-events "$TMP/$name.log" --truth "$TMP/$name.truth"
	"$CCBOARD" --replay --once --json -c "$cfg" "$TMP/$name.log" > "$TMP/$name.json" \
		|| fail "$name: ccboard exited $?"
	python3 "$SRCDIR/tests/e2e/compare_contacts.py" "$TMP/$name.truth" "$TMP/$name.json" \
		> "$TMP/$name.cmp" || { cat "$TMP/$name.cmp"; fail "$name: figures differ from the truth"; }
	pass "$name: $(tail -1 "$TMP/$name.cmp") ($(wc -l < "$TMP/$name.log") lines)"
}

: > "$TMP/empty.ini"
check seed3-48h "$TMP/empty.ini" --seed 3 --hours 48
check seed7-mixed "$TMP/empty.ini" --seed 7 --hours 48 --customer-key mixed \
	--contacts-per-hour 600
printf '[channel.email]\nfrt_target_s = 7200\n[channel.chat]\nfrt_target_s = 45\n' \
	> "$TMP/frt.ini"
check seed11-frt "$TMP/frt.ini" --seed 11 --hours 48 --frt-target email=7200 \
	--frt-target chat=45
printf '[general]\nwindow_s = 3600\n[defaults]\nrepeat_window_s = 7200\npivot_window_s = 86400\n' \
	> "$TMP/windows.ini"
check seed21-windows "$TMP/windows.ini" --seed 21 --hours 48 --customer-key mixed \
	--window 3600 --repeat-window 7200 --pivot-window 86400 --customers 800
check seed5-clean "$TMP/empty.ini" --seed 5 --hours 30 --clean --channels email,chat,sms,voice
check seed9-novoice "$TMP/empty.ini" --seed 9 --hours 48 --channels email,chat,whatsapp,social

# two files (the events and their queue_log) also give every key
python3 "$GENC" --seed 2 --hours 2 --out-events "$TMP/ev.jsonl" --out-queue-log "$TMP/ql"
"$CCBOARD" --replay --once --json "$TMP/ev.jsonl" "$TMP/ql" > "$TMP/two.json" \
	|| fail "two files: ccboard exited $?"
python3 - "$TMP/two.json" <<'PY' || fail "two files: keys missing"
import json, sys
s = json.load(open(sys.argv[1]))
for k in ("channels", "channel_total", "pivots_by_pair", "journeys"):
    assert k in s, k
assert {c["name"] for c in s["channels"]} >= {"email", "chat", "voice"}
assert all("contacts" in q for q in s["queues"])
PY
pass "two files: channels, channel_total, pivots_by_pair, journeys, queues' contacts"
# a contact event stamped in the future is a bad line and moves no clock
{
	echo '{"ts":1767254400,"event":"created","id":"A","channel":"email"}'
	echo '{"ts":4000000000,"event":"created","id":"B","channel":"chat"}'
} > "$TMP/future.log"
"$CCBOARD" --replay --once --json "$TMP/future.log" > "$TMP/future.json" \
	|| fail "future: ccboard exited $?"
python3 - "$TMP/future.json" <<'PY' || fail "future: a line from the future was applied"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["sources"][0]["bad_lines"] == 1, s["sources"]
assert s["as_of"] == 1767254400, s["as_of"]
assert [c["name"] for c in s["channels"]] == ["email"], s["channels"]
PY
pass "future: a contact event from the future is a bad line"
echo "all contact truth comparisons passed"
