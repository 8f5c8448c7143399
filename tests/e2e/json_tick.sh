#!/usr/bin/env bash
# json_tick.sh - `ccboard --json` on a live source ticks on the wall-clock
# second: for ~12 s every as_of is the previous one plus 1, none repeated,
# none skipped (unless the process really stalled longer than a second).
# Timing-sensitive: run it serially.
. "$(dirname "$0")/lib.bash"
python3 - "$CCBOARD" "$TMP/queue_log" <<'PY' || fail "as_of did not advance by 1 each snapshot"
import subprocess, sys, threading, time
ccboard, log = sys.argv[1:3]
stop = False
def write():
    n = 0
    with open(log, "a") as f:
        while not stop:
            n += 1
            t = int(time.time())
            f.write("%d|%d.%d|sales|NONE|ENTERQUEUE||555%04d|1\n" % (t, t, n, n))
            f.flush()
            time.sleep(0.2)
open(log, "w").close()
w = threading.Thread(target=write)
w.start()
board = subprocess.Popen([ccboard, "--json", "-c", "/dev/null", log],
                         stdout=subprocess.PIPE, text=True)
seen = []                                   # (arrival, as_of)
import json
end = time.time() + 12.5
for line in board.stdout:
    seen.append((time.time(), json.loads(line)["as_of"]))
    if time.time() > end:
        break
board.terminate()
board.wait(timeout=10)
stop = True
w.join()
bad = 0
for (t0, a0), (t1, a1) in zip(seen, seen[1:]):
    # a skip is fine only when the snapshots really came more than a second apart
    if a1 != a0 + 1 and not (a1 > a0 + 1 and t1 - t0 > 1.5):
        print("as_of %d then %d (%.3f s apart)" % (a0, a1, t1 - t0))
        bad += 1
print("%d snapshots, as_of %d..%d, %d out of step, exit %d"
      % (len(seen), seen[0][1], seen[-1][1], bad, board.returncode))
sys.exit(1 if bad or len(seen) < 10 or board.returncode != 0 else 0)
PY
pass "one snapshot per wall-clock second"
