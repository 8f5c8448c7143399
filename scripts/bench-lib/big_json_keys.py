#!/usr/bin/env python3
"""big_json_keys.py CCBOARD GEN WORKDIR SECONDS - the big centre's --json
line, whole and as a consumer of queue figures asks for it: the same live
feed as big_live.py (gen-queue-log --queues 1000 --agents 10000 --aht 8
--wrapup 1 --calls-per-hour 2400 --realtime --head-start 1200, about 2,000
lines/s), followed at once by `ccboard --json`, by `ccboard --json
--json-keys` with every key but the agents, and by `tail -F` (all to
/dev/null). Over SECONDS after a warm-up: CPU share of one core (utime +
stime), peak RSS (VmHWM), tick stats (CCBOARD_TICK_STATS) and bytes per line.
Prints "key value" lines: full_cpu keys_cpu tail_cpu rate full_rss_mb
keys_rss_mb full_p99_ms keys_p99_ms full_cpu_p99_ms keys_cpu_p99_ms
full_ticks keys_ticks."""
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from procstat import big_feed, cpu_ticks, hwm_mb, lines_in, wait_head_start, tick_stats  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")
KEYS = "queues,total,groups,alerts,sources,callbacks,channels,channel_total,pivots_by_pair," \
       "journeys,history,input"


def main(ccboard, gen, workdir, seconds):
    seconds = float(seconds)
    log = os.path.join(workdir, "big_keys_queue_log")
    if os.path.exists(log):
        os.unlink(log)
    stats = {k: os.path.join(workdir, "tick_%s.txt" % k) for k in ("full", "keys")}
    for f in stats.values():
        if os.path.exists(f):
            os.unlink(f)
    genp = big_feed(gen, log)
    procs = {}
    devnull = open(os.devnull, "w")
    try:
        wait_head_start(log, time.monotonic() + 420, "big_json_keys")
        for k, extra in (("full", []), ("keys", ["--json-keys", KEYS])):
            procs[k] = subprocess.Popen([ccboard, "--json"] + extra + ["-c", "/dev/null", log],
                                        stdout=devnull,
                                        env=dict(os.environ, TZ="UTC",
                                                 CCBOARD_TICK_STATS=stats[k]))
        procs["tail"] = subprocess.Popen(["tail", "-n", "0", "-F", log], stdout=devnull)
        time.sleep(20.0)                                 # warm-up: the first snapshots
        t0, l0 = time.monotonic(), lines_in(log)
        c0 = {k: cpu_ticks(p.pid) for k, p in procs.items()}
        time.sleep(seconds)
        t1, l1 = time.monotonic(), lines_in(log)
        c1 = {k: cpu_ticks(p.pid) for k, p in procs.items()}
        rss = {k: hwm_mb(procs[k].pid) for k in ("full", "keys")}
        for k in ("full", "keys"):
            procs[k].terminate()
            procs[k].wait(timeout=20)
    finally:
        genp.terminate()
        for p in procs.values():
            if p.poll() is None:
                p.terminate()
                p.wait(timeout=10)
        if os.path.exists(log):
            os.unlink(log)
    wall = t1 - t0
    for k in ("full", "keys", "tail"):
        print("%s_cpu %.3f" % (k, 100.0 * (c1[k] - c0[k]) / TICK / wall))
    print("rate %.0f" % ((l1 - l0) / wall))
    for k in ("full", "keys"):
        p99, cpu99, n, _ = tick_stats(stats[k], wait_s=20)
        print("%s_rss_mb %.1f" % (k, rss[k]))
        print("%s_p99_ms %s" % (k, p99))
        print("%s_cpu_p99_ms %s" % (k, cpu99))
        print("%s_ticks %s" % (k, n))


if __name__ == "__main__":
    main(*sys.argv[1:5])
