#!/usr/bin/env python3
"""contacts_bench.py CCBOARD GEN_QUEUE_LOG EVENTS WORKDIR SECONDS RATE - the
contact events' costs (section 7 of scripts/bench), each beside a reference run
in the same run; prints "key value..." lines for report.py:
  ct_lines N, ct_t_ccboard S, ct_t_jq S, ct_agree yes|no: replay of EVENTS
      (ccboard --replay --once --json) beside jq counting created contacts per
      channel over the same file (best of 3, interleaved); agree: the counts
      equal ccboard's channels' created;
  ct_rss KB, ct_customers N, ct_contacts N: ccboard's peak RSS on that replay
      (GNU time), with the customers and contacts it holds at the end;
  ct_cpu_json PCT, ct_cpu_tail PCT, ct_written N, ct_voice_lps X: live CPU
      while RATE contact events/s (EVENTS, restamped to now) and a voice
      centre (gen-queue-log --realtime, 50 queues, 500 agents) are appended to
      two files followed by ccboard --json and, as the reference, tail -F;
      the share of one core over SECONDS."""
import json
import os
import re
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from procstat import cpu_ticks  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")
JQ = 'reduce (inputs | fromjson? | select(.event == "created") | .channel) as $c ({}; .[$c] += 1)'
PREFIX = 5000        # contact events already in the file when the followers start
WARMUP = 3.0
TS = re.compile(r'"ts":\s*[0-9.eE+-]+')


def timed(cmd, out=subprocess.DEVNULL):
    t0 = time.monotonic()
    subprocess.run(cmd, stdout=out, check=True)
    return time.monotonic() - t0


def replay(ccboard, events, workdir):
    snap = os.path.join(workdir, "ct_replay.json")
    counts = os.path.join(workdir, "ct_jq.json")
    best_cc = best_jq = float("inf")
    subprocess.run(["cat", events], stdout=subprocess.DEVNULL, check=True)   # page cache
    for _ in range(3):
        with open(snap, "w") as f:
            best_cc = min(best_cc, timed([ccboard, "-c", "/dev/null", "--replay", "--once",
                                          "--json", events], f))
        with open(counts, "w") as f:
            best_jq = min(best_jq, timed(["jq", "-nR", JQ, events], f))
    s, jq = json.load(open(snap)), json.load(open(counts))
    ours = {c["name"]: c["today"]["created"] for c in s["channels"]}
    lines = sum(1 for _ in open(events, "rb"))
    print("ct_lines %d" % lines)
    print("ct_t_ccboard %.4f" % best_cc)
    print("ct_t_jq %.4f" % best_jq)
    print("ct_agree %s" % ("yes" if ours == jq else "no"))
    return s


def memory(ccboard, events, workdir):
    tfile = os.path.join(workdir, "ct_time.txt")
    subprocess.run(["/usr/bin/time", "-f", "%M", "-o", tfile, ccboard, "-c", "/dev/null",
                    "--replay", "--once", "--json", events], stdout=subprocess.DEVNULL, check=True)
    print("ct_rss %s" % open(tfile).read().split()[-1])
    customers, contacts = set(), 0
    for line in open(events):
        if '"created"' not in line:
            continue
        try:
            o = json.loads(line)
        except ValueError:
            continue
        if o.get("event") == "created":
            contacts += 1
            if o.get("customer"):
                customers.add(o["customer"])
    print("ct_customers %d" % len(customers))
    print("ct_contacts %d" % contacts)


class Feeder(threading.Thread):
    """Appends lines[start:] to path at rate lines/s, each "ts" set to now."""

    def __init__(self, path, lines, rate, start):
        super().__init__(daemon=True)
        self.path, self.lines, self.rate, self.i = path, lines, rate, start
        self.written = 0
        self.stopping = threading.Event()

    def run(self):
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        t0 = time.monotonic()
        while not self.stopping.is_set():
            delay = t0 + self.written / self.rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            line = self.lines[self.i % len(self.lines)]
            self.i += 1
            os.write(fd, (TS.sub('"ts":%.3f' % time.time(), line, 1) + "\n").encode())
            self.written += 1
        os.close(fd)

    def stop(self):
        self.stopping.set()
        self.join()


def live(ccboard, gen, events, workdir, seconds, rate):
    ct_log = os.path.join(workdir, "ct_live.jsonl")
    voice = os.path.join(workdir, "ct_voice.log")
    for p in (ct_log, voice):
        if os.path.exists(p):
            os.unlink(p)
    lines = []
    with open(events) as f:
        for line in f:
            lines.append(line.rstrip("\n"))
            if len(lines) >= PREFIX + int(rate * (seconds + WARMUP + 30)):
                break
    now = time.time()
    with open(ct_log, "w") as f:
        for line in lines[:PREFIX]:
            f.write(TS.sub('"ts":%.3f' % now, line, 1) + "\n")
    start = int(now) - 600          # ten minutes of history, then the simulated pace
    gen_p = subprocess.Popen(["python3", gen, "--seed", "3", "--queues", "50", "--agents", "500",
                              "--start", str(start), "--hours", "2", "--realtime",
                              "--head-start", "600", "--out", voice])
    while not os.path.exists(voice) or os.path.getsize(voice) == 0:
        time.sleep(0.1)
    time.sleep(1.0)
    devnull = open(os.devnull, "w")
    env = dict(os.environ, TZ="UTC")
    procs = {"json": subprocess.Popen([ccboard, "--json", "-c", "/dev/null", ct_log, voice],
                                      stdout=devnull, env=env),
             "tail": subprocess.Popen(["tail", "-n", "0", "-F", ct_log, voice], stdout=devnull,
                                      stderr=subprocess.DEVNULL)}
    feeder = Feeder(ct_log, lines, rate, PREFIX)
    feeder.start()
    try:
        time.sleep(WARMUP)
        t0, c0 = time.monotonic(), {k: cpu_ticks(p.pid) for k, p in procs.items()}
        v0, w0 = sum(1 for _ in open(voice, "rb")), feeder.written
        time.sleep(seconds)
        t1, c1 = time.monotonic(), {k: cpu_ticks(p.pid) for k, p in procs.items()}
        v1, w1 = sum(1 for _ in open(voice, "rb")), feeder.written
    finally:
        feeder.stop()
        gen_p.terminate()
        for p in procs.values():
            p.terminate()
        for p in list(procs.values()) + [gen_p]:
            p.wait()
    for k in procs:
        print("ct_cpu_%s %.3f" % (k, 100.0 * (c1[k] - c0[k]) / TICK / (t1 - t0)))
    print("ct_written %d" % (w1 - w0))
    print("ct_voice_lps %.1f" % ((v1 - v0) / (t1 - t0)))


def main(ccboard, gen, events, workdir, seconds, rate):
    replay(ccboard, events, workdir)
    memory(ccboard, events, workdir)
    live(ccboard, gen, events, workdir, float(seconds), float(rate))


if __name__ == "__main__":
    main(*sys.argv[1:7])
