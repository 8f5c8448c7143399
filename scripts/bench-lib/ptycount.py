#!/usr/bin/env python3
"""ptycount.py SECONDS WARMUP COLS ROWS CMD... - runs CMD on a pseudo-terminal of
COLS x ROWS (TERM=xterm-256color, UTF-8), drains and counts every byte it writes
to the terminal for SECONDS, then ends it. Prints one line:
    first_bytes steady_bytes steady_seconds
first_bytes: written during the first WARMUP seconds (the first paint);
steady_bytes / steady_seconds: the rest, what the screen costs once it runs."""
import fcntl
import os
import pty
import select
import signal
import struct
import sys
import termios
import time


def main():
    seconds, warmup = float(sys.argv[1]), float(sys.argv[2])
    cols, rows = int(sys.argv[3]), int(sys.argv[4])
    cmd = sys.argv[5:]
    env = dict(os.environ, TERM="xterm-256color", LANG="C.UTF-8", LC_ALL="C.UTF-8",
               COLUMNS=str(cols), LINES=str(rows))
    env.pop("NO_COLOR", None)
    pid, fd = pty.fork()
    if pid == 0:
        # child: the pty is our controlling terminal; size it before anything draws
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        os.execvpe(cmd[0], cmd, env)
    start = time.monotonic()
    first = steady = 0
    t_steady = start + warmup
    end = start + seconds
    while True:
        now = time.monotonic()
        if now >= end:
            break
        ready, _, _ = select.select([fd], [], [], end - now)
        if not ready:
            continue
        try:
            data = os.read(fd, 65536)
        except OSError:          # the child went away (EIO)
            break
        if not data:
            break
        if time.monotonic() < t_steady:
            first += len(data)
        else:
            steady += len(data)
    elapsed = time.monotonic() - start
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        try:                     # keep draining so the child can exit
            if select.select([fd], [], [], 0.1)[0]:
                os.read(fd, 65536)
        except OSError:
            pass
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            break
    else:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    print(first, steady, "%.3f" % max(elapsed - warmup, 0.001))


if __name__ == "__main__":
    main()
