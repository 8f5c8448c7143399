#!/usr/bin/env bash
# text_safety.sh - text read from outside (queue and agent names, source
# names, config values) leaves ccboard stripped of escape sequences and
# control bytes, as on the screen: in the --once table, the alert log, the
# exec hook's environment and the messages on standard error.
. "$(dirname "$0")/lib.bash"
ESC=$'\e' BEL=$'\a'
EVIL="sales${ESC}]2;PWNED${BEL}${ESC}[31mX"
T0=1767254400
# no ESC, BEL or other C0 byte (but newline), no DEL, no C1 byte (UTF-8 or raw)
clean() {
	python3 - "$1" <<'PY'
import re, sys
data = open(sys.argv[1], "rb").read()
bad = re.search(rb"[\x00-\x09\x0b-\x1f\x7f]|\xc2[\x80-\x9f]", data)
if bad:
    sys.exit("%s: control byte %r at %d: %r" % (sys.argv[1], bad.group(), bad.start(),
             data[max(0, bad.start() - 20):bad.start() + 20]))
data.decode("utf-8")
PY
}

# --once: the table
{
	echo "$T0|c1|$EVIL|NONE|ENTERQUEUE||111|1"
	echo "$((T0 + 1))|NONE|$EVIL|Ag${ESC}[2Jent|ADDMEMBER|"
	echo "$((T0 + 2))|c1|$EVIL|NONE|ABANDON|1|1|2"
} > "$TMP/q.log"
printf '[general]\nsite = Site%s]2;T%s\n' "$ESC" "$BEL" > "$TMP/c.ini"
"$CCBOARD" --replay --once -c "$TMP/c.ini" "$TMP/q.log" > "$TMP/once.txt" 2> "$TMP/once.err" \
	|| fail "--once exited $?"
clean "$TMP/once.txt" || fail "--once table carries control bytes"
grep -q '^sales' "$TMP/once.txt" || fail "the queue is not in the table: $(cat -v "$TMP/once.txt")"
grep -q '^Site' "$TMP/once.txt" || fail "the site is not in the header"

# standard error: a source name and a config value quoted back
"$CCBOARD" --once -c /dev/null "$TMP/no${ESC}]2;PWNED${BEL}file" > /dev/null 2> "$TMP/src.err" \
	&& fail "a missing source did not fail"
clean "$TMP/src.err" || fail "the source's name went raw to stderr"
grep -q "nofile\|no?file\|no.*file" "$TMP/src.err" || fail "no message: $(cat -v "$TMP/src.err")"
printf '[general]\ntick_ms = 5%s[31m\n[queue.a%sb]\n' "$ESC" "$BEL" > "$TMP/bad.ini"
"$CCBOARD" --check-config -c "$TMP/bad.ini" > /dev/null 2> "$TMP/cfg.err" \
	&& fail "a bad config passed"
clean "$TMP/cfg.err" || fail "a config value went raw to stderr"
grep -q "tick_ms" "$TMP/cfg.err" || fail "no message: $(cat -v "$TMP/cfg.err")"
pass "text from outside is stripped in --once and on stderr"
