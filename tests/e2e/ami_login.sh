#!/usr/bin/env bash
# ami_login.sh - AMI login accepted (secret or secret_file) and refused; the
# Asterisk 11 QueueStatus reply sent with CRLF seeds the agents; the secret is
# never taken from the command line; a secret readable by others is warned about.
. "$(dirname "$0")/lib.bash"
. "$(dirname "$0")/ami_lib.bash"
AST11="$SHARED/data/real/ami-queuestatus-ast11.txt"
expect() { python3 "$SRCDIR/tests/e2e/expect.py" "$TMP/$1.json" "${@:2}" || fail "$1"; }

# refused: the source ends in auth_failed with the server's reason, on
# stderr too, and --once exits 1 (no snapshot of the PBX was had)
ami_config
fake_start --refuse --no-playback
rc=0
timeout 30 "$CCBOARD" --once --json -c "$TMP/ami.ini" "ami://ccboard@127.0.0.1:$PORT" \
	> "$TMP/refused.json" 2> "$TMP/refused.err" || rc=$?
fake_stop
[ $rc = 1 ] || fail "refused: exit $rc"
expect refused sources.0.kind='"ami"' sources.0.state='"auth_failed"'
grep -q 'login refused: Authentication failed' "$TMP/refused.json" || fail "refused: no reason"
grep -q 'login refused: Authentication failed' "$TMP/refused.err" || fail "refused: not on stderr"
pass "login refused: exit 1"

# accepted, secret from secret_file; the Asterisk 11 reply (CRLF) seeds the board
printf 's3cret\n' > "$TMP/secret"
chmod 600 "$TMP/secret"
printf '[ami]\nsecret_file = %s\n' "$TMP/secret" > "$TMP/file.ini"
members=$(grep -c '^Event: QueueMember$' "$AST11")
paused=$(awk '/^Event: QueueMember$/{m=1} m&&/^Paused: 1$/{n++} /^$/{m=0} END{print n+0}' "$AST11")
fake_start --no-playback --qs ast11 --ast11 "$AST11" --close-after-status
timeout 30 "$CCBOARD" --once --json -c "$TMP/file.ini" "ami://ccboard@127.0.0.1:$PORT" \
	> "$TMP/ast11.json" 2> "$TMP/ast11.err" || fail "ast11: exit $?: $(cat "$TMP/ast11.err")"
fake_stop
[ "$members" -gt 5 ] && [ "$paused" -ge 1 ] || fail "fixture changed?"
expect ast11 sources.0.state='"done"' total.agents.logged_in="$members" total.agents.paused="$paused" \
	queues.0.name='"xxxxxxxxxxxxxxxx-tous"' total.waiting=0
[ "$(fake_count '"login"')" = 1 ] || fail "ast11: logins"
pass "login accepted; Asterisk 11 QueueStatus with CRLF: $members members, $paused paused"

# --once against a server that stays up: done as soon as the QueueStatus seed is in
fake_start --no-playback --qs ast11 --ast11 "$AST11"
start=$(date +%s)
timeout 10 "$CCBOARD" --once --json -c "$TMP/file.ini" "ami://ccboard@127.0.0.1:$PORT" \
	> "$TMP/once.json" 2> "$TMP/once.err" || fail "--once on a live server: exit $?: $(cat "$TMP/once.err")"
fake_stop
[ $(( $(date +%s) - start )) -le 5 ] || fail "--once took too long"
expect once sources.0.state='"done"' total.agents.logged_in="$members" total.agents.paused="$paused"
pass "--once on a live AMI: the seeded state, then exit"

# no secret at all, or one on the command line: a clear message, exit 2
printf '[general]\n' > "$TMP/nosecret.ini"
set +e
"$CCBOARD" --once --json -c "$TMP/nosecret.ini" "ami://ccboard@127.0.0.1:1" > /dev/null 2> "$TMP/e1"
rc1=$?
"$CCBOARD" --once --json -c "$TMP/ami.ini" "ami://ccboard:pw@127.0.0.1:1" > /dev/null 2> "$TMP/e2"
rc2=$?
set -e
[ $rc1 = 2 ] && grep -q 'secret' "$TMP/e1" || fail "no secret: rc $rc1: $(cat "$TMP/e1")"
[ $rc2 = 2 ] && grep -q 'command line' "$TMP/e2" || fail "secret in spec: rc $rc2: $(cat "$TMP/e2")"
pass "no secret / secret on the command line refused"

# a config holding a secret that others can read draws a warning
ami_config
chmod 644 "$TMP/ami.ini"
fake_start --no-playback --close-after-status
timeout 30 "$CCBOARD" --once --json -c "$TMP/ami.ini" "ami://ccboard@127.0.0.1:$PORT" \
	> /dev/null 2> "$TMP/warn.err" || fail "warn: exit $?"
fake_stop
grep -qi 'warning.*secret' "$TMP/warn.err" || fail "no warning for a world-readable secret: $(cat "$TMP/warn.err")"
pass "secret readable by others: warned"
