#!/usr/bin/env python3
"""faults_follow.py - fault scenarios on a followed queue_log (used by faults_*.sh).

    faults_follow.py CCBOARD DIR SCENARIO

Runs `CCBOARD --json -c DIR/fast.ini DIR/queue_log` (a snapshot every 200 ms),
plays SCENARIO on the log and asserts on the snapshots. Exits 1 with a
message on the first figure that is wrong or late."""
import json
import os
import signal
import subprocess
import sys
import threading
import time

TICK_INI = "[general]\ntick_ms = 200\n"


def noon_tz():
    """A TZ in which it is now between 12:00 and 13:00, whatever the time of
    day: lines stamped "now" stay in today's figures for the whole scenario
    (with TZ=UTC the test failed when run just before midnight)."""
    hour = time.gmtime().tm_hour
    off = (12 - hour + 12) % 24 - 12          # -12..11 hours east of UTC
    return "CCB%+d" % -off                    # POSIX: the sign is west of UTC


class Board:
    def __init__(self, ccboard, cfg, *sources):
        env = dict(os.environ, TZ=noon_tz())
        self.proc = subprocess.Popen([ccboard, "--json", "-c", cfg, *sources], env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.last = None
        self.count = 0
        self.cv = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            snap = json.loads(line)
            with self.cv:
                self.last = snap
                self.count += 1
                self.cv.notify_all()

    def wait(self, what, pred, timeout=5.0):
        """Waits for a snapshot (a newer one than now) where pred holds."""
        end = time.time() + timeout
        with self.cv:
            seen = self.count
            while True:
                if self.count > seen and self.last is not None and pred(self.last):
                    return self.last
                left = end - time.time()
                if left <= 0 or self.proc.poll() is not None:
                    fail("%s: not seen within %.0f s; last snapshot: %s" %
                         (what, timeout, brief(self.last)))
                self.cv.wait(left)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            fail("ccboard did not exit on SIGTERM")
        err = self.proc.stderr.read().decode(errors="replace")
        if rc != 0:
            fail("ccboard exited %d on SIGTERM: %s" % (rc, err[-2000:]))
        return err


def brief(s):
    if not s:
        return "none"
    t = s["total"]
    return json.dumps({"as_of": s["as_of"], "waiting": t["waiting"], "today": {
        k: t["today"][k] for k in ("offered", "answered", "abandoned")},
        "sources": s.get("sources")})


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def today(s, key):
    return s["total"]["today"][key]


class Log:
    """Writes queue_log lines stamped with the current time."""

    def __init__(self, path):
        self.path = path
        self.n = 0

    def lines(self, kind, count, queue="sales", partial=False):
        out = []
        now = int(time.time())
        for _ in range(count):
            self.n += 1
            cid = "%d.%d" % (now, self.n)
            if kind == "abandon":
                out.append("%d|%s|%s|NONE|ENTERQUEUE||555%04d|1\n" % (now - 30, cid, queue, self.n))
                out.append("%d|%s|%s|NONE|ABANDON|1|1|30\n" % (now, cid, queue))
            else:
                out.append("%d|%s|%s|NONE|ENTERQUEUE||555%04d|1\n" % (now, cid, queue, self.n))
        text = "".join(out)
        if partial:
            text = text[:-1]
        return text

    def append(self, text, path=None):
        with open(path or self.path, "a") as f:
            f.write(text)


def scenario_recreate(ccboard, d):
    """The log deleted and created again: both files' calls count once."""
    log = Log(os.path.join(d, "queue_log"))
    log.append(log.lines("abandon", 3))
    b = Board(ccboard, os.path.join(d, "fast.ini"), log.path)
    b.wait("3 abandons of the first file", lambda s: today(s, "abandoned") == 3)
    os.unlink(log.path)
    time.sleep(1.5)
    log.append(log.lines("abandon", 2))
    b.wait("2 more from the re-created file", lambda s: today(s, "abandoned") == 5)
    log.append(log.lines("abandon", 1))
    s = b.wait("an append to the new file", lambda s: today(s, "abandoned") == 6)
    time.sleep(1.2)
    s = b.wait("nothing read twice", lambda s: True)
    if today(s, "abandoned") != 6 or today(s, "offered") != 6:
        fail("after re-creation: %s" % brief(s))
    b.stop()


def scenario_rotate2(ccboard, d):
    """Rotated (renamed) twice within a second, lines in each file: the
    middle file lives 0.4 s (a file that exists for less than the watcher
    needs to notice it cannot be followed by name, as with tail -F)."""
    log = Log(os.path.join(d, "queue_log"))
    log.append(log.lines("abandon", 2))
    b = Board(ccboard, os.path.join(d, "fast.ini"), log.path)
    b.wait("the first 2 abandons", lambda s: today(s, "abandoned") == 2)
    t0 = time.time()
    log.append(log.lines("abandon", 1))
    os.rename(log.path, log.path + ".1")
    log.append(log.lines("abandon", 2))
    time.sleep(0.4)
    os.rename(log.path + ".1", log.path + ".2")
    os.rename(log.path, log.path + ".1")
    log.append(log.lines("abandon", 3))
    if time.time() - t0 > 1.0:
        fail("the two rotations took more than a second")
    b.wait("all 8 abandons, none twice", lambda s: today(s, "abandoned") == 8, timeout=6)
    time.sleep(1.5)
    s = b.wait("still 8", lambda s: True)
    if today(s, "abandoned") != 8:
        fail("after two rotations: %s" % brief(s))
    log.append(log.lines("abandon", 1))
    b.wait("the newest file is followed", lambda s: today(s, "abandoned") == 9)
    b.stop()


def scenario_partial(ccboard, d):
    """A partial last line, then a rotation: the new file's first line is not
    glued onto the partial one."""
    log = Log(os.path.join(d, "queue_log"))
    log.append(log.lines("abandon", 2))
    b = Board(ccboard, os.path.join(d, "fast.ini"), log.path)
    b.wait("the first 2 abandons", lambda s: today(s, "abandoned") == 2)
    log.append(log.lines("enter", 1, partial=True))     # no newline
    time.sleep(0.8)
    os.rename(log.path, log.path + ".1")
    log.append(log.lines("abandon", 3))
    s = b.wait("the 3 abandons of the new file", lambda s: today(s, "abandoned") == 5, timeout=6)
    time.sleep(1.0)
    s = b.wait("settled", lambda s: True)
    if today(s, "abandoned") != 5:
        fail("partial line then rotation: %s" % brief(s))
    src = s["sources"][0]
    if src["bad_lines"] != 0:
        fail("a line was glued or torn: bad_lines = %d" % src["bad_lines"])
    b.stop()


def scenario_hup(ccboard, d):
    """SIGHUP reloads config.ini; a broken one is reported and the old kept."""
    cfg = os.path.join(d, "reload.ini")
    with open(cfg, "w") as f:
        f.write(TICK_INI + "window_s = 600\n")
    log = Log(os.path.join(d, "queue_log"))
    log.append(log.lines("abandon", 1))
    b = Board(ccboard, cfg, log.path)
    b.wait("window of 600 s", lambda s: s["total"]["window"]["seconds"] == 600)
    with open(cfg, "w") as f:
        f.write(TICK_INI + "window_s = 300\n")
    b.proc.send_signal(signal.SIGHUP)
    b.wait("window of 300 s after SIGHUP", lambda s: s["total"]["window"]["seconds"] == 300)
    with open(cfg, "w") as f:
        f.write(TICK_INI + "window_s = soon\n[nonsense\n")
    b.proc.send_signal(signal.SIGHUP)
    time.sleep(1.0)
    if b.proc.poll() is not None:
        fail("ccboard died on a SIGHUP with a broken config (exit %d)" % b.proc.returncode)
    s = b.wait("the old config kept", lambda s: s["total"]["window"]["seconds"] == 300)
    blob = json.dumps(s["sources"])
    if "reload" not in blob and "reload.ini" not in blob:
        fail("the failed reload is not reported in the snapshot: %s" % blob)
    log.append(log.lines("abandon", 1))
    b.wait("still counting", lambda s: today(s, "abandoned") == 2)
    err = b.stop()
    if "reload.ini:2" not in err and "reload.ini:3" not in err:
        fail("the reload error was not reported with file:line on stderr: %r" % err[-500:])


def main():
    ccboard, d, name = sys.argv[1:4]
    with open(os.path.join(d, "fast.ini"), "w") as f:
        f.write(TICK_INI)
    globals()["scenario_" + name](ccboard, d)
    print("ok: " + name)


main()
