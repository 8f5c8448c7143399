#!/usr/bin/env bash
# cli.sh - the command-line contract of SPEC 3.1: usage errors exit 2 with a
# message, standard input as a pipe and as a redirected file, --once text.
. "$(dirname "$0")/lib.bash"
python3 "$GEN" --seed 31 --hours 2 --out "$TMP/log" --truth "$TMP/truth"
: > "$TMP/empty.ini"

"$CCBOARD" --help | grep -q "usage: ccboard" || fail "--help"
"$CCBOARD" --version | grep -Eq "^ccboard [0-9]+\.[0-9]+" || fail "--version"

expect_exit() {  # status, stderr pattern, command...
	local want=$1 pat=$2; shift 2
	set +e; "$@" > "$TMP/out" 2> "$TMP/err"; local rc=$?; set -e
	[ "$rc" = "$want" ] || fail "$*: exit $rc, expected $want"
	grep -q -- "$pat" "$TMP/err" || fail "$*: stderr lacks '$pat': $(cat "$TMP/err")"
}
expect_exit 2 "unknown option '--frobnicate'" "$CCBOARD" --frobnicate
expect_exit 2 "needs a value" "$CCBOARD" -c
expect_exit 2 "no view .nosuch. (views: queues" "$CCBOARD" --view nosuch --demo
expect_exit 2 "no source" "$CCBOARD" --once -c "$TMP/empty.ini"
expect_exit 2 "no-such-file" "$CCBOARD" --replay --once -c "$TMP/empty.ini" "$TMP/no-such-file"
printf '[general]\nwindow_s = soon\n' > "$TMP/bad.ini"
expect_exit 2 "bad.ini:2: \[general\] window_s" "$CCBOARD" --once -c "$TMP/bad.ini" "$TMP/log"
expect_exit 2 "bad.ini:2:" "$CCBOARD" --check-config -c "$TMP/bad.ini"
"$CCBOARD" --check-config -c "$SRCDIR/config.ini" > "$TMP/out" || fail "shipped config.ini"
grep -q "OK" "$TMP/out" || fail "--check-config does not say OK"

# the same figures from a file, a pipe and a redirected file
"$CCBOARD" --replay --once --json -c "$TMP/empty.ini" "$TMP/log" > "$TMP/file.json"
cat "$TMP/log" | "$CCBOARD" --replay --once --json -c "$TMP/empty.ini" - > "$TMP/pipe.json"
"$CCBOARD" --replay --once --json -c "$TMP/empty.ini" - < "$TMP/log" > "$TMP/redir.json"
for f in file pipe redir; do
	python3 "$SRCDIR/tests/e2e/compare_truth.py" "$TMP/truth" "$TMP/$f.json" > /dev/null \
		|| fail "$f: figures differ from the truth"
done
python3 - "$TMP/file.json" "$TMP/pipe.json" "$TMP/redir.json" <<'PY' || fail "sources disagree"
import json, sys
a, b, c = (json.load(open(p)) for p in sys.argv[1:])
for s in (a, b, c):
    s.pop("sources")
assert a == b == c, "snapshots differ"
PY

# --once without --json: a plain table with every queue and the total
"$CCBOARD" --replay --once -c "$TMP/empty.ini" "$TMP/log" > "$TMP/table"
for q in sales support billing retention total; do
	grep -q "^$q " "$TMP/table" || fail "table lacks $q"
done
grep -q "SLA 80/20" "$TMP/table" || fail "table lacks the SLA"

# --once into a reader slower than the exit's flush bound, with a snapshot
# larger than a pipe holds: complete, byte for byte as into a file
python3 "$GEN" --seed 32 --hours 3 --queues 2000 --agents 3000 --out "$TMP/big.log" > /dev/null
for fmt in --json --replay; do             # JSON, and the text table
	"$CCBOARD" --replay --once $fmt -c "$TMP/empty.ini" "$TMP/big.log" > "$TMP/big.file"
	"$CCBOARD" --replay --once $fmt -c "$TMP/empty.ini" "$TMP/big.log" \
		| { sleep 3; cat; } > "$TMP/big.pipe"
	[ "$(wc -c < "$TMP/big.file")" -gt 65536 ] || fail "$fmt: the snapshot fits in a pipe"
	cmp -s "$TMP/big.file" "$TMP/big.pipe" || fail "--once $fmt through a slow pipe differs"
done

# a signal before the snapshot is out is a failure (128 + the signal), with a
# message; live, SIGTERM is the normal way to stop: exit 0
caught() {  # pid signal-number: true once the process handles that signal
	local mask
	mask=$(awk '/^SigCgt:/ { print $2 }' "/proc/$1/status" 2> /dev/null) || return 1
	[ -n "$mask" ] && (( (16#$mask >> ($2 - 1)) & 1 ))
}
interrupt() {  # signal-number want-status command...
	local sig=$1 want=$2; shift 2
	mkfifo "$TMP/fifo"
	"$@" < "$TMP/fifo" > "$TMP/out" 2> "$TMP/err" &
	local pid=$! t
	exec 7> "$TMP/fifo"                  # a writer that never ends
	for t in $(seq 100); do caught "$pid" "$sig" && break; sleep 0.1; done
	caught "$pid" "$sig" || fail "$*: never handled signal $sig"
	kill "-$sig" "$pid"
	set +e; wait "$pid"; local rc=$?; set -e
	exec 7>&-
	rm -f "$TMP/fifo"
	[ "$rc" = "$want" ] || fail "$* interrupted by signal $sig: exit $rc, expected $want"
}
interrupt 15 143 "$CCBOARD" --replay --once --json -c "$TMP/empty.ini" -
grep -q "interrupted" "$TMP/err" || fail "--replay --once: no message when interrupted"
[ ! -s "$TMP/out" ] || fail "--replay --once interrupted printed something"
interrupt 2 130 "$CCBOARD" --replay --once -c "$TMP/empty.ini" -
interrupt 15 143 "$CCBOARD" --once --json -c "$TMP/empty.ini" -
interrupt 15 143 "$CCBOARD" --replay --json -c "$TMP/empty.ini" -
interrupt 15 0 "$CCBOARD" --json -c "$TMP/empty.ini" -
interrupt 2 0 "$CCBOARD" --json -c "$TMP/empty.ini" "$TMP/log"

# standard output closed under --json: a clean exit, no hang
set +e
timeout 10 "$CCBOARD" --json -c "$TMP/empty.ini" "$TMP/log" | head -c 100 > /dev/null
rc=${PIPESTATUS[0]}
set -e
[ "$rc" = 0 ] || fail "--json into a closed pipe exited $rc"
pass "command line"
