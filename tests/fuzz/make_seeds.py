#!/usr/bin/env python3
"""make_seeds.py - writes the seed corpus of each fuzz target into seeds/NAME/
from the real logs in ../shared/data/real, the repository's config files and
a short generated log. Deterministic; run from anywhere:
    tests/fuzz/make_seeds.py [SHARED_DIR]
"""
import gzip
import hashlib
import os
import random
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SHARED = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared")
REAL = os.path.join(SHARED, "data", "real")
LOGS = ["issabel-500-2022-07.queue_log", "freepbx-201-edited-fixture.queue_log",
        "pjsip-realtime-2023.queue_log", "asterisk22-session/queue_log"]


def write(target, name, data):
    d = os.path.join(HERE, "seeds", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def generated_log():
    gen = os.path.join(SHARED, "tools", "gen-queue-log")
    out = subprocess.run([sys.executable, gen, "--seed", "7", "--hours", "1", "--queues", "2",
                          "--agents", "6", "--names", "asterisk", "--freepbx",
                          "--max-lines", "300"], check=True, capture_output=True).stdout
    return out


def queuelog_seeds(logs):
    seen = set()
    for name, data in logs:
        for line in data.split(b"\n"):
            fields = line.split(b"|")
            event = fields[4] if len(fields) > 4 else b"short"
            if (name, event) in seen:
                continue
            seen.add((name, event))
            write("queuelog", "%s-%s" % (name, event.decode("ascii", "replace")), line)
    extra = {
        "nul-torn": b"\0\0\0\0167501\0\0|NONE|NONE|NONE|QUEUESTART|",
        "pause-bar-reason": b"1675555752|NONE|sales|Alex|PAUSE|lunch|with|bars",
        "attended": b"1675555752|1675555752.0|sales|Alex|ATTENDEDTRANSFER|BRIDGE|x|y|12|60|1",
        "exitkey": b"1675555752|1675555752.0|sales|NONE|EXITWITHKEY|5|1|1|30",
        "blank-spaces": b" \t \r",
        "crlf": b"1675555752|1675555752.0|sales|Alex|CONNECT|12|1675555752.1|3\r",
        "huge-number": b"99999999999999999999|1.0|q|NONE|ABANDON|1|1|99999999999999",
    }
    for k, v in extra.items():
        write("queuelog", k, v)


def linebuf_seeds(logs):
    for i, (name, data) in enumerate(logs):
        chunk = data[:3000]
        write("linebuf", name + "-default", bytes([0, i, 7]) + chunk)
        write("linebuf", name + "-max40", bytes([39, 1, i]) + chunk)
        write("linebuf", name + "-crlf", bytes([120, 2, i]) + chunk.replace(b"\n", b"\r\n"))
    write("linebuf", "edges", bytes([4, 0, 1]) + b"\r\n\n\rabc\r\r\nabcd\r\nabcde\n\0\0\nend")


def config_seeds():
    d = os.path.join(ROOT, "tests", "unit", "data", "config")
    for f in sorted(os.listdir(d)):
        write("config", f, read(os.path.join(d, f)))
    for f in ("config.ini", "docs-alerts-config.ini"):
        p = os.path.join(ROOT, f)
        if os.path.exists(p):
            write("config", f, read(p))


def model_seeds(logs):
    for name, data in logs:
        write("model", name, data)
    rnd = random.Random(5)
    for i in range(6):
        prog = bytes([0xff] + [rnd.randrange(256) for _ in range(14 + 60 * i)])
        write("model", "program-%d" % i, prog)
    # programs in a zone with DST ('Z', then the change: 0/1 New York March /
    # November, 2/3 Berlin March / October), starting three hours before the
    # clocks change and running some 30 hours: days of 23 and 25 hours
    for k in range(4):
        write("model", "program-dst-%d" % k, dst_program(random.Random(50 + k), k))


def dst_program(rnd, change):
    # ops: the kinds up to EV_FORGET (0-20), 21-24 as below, later kinds from 25
    day_start = [0, 15, 25, 0][change]          # minutes / 6: 00:00, 01:30, 02:30
    settings = [240, 28, day_start, 0, 20, 5, 0]
    out = [ord("Z"), change] + settings + settings[:3] + [10, 20, 5, 2]
    for _ in range(420):
        r = rnd.random()
        if r < 0.08:
            out += [22]                         # snapshot
        elif r < 0.10:
            out += [24]                         # snapshot and JSON
        elif r < 0.11:
            out += [23]                         # reload (another config)
        elif r < 0.13:
            out += [21, 0, rnd.randrange(1, 60)]   # the clock moves on
        else:
            kind = rnd.choice([0, 0, 0, 1, 1, 2, 3, 4, 4, 5, 6, 7, 8, 12, 13, 16, 17])
            dt = rnd.randrange(-3, 80)
            out += [kind, dt & 0xff, 1] + [rnd.randrange(256) for _ in range(4)]
            out += [rnd.choice([5, 15, 30, 90, 255]) for _ in range(4)] + [rnd.randrange(256)]
    return bytes(out)


def ami_seeds():
    raw = gzip.open(os.path.join(REAL, "asterisk22-session", "ami-transcript.raw.gz")).read()
    msgs = raw.split(b"\r\n\r\n")
    per = len(msgs) // 6
    for i in range(6):
        part = b"\r\n\r\n".join(msgs[i * per:i * per + 40]) + b"\r\n\r\n"
        write("ami", "session-%d" % i, bytes([i, 3]) + part)
    write("ami", "queuestatus-ast11", bytes([0, 0]) +
          read(os.path.join(REAL, "ami-queuestatus-ast11.txt")))


def main():
    logs = []
    for rel in LOGS:
        logs.append((rel.replace("/", "-").replace(".queue_log", ""), read(os.path.join(REAL, rel))))
    logs.append(("generated", generated_log()))
    queuelog_seeds(logs)
    linebuf_seeds(logs)
    config_seeds()
    model_seeds(logs)
    ami_seeds()


main()
