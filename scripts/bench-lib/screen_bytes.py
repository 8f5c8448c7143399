#!/usr/bin/env python3
"""screen_bytes.py - where a screen's terminal bytes go.

  screen_bytes.py record OUT SECONDS WARMUP COLS ROWS CMD...
      runs CMD on a pseudo-terminal of COLS x ROWS (TERM=xterm-256color,
      UTF-8) like ptycount.py, and writes what it sends after WARMUP seconds
      to OUT (the first paint to OUT.first), with a line "seconds S" in OUT.meta.
  screen_bytes.py analyze OUT COLS ROWS [TOP]
      replays OUT on a small terminal model and attributes its bytes: by kind
      (text, colour/attribute changes (SGR), cursor moves, erases, other) and by
      screen row and column span, each with the row's last text; per second.

Used to find which fields of a board change each second and what each change
costs (issue 15: below htop's traffic at 250x70)."""
import fcntl
import os
import pty
import re
import select
import signal
import struct
import sys
import termios
import time
from collections import defaultdict


def record(out, seconds, warmup, cols, rows, cmd):
    env = dict(os.environ, TERM="xterm-256color", LANG="C.UTF-8", LC_ALL="C.UTF-8",
               COLUMNS=str(cols), LINES=str(rows))
    env.pop("NO_COLOR", None)
    pid, fd = pty.fork()
    if pid == 0:
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        os.execvpe(cmd[0], cmd, env)
    start = time.monotonic()
    end, t_steady = start + seconds, start + warmup
    with open(out, "wb") as steady, open(out + ".first", "wb") as first:
        while True:
            now = time.monotonic()
            if now >= end:
                break
            if not select.select([fd], [], [], end - now)[0]:
                continue
            try:
                data = os.read(fd, 65536)
            except OSError:
                break
            if not data:
                break
            (first if time.monotonic() < t_steady else steady).write(data)
    with open(out + ".meta", "w") as f:
        f.write("seconds %.3f\n" % max(time.monotonic() - start - warmup, 0.001))
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        try:
            if select.select([fd], [], [], 0.1)[0]:
                os.read(fd, 65536)
        except OSError:
            pass
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)


CSI = re.compile(rb"\x1b\[([0-9;?>]*)([@-~])")


def analyze(path, cols, rows, top):
    first = open(path + ".first", "rb").read() if os.path.exists(path + ".first") else b""
    data = open(path, "rb").read()
    secs = float(open(path + ".meta").read().split()[1])
    screen = [[" "] * cols for _ in range(rows)]
    kinds = defaultdict(int)
    row_bytes = defaultdict(int)        # all bytes while the cursor is on the row
    row_text = defaultdict(int)
    span = defaultdict(lambda: defaultdict(int))   # row -> col//10 -> text bytes
    state = {"y": 0, "x": 0, "last": " "}

    def run(buf, count):
        i, n = 0, len(buf)
        while i < n:
            b = buf[i]
            y = state["y"]
            if b == 0x1b:
                m = CSI.match(buf, i)
                if m:
                    k = len(m.group(0))
                    p = [int(v) if v.isdigit() else 0 for v in m.group(1).replace(b"?", b"")
                         .split(b";")] if m.group(1) else []
                    f = m.group(2)
                    p1 = p[0] if p and p[0] else 1
                    kind = "move"
                    if f == b"m":
                        kind = "sgr"
                    elif f in (b"H", b"f"):
                        state["y"] = p1 - 1
                        state["x"] = (p[1] if len(p) > 1 and p[1] else 1) - 1
                    elif f == b"d":
                        state["y"] = p1 - 1
                    elif f in (b"G", b"`"):
                        state["x"] = p1 - 1
                    elif f == b"C":
                        state["x"] += p1
                    elif f == b"D":
                        state["x"] -= p1
                    elif f == b"A":
                        state["y"] -= p1
                    elif f == b"B":
                        state["y"] += p1
                    elif f == b"b":
                        kind = "text(rep)"
                        for _ in range(p1):
                            if 0 <= state["y"] < rows and 0 <= state["x"] < cols:
                                screen[state["y"]][state["x"]] = state["last"]
                            state["x"] += 1
                    elif f in (b"K", b"X", b"J", b"P", b"@", b"L", b"M"):
                        kind = "erase"
                        if f == b"K" and 0 <= y < rows:
                            for c in range(max(state["x"], 0), cols):
                                screen[y][c] = " "
                        if f == b"X" and 0 <= y < rows:
                            for c in range(state["x"], min(cols, state["x"] + p1)):
                                screen[y][c] = " "
                    else:
                        kind = "other"
                    if count:
                        kinds[kind] += k
                        row_bytes[y] += k
                    i += k
                    continue
                k = 3 if i + 1 < n and buf[i + 1] in b"()*+" else 2
                if count:
                    kinds["other"] += k
                    row_bytes[y] += k
                i += k
                continue
            if b < 0x20:
                if b == 0x0d:
                    state["x"] = 0
                elif b == 0x0a:
                    state["y"] += 1
                elif b == 0x08:
                    state["x"] -= 1
                if count:
                    kinds["move" if b in (8, 10, 13) else "other"] += 1
                    row_bytes[y] += 1
                i += 1
                continue
            k = 1 if b < 0x80 else 2 if b < 0xe0 else 3 if b < 0xf0 else 4
            ch = buf[i:i + k].decode("utf-8", "replace")
            if 0 <= y < rows and 0 <= state["x"] < cols:
                screen[y][state["x"]] = ch
            state["last"] = ch
            if count:
                kinds["text"] += k
                row_bytes[y] += k
                row_text[y] += k
                span[y][state["x"] // 10] += k
            state["x"] += 1
            i += k

    run(first, False)
    run(data, True)
    total = len(data)
    print("%d bytes in %.1f s: %.0f B/s" % (total, secs, total / secs))
    for k, v in sorted(kinds.items(), key=lambda kv: -kv[1]):
        print("  %-10s %8.0f B/s  %4.1f %%" % (k, v / secs, 100.0 * v / max(total, 1)))
    print("rows by bytes/s (all bytes with the cursor on the row; text; text by 10-column span):")
    for y, v in sorted(row_bytes.items(), key=lambda kv: -kv[1])[:top]:
        spans = " ".join("%d:%.0f" % (c * 10, t / secs) for c, t in
                         sorted(span[y].items(), key=lambda kv: -kv[1])[:6])
        text = "".join(screen[y]).rstrip() if 0 <= y < rows else "?"
        print("  row %2d %7.0f B/s text %6.0f  [%s]\n         %s" % (y, v / secs,
              row_text[y] / secs, spans, text[:cols]))


def main():
    if len(sys.argv) > 2 and sys.argv[1] == "record":
        record(sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5]),
               int(sys.argv[6]), sys.argv[7:])
    elif len(sys.argv) > 4 and sys.argv[1] == "analyze":
        analyze(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]),
                int(sys.argv[5]) if len(sys.argv) > 5 else 25)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
