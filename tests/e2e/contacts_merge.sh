#!/usr/bin/env bash
# contacts_merge.sh - a contact feed and its queue_log replayed as two files
# (either order on the command line) give the same figures as one stream in
# time order: the files' lines reach the model merged by event time, so a
# customer's email in one file and their call in the other make the repeats
# and pivots of gen-contacts' --truth (48-hour runs, mixed customer keys, the
# generator's dirt: duplicates, mid-stream contacts, malformed lines).
. "$(dirname "$0")/lib.bash"
GENC="$SHARED/tools/gen-contacts"

check() {  # name, generator options...
	local name=$1; shift
	python3 "$GENC" "$@" --out-events "$TMP/$name.jsonl" --out-queue-log "$TMP/$name.ql" \
		--truth "$TMP/$name.truth"
	"$CCBOARD" --replay --once --json "$TMP/$name.jsonl" "$TMP/$name.ql" > "$TMP/$name.json" \
		|| fail "$name: ccboard exited $?"
	python3 "$SRCDIR/tests/e2e/compare_contacts.py" "$TMP/$name.truth" "$TMP/$name.json" \
		> "$TMP/$name.cmp" || { cat "$TMP/$name.cmp"; fail "$name: figures differ from the truth"; }
	"$CCBOARD" --replay --once --json "$TMP/$name.ql" "$TMP/$name.jsonl" > "$TMP/$name.rev.json" \
		|| fail "$name (queue_log first): ccboard exited $?"
	python3 "$SRCDIR/tests/e2e/compare_contacts.py" "$TMP/$name.truth" "$TMP/$name.rev.json" \
		> "$TMP/$name.rev.cmp" \
		|| { cat "$TMP/$name.rev.cmp"; fail "$name (queue_log first): figures differ"; }
	python3 - "$TMP/$name.json" "$TMP/$name.rev.json" "$TMP/$name.jsonl" "$TMP/$name.ql" <<'PY' \
		|| fail "$name: sources' counters"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
lines = [sum(1 for _ in open(p, 'rb')) for p in sys.argv[3:5]]
for s in (a, b):
    got = {x["name"].rsplit("/", 1)[-1]: x for x in s["sources"] if x["kind"] == "file"}
    for p, n in zip(sys.argv[3:5], lines):
        x = got[p.rsplit("/", 1)[-1]]
        assert x["lines"] == n and x["state"] == "done", (x, n)
for k in a:
    if k != "sources":
        assert a[k] == b[k], k
PY
	pass "$name: two files, both orders: $(tail -1 "$TMP/$name.cmp")"
}

check seed7-mixed --seed 7 --hours 48 --customer-key mixed
check seed13-mixed --seed 13 --hours 48 --customer-key mixed --contacts-per-hour 500
check seed4-mixed --seed 4 --hours 48 --customer-key mixed --customers 1500
echo "all merged replays equal the truth"
