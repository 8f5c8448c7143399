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
