#!/usr/bin/env bash
# groups.sh - [group.NAME]: a group's figures are exact aggregates of its
# queues against gen-queue-log --truth (each call once, each agent once, the
# total's formulas; a queue in two groups, a group of every queue equal to
# the total); a pattern that matches no configured queue is an error naming
# its line; alerts watch a group (@NAME); --group shows one team only.
. "$(dirname "$0")/lib.bash"

python3 "$GEN" --seed 5 --queues 14 --agents 80 --hours 2 --out "$TMP/m.log" --truth "$TMP/m.truth"
cat > "$TMP/g.ini" <<'INI'
[queue.sales]
[queue.support]
[queue.vip]
[queue.q10]
[group.front]
queues = sales, s*, vip
display = Front office
sl_target_pct = 70
[group.numbered]
queues = q1?
[group.all]
queues = *
[group.one]
queues = vip
[alert.front_busy]
metric = today.offered
queue = @front
op = >
warning = 1
critical = 2
hysteresis = 0
INI
"$CCBOARD" --replay --once --json -c "$TMP/g.ini" "$TMP/m.log" > "$TMP/g.json" || fail "ccboard exited $?"
python3 "$SRCDIR/tests/e2e/compare_groups.py" "$TMP/m.truth" "$TMP/g.json" "$TMP/m.log" \
	"front=sales, s*, vip" "numbered=q1?" "all=*" "one=vip" || fail "group figures differ from the truth"
pass "groups exact against the truth"

python3 - "$TMP/g.json" <<'PY' || fail "group JSON"
import json, sys
s = json.loads(open(sys.argv[1]).read().splitlines()[-1])
g = {x["name"]: x for x in s["groups"]}
assert [x["name"] for x in s["groups"]] == ["front", "numbered", "all", "one"], s["groups"]
assert g["front"]["display"] == "Front office" and g["front"]["sl_target_pct"] == 70
assert g["numbered"]["queues"] == ["q10", "q11", "q12", "q13"], g["numbered"]["queues"]
a = [x for x in s["alerts"] if x["rule"] == "front_busy"]
assert a and a[0]["queue"] == "@front" and a[0]["severity"] == "critical", s["alerts"]
PY
pass "JSON groups, display, SLA key, alert on @front"

printf '[queue.sales]\n[group.x]\nqueues = sales, salse-*\n[group.y]\ndisplay = y\n' > "$TMP/bad.ini"
out=$("$CCBOARD" --check-config -c "$TMP/bad.ini" 2>&1) && fail "--check-config accepted a pattern matching nothing"
grep -qF "bad.ini:3: [group.x] queues: 'salse-*' matches no queue" <<< "$out" || fail "no file:line for the pattern: $out"
grep -qF "bad.ini:4: [group.y]: no queues" <<< "$out" || fail "no error for a group without queues: $out"
pass "a pattern that matches nothing: config error at its line"

"$CCBOARD" --replay --once --json --group numbered -c "$TMP/g.ini" "$TMP/m.log" > "$TMP/one.json" ||
	fail "--group exited $?"
python3 - "$TMP/one.json" "$TMP/g.json" <<'PY' || fail "--group JSON"
import json, sys
one = json.loads(open(sys.argv[1]).read().splitlines()[-1])
full = json.loads(open(sys.argv[2]).read().splitlines()[-1])
g = {x["name"]: x for x in full["groups"]}["numbered"]
assert [q["name"] for q in one["queues"]] == ["q10", "q11", "q12", "q13"], [q["name"] for q in one["queues"]]
assert [x["name"] for x in one["groups"]] == ["numbered"]
for k in ("today", "window", "waiting", "agents"):
    assert one["total"][k] == g[k], (k, one["total"][k], g[k])
assert all(a["queue"] in ("@numbered", "q10", "q11", "q12", "q13") for a in one["alerts"]), one["alerts"]
PY
"$CCBOARD" --replay --once --group numbered -c "$TMP/g.ini" "$TMP/m.log" > "$TMP/one.txt" || fail "--group text"
grep -q '^q12 ' "$TMP/one.txt" && ! grep -q '^sales ' "$TMP/one.txt" || fail "--group text shows other queues: $(cat "$TMP/one.txt")"
"$CCBOARD" --replay --once --queue vip -c "$TMP/g.ini" "$TMP/m.log" > "$TMP/vip.txt" || fail "--queue text"
[ "$(grep -c '^[a-z]' "$TMP/vip.txt")" -ge 2 ] && grep -q '^vip ' "$TMP/vip.txt" && ! grep -q '^q10 ' "$TMP/vip.txt" ||
	fail "--queue vip: $(cat "$TMP/vip.txt")"
out=$("$CCBOARD" --replay --once --group nosuch -c "$TMP/g.ini" "$TMP/m.log" 2>&1) && fail "--group nosuch accepted"
grep -q "nosuch" <<< "$out" || fail "--group nosuch: $out"
pass "--group / --queue: one team only (JSON, text)"
printf '[queue.sales]\n[queue.nightshift]\n[group.night]\nqueues = night*\n[group.front]\nqueues = sales\n' > "$TMP/night.ini"
"$CCBOARD" --replay --once --json -c "$TMP/night.ini" "$TMP/m.log" > "$TMP/night.json" || fail "night: exited $?"
python3 - "$TMP/night.json" <<'PY' || fail "a group with no queue yet is not reported in the sources"
import json, sys
s = json.loads(open(sys.argv[1]).read().splitlines()[-1])
src = [x for x in s["sources"] if x["kind"] == "groups"]
assert len(src) == 1 and src[0]["state"] == "waiting", s["sources"]
assert "[group.night]" in src[0]["detail"] and "front" not in src[0]["detail"], src[0]
PY
pass "a group whose queues the log has not named yet: a waiting pseudo-source"
echo "groups: all passed"
