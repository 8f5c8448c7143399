#!/usr/bin/env bash
# faults_follow.sh - a followed log that misbehaves, figures checked after each
# fault: deleted and created again; rotated twice within a second; a partial
# last line and then a rotation (no line glued onto another, none lost or
# read twice); and SIGHUP reloading config.ini (a broken one is reported with
# file:line, the old one kept, the board keeps counting).
. "$(dirname "$0")/lib.bash"
for s in recreate rotate2 partial hup; do
	python3 "$SRCDIR/tests/e2e/faults_follow.py" "$CCBOARD" "$TMP" "$s" || fail "$s"
	rm -f "$TMP"/queue_log*
done
pass "follow faults"
# Again with the caller's clock 3 s before local midnight: the scenarios pin
# their own time zone, so they do not depend on the time of day.
near_midnight=$(python3 -c '
import time
off = (86397 - int(time.time()) % 86400) % 86400
off -= 86400 if off > 43200 else 0
print("CCB%s%d:%02d:%02d" % ("-" if off >= 0 else "+", abs(off) // 3600, abs(off) % 3600 // 60, abs(off) % 60))')
TZ=$near_midnight python3 "$SRCDIR/tests/e2e/faults_follow.py" "$CCBOARD" "$TMP" recreate \
	|| fail "recreate, started 3 s before midnight (TZ=$near_midnight)"
pass "follow faults do not depend on the time of day"
