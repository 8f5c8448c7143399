#!/usr/bin/env python3
"""output_stall.py CCBOARD DIR - `ccboard --json LOG` into a pipe whose reader
stalls while a writer keeps appending to LOG. The loop must go on: snapshots
are dropped and counted (the pseudo-source "stdout", kind "output"), the tail
keeps counting lines, and SIGTERM during a stall exits 0 within the flush
bound. Prints the figures it measured."""
import fcntl
import json
import os
import select
import signal
import subprocess
import sys
import threading
import time

F_SETPIPE_SZ = 1031
STALL_S = 10.0


def log_line(t, n):
    return "%d|%d.%d|sales|NONE|ENTERQUEUE||555%04d|1\n" % (t, t, n, n)


class Writer(threading.Thread):
    """Appends one queue_log line every 50 ms; counts them."""
    def __init__(self, path):
        super().__init__(daemon=True)
        self.path, self.n, self.stop = path, 0, False

    def run(self):
        with open(self.path, "a") as f:
            while not self.stop:
                self.n += 1
                f.write(log_line(int(time.time()), self.n))
                f.flush()
                time.sleep(0.05)


def read_for(fd, seconds, buf):
    """Reads what comes on fd for seconds; returns the complete lines, leaves
    the rest in buf[0]."""
    end = time.time() + seconds
    lines = []
    while True:
        left = end - time.time()
        if left <= 0:
            break
        r, _, _ = select.select([fd], [], [], left)
        if not r:
            continue
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        buf[0] += chunk
        *done, buf[0] = buf[0].split(b"\n")
        lines += [(time.time(), json.loads(l)) for l in done]
    return lines


def wait_exit(proc, seconds):
    try:
        return proc.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        return None


def main(ccboard, tmp):
    log = os.path.join(tmp, "queue_log")
    open(log, "w").close()
    writer = Writer(log)
    writer.start()
    rfd, wfd = os.pipe()
    fcntl.fcntl(wfd, F_SETPIPE_SZ, 4096)        # one snapshot fills it
    err = open(os.path.join(tmp, "stderr"), "w+")
    board = subprocess.Popen([ccboard, "--json", "-c", "/dev/null", log],
                             stdout=wfd, stderr=err)
    os.close(wfd)
    buf = [b""]
    try:
        first = read_for(rfd, 2.5, buf)
        if not first:
            print("FAIL: no snapshot in 2.5 s")
            return 1
        t_stall = time.time()
        time.sleep(STALL_S)                      # the reader stalls
        t_resume, lines_at_resume = time.time(), writer.n
        after = read_for(rfd, 3.0, buf)
        outs = [(t, s, src) for t, s in after for src in s["sources"] if src["kind"] == "output"]
        if not outs:
            print("FAIL: after a %.0f s stall, no snapshot shows the output lagging" % STALL_S)
            return 1
        t, snap, out = outs[0]
        dropped = int(out["detail"].split()[0])
        tail = sum(s["lines"] for s in snap["sources"] if s["kind"] == "file")
        print("stall %.1f s: first lagging snapshot read %.2f s after the resume, as_of %+d s"
              " from the resume, %s (%s), tail counted %d of the %d lines written by the resume"
              % (STALL_S, t - t_resume, snap["as_of"] - int(t_resume), out["state"],
                 out["detail"], tail, lines_at_resume))
        if out["name"] != "stdout" or not out["detail"].endswith(("snapshots dropped", "snapshot dropped")):
            print("FAIL: the output source reads %r" % out)
            return 1
        if dropped < STALL_S / 2:                # the pipe holds ~2, 2 are pending
            print("FAIL: only %d snapshots dropped in a %.0f s stall" % (dropped, STALL_S))
            return 1
        if snap["as_of"] < t_resume - 2:
            print("FAIL: the snapshot after the stall is stale (as_of %d, resume %.0f)"
                  % (snap["as_of"], t_resume))
            return 1
        if tail < lines_at_resume - 40:          # 2 s of lines at 20/s
            print("FAIL: the tail did not follow during the stall")
            return 1
        # a second stall, then SIGTERM: out within the flush bound, exit 0
        time.sleep(4.0)
        t_term = time.time()
        board.send_signal(signal.SIGTERM)
        rc = wait_exit(board, 10)
        took = time.time() - t_term
        print("SIGTERM during a stall: exit %s after %.2f s" % (rc, took))
        if rc is None:
            print("FAIL: SIGTERM ignored while the reader stalls")
            return 1
        if rc != 0 or took > 5:
            print("FAIL: SIGTERM: exit %s after %.2f s (want 0 within 5 s)" % (rc, took))
            return 1
        err.seek(0)
        msgs = [l for l in err.read().splitlines() if "standard output" in l]
        if len(msgs) < 1 or sum("lagging" in m for m in msgs) != 1:
            print("FAIL: stderr should say once that the reader lags: %r" % msgs)
            return 1
        print("stderr: %r" % msgs)
        return 0
    finally:
        writer.stop = True
        if board.poll() is None:
            board.kill()
            board.wait()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
