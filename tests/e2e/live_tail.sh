#!/usr/bin/env bash
# live_tail.sh - ccboard --json follows a queue_log that a simulated centre
# writes in real time, rotated by rename and later by copy-truncate midway:
# every line shows within a second, and the last snapshot equals the truth.
. "$(dirname "$0")/lib.bash"
# Local time at about 08:00 so the hour simulated stays within one day.
start=$(date +%s)
hour=$(( (start / 3600) % 24 ))
export TZ="CCB-$(( (8 - hour + 24) % 24 ))"
log="$TMP/queue_log"
# The generator runs 300 times faster than the clock (the hour in 12 s): its
# lines are stamped up to an hour ahead, which is not a sign of a bad line here.
printf '[defaults]\nfuture_slack_s = 86400\n' > "$TMP/slack.ini"
export LIVE_CONFIG="$TMP/slack.ini"
python3 "$SRCDIR/tests/e2e/live_check.py" "$CCBOARD" "$log" "$TMP/times" "$TMP/last.json" \
	"python3 '$GEN' --seed 21 --start $start --hours 1 --speed 300 --realtime --truth '$TMP/truth.json'" \
	"| python3 '$SRCDIR/tests/e2e/rotating_writer.py' '$log' 500 1100 '$TMP/times'" \
	|| fail "lines were late or ccboard failed"
lines=$(wc -l < "$TMP/times")
[ "$lines" -gt 1200 ] || fail "the generator wrote only $lines lines"
[ -s "$log.1" ] && [ -s "$log.2" ] || fail "the log was not rotated twice"
python3 "$SRCDIR/tests/e2e/compare_truth.py" "$TMP/truth.json" "$TMP/last.json" \
	|| fail "the live figures differ from the truth"
pass "live tail through rename and copy-truncate"
