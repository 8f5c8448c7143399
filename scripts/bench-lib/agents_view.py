#!/usr/bin/env python3
"""agents_view.py CCBOARD GEN WORKDIR SECONDS [ALONE_SECONDS] - the Agents
view on a large floor: gen-queue-log writes 1000 queues and 10,000 agents live
(about 2,000 lines/s, after a 1,200 s head start) and boards follow that file
in tmux at 200x60, in two runs one after the other on the same feed:
  - beside the queue view: one board on the Agents view (--view agents) and
    one on the queue board (--view queues) at once, for SECONDS. Their CPU
    (utime + stime from /proc) over the same seconds gives the CPU ratio; each
    one's ticks are timed inside it (CCBOARD_TICK_STATS). Two boards, tmux and
    the feed share the cores: a tick's wall time waits for a core, and with 60
    ticks the p99 is the single worst tick.
  - alone: the Agents view by itself beside its feed, for ALONE_SECONDS
    (default 240; 0 skips it), so its tick p99 is the board's own and a
    percentile of that many ticks (as big_alone.py does for the queue board).
Each run starts with a 20 s warm-up (the head start read). Prints
    agents_p99_ms X / agents_cpu_p99_ms X / agents_max_ms X / agents_cpu PCT /
    queues_p99_ms X / queues_cpu_p99_ms X / queues_cpu PCT /
    NAME_phase_p99 "PHASE P99_MS ..." / NAME_slow ... (NAME agents, queues) /
    cpu_ratio R / lines_per_s N / agents_pane OK|... /
    agents_alone_p99_ms X / agents_alone_cpu_p99_ms X / agents_alone_ticks N /
    agents_alone_p50_ms X / agents_alone_max_ms X / agents_alone_phase_p99 ... /
    agents_alone_pane OK|...
p99_ms is a tick's wall time, cpu_p99_ms its own CPU time (what a loaded
machine does not inflate); PCT is the share of one core in percent; the
first block is the run beside the queue view, agents_alone_* the run alone."""
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from procstat import (big_feed, cpu_ticks, tick_phases, tick_spread,  # noqa: E402
                      tick_stats)

TICK = os.sysconf("SC_CLK_TCK")
WARMUP_S = 20.0


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


def start_boards(tmux, ccboard, log, views, workdir, tag):
    """Starts one board per view in a tmux server at 200x60 (the first in
    window 0, the next in window 1), each with its own CCBOARD_TICK_STATS
    file; returns {view: pid} and {view: stats file}."""
    pids, stats = {}, {}
    for i, view in enumerate(views):
        stats[view] = os.path.join(workdir, "tick-%s%s.txt" % (view, tag))
        if os.path.exists(stats[view]):
            os.unlink(stats[view])
        env = ("env TZ=UTC LANG=C.UTF-8 TERM=xterm-256color CCBOARD_TICK_STATS=%s " % stats[view])
        cmd = "exec %s %s -c /dev/null --view %s %s" % (env, ccboard, view, log)
        if i == 0:
            args = ["new-session", "-d", "-x", "200", "-y", "60", "-P", "-F", "#{pane_pid}", cmd]
        else:
            args = ["new-window", "-d", "-P", "-F", "#{pane_pid}", cmd]
        out = subprocess.run(tmux + args, capture_output=True, text=True, check=True)
        pids[view] = int(out.stdout.strip())
    return pids, stats


def agents_pane(tmux):
    """OK when window 0 (the Agents view) shows the floor's 10,000 agents."""
    pane = subprocess.run(tmux + ["capture-pane", "-p", "-t", "0"], capture_output=True,
                          text=True).stdout
    return "OK" if "of 10,000" in pane or "of 9," in pane else "no 'of 10,000' on the pane"


def stop_boards(tmux, pids):
    """Quits each board (each writes its tick stats as it exits), then tmux
    (its socket, tmux[2], removed)."""
    for target in range(len(pids)):
        subprocess.run(tmux + ["send-keys", "-t", str(target), "q"], check=False)
    for _ in range(100):
        if not any(os.path.exists("/proc/%d" % p) for p in pids.values()):
            break
        time.sleep(0.2)
    subprocess.run(tmux + ["kill-server"], check=False, stderr=subprocess.DEVNULL)
    if os.path.exists(tmux[2]):
        os.unlink(tmux[2])


def beside(ccboard, log, workdir, seconds):
    """The Agents view and the queue view at once: prints their figures."""
    sock = os.path.join(workdir, "tmux-agents-%d.sock" % os.getpid())
    tmux = ["tmux", "-S", sock, "-f", "/dev/null"]
    pids, stats = start_boards(tmux, ccboard, log, ("agents", "queues"), workdir, "")
    time.sleep(WARMUP_S)                     # both read the head start
    before = {v: cpu_ticks(p) for v, p in pids.items()}
    n0, t0 = lines(log), time.time()
    time.sleep(seconds)
    after = {v: cpu_ticks(p) for v, p in pids.items()}
    rate = (lines(log) - n0) / (time.time() - t0)
    ok = agents_pane(tmux)
    stop_boards(tmux, pids)
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
    sys.stdout.flush()


def alone(ccboard, log, workdir, seconds):
    """The Agents view by itself beside the feed: prints agents_alone_*."""
    sock = os.path.join(workdir, "tmux-agents-alone-%d.sock" % os.getpid())
    tmux = ["tmux", "-S", sock, "-f", "/dev/null"]
    pids, stats = start_boards(tmux, ccboard, log, ("agents",), workdir, "-alone")
    time.sleep(WARMUP_S + seconds)
    ok = agents_pane(tmux)
    stop_boards(tmux, pids)
    path = stats["agents"]
    p99, cpu99, n, _ = tick_stats(path, wait_s=10)
    p50, mx = tick_spread(path)
    print("agents_alone_p99_ms %s" % p99)
    print("agents_alone_cpu_p99_ms %s" % cpu99)
    print("agents_alone_ticks %s" % n)
    print("agents_alone_p50_ms %s" % p50)
    print("agents_alone_max_ms %s" % mx)
    print("agents_alone_phase_p99 %s" % tick_phases(path)[0])
    print("agents_alone_pane %s" % ok)


def main(ccboard, gen, workdir, seconds, alone_seconds="240"):
    log = os.path.join(workdir, "agents_live.log")
    if os.path.exists(log):
        os.unlink(log)
    feeder = big_feed(gen, log, hours=4, extra=("--seed", "16"))
    try:
        deadline = time.time() + 300
        last = -1
        while time.time() < deadline:       # the head start written: the size settles
            time.sleep(2)
            n = lines(log)
            if n > 100000 and n - last < 20000:
                break
            last = n
        beside(ccboard, log, workdir, float(seconds))
        if float(alone_seconds) > 0:
            alone(ccboard, log, workdir, float(alone_seconds))
    finally:
        feeder.terminate()
        feeder.wait()


if __name__ == "__main__":
    main(*sys.argv[1:6])
