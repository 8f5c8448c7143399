#!/usr/bin/env bash
# ami_playback.sh - the board on AMI alone, fed by a playback of a real
# Asterisk 22 session, ends with the same answered calls, callers waiting,
# longest wait over time and agent states as a replay of that session's
# queue_log; they differ only where the recording's README says AMI cannot
# tell (timeouts and EXITEMPTY arrive as QueueCallerAbandon) or tells more
# (an agent being rung). Meanwhile the board asks QueueStatus every 1 s (50 s
# of the session) and corrects nothing that was right; and 4 AgentComplete
# events come without the caller's Uniqueid and the agent leg's fields, as
# Asterisk sometimes sends them: those calls still end, their talk counted.
. "$(dirname "$0")/lib.bash"
. "$(dirname "$0")/ami_lib.bash"
ami_config 'resync_s = 1
'

SPEED=${AMI_SPEED:-50}      # 853 s of traffic in about 17 s
fake_start --speed "$SPEED" --strip-complete-ids 4
timeout 120 "$CCBOARD" --replay --json -c "$TMP/ami.ini" "ami://ccboard@127.0.0.1:$PORT" \
	> "$TMP/ami.jsonl" 2> "$TMP/ami.err" || fail "ccboard on AMI exited $?: $(cat "$TMP/ami.err")"
fake_stop
timeout 60 "$CCBOARD" --replay --json -c "$TMP/ami.ini" "$REC/queue_log" > "$TMP/ql.jsonl" \
	|| fail "ccboard on queue_log exited $?"
[ "$(fake_count '"login"')" = 1 ] || fail "one login expected"
[ "$(fake_count '"queuestatus"')" -ge 10 ] || fail "a QueueStatus every 1 s expected: $(fake_count '"queuestatus"')"

python3 - "$TMP/ami.jsonl" "$TMP/ql.jsonl" <<'PY' || fail "AMI and queue_log disagree"
import json, sys

def load(path):
    snaps = [json.loads(l) for l in open(path)]
    return snaps, {s["as_of"]: s for s in snaps}

ami, ami_at = load(sys.argv[1])
ql, ql_at = load(sys.argv[2])
bad = []
def check(cond, what):
    if not cond:
        bad.append(what)

def queues(s):
    return {q["name"]: q for q in s["queues"] + [s["total"]]}

# --- the end of the session
a, q = queues(ami[-1]), queues(ql[-1])
check(ami[-1]["as_of"] == ql[-1]["as_of"], "as_of %s / %s" % (ami[-1]["as_of"], ql[-1]["as_of"]))
check(sorted(a) == sorted(q), "queues %s / %s" % (sorted(a), sorted(q)))
for name in q:
    A, Q = a[name]["today"], q[name]["today"]
    for k in ("offered", "answered", "answered_within_sl", "completed", "transferred", "talk_s",
              "exited_key", "withdrawn", "asa_s", "aht_s", "service_level_pct"):
        check(A[k] == Q[k], "%s today.%s: AMI %s, queue_log %s" % (name, k, A[k], Q[k]))
    # AMI cannot tell a queue timeout or EXITEMPTY from a hang-up
    check(A["abandoned"] == Q["abandoned"] + Q["timed_out"] + Q["exited_empty"],
          "%s abandoned: AMI %s, queue_log %s+%s+%s" % (name, A["abandoned"], Q["abandoned"],
                                                       Q["timed_out"], Q["exited_empty"]))
    check(A["timed_out"] == 0 and A["exited_empty"] == 0, name + ": AMI cannot know these")
    for k in ("waiting", "longest_wait_s", "agents"):
        check(a[name][k] == q[name][k], "%s %s: AMI %s, queue_log %s" % (name, k, a[name][k], q[name][k]))
check(q["total"]["today"]["answered"] == 76 and q["total"]["today"]["offered"] == 138,
      "the queue_log replay itself is off")

# --- over time: each second the queue_log replay printed
def agents_agree(A, Q):
    """AMI may see an agent ringing (AgentCalled) where queue_log sees it
    available or paused; everything else must agree."""
    for k in ("logged_in", "on_call", "wrapup"):
        if A[k] != Q[k]:
            return False
    if A["paused"] + A["available"] + A["ringing"] != Q["paused"] + Q["available"] + Q["ringing"]:
        return False
    return A["ringing"] > 0 or (A["paused"] == Q["paused"] and A["available"] == Q["available"])

seconds = sorted(ql_at)
compared = longest_seen = 0
for t in seconds:
    qq = queues(ql_at[t])
    # queue_log has whole seconds, AMI microseconds: allow the neighbouring second
    near = [queues(ami_at[u]) for u in (t, t - 1, t + 1) if u in ami_at]
    if not near:
        continue
    compared += 1
    for name, Q in qq.items():
        longest_seen = max(longest_seen, Q["longest_wait_s"])
        ok_wait = (any(n.get(name, {}).get("waiting") == Q["waiting"] for n in near) and
                   any(n.get(name, {}).get("longest_wait_s") == Q["longest_wait_s"] for n in near))
        check(ok_wait, "%d %s waiting/longest: queue_log %s/%s, AMI %s" % (
            t, name, Q["waiting"], Q["longest_wait_s"],
            [(n[name]["waiting"], n[name]["longest_wait_s"]) for n in near if name in n]))
        ok_agents = any(name in n and agents_agree(n[name]["agents"], Q["agents"]) for n in near)
        check(ok_agents, "%d %s agents: queue_log %s, AMI %s" % (
            t, name, Q["agents"], [n[name]["agents"] for n in near if name in n]))
check(compared > 250, "only %d seconds compared" % compared)
check(longest_seen > 60, "the series never had a long wait (%d)" % longest_seen)
src = ami[-1]["sources"][0]
check(src["kind"] == "ami" and src["state"] == "done" and src["bad_lines"] == 0, "source %s" % src)
for b in bad[:20]:
    print(b)
print("compared %d seconds, longest wait %d s, %d disagreements" % (compared, longest_seen, len(bad)))
sys.exit(1 if bad else 0)
PY
pass "AMI alone at speed $SPEED agrees with the queue_log replay"
