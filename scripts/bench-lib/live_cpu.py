#!/usr/bin/env python3
"""live_cpu.py CCBOARD SOURCE_LOG WORKDIR SECONDS RATE - the live cost: a file
is fed RATE events/s (feed.py) while three followers read it: ccboard with its
screen on (in tmux, 120x40), ccboard --json (to /dev/null) and, as the
reference, `tail -F` (to /dev/null). Each one's CPU (utime + stime from
/proc/PID/stat) is sampled over SECONDS after a short warm-up. Prints
    screen PCT / json PCT / tail PCT / written N / pane OK|...
PCT is the share of one core in percent."""
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from procstat import cpu_ticks  # noqa: E402
import feed  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")
PREFIX = 2000        # lines already in the file when the followers start
WARMUP = 3.0


def main(ccboard, source, workdir, seconds, rate):
    seconds, rate = float(seconds), float(rate)
    log = os.path.join(workdir, "live_queue_log")
    lines = feed.read_lines(source)
    feed.write_prefix(log, lines, PREFIX)
    sock = os.path.join(workdir, "tmux-%d.sock" % os.getpid())
    tmux = ["tmux", "-S", sock, "-f", "/dev/null"]
    env = "env TZ=UTC LANG=C.UTF-8 TERM=xterm-256color"
    pane = subprocess.run(tmux + ["new-session", "-d", "-x", "120", "-y", "40", "-P", "-F",
                                  "#{pane_pid}", "exec %s %s -c /dev/null %s" % (env, ccboard, log)],
                          capture_output=True, text=True, check=True)
    pids = {"screen": int(pane.stdout.strip())}
    devnull = open(os.devnull, "w")
    procs = [subprocess.Popen([ccboard, "--json", "-c", "/dev/null", log], stdout=devnull,
                              env=dict(os.environ, TZ="UTC")),
             subprocess.Popen(["tail", "-n", "0", "-F", log], stdout=devnull)]
    pids["json"], pids["tail"] = procs[0].pid, procs[1].pid
    feeder = feed.Feeder(log, lines, rate, PREFIX)
    feeder.start()
    try:
        time.sleep(WARMUP)
        t0, c0 = time.monotonic(), {k: cpu_ticks(p) for k, p in pids.items()}
        time.sleep(seconds)
        t1, c1 = time.monotonic(), {k: cpu_ticks(p) for k, p in pids.items()}
        shot = subprocess.run(tmux + ["capture-pane", "-p"], capture_output=True, text=True).stdout
    finally:
        feeder.stop()
        for p in procs:
            p.terminate()
            p.wait(timeout=10)
        subprocess.run(tmux + ["kill-server"], capture_output=True)
        if os.path.exists(sock):
            os.unlink(sock)
    wall = t1 - t0
    for k in ("screen", "json", "tail"):
        print("%s %.3f" % (k, 100.0 * (c1[k] - c0[k]) / TICK / wall))
    print("written %d" % feeder.written)
    # the screen must be showing the board, not an error
    print("pane %s" % ("OK" if sum(1 for l in shot.splitlines() if l.strip()) > 10
                       else "EMPTY:" + shot.strip()[:200].replace("\n", " ")))
    with open(os.path.join(workdir, "live_pane.txt"), "w") as f:
        f.write(shot)


if __name__ == "__main__":
    main(*sys.argv[1:6])
