#!/usr/bin/env python3
"""latency.py CCBOARD LINE_TO_MODEL WORKDIR SECONDS - from a line appended to a
queue_log to its effect, measured three ways at once on the same file:
  json  - ccboard --json: the first snapshot (one a second) whose source line
          counter includes the line, as read from its standard output;
  model - line_to_model (ccboard's file source, parser and model, linked from
          ccboard_core): when the line's event has been applied;
  tail  - the reference: `tail -F`, when the line comes out of it.
Lines are written one write() at a time at random intervals (0.1-0.4 s, so
they fall at every phase of ccboard's one-second tick), each noted with
CLOCK_MONOTONIC just before the write. Prints, for each way, in ms:
    NAME p50 p99 max samples"""
import os
import random
import subprocess
import sys
import threading
import time
import json


def percentile(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100.0 * (len(xs) - 1))))]


class Follower(threading.Thread):
    """Reads a follower's stdout; records (monotonic time, lines seen so far)."""

    def __init__(self, proc, kind):
        super().__init__(daemon=True)
        self.proc, self.kind, self.seen = proc, kind, []

    def run(self):
        count = 0
        for line in self.proc.stdout:
            now = time.monotonic()
            if self.kind == "json":
                snap = json.loads(line)
                count = sum(s.get("lines", 0) for s in snap.get("sources", []))
            elif self.kind == "model":
                n, ns = line.split()
                count, now = int(n), int(ns) / 1e9     # the harness's own clock
            else:
                count += 1
            self.seen.append((now, count))


def delays(written, seen):
    """For each (time written, line number): how long until seen counted it."""
    out, j = [], 0
    for when, n in written:
        while j < len(seen) and seen[j][1] < n:
            j += 1
        if j == len(seen):
            break
        out.append((seen[j][0] - when) * 1000.0)
    return out


def main(ccboard, harness, workdir, seconds):
    seconds = float(seconds)
    log = os.path.join(workdir, "latency_queue_log")
    now = int(time.time())
    prefix = ["%d|NONE|NONE|NONE|QUEUESTART|" % now,
              "%d|MANAGER|latency|Agent 1|ADDMEMBER|" % now]
    with open(log, "w") as f:
        f.write("".join(l + "\n" for l in prefix))
    env = dict(os.environ, TZ="UTC")
    procs = {
        "json": subprocess.Popen([ccboard, "--json", "-c", "/dev/null", log],
                                 stdout=subprocess.PIPE, text=True, env=env),
        "model": subprocess.Popen([harness, log], stdout=subprocess.PIPE, text=True, env=env),
        "tail": subprocess.Popen(["tail", "-n", "+1", "-F", log], stdout=subprocess.PIPE,
                                 text=True),
    }
    readers = {k: Follower(p, k) for k, p in procs.items()}
    for r in readers.values():
        r.start()
    time.sleep(2.0)
    written = []
    rng = random.Random(6)
    fd = os.open(log, os.O_WRONLY | os.O_APPEND)
    end = time.monotonic() + seconds
    n, i = len(prefix), 0
    while time.monotonic() < end:
        time.sleep(rng.uniform(0.1, 0.4))
        callid = "lat.%d" % (i // 2)
        if i % 2 == 0:
            line = "%d|%s|latency|NONE|ENTERQUEUE||5550100|1\n" % (time.time(), callid)
        else:
            line = "%d|%s|latency|NONE|ABANDON|1|1|3\n" % (time.time(), callid)
        t = time.monotonic()
        os.write(fd, line.encode())
        n += 1
        i += 1
        written.append((t, n))
    os.close(fd)
    time.sleep(2.5)          # the last lines' snapshots
    for p in procs.values():
        p.terminate()
    for k, p in procs.items():
        p.wait(timeout=10)
        readers[k].join(timeout=5)
    for k in ("json", "model", "tail"):
        d = delays(written, readers[k].seen)
        if len(d) < len(written):
            print("%s_missing %d of %d lines" % (k, len(written) - len(d), len(written)))
        if d:
            print("%s %.1f %.1f %.1f %d" % (k, percentile(d, 50), percentile(d, 99), max(d), len(d)))


if __name__ == "__main__":
    main(*sys.argv[1:5])
