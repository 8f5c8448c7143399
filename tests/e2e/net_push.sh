#!/usr/bin/env bash
# net_push.sh - lines pushed to the tcp: and unix: listeners: 100 000 lines
# from several clients at once with nothing lost; a client sending 10 MB
# without a newline and one sending binary garbage are cut off while the
# others carry on; a real queue_log pushed through a socket gives the same
# board as reading the file.
. "$(dirname "$0")/lib.bash"
REC="$SHARED/data/real/asterisk22-session/queue_log"

cat > "$TMP/push.py" <<'PY'
"""push.py ADDRESS CLIENT... - connects every client first, then all send at
once. ADDRESS: host:port or a unix socket path. CLIENT: lines:N (N INFO lines),
file:PATH, nonl:BYTES (no newline), garbage:BYTES."""
import os, random, socket, sys, threading, time

def connect(addr):
    for _ in range(200):
        try:
            if "/" in addr:
                s = socket.socket(socket.AF_UNIX); s.connect(addr)
            else:
                h, p = addr.rsplit(":", 1); s = socket.create_connection((h, int(p)))
            return s
        except OSError:
            time.sleep(0.05)
    sys.exit("cannot connect to " + addr)

def payload(i, spec):
    kind, arg = spec.split(":", 1)
    if kind == "lines":
        return "".join("1795469209|NONE|billing||INFO|c%d-%d\n" % (i, j) for j in range(int(arg))).encode()
    if kind == "file":
        return open(arg, "rb").read()
    if kind == "nonl":
        return b"x" * int(arg)
    rnd = random.Random(i)
    return bytes(rnd.randrange(256) for _ in range(int(arg))).replace(b"\n", b" ")

socks = [connect(sys.argv[1]) for _ in sys.argv[2:]]
def send(i, s, spec):
    try:
        data = payload(i, spec)
        for k in range(0, len(data), 65536):
            s.sendall(data[k:k + 65536])
    except OSError:
        pass            # cut off: expected for the bad ones
    finally:
        s.close()
threads = [threading.Thread(target=send, args=(i, s, spec)) for i, (s, spec) in enumerate(zip(socks, sys.argv[2:]))]
for t in threads: t.start()
for t in threads: t.join()
PY
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# --- TCP: 4 x 25 000 lines, the real queue_log, a 10 MB line and garbage
port=$(free_port)
timeout 120 "$CCBOARD" --replay --once --json "tcp::$port" > "$TMP/tcp.json" 2> "$TMP/tcp.err" &
pid=$!
python3 "$TMP/push.py" "127.0.0.1:$port" lines:25000 lines:25000 file:"$REC" nonl:10485760 \
	lines:25000 garbage:1048576 lines:25000 || fail "push failed"
wait $pid || fail "ccboard on tcp exited $?: $(cat "$TMP/tcp.err")"
timeout 60 "$CCBOARD" --replay --once --json "$REC" > "$TMP/file.json"
python3 - "$TMP/tcp.json" "$TMP/file.json" <<'PY' || fail "tcp"
import json, sys
t, f = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
src, fsrc = t["sources"][0], f["sources"][0]
bad = []
if src["kind"] != "tcp": bad.append("kind %s" % src["kind"])
if src["lines"] != 100000 + fsrc["lines"] + 1: bad.append("lines %d" % src["lines"])   # + the over-long one
if src["ignored_events"] != 100000 + fsrc["ignored_events"]: bad.append("ignored %d" % src["ignored_events"])
if src["bad_lines"] != 1: bad.append("bad lines %d (the over-long line counts)" % src["bad_lines"])
if "(2 cut off, 0 refused, 0 idle closed)" not in src.get("detail", ""): bad.append("detail %r" % src.get("detail"))
if src["bytes"] >= 10485760: bad.append("the 10 MB line was read whole (%d bytes)" % src["bytes"])
for k in ("queues", "total"):
    if t[k] != f[k]: bad.append(k + " differ from the file replay")
print("\n".join(bad) or "tcp: %d lines, detail: %s" % (src["lines"], src["detail"]))
sys.exit(1 if bad else 0)
PY
pass "tcp: 100 000 lines from 4 clients + a queue_log, bad clients cut off"

# --- Unix socket: 3 clients
sock="$TMP/push.sock"
timeout 60 "$CCBOARD" --replay --once --json "unix:$sock" > "$TMP/unix.json" 2> "$TMP/unix.err" &
pid=$!
for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.05; done
python3 "$TMP/push.py" "$sock" lines:3000 lines:3000 lines:3000 || fail "unix push failed"
wait $pid || fail "ccboard on unix exited $?: $(cat "$TMP/unix.err")"
python3 "$SRCDIR/tests/e2e/expect.py" "$TMP/unix.json" sources.0.kind='"unix"' sources.0.lines=9000 \
	sources.0.ignored_events=9000 sources.0.bad_lines=0 || fail "unix"
[ ! -e "$sock" ] || fail "unix: the socket file was left behind"
pass "unix: 9000 lines from 3 clients"

# --- a bad address: a clear message and exit 2
set +e
"$CCBOARD" --once --json "tcp:127.0.0.1:99999" > /dev/null 2> "$TMP/bad.err"; rc=$?
set -e
[ $rc = 2 ] && grep -q 'port' "$TMP/bad.err" || fail "bad port: rc $rc: $(cat "$TMP/bad.err")"
pass "bad address refused"
