#!/usr/bin/env bash
# agents_ami.sh - each agent's figures from the AMI alone (AgentConnect,
# AgentComplete, AgentRingNoAnswer), fed by a fast playback of a real
# Asterisk 22 session, equal those of a replay of that session's queue_log:
# answered, completed, transferred, talk, hold and rings not answered today.
. "$(dirname "$0")/lib.bash"
. "$(dirname "$0")/ami_lib.bash"
ami_config ''

fake_start --speed "${AMI_SPEED:-400}"
timeout 60 "$CCBOARD" --replay --once --json -c "$TMP/ami.ini" "ami://ccboard@127.0.0.1:$PORT" \
	> "$TMP/ami.json" 2> "$TMP/ami.err" || fail "ccboard on AMI exited $?: $(cat "$TMP/ami.err")"
fake_stop
"$CCBOARD" --replay --once --json -c "$TMP/ami.ini" "$REC/queue_log" > "$TMP/ql.json" \
	|| fail "ccboard on queue_log exited $?"
python3 - "$TMP/ami.json" "$TMP/ql.json" <<'PY' || fail "AMI and queue_log disagree on the agents"
import json, sys
keys = ("answered", "completed", "transferred", "talk_s", "hold_s", "rna")
def figs(path):
    return {a["name"]: {k: a["today"][k] for k in keys} for a in json.load(open(path))["agents"]}
ami, ql = figs(sys.argv[1]), figs(sys.argv[2])
print("AMI:", ami, file=sys.stderr)
assert ami == ql, f"AMI {ami} != queue_log {ql}"
assert sum(a["answered"] for a in ql.values()) > 20, ql
assert sum(a["rna"] for a in ql.values()) > 0, ql     # AgentRingNoAnswer fed some
assert sum(a["talk_s"] for a in ql.values()) > 0, ql  # and AgentComplete the talk
print(f"{len(ql)} agents, {sum(a['answered'] for a in ql.values())} answered, alike")
PY
pass "agents' figures from the AMI equal the queue_log's"
