"""feed.py - appends queue_log lines to a file at a steady rate, each stamped
with the wall-clock second it is written in (the rest of the line unchanged),
one write() per line as Asterisk does. Used as a module by live_cpu.py and
latency.py, or from the shell:
    python3 feed.py SOURCE_LOG OUT_LOG RATE SECONDS [PREFIX_LINES]"""
import os
import sys
import threading
import time


def restamp(line, now):
    """The line with its epoch (the first field) replaced by now."""
    bar = line.find("|")
    return "%d%s" % (now, line[bar:]) if bar > 0 else line


class Feeder(threading.Thread):
    """Writes lines[start:] to path at rate lines/s until stop() or the lines run
    out (then it starts again from start). Counts what it wrote."""

    def __init__(self, path, lines, rate, start=0):
        super().__init__(daemon=True)
        self.path, self.lines, self.rate, self.start_at = path, lines, rate, start
        self.written = 0
        self.stopping = threading.Event()

    def run(self):
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        t0 = time.monotonic()
        i = self.start_at
        while not self.stopping.is_set():
            due = t0 + self.written / self.rate
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            if i >= len(self.lines):
                i = self.start_at
            os.write(fd, (restamp(self.lines[i], int(time.time())) + "\n").encode())
            i += 1
            self.written += 1
        os.close(fd)

    def stop(self):
        self.stopping.set()
        self.join()


def write_prefix(path, lines, n):
    """Writes the first n lines at once (now-stamped): the state ccboard starts from."""
    now = int(time.time())
    with open(path, "w") as f:
        for line in lines[:n]:
            f.write(restamp(line, now) + "\n")


def read_lines(path):
    with open(path) as f:
        return [l.rstrip("\n") for l in f if l.strip()]


if __name__ == "__main__":
    src, out, rate, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
    prefix = int(sys.argv[5]) if len(sys.argv) > 5 else 0
    lines = read_lines(src)
    write_prefix(out, lines, prefix)
    feeder = Feeder(out, lines, rate, prefix)
    feeder.start()
    time.sleep(seconds)
    feeder.stop()
    print(feeder.written)
