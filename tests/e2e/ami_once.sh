#!/usr/bin/env bash
# ami_once.sh - --once over AMI ends with a message on stderr and exit 1 when
# it cannot get the PBX's state: connection refused, the server closing in
# the middle of the QueueStatus reply, QueueStatus answered with an error.
# (No snapshot of zeros or of half a reply passes for the state of the PBX.)
. "$(dirname "$0")/lib.bash"
. "$(dirname "$0")/ami_lib.bash"
AST11="$SHARED/data/real/ami-queuestatus-ast11.txt"
ami_config

# Runs ccboard --once on $PORT into $TMP/$1.json and $TMP/$1.err; sets RC.
once() {
	RC=0
	timeout 20 "$CCBOARD" --once --json -c "$TMP/ami.ini" "ami://ccboard@127.0.0.1:$PORT" \
		> "$TMP/$1.json" 2> "$TMP/$1.err" || RC=$?
}
# The case failed unless ccboard exited 1 with a message holding $2 on stderr.
want_error() {
	[ "$RC" = 1 ] || fail "$1: exit $RC (want 1): $(cat "$TMP/$1.err")"
	grep -q "$2" "$TMP/$1.err" || fail "$1: stderr lacks '$2': $(cat "$TMP/$1.err")"
	pass "$1: exit 1, $(head -c 120 "$TMP/$1.err")"
}

# connection refused: a port just freed, where nothing listens
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
once refused
want_error refused 'connection refused'

# the server closes in the middle of the QueueStatus reply
fake_start --no-playback --qs ast11 --ast11 "$AST11" --cut-status 1
once cut
fake_stop
want_error cut 'before the QueueStatus reply ended'

# QueueStatus answered with Response: Error (it used to wait for ever)
fake_start --no-playback --qs-error
once qserror
fake_stop
want_error qserror 'QueueStatus refused: Permission denied'

# and the whole reply: exit 0, the state of the PBX
fake_start --no-playback --qs ast11 --ast11 "$AST11"
once ok
fake_stop
[ "$RC" = 0 ] || fail "ok: exit $RC: $(cat "$TMP/ok.err")"
python3 "$SRCDIR/tests/e2e/expect.py" "$TMP/ok.json" sources.0.state='"done"' || fail "ok: state"
pass "a whole reply: exit 0"
