#!/usr/bin/env python3
"""big_alone.py CCBOARD GEN WORKDIR SECONDS - the tick of one board alone
with its feed: the big centre (gen-queue-log --queues 1000 --agents 10000
--aht 8 --wrapup 1 --calls-per-hour 2400 --realtime --head-start 1200) followed
first by ccboard --json (to /dev/null), then by ccboard's screen in tmux at
250x70, one after the other, each for SECONDS after a warm-up. big_live.py
runs three boards, htop and tail -F at once on the same cores: their ticks
wait for each other there. Here only the feed shares the machine, so the
wall figures are the board's own.
Run long enough (bench's BENCH_BIG_ALONE_S) for the p99 to be a percentile,
not the one worst tick. Prints "key value" lines: for json and screen,
NAME_p99_ms (wall), NAME_cpu_p99_ms, NAME_ticks, NAME_p50_ms and NAME_max_ms
(wall), NAME_phase_p99 ("PHASE P99_MS ...")."""
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from procstat import big_feed, wait_head_start, tick_stats, tick_spread, tick_phases  # noqa: E402

COLS, ROWS = 250, 70
WARMUP_S = 20.0


def run_json(ccboard, log, stats, seconds, env):
    with open(os.devnull, "w") as devnull:
        p = subprocess.Popen([ccboard, "--json", "-c", "/dev/null", log], stdout=devnull,
                             env=dict(env, CCBOARD_TICK_STATS=stats))
        try:
            time.sleep(WARMUP_S + seconds)
            p.send_signal(signal.SIGINT)
            p.wait(timeout=30)
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()


def run_screen(ccboard, log, stats, seconds, workdir):
    sock = os.path.join(workdir, "tmux-alone-%d.sock" % os.getpid())
    tmux = ["tmux", "-S", sock, "-f", "/dev/null"]
    try:
        subprocess.run(tmux + ["new-session", "-d", "-x", str(COLS), "-y", str(ROWS),
                               "exec env TZ=UTC LANG=C.UTF-8 TERM=xterm-256color "
                               "CCBOARD_TICK_STATS=%s %s -c /dev/null %s" % (stats, ccboard, log)],
                       check=True, capture_output=True)
        time.sleep(WARMUP_S + seconds)
        subprocess.run(tmux + ["send-keys", "q"], capture_output=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not os.path.exists(stats):
            time.sleep(0.2)
    finally:
        subprocess.run(tmux + ["kill-server"], capture_output=True)
        if os.path.exists(sock):
            os.unlink(sock)


def main(ccboard, gen, workdir, seconds):
    seconds = float(seconds)
    log = os.path.join(workdir, "alone_queue_log")
    stats = {k: os.path.join(workdir, "tick_alone_%s.txt" % k) for k in ("json", "screen")}
    for f in [log] + list(stats.values()):
        if os.path.exists(f):
            os.unlink(f)
    env = dict(os.environ, TZ="UTC")
    genp = big_feed(gen, log)
    try:
        wait_head_start(log, time.monotonic() + 420, "big_alone")
        run_json(ccboard, log, stats["json"], seconds, env)
        run_screen(ccboard, log, stats["screen"], seconds, workdir)
    finally:
        genp.terminate()
        genp.wait(timeout=10)
        if os.path.exists(log):
            os.unlink(log)
    for k, path in stats.items():
        p99, cpu99, n, _ = tick_stats(path)
        print("%s_p99_ms %s" % (k, p99))
        print("%s_cpu_p99_ms %s" % (k, cpu99))
        print("%s_ticks %s" % (k, n))
        p50, mx = tick_spread(path)
        print("%s_p50_ms %s" % (k, p50))
        print("%s_max_ms %s" % (k, mx))
        print("%s_phase_p99 %s" % (k, tick_phases(path)[0]))


if __name__ == "__main__":
    main(*sys.argv[1:5])
