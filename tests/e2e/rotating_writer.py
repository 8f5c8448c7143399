#!/usr/bin/env python3
"""rotating_writer.py PATH ROTATE_AT TRUNCATE_AT TIMES_FILE - copy standard
input to PATH line by line (flushed), as a logger would, then rotate it the
two ways logrotate does: after ROTATE_AT lines by rename (PATH -> PATH.1,
a new PATH), after TRUNCATE_AT lines by copy-truncate (PATH copied to PATH.2,
then truncated to 0). Writes "wall_time cumulative_lines" per line to TIMES_FILE."""
import os
import shutil
import sys
import time


def main(path, rotate_at, truncate_at, times_path):
    rotate_at, truncate_at = int(rotate_at), int(truncate_at)
    out = open(path, "a")
    times = open(times_path, "w")
    n = 0
    for line in sys.stdin:
        out.write(line)
        out.flush()
        n += 1
        times.write("%.3f %d\n" % (time.time(), n))
        if n == rotate_at:
            out.close()
            os.rename(path, path + ".1")
            out = open(path, "a")
        elif n == truncate_at:
            # copy-truncate is racy by nature: lines written just before the
            # copy and not yet read are only in the copy (tail -F loses them
            # too). Give the reader a moment on both sides, as a quiet moment
            # at rotation time would.
            time.sleep(0.3)
            shutil.copyfile(path, path + ".2")
            out.truncate(0)
            out.seek(0)
            time.sleep(0.3)
    out.close()
    times.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
