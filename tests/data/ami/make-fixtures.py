#!/usr/bin/env python3
"""Cuts the small AMI fixtures in this directory out of the Asterisk 22
recording (ami-transcript.raw.gz + .jsonl.gz): the exact bytes of the chosen
messages, CRLF kept, in stream order.

usage: make-fixtures.py SHARED_DIR [OUT_DIR]"""
import gzip
import json
import os
import sys

QUEUE_EVENTS = {"QueueCallerJoin", "QueueCallerLeave", "QueueCallerAbandon", "AgentCalled",
                "AgentConnect", "AgentComplete", "AgentRingNoAnswer"}
MEMBER_EVENTS = {"QueueMemberAdded", "QueueMemberRemoved", "QueueMemberPause"}


def load(shared):
    d = os.path.join(shared, "data/real/asterisk22-session")
    raw = gzip.open(os.path.join(d, "ami-transcript.raw.gz")).read()
    idx = [json.loads(l) for l in gzip.open(os.path.join(d, "ami-transcript.jsonl.gz"))]
    return raw, idx


def write(out, name, raw, picked, head=b""):
    with open(os.path.join(out, name), "wb") as f:
        f.write(head)
        for o in picked:
            f.write(raw[o["off"]:o["off"] + o["len"]])


def by_callers(idx, callids, extra=()):
    """Queue and agent events of these callers, plus any message of an extra type
    in the same time span (so unrelated events are interleaved as in real life)."""
    mine = [o for o in idx if o["msg"].get("Uniqueid") in callids
            and o["msg"].get("Event") in QUEUE_EVENTS]
    lo, hi = mine[0]["t"], mine[-1]["t"]
    return [o for o in idx if o in mine or
            (lo <= o["t"] <= hi and o["msg"].get("Event") in extra)]


def main():
    shared = sys.argv[1]
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.dirname(os.path.abspath(__file__))
    raw, idx = load(shared)
    head = [o for o in idx[:3]]                     # banner, login response, FullyBooted
    banner = b"".join(raw[o["off"]:o["off"] + o["len"]] for o in head)
    # one answered call (Ivan, billing): Join, AgentCalled, Leave, AgentConnect, AgentComplete,
    # with the member status changes and a few channel events in between
    write(out, "answered.txt", raw,
          by_callers(idx, {"1795468893.1"}, {"QueueMemberStatus", "Hangup"}), banner)
    # exits: ABANDON, EXITWITHTIMEOUT (+ RINGNOANSWER), EXITEMPTY, EXITWITHKEY
    write(out, "exits.txt", raw, by_callers(
        idx, {"1795468953.43", "1795469314.245", "1795469041.83", "1795469331.269"}))
    # every member add / remove / pause of the session, in order
    write(out, "members.txt", raw, [o for o in idx if o["msg"].get("Event") in MEMBER_EVENTS])
    # the QueueStatus reply taken during the burst (10 callers waiting)
    write(out, "queuestatus-burst.txt", raw,
          [o for o in idx if o["msg"].get("ActionID") == "obs-qs-burst"
           and "Response" not in o["msg"]])


if __name__ == "__main__":
    main()
