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

# the alert log and the hook's environment
cat > "$TMP/a.ini" <<EOF2
[general]
alert_log = $TMP/alerts.log
alert_exec = env | grep '^CCBOARD_ALERT_' > '$TMP/env'
[alert.crowd]
metric = waiting
op = above
warning = 1
EOF2
printf '%s\n' "$T0|c1|a b\" value=99 message=\"forged${ESC}[31m|NONE|ENTERQUEUE||111|1" > "$TMP/f.log"
"$CCBOARD" --replay --once -c "$TMP/a.ini" "$TMP/f.log" > /dev/null || fail "alerts: exit $?"
for ((i = 0; i < 300; i++)); do [ -s "$TMP/env" ] && break; sleep 0.1; done
clean "$TMP/alerts.log" || fail "the alert log carries control bytes"
clean "$TMP/env" || fail "the hook's environment carries control bytes"
grep -q ' rule=crowd queue="a b\\" value=99 message=\\"forged" value=1 since=' "$TMP/alerts.log" \
	|| fail "queue field not escaped: $(cat -v "$TMP/alerts.log")"
python3 - "$TMP/alerts.log" <<'PY' || fail "a field was forged: $(cat -v "$TMP/alerts.log")"
import re, sys
line = open(sys.argv[1]).read().rstrip("\n")
# logfmt: key=bare or key="..." with \" and \\ escaped; the forged value= and
# message= must stay inside the queue's quotes
fields = re.findall(r'(\w+)=("(?:[^"\\]|\\.)*"|[^ "]+)', line.split(" ", 3)[3])
keys = [k for k, _ in fields]
sys.exit(keys != ["rule", "queue", "value", "since", "message"] or dict(fields)["value"] != "1")
PY
grep -qx 'CCBOARD_ALERT_QUEUE=a b" value=99 message="forged' "$TMP/env" \
	|| fail "hook queue: $(cat -v "$TMP/env")"
pass "the alert log's fields are escaped, the hook's values stripped"
