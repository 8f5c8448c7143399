#!/usr/bin/env bash
# multi_source.sh - several files given at once merge into one board: one
# generated centre's log split into three sources (two queues each, and the
# queue-less member lines); each source's lines show in "sources", and every
# queue's figures and the total equal the generator's truth of the whole.
. "$(dirname "$0")/lib.bash"
: > "$TMP/empty.ini"

split_check() {  # name, generator options...
	local name=$1; shift
	python3 "$GEN" "$@" --out "$TMP/$name.log" --truth "$TMP/$name.truth"
	# QUEUESTART (the first line, nothing in progress yet) is left out: in a
	# merged stream it could come after the other sources' first calls
	python3 - "$TMP/$name.log" "$TMP/$name" <<'PY'
import sys
log, base = sys.argv[1:]
queues = sorted({l.split("|")[2] for l in open(log) if l.split("|")[2] != "NONE"})
half = set(queues[: len(queues) // 2])
out = [open(base + ".%s.log" % p, "w") for p in "abc"]
for l in open(log):
    f = l.split("|")
    if f[4] == "QUEUESTART":
        continue
    out[2 if f[2] == "NONE" else 0 if f[2] in half else 1].write(l)
PY
	"$CCBOARD" --replay --once --json -c "$TMP/empty.ini" \
		"$TMP/$name.a.log" "$TMP/$name.b.log" "$TMP/$name.c.log" > "$TMP/$name.json" \
		|| fail "$name: ccboard exited $?"
	python3 "$SRCDIR/tests/e2e/compare_truth.py" "$TMP/$name.truth" "$TMP/$name.json" \
		|| fail "$name: a queue's figures differ from the truth of the union"
	python3 - "$TMP/$name" <<'PY' || fail "$name: sources or total"
import json, sys
base = sys.argv[1]
s = json.loads(open(base + ".json").read().splitlines()[-1])
truth = json.load(open(base + ".truth"))
bad = []
srcs = s["sources"]
if len(srcs) != 3:
    bad.append("%d sources, not 3" % len(srcs))
for i, p in enumerate("abc"[: len(srcs)]):
    n = sum(1 for _ in open("%s.%s.log" % (base, p)))
    if not srcs[i]["name"].endswith(".%s.log" % p):
        bad.append("sources.%d is %s" % (i, srcs[i]["name"]))
    if srcs[i]["lines"] != n or srcs[i]["bad_lines"] != 0:
        bad.append("sources.%d: %d lines, %d bad; the file has %d" %
                   (i, srcs[i]["lines"], srcs[i]["bad_lines"], n))
for period in ("today", "window"):
    for key in ("offered", "answered", "answered_within_sl", "abandoned", "abandoned_short",
                "timed_out", "exited_key", "exited_empty", "completed", "talk_s", "hold_s"):
        want = sum(q[key] for q in truth[period].values())
        if s["total"][period][key] != want:
            bad.append("total.%s.%s: %s != %s" % (period, key, s["total"][period][key], want))
waiting = sum(q["waiting"] for q in truth["state"].values())
longest = max(q["longest_wait_s"] for q in truth["state"].values())
if (s["total"]["waiting"], s["total"]["longest_wait_s"]) != (waiting, longest):
    bad.append("total waiting %s/%s != %s/%s" % (s["total"]["waiting"],
               s["total"]["longest_wait_s"], waiting, longest))
if s["total"]["today"]["offered"] == 0:
    bad.append("nothing offered: the test needs calls")
print("\n".join(bad), file=sys.stderr)
sys.exit(1 if bad else 0)
PY
	pass "$name: 3 sources merged ($(wc -l < "$TMP/$name.log") lines)"
}

split_check four-queues --seed 31 --hours 6 --queues 4 --agents 16
split_check six-queues-member-names --seed 32 --hours 4 --queues 6 --agents 30 --names member
echo "all merged-source comparisons passed"
