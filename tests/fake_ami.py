#!/usr/bin/env python3
"""A fake Asterisk Manager Interface server for tests (python3 standard library).

It plays back the bytes of a real Asterisk 22 recording (ami-transcript.raw.gz,
timed by ami-transcript.jsonl.gz), at the recorded speed or faster, to one
client at a time, after answering its Login. It answers QueueStatus with the
recorded snapshot nearest before the playback position (or with the Asterisk 11
reply, sent with CRLF), Ping with Pong, Logoff with Goodbye. It can refuse the
login, drop the connection in the middle of a message, accept and close at once,
or stop answering Ping.

Messages that answered the recording observer's own actions (Response lines and
list events carrying an obs-* ActionID) are not played: the client gets answers
to its own actions instead. The playback position survives a reconnection: the
next connection goes on from the message that was cut.
"""
import argparse
import gzip
import json
import os
import select
import socket
import sys
import time

BANNER = b"Asterisk Call Manager/11.0.0\r\n"


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--recording", help="directory with ami-transcript.raw.gz and .jsonl.gz")
    ap.add_argument("--listen", default="127.0.0.1:0", help="HOST:PORT (port 0: any)")
    ap.add_argument("--port-file", help="write the port chosen here once listening")
    ap.add_argument("--user", default="ccboard")
    ap.add_argument("--secret", default="s3cret")
    ap.add_argument("--refuse", action="store_true", help="refuse every login")
    ap.add_argument("--speed", type=float, default=1.0,
                    help="playback speed factor (0: as fast as possible)")
    ap.add_argument("--qs", choices=["live", "recorded", "ast11", "none"], default="live",
                    help="what to answer QueueStatus with: the state made from the events "
                         "played so far (live), the recorded reply nearest before the playback "
                         "position, the Asterisk 11 reply sent with CRLF, or nothing at all")
    ap.add_argument("--ast11", help="the Asterisk 11 QueueStatus reply (LF text file)")
    ap.add_argument("--bare-lf", action="store_true", help="send LF instead of CRLF")
    ap.add_argument("--drop-at", type=int, action="append", default=[],
                    help="cut the connection in the middle of played message N (repeatable)")
    ap.add_argument("--close-at-once", action="store_true",
                    help="accept every connection and close it at once")
    ap.add_argument("--no-pong", action="store_true", help="never answer Ping")
    ap.add_argument("--silent", action="store_true", help="accept, then send nothing at all")
    ap.add_argument("--close-after-status", action="store_true",
                    help="close the connection once the first QueueStatus is answered")
    ap.add_argument("--qs-error", action="store_true",
                    help="answer QueueStatus with Response: Error")
    ap.add_argument("--cut-status", type=int, action="append", default=[],
                    help="cut the N-th QueueStatus reply (from 1) halfway and close (repeatable)")
    ap.add_argument("--omit-member", nargs=2, metavar=("NAME", "N"),
                    help="leave member NAME out of the N-th QueueStatus reply and later "
                         "ones (it left while the client was away)")
    ap.add_argument("--strip-complete-ids", type=int, default=0, metavar="K",
                    help="play K AgentComplete events, spread over the recording, without "
                         "the caller's Uniqueid and the agent leg's Dest* fields")
    ap.add_argument("--shift-to-now", action="store_true",
                    help="move every Timestamp so that the recording starts now")
    ap.add_argument("--no-playback", action="store_true", help="answer actions only")
    ap.add_argument("--max-connections", type=int, default=0, help="exit after N (0: no limit)")
    ap.add_argument("--log", help="append one JSON line per connection and action here")
    return ap.parse_args()


class Recording:
    def __init__(self, directory):
        self.raw = gzip.open(os.path.join(directory, "ami-transcript.raw.gz")).read()
        self.index = [json.loads(l) for l in gzip.open(os.path.join(directory, "ami-transcript.jsonl.gz"))]
        self.play = []        # (t, bytes) for the stream of events
        self.completes = []   # indexes in play of the AgentComplete events
        self.snapshots = []   # (t, [message bytes]) for each recorded QueueStatus reply
        snaps = {}
        for o in self.index[1:]:
            m = o["msg"]
            data = self.raw[o["off"]:o["off"] + o["len"]]
            aid = m.get("ActionID", "")
            if aid.startswith("obs-qs-"):
                if "Response" not in m:
                    snaps.setdefault(aid, (o["t"], []))[1].append(data)
                continue
            if "Response" in m or aid.startswith("obs-") or m.get("Event") == "FullyBooted":
                continue
            if m.get("Event") == "AgentComplete":
                self.completes.append(len(self.play))
            self.play.append((o["t"], data))
        self.snapshots = sorted(snaps.values(), key=lambda s: s[0])

    def strip_complete_ids(self, k):
        """Takes the Uniqueid and the Dest* fields out of k AgentCompletes,
        spread evenly; returns their indexes in play."""
        n = len(self.completes)
        picked = [self.completes[(2 * i + 1) * n // (2 * k)] for i in range(k)] if k and n else []
        for i in picked:
            t, data = self.play[i]
            lines = [l for l in data.split(b"\r\n")
                     if not l.startswith((b"Uniqueid:", b"Dest"))]
            self.play[i] = (t, b"\r\n".join(lines))
        return picked

    def snapshot_before(self, t):
        best = self.snapshots[0][1] if self.snapshots else []
        for st, msgs in self.snapshots:
            if st <= t:
                best = msgs
        return best


def headers(msg):
    out = {}
    for line in msg.decode("utf-8", "replace").split("\r\n"):
        k, sep, v = line.partition(": ")
        if sep:
            out[k] = v
    return out


class LiveState:
    """Queue members and waiting callers, as the played events leave them."""

    def __init__(self, queues):
        self.queues = list(queues)
        self.members = {}   # (queue, name) -> headers
        self.talking = {}   # (queue, name) -> answered calls not yet completed
        self.callers = {}   # (queue, uniqueid) -> (join time, headers)
        self.now = 0.0

    def update(self, t, data):
        h = headers(data)
        ev, q = h.get("Event"), h.get("Queue")
        self.now = float(h.get("Timestamp", t))
        if q and q not in self.queues and ev and ev.startswith(("Queue", "Agent")):
            self.queues.append(q)
        if ev in ("QueueMemberAdded", "QueueMemberStatus", "QueueMemberPause"):
            self.members[(q, h.get("MemberName"))] = h
        elif ev == "QueueMemberRemoved":
            self.members.pop((q, h.get("MemberName")), None)
        elif ev == "QueueCallerJoin":
            self.callers[(q, h.get("Uniqueid"))] = (self.now, h)
        elif ev == "QueueCallerLeave":
            self.callers.pop((q, h.get("Uniqueid")), None)
        elif ev in ("AgentConnect", "AgentComplete"):
            # InCall in a reply is "in a call from this queue now", as app_queue
            # tells it; member events carry it only as of their own time
            k = (q, h.get("MemberName"))
            self.talking[k] = max(0, self.talking.get(k, 0) + (1 if ev == "AgentConnect" else -1))

    def reply(self, aid):
        out, n = [], 0
        def msg(**kv):
            return ("".join("%s: %s\r\n" % (k, v) for k, v in kv.items()) +
                    "ActionID: %s\r\n\r\n" % aid).encode()
        for q in self.queues:
            waiting = sorted((c for c in self.callers.items() if c[0][0] == q), key=lambda c: c[1][0])
            out.append(msg(Event="QueueParams", Queue=q, Max=0, Calls=len(waiting)))
            n += 1
            for (mq, name), h in sorted(self.members.items()):
                if mq != q:
                    continue
                out.append(msg(Event="QueueMember", Queue=q, Name=name, Location=h.get("Interface", ""),
                               StateInterface=h.get("StateInterface", ""), Membership="dynamic",
                               Penalty=h.get("Penalty", 0),
                               InCall=1 if self.talking.get((mq, name)) else 0,
                               Status=h.get("Status", 0), Paused=h.get("Paused", 0),
                               PausedReason=h.get("PausedReason", "")))
                n += 1
            for pos, ((_, uid), (joined, h)) in enumerate(waiting, 1):
                out.append(msg(Event="QueueEntry", Queue=q, Position=pos, Channel=h.get("Channel", ""),
                               Uniqueid=uid, CallerIDNum=h.get("CallerIDNum", ""),
                               CallerIDName=h.get("CallerIDName", ""), Wait=int(self.now - joined)))
                n += 1
        out.append(("Event: QueueStatusComplete\r\nActionID: %s\r\nEventList: Complete\r\n"
                    "ListItems: %d\r\n\r\n" % (aid, n)).encode())
        return b"".join(out)


def header(msg, key):
    for line in msg.split(b"\n"):
        k, _, v = line.partition(b":")
        if k.strip().lower() == key.lower().encode():
            return v.strip().decode("utf-8", "replace")
    return None


def with_action_id(msg, action_id):
    """Replaces (or adds) the ActionID of a message (bytes ending in a blank line)."""
    lines = [l for l in msg.split(b"\r\n") if l and not l.lower().startswith(b"actionid:")]
    lines.append(b"ActionID: " + action_id.encode())
    return b"\r\n".join(lines) + b"\r\n\r\n"


class StopSession(Exception):
    pass


def shift_timestamp(data, offset):
    """Adds offset seconds to the Timestamp header of one message."""
    key = b"\r\nTimestamp: "
    i = data.find(key)
    if i < 0 or not offset:
        return data
    j = data.find(b"\r\n", i + len(key))
    t = float(data[i + len(key):j]) + offset
    return data[:i + len(key)] + (b"%.6f" % t) + data[j:]


class Server:
    def __init__(self, args):
        self.a = args
        # Reading the recording costs a second of CPU: only when it can be played
        # or its replies sent (a refusing, silent or closing server never logs in)
        plays = not (args.no_playback or args.refuse or args.silent or args.close_at_once)
        wanted = args.recording and (plays or args.qs == "recorded")
        self.rec = Recording(args.recording) if wanted else None
        self.pos = 0
        self.offset = None          # --shift-to-now: set when the playback starts
        self.live = LiveState(["billing", "tech", "vip"] if args.recording else [])
        self.drops = sorted(args.drop_at)
        self.statuses = 0           # QueueStatus actions answered
        if self.rec and args.strip_complete_ids:
            self.rec.strip_complete_ids(args.strip_complete_ids)
        self.connections = 0
        host, _, port = args.listen.rpartition(":")
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host or "127.0.0.1", int(port)))
        self.sock.listen(16)
        if args.port_file:
            tmp = args.port_file + ".tmp"
            with open(tmp, "w") as f:
                f.write("%d\n" % self.sock.getsockname()[1])
            os.rename(tmp, args.port_file)

    def log(self, **kv):
        if self.a.log:
            kv["wall"] = time.time()
            with open(self.a.log, "a") as f:
                f.write(json.dumps(kv) + "\n")

    def send(self, conn, data):
        if self.a.bare_lf:
            data = data.replace(b"\r\n", b"\n")
        conn.sendall(data)

    def serve_forever(self):
        while True:
            conn, _ = self.sock.accept()
            self.connections += 1
            self.log(event="connect", n=self.connections)
            try:
                if self.a.close_at_once:
                    conn.close()
                elif self.a.silent:
                    while conn.recv(65536):
                        pass
                else:
                    self.session(conn)
            except (BrokenPipeError, ConnectionResetError, StopSession):
                pass
            finally:
                self.close_gracefully(conn)
                self.log(event="disconnect", n=self.connections)
            if self.a.max_connections and self.connections >= self.a.max_connections:
                return
            if self.rec and not self.a.no_playback and self.pos >= len(self.rec.play):
                return

    def close_gracefully(self, conn):
        """FIN, then read what the client still sends: closing with unread
        input would reset the connection and destroy data in flight."""
        try:
            conn.shutdown(socket.SHUT_WR)
            conn.settimeout(2)
            while conn.recv(65536):
                pass
        except OSError:
            pass
        conn.close()

    # --- actions

    def read_actions(self, conn, buf, timeout):
        """Waits up to timeout for bytes; returns (buf, [complete actions], closed)."""
        r, _, _ = select.select([conn], [], [], max(0.0, timeout))
        if not r:
            return buf, [], False
        data = conn.recv(65536)
        if not data:
            return buf, [], True
        buf += data.replace(b"\r\n", b"\n")
        actions = []
        while b"\n\n" in buf:
            msg, buf = buf.split(b"\n\n", 1)
            if msg.strip():
                actions.append(msg)
        return buf, actions, False

    def answer(self, conn, msg, state):
        action = (header(msg, "Action") or "").lower()
        aid = header(msg, "ActionID") or ""
        self.log(event="action", action=action, id=aid)

        def reply(status, extra=""):
            self.send(conn, ("Response: %s\r\nActionID: %s\r\n%s\r\n" % (status, aid, extra)).encode())
        if action == "login":
            ok = (not self.a.refuse and header(msg, "Username") == self.a.user
                  and header(msg, "Secret") == self.a.secret)
            if not ok:
                reply("Error", "Message: Authentication failed\r\n")
                return "refused"
            reply("Success", "Message: Authentication accepted\r\n")
            self.send(conn, b"Event: FullyBooted\r\nPrivilege: system,all\r\nUptime: 4\r\n"
                            b"LastReload: 4\r\nStatus: Fully Booted\r\n\r\n")
            state["logged_in"] = True
            state["events"] = header(msg, "Events")
        elif not state.get("logged_in"):
            reply("Error", "Message: Permission denied\r\n")
        elif action == "queuestatus":
            self.queue_status(conn, aid)
        elif action == "ping":
            if not self.a.no_pong:
                reply("Success", "Ping: Pong\r\nTimestamp: %.6f\r\n" % time.time())
        elif action == "logoff":
            reply("Goodbye", "Message: Thanks for all the fish.\r\n")
            return "logoff"
        else:
            reply("Error", "Message: Invalid/unknown command\r\n")
        return None

    def queue_status(self, conn, aid):
        self.statuses += 1
        if self.a.qs == "none":
            return
        if self.a.qs_error:
            self.send(conn, ("Response: Error\r\nActionID: %s\r\nMessage: Permission denied\r\n\r\n"
                             % aid).encode())
            return
        head = ("Response: Success\r\nActionID: %s\r\nEventList: start\r\n"
                "Message: Queue status will follow\r\n\r\n" % aid).encode()
        if self.a.qs == "ast11":
            text = open(self.a.ast11, "rb").read().replace(b"\r\n", b"\n")
            msgs = [m + b"\n\n" for m in text.split(b"\n\n") if m.strip()]
            body = b"".join(with_action_id(m.replace(b"\n", b"\r\n"), aid)
                            for m in msgs if not m.startswith(b"Response:"))
        elif self.a.qs == "live":
            body = self.live.reply(aid)
        else:
            t = self.rec.play[min(self.pos, len(self.rec.play) - 1)][0] if self.rec else 0
            body = b"".join(with_action_id(m, aid) for m in self.rec.snapshot_before(t)) if self.rec else b""
        if self.a.omit_member and self.statuses >= int(self.a.omit_member[1]):
            gone = ("Name: %s\r\n" % self.a.omit_member[0]).encode()
            body = b"".join(m + b"\r\n\r\n" for m in body.split(b"\r\n\r\n")
                            if m and gone not in m + b"\r\n")
        if self.statuses in self.a.cut_status:
            data = head + body
            self.send(conn, data[:len(data) // 2])
            self.log(event="cut-status", n=self.statuses)
            time.sleep(0.05)
            raise StopSession()
        self.send(conn, head + body)
        if self.a.close_after_status:
            raise StopSession()

    # --- one connection

    def session(self, conn):
        self.send(conn, BANNER)
        state = {}
        buf = b""
        # until logged in
        while not state.get("logged_in"):
            buf, actions, closed = self.read_actions(conn, buf, 30)
            if closed:
                return
            for a in actions:
                if self.answer(conn, a, state) in ("refused", "logoff"):
                    time.sleep(0.05)
                    return
        play = self.rec.play if self.rec and not self.a.no_playback else []
        speed = self.a.speed
        base_wall = time.time()
        base_t = play[self.pos][0] if self.pos < len(play) else 0
        while True:
            if self.pos >= len(play):
                if play:
                    self.log(event="end-of-recording")
                    return
                wait = 3600
            else:
                due = base_wall + ((play[self.pos][0] - base_t) / speed if speed > 0 else 0)
                wait = due - time.time()
            buf, actions, closed = self.read_actions(conn, buf, min(wait, 0.5) if play else 0.5)
            if closed:
                return
            for a in actions:
                if self.answer(conn, a, state) == "logoff":
                    return
            if wait > 0 or not play:
                continue
            # everything due at the same recorded instant goes in one chunk
            t = play[self.pos][0]
            chunk = []
            while self.pos < len(play) and play[self.pos][0] == t:
                if self.drops and self.pos >= self.drops[0]:
                    self.drops.pop(0)
                    data = b"".join(chunk) + play[self.pos][1][:len(play[self.pos][1]) // 2]
                    self.send(conn, data)
                    self.log(event="drop", pos=self.pos)
                    time.sleep(0.05)
                    return
                if self.offset is None:
                    self.offset = time.time() - play[0][0] if self.a.shift_to_now else 0.0
                chunk.append(shift_timestamp(play[self.pos][1], self.offset))
                self.live.update(t, play[self.pos][1])
                self.pos += 1
            self.send(conn, b"".join(chunk))


def main():
    args = parse_args()
    if args.qs == "ast11" and not args.ast11:
        sys.exit("--qs ast11 needs --ast11 FILE")
    Server(args).serve_forever()


if __name__ == "__main__":
    main()
