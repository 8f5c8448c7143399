#!/usr/bin/env bash
# ami_reconnect.sh - following an AMI server that misbehaves:
#  * it accepts and closes at once: the client backs off (1, 2, 4 s with
#    jitter), shows "retrying in N s", and burns no CPU while it waits;
#  * it drops the connection in the middle of a message, twice: the client
#    logs in again, reseeds with QueueStatus, and the day's figures come out
#    exactly as in the recording (nothing lost, nothing counted twice).
. "$(dirname "$0")/lib.bash"
. "$(dirname "$0")/ami_lib.bash"
# The recording is played faster than the clock: its events run ahead of it.
ami_config $'[defaults]\nfuture_slack_s = 86400\n'
hz=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# --- accept and close at once
fake_start --close-at-once
"$CCBOARD" --json -c "$TMP/ami.ini" "ami://ccboard@127.0.0.1:$PORT" > "$TMP/close.jsonl" 2> "$TMP/close.err" &
pid=$!
sleep 2
t0=$(cpu_ticks $pid)
sleep 5.5
t1=$(cpu_ticks $pid)
rc=0; kill $pid; wait $pid || rc=$?
fake_stop
[ $rc = 0 ] || fail "close at once: the board exited $rc on SIGTERM: $(cat "$TMP/close.err")"
conns=$(fake_count '"connect"')
# attempts at about 0, 1, 3 and 7 s: never more than 4 in 7.5 s
[ "$conns" -ge 3 ] && [ "$conns" -le 4 ] || fail "close at once: $conns connections in 7.5 s"
used=$(( t1 - t0 ))
[ "$used" -le $(( hz / 5 )) ] || fail "close at once: $used CPU ticks in 5.5 s of backoff (busy loop?)"
tail -1 "$TMP/close.jsonl" | grep -q '"state": *"retrying"' || fail "close at once: state $(tail -1 "$TMP/close.jsonl")"
grep -q 'retrying in [0-9]* s' "$TMP/close.jsonl" || fail "close at once: no 'retrying in N s'"
pass "accept-and-close: $conns connections in 7.5 s, $used/$hz s of CPU in 5.5 s"

# --- drops in the middle of a message, followed live (the recording is moved
# to now; the zone puts now in the morning so that it all falls on one day)
off=$(python3 -c 'import time; h=time.gmtime().tm_hour; o=(10-h)%24; print(o-24 if o>12 else o)')
export TZ="XXX$(( -off ))"
[ "$off" -le 0 ] && export TZ="XXX+$(( -off ))"
fake_start --speed 0 --shift-to-now --drop-at 2000 --drop-at 6500
"$CCBOARD" --json -c "$TMP/ami.ini" "ami://ccboard@127.0.0.1:$PORT" > "$TMP/drop.jsonl" 2> "$TMP/drop.err" &
pid=$!
for _ in $(seq 600); do
	grep -q end-of-recording "$TMP/fake.log" 2> /dev/null && break
	sleep 0.1
done
grep -q end-of-recording "$TMP/fake.log" || fail "drop: the playback did not end"
sleep 2.5                 # a tick or two to print the state
rc=0; kill $pid; wait $pid || rc=$?
fake_stop
[ $rc = 0 ] || fail "drop: the board exited $rc on SIGTERM: $(cat "$TMP/drop.err")"
[ "$(fake_count '"drop"')" = 2 ] || fail "drop: $(fake_count '"drop"') drops"
[ "$(fake_count '"login"')" -ge 3 ] || fail "drop: $(fake_count '"login"') logins"
[ "$(fake_count '"queuestatus"')" -ge 3 ] || fail "drop: no QueueStatus on each reconnect"
python3 "$SRCDIR/tests/e2e/expect.py" "$TMP/drop.jsonl" \
	total.today.offered=138 total.today.answered=76 total.today.completed=76 \
	total.today.abandoned=60 total.today.exited_key=2 total.waiting=0 \
	queues.billing.today.answered=29 queues.tech.today.answered=34 queues.vip.today.answered=13 \
	queues.billing.today.abandoned=26 queues.tech.today.abandoned=15 queues.vip.today.abandoned=19 \
	total.agents.logged_in=7 total.agents.paused=1 queues.vip.agents.logged_in=3 \
	input.duplicates=0 || fail "drop: figures"
pass "two drops mid-message: reconnected, reseeded, nothing lost or doubled"
