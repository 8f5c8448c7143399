"""http_check.py - the HTTP listener end to end (used by http_*.sh).

    http_check.py events CCBOARD TMPDIR       status codes, figures moved by the posted lines,
                                              10,000 lines from 8 clients, refusals at start
    http_check.py stall CCBOARD TMPDIR        a stalled client holds nothing up; /snapshot is
                                              the --json line of its tick
    http_check.py prometheus CCBOARD TMPDIR LOG   a real Prometheus scrapes a replayed board
"""
import http.client
import json
import math
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def ok(msg):
    print("ok: " + msg)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_for(cond, what, timeout=30.0):
    end = time.time() + timeout
    while time.time() < end:
        try:
            v = cond()
            if v:
                return v
        except (OSError, http.client.HTTPException, ValueError, KeyError):
            pass
        time.sleep(0.05)
    fail("timed out waiting for " + what)


def request(port, method, path, body=None, headers=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    c.request(method, path, body=body, headers=headers or {})
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, dict((k.lower(), v) for k, v in r.getheaders()), data


def snapshot(port):
    st, _, data = request(port, "GET", "/snapshot")
    if st != 200:
        raise ValueError("snapshot %d" % st)
    return json.loads(data)


def start(ccboard, args, stdout=subprocess.DEVNULL):
    return subprocess.Popen([ccboard] + args, stdout=stdout, stderr=subprocess.PIPE)


def stop(p):
    p.terminate()
    try:
        rc = p.wait(timeout=20)
    except subprocess.TimeoutExpired:
        p.kill()
        fail("ccboard did not exit on SIGTERM")
    return rc


def token_file(tmp, mode=0o600, token="s3cret-token"):
    path = os.path.join(tmp, "token")
    with open(path, "w") as f:
        f.write(token + "\n")
    os.chmod(path, mode)
    return path


def config(tmp, port, tok, max_body="64K"):
    path = os.path.join(tmp, "c.ini")
    with open(path, "w") as f:
        f.write("[http]\nlisten = 127.0.0.1:%d\ntoken_file = %s\nmax_body = %s\n"
                % (port, tok, max_body))
    return path


def enter(t, callid, queue):
    return "%d|%s|%s|NONE|ENTERQUEUE||555%s|1" % (t, callid, queue, callid[-4:])


# ---- events -------------------------------------------------------------------------

def refusals(ccboard, tmp, log):
    # beyond loopback without a token: exit 2 and the message
    p = subprocess.run([ccboard, "--headless", "--http", "*:%d" % free_port(), log],
                       capture_output=True, text=True, timeout=30)
    if p.returncode != 2 or "not a loopback address" not in p.stderr or "token_file" not in p.stderr:
        fail("*:PORT without a token: rc %d, %r" % (p.returncode, p.stderr))
    ok("listen *:PORT without a token: exit 2: " + p.stderr.strip().splitlines()[-1])
    loose = token_file(tmp, 0o644)
    cfg = config(tmp, free_port(), loose)
    p = subprocess.run([ccboard, "--headless", "-c", cfg, log], capture_output=True, text=True,
                       timeout=30)
    if p.returncode != 2 or "chmod 600" not in p.stderr:
        fail("token file of mode 644: rc %d, %r" % (p.returncode, p.stderr))
    ok("a token file open to others: exit 2")


def check_codes(port, auth):
    body = b"x"
    st, h, data = request(port, "POST", "/events", body)
    if st != 401 or "www-authenticate" not in h or b"s3cret" in data:
        fail("no token: %d %r" % (st, h))
    st, h, _ = request(port, "POST", "/events", body, {"Authorization": "Bearer s3cret-tokeN"})
    if st != 401 or not h.get("www-authenticate", "").startswith("Bearer"):
        fail("wrong token: %d %r" % (st, h))
    ok("401 with WWW-Authenticate without a token and with a wrong one")
    st, h, _ = request(port, "POST", "/events", b"y" * (64 * 1024 + 1), auth)
    if st != 413:
        fail("a body over max_body: %d" % st)
    ok("413 over max_body")
    for method, path, want in (("GET", "/events", 405), ("PUT", "/metrics", 405),
                               ("GET", "/nothing", 404), ("GET", "/metrics/../x", 404),
                               ("DELETE", "/snapshot", 405)):
        st, h, data = request(port, method, path)
        if st != want or "content-type" not in h:
            fail("%s %s: %d %r" % (method, path, st, h))
    for path in ("/metrics", "/snapshot", "/healthz"):
        st, h, _ = request(port, "GET", path)
        if st != 200 or "content-type" not in h:
            fail("GET %s: %d %r" % (path, st, h))
    ok("405 and 404 where due; a Content-Type on every answer")


def check_apply(port, auth):
    before = snapshot(port)
    t = int(time.time())
    evil = '<script>"\\\x1b[2J'
    body = "\n".join([enter(t, "900.1", "sales"), "garbage " + evil, enter(t, "900.2", "sales"),
                      "", enter(t, "900.3", "support")]) + "\n"
    st, h, data = request(port, "POST", "/events", body.encode(), auth)
    if st != 200 or h.get("content-type") != "application/json":
        fail("good lines: %d %r %r" % (st, h, data))
    if json.loads(data) != {"accepted": 3, "bad_lines": [2]}:
        fail("answer %r" % data)
    if b"script" in data or b"garbage" in data:
        fail("the body is echoed back: %r" % data)
    ok("200 %s" % data.decode().strip())
    st, h, data = request(port, "POST", "/events", b"only garbage\n" + enter(t + 99999, "9", "x").encode(), auth)
    if st != 400 or json.loads(data) != {"accepted": 0, "bad_lines": [1, 2]}:
        fail("no good line: %d %r" % (st, data))
    ok("400 naming the bad lines: %s" % data.decode().strip())

    def moved(s):
        q = {x["name"]: x for x in s["queues"]}
        b = {x["name"]: x for x in before["queues"]}
        return (q["sales"]["waiting"] - b.get("sales", {}).get("waiting", 0) == 2 and
                q["support"]["waiting"] - b.get("support", {}).get("waiting", 0) == 1)
    after = wait_for(lambda: (lambda s: s if moved(s) else None)(snapshot(port)),
                     "the figures to move by the posted lines")
    src = [s for s in after["sources"] if s["name"] == "http"][0]
    if src["kind"] != "http" or src["lines"] != 6 or src["bad_lines"] != 3:
        fail("the source http: %r" % src)
    if after["total"]["waiting"] - before["total"]["waiting"] != 3:
        fail("total waiting moved by %d" % (after["total"]["waiting"] - before["total"]["waiting"]))
    ok("the board moved by exactly the posted lines; source http: %r" % src)
    return after


def check_concurrent(port, auth, base):
    n_clients, per_client, batch = 8, 1250, 50
    t = int(time.time())
    errors = []

    def client(k):
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)   # keep-alive
            for start in range(0, per_client, batch):
                lines = [enter(t, "%d.%d" % (k + 10, i), "q%d" % (i % 5))
                         for i in range(start, start + batch)]
                c.request("POST", "/events", "\n".join(lines) + "\n", auth)
                r = c.getresponse()
                d = json.loads(r.read())
                if r.status != 200 or d != {"accepted": batch, "bad_lines": []}:
                    errors.append((r.status, d))
            c.close()
        except Exception as e:   # noqa: BLE001 - reported below
            errors.append(repr(e))
    threads = [threading.Thread(target=client, args=(k,)) for k in range(n_clients)]
    t0 = time.time()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    took = time.time() - t0
    if errors:
        fail("concurrent posts: %r" % errors[:3])
    want = base["total"]["waiting"] + n_clients * per_client

    def arrived():
        s = snapshot(port)
        return s if s["total"]["waiting"] >= want else None
    s = wait_for(arrived, "10,000 lines to show")
    time.sleep(1.2)
    s = snapshot(port)
    src = [x for x in s["sources"] if x["name"] == "http"][0]
    if s["total"]["waiting"] != want or src["lines"] != 6 + n_clients * per_client:
        fail("lost or doubled: waiting %d (want %d), http lines %d"
             % (s["total"]["waiting"], want, src["lines"]))
    ok("10,000 lines from 8 keep-alive clients in %.2f s: none lost, none doubled" % took)


def healthz_down(ccboard, tmp):
    port, dead = free_port(), free_port()
    cfg = os.path.join(tmp, "ami.ini")
    with open(cfg, "w") as f:
        f.write("[ami]\nsecret = x\n")
    os.chmod(cfg, 0o600)
    p = start(ccboard, ["--headless", "-c", cfg, "--http", "127.0.0.1:%d" % port,
                        "ami://u@127.0.0.1:%d" % dead])
    try:
        def down():
            st, h, body = request(port, "GET", "/healthz")
            return (st, h, body) if st == 503 and body != b"starting\n" else None
        st, h, body = wait_for(down, "/healthz to say 503 for a PBX that does not answer")
        if b"ami://u@127.0.0.1" not in body or not h.get("content-type", "").startswith("text/plain"):
            fail("503 body %r" % body)
        ok("/healthz 503: %s" % body.decode().strip())
    finally:
        stop(p)


def events(ccboard, tmp):
    log = os.path.join(tmp, "queue_log")
    open(log, "w").close()
    refusals(ccboard, tmp, log)
    healthz_down(ccboard, tmp)
    port = free_port()
    cfg = config(tmp, port, token_file(tmp))
    p = start(ccboard, ["--headless", "-c", cfg, log])
    try:
        wait_for(lambda: request(port, "GET", "/healthz")[0] == 200, "/healthz")
        auth = {"Authorization": "Bearer s3cret-token"}
        check_codes(port, auth)
        base = check_apply(port, auth)
        check_concurrent(port, auth, base)
        # SIGHUP: the configuration again, and with it a rotated token
        token_file(tmp, token="rotated-token")
        p.send_signal(1)
        wait_for(lambda: request(port, "POST", "/events", b"x\n",
                                 {"Authorization": "Bearer rotated-token"})[0] == 400,
                 "the rotated token to be taken on SIGHUP")
        if request(port, "POST", "/events", b"x\n", auth)[0] != 401:
            fail("the old token still works after SIGHUP")
        ok("SIGHUP: the rotated token is taken, the old one refused")
    finally:
        rc = stop(p)
    err = p.stderr.read().decode()
    if rc != 0:
        fail("--headless exits %d on SIGTERM: %s" % (rc, err))
    if "http: listening on" not in err or "configuration reloaded" not in err:
        fail("no line on stderr for the listener or the reload: %r" % err)
    ok("--headless reloads on SIGHUP, exits 0 on SIGTERM; stderr: %r" % err.splitlines())


# ---- stall ----------------------------------------------------------------------------

def stall(ccboard, tmp):
    log = os.path.join(tmp, "queue_log")
    open(log, "w").close()
    port = free_port()
    p = start(ccboard, ["--json", "-c", config(tmp, port, token_file(tmp)), log],
              stdout=subprocess.PIPE)
    lines = []
    reader = threading.Thread(target=lambda: [lines.append(x) for x in p.stdout])
    reader.start()
    try:
        wait_for(lambda: request(port, "GET", "/healthz")[0] == 200, "/healthz")
        # half a request, then silence
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(b"POST /events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer s3cret-token\r\n"
                  b"Content-Length: 1000\r\n\r\n" + b"1767261600|1.1|sales|NONE|ENTER")
        s2 = socket.create_connection(("127.0.0.1", port))
        s2.sendall(b"GET /metr")
        n0 = len(lines)
        t0 = time.time()
        wait_for(lambda: len(lines) >= n0 + 4, "--json to tick 4 times beside a stalled client",
                 timeout=15)
        st, _, _ = request(port, "GET", "/healthz")
        if st != 200:
            fail("/healthz beside a stalled client: %d" % st)
        ok("--json ticked %d times in %.1f s and /healthz answered while two clients stall"
           % (len(lines) - n0, time.time() - t0))
        # /snapshot is byte for byte the --json line of its tick
        for attempt in range(5):
            st, h, body = request(port, "GET", "/snapshot")
            as_of = json.loads(body)["as_of"]
            wait_for(lambda: any(json.loads(x)["as_of"] > as_of for x in lines[-3:]),
                     "a later tick")
            same = [x for x in lines if json.loads(x)["as_of"] == as_of]
            if same and same[0] == body:
                break
        else:
            fail("/snapshot differs from the --json line of its tick:\n%r\n%r" % (body, same))
        ok("GET /snapshot is byte for byte the --json line of as_of %d" % as_of)
        s.close()
        s2.close()
    finally:
        rc = stop(p)
        reader.join()
    if rc != 0:
        fail("exit %d" % rc)


# ---- prometheus -----------------------------------------------------------------------

def prom_query(pport, q):
    url = "http://127.0.0.1:%d/api/v1/query?%s" % (pport, urllib.parse.urlencode({"query": q}))
    with urllib.request.urlopen(url, timeout=10) as r:
        d = json.loads(r.read())
    if d["status"] != "success":
        raise ValueError(d)
    return {x["metric"].get("queue"): x["value"][1] for x in d["data"]["result"]}


def same_value(prom, want):
    if want is None:
        return prom == "NaN"
    return prom != "NaN" and math.isclose(float(prom), want, rel_tol=1e-12, abs_tol=1e-12)


def prometheus(ccboard, tmp, log):
    port, pport = free_port(), free_port()
    board = start(ccboard, ["--replay", "--headless", "--http", "127.0.0.1:%d" % port, log])
    prom = None
    try:
        def finished():
            s = snapshot(port)
            src = [x for x in s["sources"] if x["kind"] == "file"]
            return s if src and src[0]["state"] == "done" else None
        snap = wait_for(finished, "the replay to end", timeout=60)
        st, _, metrics = request(port, "GET", "/metrics")
        mpath = os.path.join(tmp, "metrics.txt")
        with open(mpath, "wb") as f:
            f.write(metrics)
        chk = subprocess.run(["promtool", "check", "metrics"], stdin=open(mpath, "rb"),
                             capture_output=True, text=True)
        if chk.returncode != 0 or chk.stdout or chk.stderr:
            fail("promtool check metrics: %r %r" % (chk.stdout, chk.stderr))
        ok("promtool check metrics prints nothing (%d bytes, %d lines)"
           % (len(metrics), metrics.count(b"\n")))
        cfg = os.path.join(tmp, "prometheus.yml")
        with open(cfg, "w") as f:
            f.write("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
                    "scrape_configs:\n  - job_name: ccboard\n    static_configs:\n"
                    "      - targets: ['127.0.0.1:%d']\n" % port)
        prom = subprocess.Popen(["prometheus", "--config.file=" + cfg,
                                 "--storage.tsdb.path=" + os.path.join(tmp, "tsdb"),
                                 "--web.listen-address=127.0.0.1:%d" % pport],
                                stdout=subprocess.DEVNULL, stderr=open(os.path.join(tmp, "prom.log"), "w"))
        queues = {q["name"]: q for q in snap["queues"]}
        wait_for(lambda: len(prom_query(pport, "ccboard_queue_waiting")) == len(queues),
                 "Prometheus to scrape the board", timeout=90)
        checks = (("ccboard_queue_waiting", lambda q: q["waiting"]),
                  ("ccboard_queue_offered_today", lambda q: q["today"]["offered"]),
                  ('ccboard_queue_service_level_ratio{period="today"}',
                   lambda q: None if q["today"]["service_level_pct"] is None
                   else q["today"]["service_level_pct"] / 100))
        for expr, get in checks:
            got = prom_query(pport, expr)
            for name, q in queues.items():
                if name not in got or not same_value(got[name], get(q)):
                    fail("%s{queue=%r}: Prometheus %r, JSON %r" % (expr, name, got.get(name), get(q)))
            ok("%s: Prometheus has the JSON's value for each of %d queues" % (expr, len(queues)))
    finally:
        if prom:
            prom.terminate()
            prom.wait(timeout=30)
        rc = stop(board)
    if rc != 0:
        fail("replay --headless exits %d" % rc)


if __name__ == "__main__":
    what, ccboard, tmp = sys.argv[1:4]
    if what == "events":
        events(ccboard, tmp)
    elif what == "stall":
        stall(ccboard, tmp)
    else:
        prometheus(ccboard, tmp, sys.argv[4])
