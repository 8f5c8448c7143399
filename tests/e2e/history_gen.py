#!/usr/bin/env python3
"""history_gen.py - past days for the history test (SPEC 7), from one unit day.

gen-queue-log writes one small day (the unit); a day of the test is n copies
of it (callids and agents renamed per copy), so a day with 8 copies has
exactly 1.6 times the calls of a day with 5 in every interval. Mondays of
eight weeks get 4, 5, 6, 5, 7, 5, 3, 5 copies (median 5), Tuesdays 9 (another
weekday, which must not count), and "today", the Monday after, 8.

Writes DIR/mon{w}.log, DIR/tue{w}.log, DIR/today.log, and DIR/expected.json:
the median per interval of the Mondays' offered calls (computed here from the
lines, not from ccboard), today's offered per interval and today's start.
With --big N: DIR/big.log, N days of 5 copies each (for kill -9 mid-import).
With --live N: DIR/live.log, N copies ending now (for kill -9 mid-write)."""
import argparse
import json
import statistics
import subprocess
import time

MONDAY = 1767571200          # 2026-01-05 00:00 UTC, a Monday
DAY = 86400
OUTCOMES = {"CONNECT", "ABANDON", "EXITWITHTIMEOUT", "EXITWITHKEY", "EXITEMPTY", "WITHDRAW"}
MON_COPIES = [4, 5, 6, 5, 7, 5, 3, 5]


def unit(gen, out):
    subprocess.run([gen, "--seed", "7", "--start", str(MONDAY + 8 * 3600), "--hours", "8",
                    "--queues", "1", "--agents", "3", "--calls-per-hour", "5",
                    "--out", out], check=True)
    rows = []
    with open(out) as f:
        for line in f:
            p = line.rstrip("\n").split("|")
            rows.append((int(p[0]) - MONDAY, p))
    return rows


def day_lines(rows, day_start, copies):
    out = []
    for k in range(copies):
        for off, p in rows:
            q = list(p)
            q[0] = str(day_start + off)
            if q[1] != "NONE":
                q[1] = "%s-k%d" % (q[1], k)
            if q[3] != "NONE":
                q[3] = "%s-k%d" % (q[3], k)
            out.append((day_start + off, k, "|".join(q)))
    out.sort(key=lambda x: (x[0], x[1]))
    return [x[2] for x in out]


def offered_per_interval(lines, day_start):
    n = {}
    for line in lines:
        p = line.split("|")
        if p[4] in OUTCOMES:
            iv = (int(p[0]) - day_start) // 900
            n[iv] = n.get(iv, 0) + 1
    return n


def write(path, lines):
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gen", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--big", type=int, default=0)
    ap.add_argument("--live", type=int, default=0)
    a = ap.parse_args()
    rows = unit(a.gen, a.out + "/unit.log")
    mondays = []
    for w in range(8):
        start = MONDAY + w * 7 * DAY
        lines = day_lines(rows, start, MON_COPIES[w])
        write("%s/mon%d.log" % (a.out, w), lines)
        mondays.append(offered_per_interval(lines, start))
        write("%s/tue%d.log" % (a.out, w), day_lines(rows, start + DAY, 9))
    today = MONDAY + 8 * 7 * DAY
    lines = day_lines(rows, today, 8)
    write(a.out + "/today.log", lines)
    slots = sorted(set().union(*mondays))
    median = {s: statistics.median([m.get(s, 0) for m in mondays]) for s in slots}
    with open(a.out + "/expected.json", "w") as f:
        json.dump({"day_start": today, "median": median,
                   "today": offered_per_interval(lines, today)}, f)
    if a.big:
        with open(a.out + "/big.log", "w") as f:
            for d in range(a.big):
                f.write("\n".join(day_lines(rows, MONDAY - (a.big - d) * DAY, 5)) + "\n")
    if a.live:
        now = int(time.time())
        span = rows[-1][0] - rows[0][0]
        shift = now - span - 1 - rows[0][0]
        write(a.out + "/live.log", day_lines(rows, shift, a.live))


if __name__ == "__main__":
    main()
