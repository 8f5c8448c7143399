#!/usr/bin/env python3
"""big_live.py CCBOARD GEN WORKDIR SECONDS - a big centre followed live:
gen-queue-log --queues 1000 --agents 10000 --aht 8 --wrapup 1
--calls-per-hour 2400 --realtime --head-start 1200 writes about 2,000 lines/s
to a file, and these follow it at once, over SECONDS after a warm-up:
  ccboard --json (to /dev/null), ccboard's screen in tmux at 250x70, and the
  reference `tail -F` (to /dev/null): CPU share of one core (utime + stime);
  ccboard's screen and htop, each on a pseudo-terminal of 250x70: bytes
  written to the terminal per second once running (ptycount.py);
  both ccboards: peak RSS (VmHWM) and their tick stats (CCBOARD_TICK_STATS).
Prints "key value" lines: json_cpu screen_cpu tail_cpu rate json_rss_mb
screen_rss_mb json_p99_ms screen_p99_ms json_ticks screen_ticks, json_phase_p99 and
screen_phase_p99 (each phase of a tick: "NAME P99_MS ..."), json_slow and screen_slow
(the ticks over 10 ms of CPU: "N NAME MEAN_MS ..."), tty_ccboard
tty_htop (bytes/s), pane OK|... """
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from procstat import big_feed, cpu_ticks, hwm_mb, lines_in, wait_head_start, tick_stats, tick_phases  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")
HERE = os.path.dirname(os.path.abspath(__file__))
COLS, ROWS = 250, 70


def main(ccboard, gen, workdir, seconds):
    seconds = float(seconds)
    log = os.path.join(workdir, "big_queue_log")
    for f in (log,):
        if os.path.exists(f):
            os.unlink(f)
    env = dict(os.environ, TZ="UTC")
    genp = big_feed(gen, log)
    sock = os.path.join(workdir, "tmux-big-%d.sock" % os.getpid())
    tmux = ["tmux", "-S", sock, "-f", "/dev/null"]
    tick_json = os.path.join(workdir, "tick_json.txt")
    tick_screen = os.path.join(workdir, "tick_screen.txt")
    for f in (tick_json, tick_screen):
        if os.path.exists(f):
            os.unlink(f)
    procs, ptys = [], []
    devnull = open(os.devnull, "w")
    try:
        wait_head_start(log, time.monotonic() + 420, "big_live")
        n0 = lines_in(log)
        pane = subprocess.run(
            tmux + ["new-session", "-d", "-x", str(COLS), "-y", str(ROWS), "-P", "-F",
                    "#{pane_pid}",
                    "exec env TZ=UTC LANG=C.UTF-8 TERM=xterm-256color CCBOARD_TICK_STATS=%s "
                    "%s -c /dev/null %s" % (tick_screen, ccboard, log)],
            capture_output=True, text=True, check=True)
        pids = {"screen": int(pane.stdout.strip())}
        procs.append(subprocess.Popen([ccboard, "--json", "-c", "/dev/null", log], stdout=devnull,
                                      env=dict(env, CCBOARD_TICK_STATS=tick_json)))
        procs.append(subprocess.Popen(["tail", "-n", "0", "-F", log], stdout=devnull))
        pids["json"], pids["tail"] = procs[0].pid, procs[1].pid
        warmup = 20.0
        htop_home = os.path.join(workdir, "htop-home")
        os.makedirs(htop_home, exist_ok=True)
        pty_secs = str(warmup + seconds)
        for cmd in ([ccboard, "-c", "/dev/null", log],
                    ["env", "HOME=" + htop_home, "htop", "-d", "10"]):
            ptys.append(subprocess.Popen(["python3", os.path.join(HERE, "ptycount.py"), pty_secs,
                                          str(warmup), str(COLS), str(ROWS)] + cmd,
                                         stdout=subprocess.PIPE, text=True))
        time.sleep(warmup)
        t0, c0, l0 = time.monotonic(), {k: cpu_ticks(p) for k, p in pids.items()}, lines_in(log)
        time.sleep(seconds)
        t1, c1, l1 = time.monotonic(), {k: cpu_ticks(p) for k, p in pids.items()}, lines_in(log)
        rss = {k: hwm_mb(pids[k]) for k in ("json", "screen")}
        shot = subprocess.run(tmux + ["capture-pane", "-p"], capture_output=True, text=True).stdout
        tty = []
        for p in ptys:
            out = p.communicate(timeout=60)[0].split()
            tty.append(float(out[1]) / float(out[2]) if len(out) == 3 else float("nan"))
        subprocess.run(tmux + ["send-keys", "q"], capture_output=True)
        procs[0].terminate()
        procs[0].wait(timeout=20)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not os.path.exists(tick_screen):
            time.sleep(0.2)
    finally:
        genp.terminate()
        for p in procs + ptys:
            if p.poll() is None:
                p.terminate()
                p.wait(timeout=10)
        subprocess.run(tmux + ["kill-server"], capture_output=True)
        if os.path.exists(sock):
            os.unlink(sock)
    wall = t1 - t0
    for k in ("json", "screen", "tail"):
        print("%s_cpu %.3f" % (k, 100.0 * (c1[k] - c0[k]) / TICK / wall))
    print("rate %.0f" % ((l1 - l0) / wall))
    print("lines_at_start %d" % n0)
    for k in ("json", "screen"):
        print("%s_rss_mb %.1f" % (k, rss[k]))
        p99, cpu99, n, first = tick_stats(tick_json if k == "json" else tick_screen)
        print("%s_p99_ms %s" % (k, p99))
        print("%s_first_ms %s" % (k, first))
        print("%s_cpu_p99_ms %s" % (k, cpu99))
        print("%s_ticks %s" % (k, n))
        ph, slow = tick_phases(tick_json if k == "json" else tick_screen)
        print("%s_phase_p99 %s" % (k, ph))
        print("%s_slow %s" % (k, slow))
    print("tty_ccboard %.0f" % tty[0])
    print("tty_htop %.0f" % tty[1])
    print("pane %s" % ("OK" if sum(1 for l in shot.splitlines() if l.strip()) > 10
                       else "EMPTY:" + shot.strip()[:200].replace("\n", " ")))
    with open(os.path.join(workdir, "big_pane.txt"), "w") as f:
        f.write(shot)
    if os.path.exists(log):
        os.unlink(log)


if __name__ == "__main__":
    if not shutil.which("htop"):
        print("big_live: htop is missing: apt-get install -y htop", file=sys.stderr)
        sys.exit(1)
    main(*sys.argv[1:5])
