#!/usr/bin/env python3
"""http_bench.py CCBOARD LOG WORKDIR SECONDS - the HTTP listener's costs:
  - /metrics of a replayed LOG (50 queues, 500 agents): size and curl's
    time_total (median of 30) beside curl of /healthz, the floor of one round
    trip;
  - POST /events from one keep-alive client: batches of 1,000 lines
    (ENTERQUEUE then ABANDON pairs, stamped now) for a few seconds, lines/s;
  - live CPU of ccboard --replay --headless on LOG while a real Prometheus
    scrapes it every second, over SECONDS after a warm-up.
Prints key value lines: metrics_bytes, metrics_ms (median; the text is
rendered once per tick), metrics_fresh_ms (each the first after a tick),
healthz_ms, events_lps,
prom_cpu (percent of one core), prom_scrapes."""
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request

TICK = os.sysconf("SC_CLK_TCK")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def wait_for(cond, timeout=120):
    end = time.time() + timeout
    while time.time() < end:
        try:
            v = cond()
            if v:
                return v
        except (OSError, ValueError, KeyError, http.client.HTTPException):
            pass
        time.sleep(0.1)
    raise SystemExit("http_bench: timed out")


def cpu_ticks(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def curl_ms(url, n=30, gap=0.0):
    times = []
    for _ in range(n):
        time.sleep(gap)
        out = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{time_total}", url],
                             capture_output=True, text=True, check=True).stdout
        times.append(float(out) * 1000)
    return statistics.median(times)


def replayed(ccboard, log):
    port = free_port()
    p = subprocess.Popen([ccboard, "-c", "/dev/null", "--replay", "--headless", "--http",
                          "127.0.0.1:%d" % port, log], stderr=subprocess.DEVNULL)

    def done():
        with urllib.request.urlopen("http://127.0.0.1:%d/snapshot" % port) as r:
            s = json.loads(r.read())
        return any(x["kind"] == "file" and x["state"] == "done" for x in s["sources"])
    wait_for(done)
    return p, port


def scrape(ccboard, log):
    p, port = replayed(ccboard, log)
    try:
        with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port) as r:
            size = len(r.read())
        m = curl_ms("http://127.0.0.1:%d/metrics" % port)
        # each after a new tick: rendered afresh (the others reuse the tick's text)
        fresh = curl_ms("http://127.0.0.1:%d/metrics" % port, 10, 1.0)
        h = curl_ms("http://127.0.0.1:%d/healthz" % port)
    finally:
        p.terminate()
        p.wait()
    print("metrics_bytes %d" % size)
    print("metrics_ms %.3f" % m)
    print("metrics_fresh_ms %.3f" % fresh)
    print("healthz_ms %.3f" % h)


def events(ccboard, workdir):
    port = free_port()
    tok = os.path.join(workdir, "bench.token")
    with open(tok, "w") as f:
        f.write("bench\n")
    os.chmod(tok, 0o600)
    cfg = os.path.join(workdir, "bench-http.ini")
    with open(cfg, "w") as f:
        f.write("[http]\nlisten = 127.0.0.1:%d\ntoken_file = %s\nmax_body = 4M\n" % (port, tok))
    log = os.path.join(workdir, "bench-empty.log")
    open(log, "w").close()
    p = subprocess.Popen([ccboard, "-c", cfg, "--headless", log], stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: urllib.request.urlopen("http://127.0.0.1:%d/healthz" % port).status == 200)
        c = http.client.HTTPConnection("127.0.0.1", port)
        hdr = {"Authorization": "Bearer bench"}
        n, k, t0 = 0, 0, time.time()
        while time.time() - t0 < 5:
            t = int(time.time())
            lines = []
            for i in range(500):
                cid = "%d.%d" % (t, k)
                k += 1
                q = "q%d" % (k % 50)
                lines.append("%d|%s|%s|NONE|ENTERQUEUE||5550000|1" % (t, cid, q))
                lines.append("%d|%s|%s|NONE|ABANDON|1|1|3" % (t, cid, q))
            c.request("POST", "/events", "\n".join(lines) + "\n", hdr)
            r = c.getresponse()
            d = json.loads(r.read())
            if r.status != 200 or d["bad_lines"]:
                raise SystemExit("http_bench: POST answered %d %r" % (r.status, d["bad_lines"][:5]))
            n += d["accepted"]
        took = time.time() - t0
    finally:
        p.terminate()
        p.wait()
    print("events_lps %.0f" % (n / took))
    print("events_lines %d" % n)


def prom_cpu(ccboard, log, workdir, seconds):
    p, port = replayed(ccboard, log)
    pport = free_port()
    cfg = os.path.join(workdir, "bench-prom.yml")
    with open(cfg, "w") as f:
        f.write("global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: ccboard\n"
                "    static_configs:\n      - targets: ['127.0.0.1:%d']\n" % port)
    prom = subprocess.Popen(["prometheus", "--config.file=" + cfg,
                             "--storage.tsdb.path=" + os.path.join(workdir, "bench-tsdb"),
                             "--web.listen-address=127.0.0.1:%d" % pport],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        q = "http://127.0.0.1:%d/api/v1/query?query=up" % pport

        def up():
            with urllib.request.urlopen(q) as r:
                res = json.loads(r.read())["data"]["result"]
            return res and res[0]["value"][1] == "1"
        wait_for(up)
        time.sleep(3)
        c0, t0 = cpu_ticks(p.pid), time.time()
        time.sleep(seconds)
        c1, t1 = cpu_ticks(p.pid), time.time()
        print("prom_cpu %.3f" % ((c1 - c0) / TICK / (t1 - t0) * 100))
        print("prom_seconds %.0f" % (t1 - t0))
    finally:
        prom.terminate()
        prom.wait()
        p.terminate()
        p.wait()


def main(ccboard, log, workdir, seconds):
    scrape(ccboard, log)
    events(ccboard, workdir)
    prom_cpu(ccboard, log, workdir, float(seconds))


if __name__ == "__main__":
    main(*sys.argv[1:5])
