"""procstat.py - what the live benchmarks read of a running ccboard and its
feed: CPU ticks and peak RSS from /proc, lines in a growing log, the
generator's head start, and the figures of a CCBOARD_TICK_STATS file; and
the big centre's live feed they start.
Imported by big_live.py, big_json_keys.py, agents_view.py, live_cpu.py and
contacts_bench.py (run as scripts from this folder)."""
import os
import re
import subprocess
import time


# The head start outlasts the sliding window (window_s, 900 s by default): a
# board measured on a shorter one never has records leaving its window, the
# work a board that has run a while does every second.
HEAD_START_S = 1200


def big_feed(gen, log, hours=8, extra=()):
    """Starts gen-queue-log writing the big centre live to log (1,000
    queues, 10,000 agents, ~2,000 lines/s after a HEAD_START_S head start), stamped
    at the wall clock (its default start is a fixed date: a board would see
    every call as months old). Returns the process."""
    return subprocess.Popen(["python3", gen] + list(extra) +
                            ["--queues", "1000", "--agents", "10000", "--aht", "8", "--wrapup", "1",
                             "--calls-per-hour", "2400", "--realtime", "--head-start", str(HEAD_START_S),
                             "--hours", str(hours), "--out", log,
                             "--start", str(int(time.time()) - HEAD_START_S)],
                            stdout=subprocess.DEVNULL)


def cpu_ticks(pid):
    """utime + stime of pid (fields 14 and 15 of /proc/PID/stat), in clock ticks."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def hwm_mb(pid):
    """Peak RSS of pid (VmHWM) in MB."""
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    return 0.0


def lines_in(path):
    """Lines in path now (0 when it is not there yet)."""
    try:
        with open(path, "rb") as f:
            return sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))
    except OSError:
        return 0


def wait_head_start(log, deadline, who):
    """Waits until gen-queue-log has written its head start: the file grows
    at the live pace (~2,000 lines/s of ~60 bytes), no longer in a rush."""
    last = -1
    while time.monotonic() < deadline:
        time.sleep(1.0)
        n = os.path.getsize(log) if os.path.exists(log) else 0
        if last > 0 and n - last < 400000:
            return
        last = n
    raise SystemExit("%s: the generator did not finish its head start" % who)


def tick_stats(path, wait_s=0):
    """(wall p99, cpu p99, ticks, first tick wall ms) from a CCBOARD_TICK_STATS
    file, waiting up to wait_s for ccboard to write it; "-" where missing."""
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline and not os.path.exists(path):
        time.sleep(0.2)
    try:
        text = open(path).read()
    except OSError:
        return "-", "-", "-", "-"
    w = re.search(r"(\d+) ticks, wall .*p99 ([\d.]+) ms.*first ([\d.]+) ms", text)
    c = re.search(r"ticks, cpu .*p99 ([\d.]+) ms", text)
    return (w.group(2) if w else "-", c.group(1) if c else "-", w.group(1) if w else "-",
            w.group(3) if w else "-")


def tick_spread(path):
    """(wall p50, wall max) from a CCBOARD_TICK_STATS file; "-" where missing."""
    try:
        text = open(path).read()
    except OSError:
        return "-", "-"
    w = re.search(r"ticks, wall .*p50 ([\d.]+) ms.*max ([\d.]+) ms", text)
    return (w.group(1), w.group(2)) if w else ("-", "-")


def tick_phases(path):
    """(per-phase p99, slow ticks by phase) from a CCBOARD_TICK_STATS file's
    "tick phases (cpu ms mean/p99/max): NAME M/P/X ..." and "tick slow (cpu >
    10 ms): N ticks, mean ms by phase: NAME M ..." lines, as "NAME P99 ..."
    and "N NAME MEAN ..." (the phase whose time makes the slow ticks)."""
    try:
        text = open(path).read()
    except OSError:
        return "-", "-"
    ph = re.search(r"tick phases [^:]*: (.*)", text)
    slow = re.search(r"tick slow [^:]*: (\d+) ticks, mean ms by phase: (.*)", text)
    p99 = " ".join("%s %s" % (n, v.split("/")[1])
                   for n, v in re.findall(r"(\S+) ([\d.]+/[\d.]+/[\d.]+)", ph.group(1))) if ph else "-"
    return p99, ("%s %s" % (slow.group(1), slow.group(2)) if slow else "-")
