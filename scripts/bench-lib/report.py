#!/usr/bin/env python3
"""report.py RESULTS - prints scripts/bench's table from its "key value..." lines:
figure | measured | reference (same run) | ratio | target | verdict."""
import sys


def load(path):
    r = {}
    for line in open(path):
        key, _, rest = line.strip().partition(" ")
        if key:
            r[key] = rest.split()
    return r


def num(r, key, i=0):
    try:
        return float(r[key][i])
    except (KeyError, IndexError, ValueError):
        return None


def mlines(x):
    return "%.2f M lines/s" % (x / 1e6)


def verdict(ok):
    return "n/a" if ok is None else ("PASS" if ok else "FAIL")


def ratio(a, b):
    return "%.2fx" % (a / b) if a is not None and b else "-"


def rows_replay(r):
    lines, size = num(r, "lines"), num(r, "bytes")
    t, t_wc, t_mawk, t_core = (num(r, k) for k in ("t_ccboard", "t_wc", "t_mawk", "t_core"))
    if not (lines and t):
        return [("1 replay", "not measured", "", "", "", "n/a")]
    ours, wc, mawk = lines / t, lines / t_wc, lines / t_mawk
    agree = " ".join(r.get("agree", ["?"]))
    out = [
        ("1 replay, %.2f M lines" % (lines / 1e6), "%s, %.0f MB/s" % (mlines(ours), size / t / 1e6),
         "wc -l %s" % mlines(wc), ratio(ours, wc), "(floor)", "-"),
        ("1 replay vs mawk script", mlines(ours), "mawk %s (%s)" % (mlines(mawk), agree),
         ratio(ours, mawk), ">= 5x mawk", verdict(ours >= 5 * mawk)),
        ("1 replay, absolute", mlines(ours), "", "", ">= 10 M lines/s", verdict(ours >= 10e6)),
    ]
    t_all = num(r, "t_mawk_all")
    if t_all:
        out.append(("  vs mawk, whole file", mlines(ours), "mawk since=0 %s" % mlines(lines / t_all),
                    ratio(ours, lines / t_all), "(context)", "-"))
    if t_core:
        out.append(("  parser+model, no I/O", mlines(lines / t_core), "", "", "(where time goes)", "-"))
    return out


def rows_memory(r):
    small, big = num(r, "rss_small"), num(r, "rss_big")
    if not (small and big):
        return [("2 peak RSS", "not measured", "", "", "", "n/a")]
    lines_big = num(r, "lines_big") or 0
    return [("2 peak RSS, %.1f M lines" % (lines_big / 1e6), "%.1f MB" % (big / 1024),
             "%.1f M lines: %.1f MB" % ((num(r, "lines") or 0) / 1e6, small / 1024),
             ratio(big, small), "< 32 MB, flat",
             verdict(big < 32 * 1024 and big <= small * 1.1))]


def rows_live(r):
    tail = num(r, "cpu_tail")
    written = num(r, "cpu_written") or 0
    pane = " ".join(r.get("cpu_pane", ["?"]))
    out = []
    for key, name in (("cpu_screen", "screen (tmux 120x40)"), ("cpu_json", "--json")):
        x = num(r, key)
        if x is None:
            out.append(("3 live CPU, " + name, "not measured", "", "", "", "n/a"))
            continue
        note = " [pane %s]" % pane if key == "cpu_screen" and pane != "OK" else ""
        out.append(("3 live CPU, " + name, "%.2f %% of a core%s" % (x, note),
                    "tail -F %.2f %%" % tail if tail is not None else "",
                    ratio(x, tail), "< 1 %", verdict(x < 1.0 and not note)))
    if written:
        out.append(("  (%d events fed at 200/s)" % written, "", "", "", "", ""))
    return out


def bytes_per_s(r, key):
    first, steady, secs = (num(r, key, i) for i in range(3))
    return None if steady is None or not secs else steady / secs


def rows_traffic(r):
    out = []
    for size, label in (("120", "120x40"), ("220", "220x60")):
        ours, htop = bytes_per_s(r, "tty_ccboard_" + size), bytes_per_s(r, "tty_htop_" + size)
        if ours is None:
            out.append(("4 terminal traffic " + label, "not measured", "", "", "", "n/a"))
            continue
        first = num(r, "tty_ccboard_" + size, 0)
        out.append(("4 terminal bytes/s, " + label,
                    "%.0f B/s (first paint %.1f KB)" % (ours, (first or 0) / 1024),
                    "htop %.0f B/s" % htop if htop is not None else "", ratio(ours, htop),
                    "< htop", verdict(None if htop is None else ours < htop)))
    return out


def lat(r, key):
    v = r.get(key)
    return None if not v else tuple(float(x) for x in v[:4])


def rows_latency(r):
    tail = lat(r, "lat_tail")
    ref = "tail -F %.1f / %.1f ms" % (tail[0], tail[1]) if tail else ""
    out = []
    for key, name, limit in (("lat_json", "line -> --json", 1000.0),
                             ("lat_model", "line -> model", 50.0)):
        x = lat(r, key)
        if x is None:
            out.append(("5 latency, " + name, "not measured", "", "", "", "n/a"))
            continue
        out.append(("5 latency p50/p99, " + name, "%.1f / %.1f ms (max %.1f, n=%d)" % x, ref,
                    ratio(x[1], tail[1]) if tail else "-", "p99 < %.0f ms" % limit,
                    verdict(x[1] < limit)))
    for key in r:
        if key.startswith("lat_") and key.endswith("missing"):
            out.append(("  " + key, " ".join(r[key]), "", "", "", "FAIL"))
    return out


def rows_http(r):
    size, m, fresh, h = (num(r, k) for k in ("http_metrics_bytes", "http_metrics_ms",
                                               "http_metrics_fresh_ms", "http_healthz_ms"))
    out = []
    if m is None:
        out.append(("6 /metrics scrape", "not measured", "", "", "", "n/a"))
    else:
        out.append(("6 /metrics scrape, 50 q 500 a", "%.2f ms, %.0f KB" % (m, size / 1024),
                    "curl /healthz %.2f ms" % h, ratio(m, h), "< 5 ms", verdict(m < 5)))
        if fresh is not None:
            out.append(("  first scrape after a tick", "%.2f ms" % fresh, "", ratio(fresh, h),
                        "< 5 ms", verdict(fresh < 5)))
    lps = num(r, "http_events_lps")
    out.append(("6 POST /events, 1 client", "%.0f lines/s" % lps if lps else "not measured",
                "", "", ">= 50,000 lines/s", verdict(None if lps is None else lps >= 50000)))
    cpu = num(r, "http_prom_cpu")
    out.append(("6 live CPU, Prometheus at 1 s", "%.2f %% of a core" % cpu if cpu is not None
                else "not measured", "", "", "< 1 %", verdict(None if cpu is None else cpu < 1)))
    return out


def rows_contacts(r):
    lines, t, t_jq = num(r, "ct_lines"), num(r, "ct_t_ccboard"), num(r, "ct_t_jq")
    if not (lines and t and t_jq):
        return [("7 contacts replay", "not measured", "", "", "", "n/a")]
    ours, jq = lines / t, lines / t_jq
    agree = "agree" if r.get("ct_agree") == ["yes"] else "DISAGREE"
    out = [("7 contacts replay, %.2f M events" % (lines / 1e6), "%.0f k events/s" % (ours / 1e3),
            "jq %.0f k events/s (%s)" % (jq / 1e3, agree), ratio(ours, jq), ">= 10x jq",
            verdict(ours >= 10 * jq and agree == "agree"))]
    rss, cust, cont = num(r, "ct_rss"), num(r, "ct_customers"), num(r, "ct_contacts")
    if rss:
        out.append(("7 contacts peak RSS", "%.1f MB" % (rss / 1024),
                    "%.0f k customers, %.0f k contacts" % ((cust or 0) / 1e3, (cont or 0) / 1e3),
                    "", "< 64 MB", verdict(rss < 64 * 1024)))
    for key, what in (("ctmem_", "contact events"), ("ctmem_big_", "big centre, 10 min")):
        heap = num(r, key + "peak_kb")
        if heap:
            out.append(("7 contacts model heap, %s" % what, "%.1f MB" % (heap / 1024),
                        "%.0f k contacts, %.0f k customers" % ((num(r, key + "contacts") or 0) / 1e3,
                                                              (num(r, key + "customers") or 0) / 1e3),
                        "", "", ""))
    cpu, tail = num(r, "ct_cpu_json"), num(r, "ct_cpu_tail")
    if cpu is not None:
        out.append(("7 live CPU, contacts + voice, --json", "%.2f %% of a core" % cpu,
                    "tail -F %.2f %%" % tail if tail is not None else "", ratio(cpu, tail),
                    "< 1 %", verdict(cpu < 1.0)))
        out.append(("  (%d contact events at 200/s, voice %.1f lines/s)"
                    % (num(r, "ct_written") or 0, num(r, "ct_voice_lps") or 0), "", "", "", "", ""))
    return out


def rows_agents(r):
    # agents_view.py's lines, each under scripts/bench's "agents_" prefix: the
    # Agents view alone beside its feed (agents_alone_*; its p99 is held to the
    # target), and beside the queue view on the same feed (the CPU ratio needs
    # both at once; there a tick waits for a core, so no verdict on its p99)
    p99, cpu99 = num(r, "agents_agents_p99_ms"), num(r, "agents_agents_cpu_p99_ms")
    qp99, qcpu99 = num(r, "agents_queues_p99_ms"), num(r, "agents_queues_cpu_p99_ms")
    ratio_cpu = num(r, "agents_cpu_ratio")
    if p99 is None:
        return [("8 Agents view, 10,000 agents", "not measured", "", "", "", "n/a")]
    a99 = num(r, "agents_agents_alone_p99_ms")
    # the Agents view's pane shows the floor's 10,000 agents, in each run
    panes = [" ".join(r[k]) for k in ("agents_agents_pane", "agents_agents_alone_pane") if k in r]
    note = "".join(" [pane %s]" % p for p in panes if p != "OK")
    if a99 is None:
        alone = ("8 Agents view tick p99, 10k agents", "not measured" + note, "", "", "< 10 ms",
                 "n/a")
    else:
        a = {k: " ".join(r.get("agents_agents_alone_" + k, ["-"]))
             for k in ("cpu_p99_ms", "ticks", "p50_ms", "max_ms")}
        alone = ("8 Agents view tick p99, 10k agents", "%.1f ms%s" % (a99, note),
                 "cpu %s, %s ticks, p50 %s, max %s" % (a["cpu_p99_ms"], a["ticks"], a["p50_ms"],
                                                      a["max_ms"]),
                 "", "< 10 ms", verdict(a99 < 10 and not note))
    return [
        alone,
        ("8 Agents view tick p99, beside the queue view",
         "%.1f ms (CPU %.1f ms)" % (p99, cpu99 or 0),
         "queue view %.1f ms (CPU %.1f ms)" % (qp99 or 0, qcpu99 or 0), ratio(p99, qp99),
         "", "n/a"),
        ("8 Agents view CPU, 2,000 lines/s", "%.1f %% of a core" % num(r, "agents_agents_cpu"),
         "queue view %.1f %%" % num(r, "agents_queues_cpu"), "%.2fx" % ratio_cpu,
         "<= 1.5x", verdict(ratio_cpu <= 1.5)),
        ("8 Agents view tick phases p99, alone (CPU ms)",
         " ".join(r.get("agents_agents_alone_phase_p99", ["-"])), "", "", "", ""),
    ] + [("8 %s view tick phases p99, beside (CPU ms)" % v.capitalize(),
            " ".join(r.get("agents_%s_phase_p99" % v, ["-"])), "", "", "", "")
           for v in ("agents", "queues")]


def rows_staffing(r):
    snap, c, a, heavy = (num(r, k) for k in ("staff_snapshot_ms", "staff_staffing_c_ms",
                                              "staff_staffing_a_ms", "staff_staffing_heavy_ms"))
    if c is None:
        return [("10 staffing per tick", "not measured", "", "", "", "n/a")]
    q = "%d q" % (num(r, "staff_queues") or 0)
    return [
        ("10 staffing per tick, %s, Erlang C" % q, "%.3f ms" % c, "snapshot build %.3f ms" % snap,
         ratio(c, snap), "< 1 ms", verdict(c < 1)),
        ("  the same, Erlang A", "%.3f ms" % a, "", ratio(a, snap), "< 1 ms", verdict(a < 1)),
        ("  50 q x 200 Erlangs, Erlang C", "%.3f ms" % heavy, "", ratio(heavy, snap),
         "(a large centre)", "-"),
    ]


def main(path):
    r = load(path)
    rows = [("figure", "measured", "reference (same run)", "ratio", "target", "verdict")]
    for part in (rows_replay, rows_memory, rows_live, rows_traffic, rows_latency, rows_http,
                 rows_contacts,
                 rows_agents, rows_staffing):
        rows += part(r)
    widths = [max(len(row[i]) for row in rows) for i in range(6)]
    for n, row in enumerate(rows):
        print(" | ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip())
        if n == 0:
            print("-+-".join("-" * w for w in widths))


if __name__ == "__main__":
    main(sys.argv[1])
