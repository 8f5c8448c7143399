#!/usr/bin/env bash
# http_events.sh - POST /events with curl-like clients: 401, 413, 400 naming
# the bad line, 200 and the board moved by exactly the posted lines, 10,000
# lines from 8 concurrent keep-alive clients with none lost or doubled; a
# non-loopback listen without a token and a token file open to others refused
# (exit 2). Timing-sensitive: run it under the timing lock.
. "$(dirname "$0")/lib.bash"
python3 "$SRCDIR/tests/e2e/http_check.py" events "$CCBOARD" "$TMP" || fail "POST /events"
# and with curl itself: the 401 and its header
command -v curl > /dev/null || fail "no curl (scripts/deps --test installs it)"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# no source: a board fed only by POST /events
"$CCBOARD" --headless --http "127.0.0.1:$PORT" 2> "$TMP/err" &
PID=$!
for _ in $(seq 200); do curl -sf "http://127.0.0.1:$PORT/healthz" > /dev/null && break; sleep 0.05; done
curl -s -D "$TMP/h" -o "$TMP/b" -X POST --data-binary 'x' "http://127.0.0.1:$PORT/events"
grep -q '^HTTP/1.1 401' "$TMP/h" || fail "curl without a token: $(head -1 "$TMP/h")"
grep -qi '^WWW-Authenticate: Bearer' "$TMP/h" || fail "no WWW-Authenticate"
[ "$(curl -s "http://127.0.0.1:$PORT/healthz")" = ok ] || fail "/healthz is not ok"
kill -TERM $PID
wait $PID || fail "exit $? on SIGTERM"
pass "curl: 401 with WWW-Authenticate; /healthz ok with no source but http; exit 0 on SIGTERM"
