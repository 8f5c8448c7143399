#!/usr/bin/env bash
# net_listen.sh - the tcp: listener as an operator meets it: a name is
# listened on at every address it resolves to (tcp:localhost:PORT reached
# over 127.0.0.1 and ::1 where /etc/hosts lists ::1 first, as a stock Debian
# does); 70 idle clients do not lock a pusher out; a listener beyond loopback
# without [sources] allow is refused with exit 2, and with it those outside
# the allowed networks are closed.
. "$(dirname "$0")/lib.bash"

cat > "$TMP/clients.py" <<'PY'
"""clients.py IDLE HOST:PORT... - opens IDLE connections that send nothing,
then connects once to each HOST:PORT, sends 100 lines on each and closes;
then closes the idle ones. Exits 1 if a push could not be delivered."""
import socket, sys, time

def connect(host, port):
    for _ in range(200):
        try:
            return socket.create_connection((host, int(port)), timeout=10)
        except OSError:
            time.sleep(0.05)
    sys.exit("cannot connect to %s:%s" % (host, port))

idle = [connect(*sys.argv[2].rsplit(":", 1)) for _ in range(int(sys.argv[1]))]
pushers = [connect(*a.rsplit(":", 1)) for a in sys.argv[2:]]
for i, s in enumerate(pushers):
    s.sendall("".join("1795469209|NONE|billing||INFO|p%d-%d\n" % (i, j) for j in range(100)).encode())
    s.close()
time.sleep(0.5)
for s in idle:
    s.close()
PY
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# --- 70 idle clients, then a pusher: the longest idle make room
port=$(free_port)
timeout 60 "$CCBOARD" --replay --once --json "tcp:127.0.0.1:$port" > "$TMP/cap.json" 2> "$TMP/cap.err" &
pid=$!
python3 "$TMP/clients.py" 70 "127.0.0.1:$port" || fail "push with 70 idle clients failed"
wait $pid || fail "ccboard exited $?: $(cat "$TMP/cap.err")"
python3 "$SRCDIR/tests/e2e/expect.py" "$TMP/cap.json" sources.0.lines=100 \
	|| fail "the pusher's lines did not all arrive: $(cat "$TMP/cap.json")"
grep -q '7 idle closed' "$TMP/cap.json" || fail "no 7 idle closed: $(cat "$TMP/cap.json")"
pass "70 idle clients: the longest idle closed, the pusher's 100 lines in"

# --- beyond loopback: refused without allow, filtered with it
set +e
"$CCBOARD" --once --json "tcp:0.0.0.0:$port" > /dev/null 2> "$TMP/wide.err"; rc=$?
set -e
[ $rc = 2 ] && grep -q "allow = CIDR" "$TMP/wide.err" || fail "0.0.0.0 without allow: rc $rc: $(cat "$TMP/wide.err")"
printf '[sources]\nallow = 192.0.2.0/24\n' > "$TMP/allow.ini"
timeout 60 "$CCBOARD" -c "$TMP/allow.ini" --json "tcp:0.0.0.0:$port" > "$TMP/allow.json" 2> "$TMP/allow.err" &
pid=$!
python3 - "$port" <<'PY' || fail "a client outside allow was not closed"
import socket, sys, time
for _ in range(200):
    try:
        s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5); break
    except OSError:
        time.sleep(0.05)
s.settimeout(5)
try:
    sys.exit(0 if s.recv(1) == b"" else 1)    # closed by the listener
except ConnectionResetError:
    sys.exit(0)
PY
for _ in $(seq 100); do grep -q '1 refused' "$TMP/allow.json" && break; sleep 0.1; done
kill $pid; wait $pid || true
grep -q '1 refused' "$TMP/allow.json" || fail "refusal not shown: $(tail -c 600 "$TMP/allow.json")"
pass "beyond loopback: refused without allow (exit 2); with allow, others closed"

# --- tcp:localhost:PORT where /etc/hosts says ::1 first (a private mount of it)
printf '::1\tlocalhost ip6-localhost\n127.0.0.1\tlocalhost\n' > "$TMP/hosts"
if ! unshare -Urm true 2> /dev/null; then
	echo "skip: no user namespaces here to try a ::1-first /etc/hosts"
	exit 77
fi
port=$(free_port)
unshare -Urm sh -c 'mount --bind "$1" /etc/hosts && exec timeout 60 "$2" --replay --once --json "tcp:localhost:$3"' \
	sh "$TMP/hosts" "$CCBOARD" "$port" > "$TMP/lo.json" 2> "$TMP/lo.err" &
pid=$!
python3 "$TMP/clients.py" 0 "127.0.0.1:$port" "::1:$port" || fail "push to both loopbacks failed: $(cat "$TMP/lo.err")"
wait $pid || fail "ccboard on localhost exited $?: $(cat "$TMP/lo.err")"
python3 "$SRCDIR/tests/e2e/expect.py" "$TMP/lo.json" sources.0.lines=200 \
	|| fail "tcp:localhost did not take both 127.0.0.1 and ::1: $(cat "$TMP/lo.json")"
pass "tcp:localhost listens on ::1 and 127.0.0.1"
