#!/usr/bin/env python3
"""expect.py SNAPSHOT.json PATH=VALUE... - check figures in ccboard's last JSON
snapshot. PATH is dotted: queues.NAME.today.offered, total.agents.paused,
sources.0.bad_lines, input.duplicates, as_of. VALUE is compared as JSON
(numbers within 0.01, null, strings). Exits 1 listing every mismatch."""
import json
import sys


def lookup(snap, path):
    node = snap
    parts = path.split(".")
    i = 0
    while i < len(parts):
        p = parts[i]
        if isinstance(node, list):
            names = {q.get("name"): q for q in node if isinstance(q, dict)}
            for j in range(len(parts), i, -1):  # names may contain dots: longest match
                cand = ".".join(parts[i:j])
                if cand in names:
                    node, i = names[cand], j - 1
                    break
            else:
                if not p.isdigit():
                    raise KeyError(p)
                node = node[int(p)]
        else:
            node = node[p]
        i += 1
    return node


def main(argv):
    lines = [l for l in open(argv[1]) if l.strip()]
    snap = json.loads(lines[-1])
    bad = 0
    for spec in argv[2:]:
        path, _, want = spec.partition("=")
        want = json.loads(want)
        try:
            got = lookup(snap, path)
        except (KeyError, IndexError) as e:
            print("%s: missing (%s)" % (path, e))
            bad += 1
            continue
        same = (abs(got - want) < 0.01 if isinstance(want, float) and isinstance(got, (int, float))
                else got == want)
        if not same:
            print("%s: got %r, expected %r" % (path, got, want))
            bad += 1
    print("%d checks, %d failed" % (len(argv) - 2, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
