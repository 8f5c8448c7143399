#!/usr/bin/env python3
"""live_check.py CCBOARD LOG TIMES_FILE OUT_JSON GENERATOR-COMMAND... - follow LOG
with `ccboard --json` while the generator command (a shell pipeline string)
writes it, then check that every line written was reflected in a snapshot
within one second (by the source's line counter) and save the last snapshot."""
import json
import subprocess
import sys
import threading
import os
import time

SLACK = 0.25


def main(ccboard, log, times_path, out_path, gen_cmd):
    config = os.environ.get("LIVE_CONFIG", "/dev/null")
    board = subprocess.Popen([ccboard, "--json", "-c", config, log],
                             stdout=subprocess.PIPE, text=True)
    seen = []                       # (wall time, lines counted)

    def reader():
        for line in board.stdout:
            snap = json.loads(line)
            seen.append((time.time(), sum(s["lines"] for s in snap["sources"]), line))
    t = threading.Thread(target=reader)
    t.start()
    time.sleep(0.5)
    gen = subprocess.run(gen_cmd, shell=True)
    if gen.returncode != 0:
        print("generator failed")
        return 1
    time.sleep(2.5)
    board.terminate()
    board.wait(timeout=10)
    t.join()
    if board.returncode != 0:
        print("ccboard exited %d" % board.returncode)
        return 1
    written = [tuple(map(float, l.split())) for l in open(times_path)]
    late = 0
    worst = 0.0
    for when, n in written:
        # the first snapshot more than 1 s after the line was written must count it
        # (SLACK covers this harness's own scheduling: a thread reading a pipe)
        for t_snap, counted, _ in seen:
            if t_snap >= when + 1.0 + SLACK:
                if counted < n:
                    late += 1
                    print("line %d written at %.3f: snapshot at +%.3f counts %d"
                          % (n, when, t_snap - when, counted))
                break
        for t_snap, counted, _ in seen:
            if counted >= n:
                worst = max(worst, t_snap - when)
                break
    print("%d lines written, %d snapshots, %d lines not shown within 1 s, worst %.2f s"
          % (len(written), len(seen), late, worst))
    open(out_path, "w").write(seen[-1][2])
    return 1 if late or not seen else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:5], " ".join(sys.argv[5:])))
