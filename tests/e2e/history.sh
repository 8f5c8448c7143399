#!/usr/bin/env bash
# history.sh - SPEC 7: eight weeks of generated days imported, then a day with
# 1.6 times the calls: typical is the median of the Mondays, peak_ratio 1.6,
# the forecast typical x ratio. Importing twice changes nothing; .gz and plain
# give the same rows; a truncated .gz names the file and keeps what was read;
# kill -9 mid-import and mid-write leave a sound database.
source "$(dirname "$0")/lib.bash"

python3 "$SRCDIR/tests/e2e/history_gen.py" --gen "$GEN" --out "$TMP" --big 120 --live 40
cfg() { printf '[history]\npath = %s\n' "$1" > "$TMP/$2.ini"; }
cfg "$TMP/a.sqlite3" a
cfg "$TMP/b.sqlite3" b
cfg "$TMP/c.sqlite3" c
cfg "$TMP/d.sqlite3" d
cfg "$TMP/e.sqlite3" e
dump() { sqlite3 "$1" .dump; }

# files named out of time order: the import takes them by their first line
files=$(cd "$TMP" && ls tue*.log mon*.log | sort -r)
(cd "$TMP" && "$CCBOARD" -c a.ini --import $files) 2> "$TMP/import.err" || fail "import: $(cat "$TMP/import.err")"
grep -q 'imported 16 files' "$TMP/import.err" || fail "no summary: $(cat "$TMP/import.err")"
[ "$(sqlite3 "$TMP/a.sqlite3" 'PRAGMA user_version; PRAGMA journal_mode;' | tr '\n' ' ')" = "2 wal " ] \
  || fail "schema version or WAL"
[ "$(sqlite3 "$TMP/a.sqlite3" 'SELECT count(*) FROM days')" = 16 ] || fail "16 days"
dump "$TMP/a.sqlite3" > "$TMP/a1.dump"
(cd "$TMP" && "$CCBOARD" -c a.ini --import $files) 2>/dev/null || fail "second import"
dump "$TMP/a.sqlite3" > "$TMP/a2.dump"
cmp -s "$TMP/a1.dump" "$TMP/a2.dump" || fail "a second import changed the database"
pass "import twice: the same .dump"

(cd "$TMP" && for f in $files; do gzip -c "$f" > "$f.gz"; done
 "$CCBOARD" -c b.ini --import $(for f in $files; do echo "$f.gz"; done)) 2>/dev/null || fail "import .gz"
dump "$TMP/b.sqlite3" | sed "s#b.sqlite3#a.sqlite3#" > "$TMP/b.dump"
cmp -s "$TMP/a1.dump" "$TMP/b.dump" || fail ".gz and plain differ"
pass ".gz and plain: the same rows"

# a .gz cut short: an error naming it, what was read before is kept
cat "$TMP"/mon*.log | gzip -c | head -c 20000 > "$TMP/cut.log.gz"
rc=0; "$CCBOARD" -c "$TMP/c.ini" --import "$TMP/cut.log.gz" 2> "$TMP/cut.err" || rc=$?
[ "$rc" = 1 ] || fail "truncated .gz: exit $rc: $(cat "$TMP/cut.err")"
grep -q "cut.log.gz: truncated" "$TMP/cut.err" || fail "no message naming the file: $(cat "$TMP/cut.err")"
[ "$(sqlite3 "$TMP/c.sqlite3" 'SELECT count(*) FROM voice')" -gt 0 ] || fail "truncated .gz kept nothing"
pass "truncated .gz: named, what was read kept"

# the 1.6x Monday against the eight Mondays
"$CCBOARD" -c "$TMP/a.ini" --replay --once --json "$TMP/today.log" > "$TMP/today.json" || fail "replay"
python3 - "$TMP/today.json" "$TMP/expected.json" <<'PY' || fail "typical / peak / forecast"
import json, sys
snap = json.load(open(sys.argv[1])); exp = json.load(open(sys.argv[2]))
h = snap["history"]
assert h["status"] == "ok" and h["days"] == 16, h
q = [q for q in snap["queues"] if q["name"] == "sales"][0]
t = q["typical"]
assert t["days"] == 8, t["days"]
iv = t["intervals"]
for slot, med in exp["median"].items():
    assert iv[int(slot)] == med, (slot, iv[int(slot)], med)
assert sum(1 for v in iv if v) == sum(1 for v in exp["median"].values() if v)
r = q["peak_ratio"]
assert abs(r - 1.6) / 1.6 < 0.02, r
assert q["forecast"], "no forecast"
for f in q["forecast"]:
    slot = (f["interval_start"] - exp["day_start"]) // 900
    want = iv[slot] * r
    assert abs(f["calls"] - want) <= 0.01 + 0.005 * iv[slot], (f, want)
# staffing plans with that forecast: the next interval's calls are the forecast's
st = q["staffing"]
assert st and all(x["forecast_source"] == "history" for x in st), st
fc = {f["interval_start"]: f["calls"] for f in q["forecast"]}
for x in st:
    if x["interval_start"] in fc:
        assert abs(x["forecast_calls"] - fc[x["interval_start"]]) < 1e-6, (x, fc)
print("peak_ratio", r, "forecast", q["forecast"][:2], "staffing", [x["forecast_calls"] for x in st])
PY
pass "typical = median of the Mondays, peak_ratio ~1.6, forecast = typical x ratio"

# kill -9 in the middle of an import: sound, and the next import completes
"$CCBOARD" -c "$TMP/d.ini" --import "$TMP/big.log" 2>/dev/null &
pid=$!
for _ in $(seq 400); do
  n=$(sqlite3 "$TMP/d.sqlite3" 'SELECT count(*) FROM voice' 2>/dev/null || echo 0)
  [ "${n:-0}" -gt 0 ] && break
  kill -0 $pid 2>/dev/null || break
  sleep 0.01
done
kill -9 $pid 2>/dev/null && killed=1 || killed=0
wait $pid 2>/dev/null || true
[ "$(sqlite3 "$TMP/d.sqlite3" 'PRAGMA integrity_check')" = ok ] || fail "integrity after kill -9 (import)"
"$CCBOARD" -c "$TMP/d.ini" --import "$TMP/big.log" 2>/dev/null || fail "import after kill -9"
[ "$(sqlite3 "$TMP/d.sqlite3" 'SELECT count(*) FROM days')" = 120 ] || fail "120 days after the second import"
pass "kill -9 mid-import (killed: $killed): integrity ok, the next import completes"

# kill -9 while a live board writes the intervals of a log reaching now
XDG_STATE_HOME="$TMP/state" "$CCBOARD" -c "$TMP/e.ini" --headless "$TMP/live.log" 2>/dev/null &
pid=$!
for _ in $(seq 1000); do
  n=$(sqlite3 "$TMP/e.sqlite3" 'SELECT count(*) FROM voice' 2>/dev/null || echo 0)
  [ "${n:-0}" -gt 0 ] && break
  sleep 0.01
done
kill -9 $pid
wait $pid 2>/dev/null || true
[ "${n:-0}" -gt 0 ] || fail "the live board wrote nothing"
[ "$(sqlite3 "$TMP/e.sqlite3" 'PRAGMA integrity_check')" = ok ] || fail "integrity after kill -9 (live)"
"$CCBOARD" -c "$TMP/e.ini" --import "$TMP/mon0.log" 2>/dev/null || fail "import after kill -9 (live)"
pass "kill -9 mid-write (live): integrity ok, an import completes"

# a live board reading a log of the last hours writes each interval with its
# own calls, and the open one when it stops
printf '[history]\npath = %s\n' "$TMP/f.sqlite3" > "$TMP/f.ini"
"$CCBOARD" -c "$TMP/f.ini" --headless "$TMP/live.log" 2>/dev/null &
pid=$!
want=$(awk -F'|' '$5 ~ /^(CONNECT|ABANDON|EXITWITHTIMEOUT|EXITWITHKEY|EXITEMPTY|WITHDRAW)$/' "$TMP/live.log" | wc -l)
for _ in $(seq 500); do
  n=$(sqlite3 "$TMP/f.sqlite3" 'SELECT count(*) FROM voice' 2>/dev/null || echo 0)
  [ "${n:-0}" -ge 20 ] && break
  sleep 0.02
done
kill -TERM $pid; wait $pid || fail "the live board's exit"
got=$(sqlite3 "$TMP/f.sqlite3" 'SELECT count(*), sum(offered), max(offered) FROM voice')
[ "${got%%|*}" -ge 20 ] && [ "$(echo "$got" | cut -d'|' -f2)" = "$want" ] \
  || fail "live rows: $got (want >= 20 intervals and $want calls in all)"
pass "live: $got (intervals, calls, most in one) for $want calls in the log"

# contact events beside a queue_log: the calls count as contacts of the voice
# channel as on the live board (the import feeds them to the contacts model
# once the files hold contact events, even when the queue_log comes first)
python3 "$SHARED/tools/gen-contacts" --seed 3 --hours 2 --contacts-per-hour 200 --start 1767600000 \
  --out-events "$TMP/ev.jsonl" --out-queue-log "$TMP/q.log" >/dev/null
printf '[history]\npath = %s\n' "$TMP/m.sqlite3" > "$TMP/m.ini"
"$CCBOARD" -c "$TMP/m.ini" --import "$TMP/q.log" "$TMP/ev.jsonl" 2>/dev/null || fail "mixed import"
calls=$(awk -F'|' '$5 == "ENTERQUEUE"' "$TMP/q.log" | wc -l)
got=$(sqlite3 "$TMP/m.sqlite3" "SELECT sum(created) FROM contact JOIN series ON id = series
                                WHERE kind = 'channel' AND name = 'voice'")
[ "${got:-0}" -gt 0 ] && [ "$got" -le "$calls" ] || fail "voice contacts: ${got:-none} for $calls calls"
pass "queue_log and contact events imported: $got calls counted as voice contacts"

# another process holds the write lock as the live board starts: the board
# goes on (snapshots keep coming), says so in the JSON with the failed tries
# counted, keeps the intervals, and writes them all once the lock is gone
printf '[history]\npath = %s\n' "$TMP/g.sqlite3" > "$TMP/g.ini"
sqlite3 "$TMP/g.sqlite3" 'PRAGMA journal_mode = WAL;' >/dev/null
rm -f "$TMP/unlock"
printf 'for i in $(seq 1000); do [ -e "%s" ] && exit; sleep 0.02; done\n' "$TMP/unlock" > "$TMP/hold.sh"
sqlite3 "$TMP/g.sqlite3" 'BEGIN IMMEDIATE;' ".system sh $TMP/hold.sh" 'COMMIT;' &
locker=$!
for _ in $(seq 200); do    # the lock is held once a write cannot take it
  sqlite3 -cmd '.timeout 0' "$TMP/g.sqlite3" 'BEGIN IMMEDIATE; ROLLBACK;' 2>/dev/null || break
  sleep 0.02
done
"$CCBOARD" -c "$TMP/g.ini" --json "$TMP/live.log" > "$TMP/g.jsonl" 2>"$TMP/g.err" &
pid=$!
for _ in $(seq 500); do
  grep -q 'failed tr' "$TMP/g.jsonl" 2>/dev/null && break
  sleep 0.02
done
lines=$(wc -l < "$TMP/g.jsonl")
sleep 1.2                  # the board keeps publishing while the lock is held
[ "$(wc -l < "$TMP/g.jsonl")" -gt "$lines" ] || fail "the board froze on a locked database"
tail -1 "$TMP/g.jsonl" | python3 -c '
import json, sys
h = json.load(sys.stdin)["history"]
assert h["status"] == "error" and "locked" in h["detail"] and "failed tr" in h["detail"], h' \
  || fail "the lock is not shown: $(tail -1 "$TMP/g.jsonl" | head -c 600)"
grep -q 'locked' "$TMP/g.err" || fail "the lock is not logged: $(cat "$TMP/g.err")"
touch "$TMP/unlock"; wait $locker
for _ in $(seq 500); do   # tried again while the board runs, not only at its exit
  n=$(sqlite3 "$TMP/g.sqlite3" 'SELECT count(*) FROM voice' 2>/dev/null || true)
  [ "${n:-0}" -ge 20 ] && break
  sleep 0.02
done
[ "${n:-0}" -ge 20 ] || fail "the intervals kept during the lock were not written: ${n:-0} rows"
for _ in $(seq 200); do
  tail -1 "$TMP/g.jsonl" | grep -q '"history":{"status":"ok"' && break
  sleep 0.02
done
tail -1 "$TMP/g.jsonl" | grep -q '"history":{"status":"ok"' || fail "the status stays error"
kill -TERM $pid; wait $pid || fail "the board's exit after a lock"
got=$(sqlite3 "$TMP/g.sqlite3" 'SELECT count(*), sum(offered) FROM voice')
[ "$(echo "$got" | cut -d'|' -f2)" = "$want" ] || fail "rows after the lock: $got (want $want calls)"
pass "a locked database: the board goes on, says it, and writes every interval once free ($got)"

# a database that cannot be opened: said in the JSON and as a source; the board goes on
touch "$TMP/file"
printf '[history]\npath = %s\n' "$TMP/file/sub/h.sqlite3" > "$TMP/bad.ini"
"$CCBOARD" -c "$TMP/bad.ini" --replay --once --json "$TMP/today.log" > "$TMP/bad.json" 2>/dev/null \
  || fail "an unusable database stopped the board"
python3 - "$TMP/bad.json" <<'PY' || fail "the error is not shown"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["history"]["status"] == "error" and "cannot create" in s["history"]["detail"], s["history"]
src = [x for x in s["sources"] if x.get("kind") == "history"]
assert src and src[0]["state"] == "error", s["sources"]
assert s["total"]["today"]["offered"] > 0
PY
pass "an unusable database: status error, a history source in error, the figures as ever"

# the demo writes no history: a simulated centre is no one's past
XDG_STATE_HOME="$TMP/demo-state" timeout 3 "$CCBOARD" --demo --json -c /dev/null > "$TMP/demo.jsonl" 2>/dev/null || true
[ -s "$TMP/demo.jsonl" ] || fail "the demo printed no snapshot"
[ ! -e "$TMP/demo-state/ccboard" ] || fail "the demo created a history: $(ls -R "$TMP/demo-state")"
tail -1 "$TMP/demo.jsonl" | python3 -c 'import json,sys; h=json.load(sys.stdin)["history"]; assert h["status"] == "off", h' \
	|| fail "the demo's history status is not off"
pass "the demo keeps no history"
