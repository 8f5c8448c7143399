#!/usr/bin/env python3
"""agents_view.py CCBOARD GEN WORKDIR SECONDS - the Agents view on a large
floor: gen-queue-log writes 1000 queues and 10,000 agents live (about 2,000
lines/s, after a 1,200 s head start) while two boards follow the same file in
tmux at 200x60, one on the Agents view (--view agents) and one on the queue
board (--view queues). Each one's CPU (utime + stime from /proc) is sampled
over SECONDS after the head start is read; each one's ticks are timed inside
it (CCBOARD_TICK_STATS). Prints
    agents_p99_ms X / agents_cpu_p99_ms X / agents_max_ms X / agents_cpu PCT /
    queues_p99_ms X / queues_cpu_p99_ms X / queues_cpu PCT / cpu_ratio R /
    lines_per_s N / agents_pane OK|...
p99_ms is a tick's wall time, cpu_p99_ms its own CPU time (what a loaded
machine does not inflate); PCT is the share of one core in percent."""
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from procstat import big_feed, cpu_ticks, tick_phases  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")


def lines(path):
    try:
        with open(path, "rb") as f:
            return sum(1 for _ in f)
    except OSError:
        return 0


def parse_stats(path):
    """p99_ms, cpu_p99_ms, max_ms from a CCBOARD_TICK_STATS file ("tick stats:
    N ticks, wall mean X ms, p50 X ms, p99 X ms, max X ms, first X ms", then
    the same for cpu)."""
    out = {}
    try:
        with open(path) as f:
            for line in f:
                m = re.search(r"ticks, (wall|cpu) .*p99 ([\d.]+) ms, max ([\d.]+) ms", line)
                if m and m.group(1) == "wall":
                    out["p99_ms"], out["max_ms"] = m.group(2), m.group(3)
                elif m:
                    out["cpu_p99_ms"] = m.group(2)
    except OSError:
        pass
    return out


def main(ccboard, gen, workdir, seconds):
    seconds = float(seconds)
    log = os.path.join(workdir, "agents_live.log")
    if os.path.exists(log):
        os.unlink(log)
    feeder = big_feed(gen, log, hours=4, extra=("--seed", "16"))
    deadline = time.time() + 300
    last = -1
    while time.time() < deadline:           # the head start written: the size settles
        time.sleep(2)
        n = lines(log)
        if n > 100000 and n - last < 20000:
            break
        last = n
    sock = os.path.join(workdir, "tmux-agents-%d.sock" % os.getpid())
    tmux = ["tmux", "-S", sock, "-f", "/dev/null"]
    pids, stats = {}, {}
    for view in ("agents", "queues"):
        stats[view] = os.path.join(workdir, "tick-%s.txt" % view)
        if os.path.exists(stats[view]):
            os.unlink(stats[view])
        env = ("env TZ=UTC LANG=C.UTF-8 TERM=xterm-256color CCBOARD_TICK_STATS=%s " % stats[view])
        cmd = "exec %s %s -c /dev/null --view %s %s" % (env, ccboard, view, log)
        if view == "agents":
            out = subprocess.run(tmux + ["new-session", "-d", "-x", "200", "-y", "60", "-P", "-F",
                                         "#{pane_pid}", cmd], capture_output=True, text=True,
                                 check=True)
        else:
            out = subprocess.run(tmux + ["new-window", "-d", "-P", "-F", "#{pane_pid}", cmd],
                                 capture_output=True, text=True, check=True)
        pids[view] = int(out.stdout.strip())
    time.sleep(20)                           # both read the head start
    before = {v: cpu_ticks(p) for v, p in pids.items()}
    n0, t0 = lines(log), time.time()
    time.sleep(seconds)
    after = {v: cpu_ticks(p) for v, p in pids.items()}
    rate = (lines(log) - n0) / (time.time() - t0)
    pane = subprocess.run(tmux + ["capture-pane", "-p", "-t", "0"], capture_output=True,
                          text=True).stdout
    ok = "OK" if "of 10,000" in pane or "of 9," in pane else "no 'of 10,000' on the pane"
    for target in ("0", "1"):
        subprocess.run(tmux + ["send-keys", "-t", target, "q"], check=False)
    for _ in range(100):                     # each writes its tick stats as it exits
        if not any(os.path.exists("/proc/%d" % p) for p in pids.values()):
            break
        time.sleep(0.2)
    subprocess.run(tmux + ["kill-server"], check=False, stderr=subprocess.DEVNULL)
    feeder.terminate()
    feeder.wait()
    cpu = {v: 100.0 * (after[v] - before[v]) / TICK / seconds for v in pids}
    ta, tq = parse_stats(stats["agents"]), parse_stats(stats["queues"])
    print("agents_p99_ms %s" % ta.get("p99_ms", "?"))
    print("agents_cpu_p99_ms %s" % ta.get("cpu_p99_ms", "?"))
    print("agents_max_ms %s" % ta.get("max_ms", "?"))
    print("agents_cpu %.1f" % cpu["agents"])
    print("queues_p99_ms %s" % tq.get("p99_ms", "?"))
    print("queues_cpu_p99_ms %s" % tq.get("cpu_p99_ms", "?"))
    print("queues_cpu %.1f" % cpu["queues"])
    for v in ("agents", "queues"):
        ph, slow = tick_phases(stats[v])
        print("%s_phase_p99 %s" % (v, ph))
        print("%s_slow %s" % (v, slow))
    print("cpu_ratio %.2f" % (cpu["agents"] / cpu["queues"] if cpu["queues"] > 0 else 0))
    print("lines_per_s %.0f" % rate)
    print("agents_pane %s" % ok)


if __name__ == "__main__":
    main(*sys.argv[1:5])
