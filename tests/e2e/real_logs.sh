#!/usr/bin/env bash
# real_logs.sh - the real Asterisk logs are read without a crash or a hang,
# and their figures equal what was worked out by hand from their lines.
. "$(dirname "$0")/lib.bash"
REAL="$SHARED/data/real"
run() {  # output, config, files...
	local out=$1 cfg=$2; shift 2
	timeout 60 "$CCBOARD" --replay --once --json -c "$cfg" "$@" > "$TMP/$out.json" \
		|| fail "$out: ccboard exited $?"
}
expect() { python3 "$SRCDIR/tests/e2e/expect.py" "$TMP/$1.json" "${@:2}" || fail "$1"; }

# Asterisk 22.10.1 recording: the counts its README gives per queue. tech has
# servicelevel 30 there; with sl_formula = answered the SL equals Asterisk's
# own "SL perf" (billing 48.3, tech 70.6, vip 53.8).
cat > "$TMP/ast22.ini" <<'INI'
[defaults]
sl_formula = answered
[queue.tech]
sl_threshold_s = 30
INI
run ast22 "$TMP/ast22.ini" "$REAL/asterisk22-session/queue_log"
expect ast22 as_of=1795469724 \
	queues.billing.today.offered=56 queues.billing.today.answered=29 \
	queues.billing.today.answered_within_sl=14 queues.billing.today.abandoned=23 \
	queues.billing.today.timed_out=3 queues.billing.today.exited_key=1 \
	queues.billing.today.completed=29 queues.billing.today.service_level_pct=48.28 \
	queues.tech.today.offered=50 queues.tech.today.answered=34 \
	queues.tech.today.answered_within_sl=24 queues.tech.today.abandoned=15 \
	queues.tech.today.exited_key=1 queues.tech.today.completed=34 \
	queues.tech.today.service_level_pct=70.59 \
	queues.vip.today.offered=32 queues.vip.today.answered=13 queues.vip.today.abandoned=10 \
	queues.vip.today.exited_empty=9 queues.vip.today.answered_within_sl=7 \
	queues.vip.today.completed=13 queues.vip.today.service_level_pct=53.85 \
	total.today.offered=138 total.today.answered=76 total.today.completed=76 \
	total.waiting=0 queues.billing.agents.logged_in=4 queues.tech.agents.logged_in=4 \
	queues.tech.agents.paused=1 queues.vip.agents.logged_in=3 total.agents.logged_in=7 \
	total.agents.paused=1 total.agents.on_call=0 \
	sources.0.lines=399 sources.0.bad_lines=0 sources.0.ignored_events=3
# README: hold avg billing 35.2 s, tech 25.8 s, vip 20.1 s
expect ast22 queues.billing.today.asa_s=35.17 queues.tech.today.asa_s=25.82 \
	queues.vip.today.asa_s=20.08

# Issabel, 543 lines with NUL bytes before a QUEUESTART, 280 CONFIGRELOAD,
# DID before ENTERQUEUE; ADDMEMBER/REMOVEMEMBER as SIP/1001, the rest as Alex.
printf '[agents]\nSIP/1001 = Alex\n' > "$TMP/issabel.ini"
: > "$TMP/none.ini"
run issabel "$TMP/issabel.ini" "$REAL/issabel-500-2022-07.queue_log"
expect issabel sources.0.lines=543 sources.0.bad_lines=0 sources.0.ignored_events=310 \
	queues.500.agents.logged_in=0 total.agents.logged_in=0 total.waiting=0
# without the map, the member removed as SIP/1001 stays logged in as Alex
run issabel-nomap "$TMP/none.ini" "$REAL/issabel-500-2022-07.queue_log"
expect issabel-nomap queues.500.agents.logged_in=1
# 2022-07-18 (the first 140 lines): 12 callers, all abandoned, waits
# 28 20 25 7 31 50 17 70 82 3 20 16 -> 1 short (<5), 6 within 20 s, sum 369
head -n 140 "$REAL/issabel-500-2022-07.queue_log" > "$TMP/issabel-0718.log"
run issabel-0718 "$TMP/issabel.ini" "$TMP/issabel-0718.log"
expect issabel-0718 queues.500.today.offered=12 queues.500.today.abandoned=12 \
	queues.500.today.abandoned_short=1 queues.500.today.abandoned_within_sl=6 \
	queues.500.today.abandon_wait_s=369 queues.500.today.service_level_pct=0.0 \
	queues.500.today.abandon_rate_pct=100.0 queues.500.today.avg_abandon_wait_s=30.75
# 2022-07-26 (lines 352-411): 3 answered (holds 6, 5, 6), talks 7, 4, 11
sed -n 1,411p "$REAL/issabel-500-2022-07.queue_log" > "$TMP/issabel-0726.log"
run issabel-0726 "$TMP/issabel.ini" "$TMP/issabel-0726.log"
expect issabel-0726 queues.500.today.offered=3 queues.500.today.answered=3 \
	queues.500.today.answered_within_sl=3 queues.500.today.completed=3 \
	queues.500.today.talk_s=22 queues.500.today.hold_s=17 queues.500.today.asa_s=5.67 \
	queues.500.today.service_level_pct=100.0 queues.500.agents.on_call=0

# FreePBX fixture: duplicated lines, blank lines, out-of-order timestamps,
# member names with spaces. 3 calls answered (holds 10, 14, 6); ends: 122 s,
# 406 s (its CONNECT is not in the file) and 228 s written 4 times; 6
# repeated ENTERQUEUE lines of a call that already ended.
run freepbx "$TMP/none.ini" "$REAL/freepbx-201-edited-fixture.queue_log"
expect freepbx as_of=1546027677 queues.201.today.offered=3 queues.201.today.answered=3 \
	queues.201.today.answered_within_sl=3 queues.201.today.completed=3 \
	queues.201.today.talk_s=756 queues.201.waiting=0 queues.201.agents.logged_in=5 \
	queues.201.agents.on_call=1 input.duplicates=9 sources.0.ignored_events=1 \
	sources.0.bad_lines=0 sources.0.lines=23

# PJSIP realtime rows, Jan-Feb 2023; cut after 2023-02-21's calls (84 lines):
# Support: ABANDON after 20 s (within SL, not short) and a timeout; sales: ABANDON after 9 s.
head -n 84 "$REAL/pjsip-realtime-2023.queue_log" > "$TMP/pjsip-0221.log"
run pjsip "$TMP/none.ini" "$TMP/pjsip-0221.log"
expect pjsip queues.Support.today.offered=2 queues.Support.today.abandoned=1 \
	queues.Support.today.abandoned_within_sl=1 queues.Support.today.timed_out=1 \
	queues.sales.today.offered=1 queues.sales.today.abandoned=1 \
	queues.sales.today.abandoned_short=0 queues.Support.agents.logged_in=1 total.waiting=0
run pjsip-all "$TMP/none.ini" "$REAL/pjsip-realtime-2023.queue_log"
expect pjsip-all sources.0.lines=85 sources.0.bad_lines=0 total.today.offered=0

# all four at once, as several sources (freepbx, issabel, pjsip, asterisk 22,
# their lines merged by time): each source's counters are its own run's; the
# board's day is the latest log's (the others' days are long over), and every
# agent still logged in at the end of its log is there once: 5 + 1 + 1 + 7;
# the call still up at the end of the 2018 log is long over by 2025 (as when
# the four are one stream in time order).
run all "$TMP/none.ini" "$REAL"/*.queue_log "$REAL/asterisk22-session/queue_log"
expect all sources.0.lines=23 sources.0.bad_lines=0 sources.0.ignored_events=1 \
	sources.1.lines=543 sources.1.bad_lines=0 sources.1.ignored_events=310 \
	sources.2.lines=85 sources.2.bad_lines=0 sources.2.ignored_events=46 \
	sources.3.lines=399 sources.3.bad_lines=0 sources.3.ignored_events=3 \
	as_of=1795469724 total.waiting=0 total.today.offered=138 total.today.answered=76 \
	total.today.completed=76 total.today.abandoned=48 total.agents.logged_in=14 \
	total.agents.paused=1 total.agents.on_call=0 input.duplicates=9 input.events=688
# and the pjsip source alone counts its ignored events the same
expect pjsip-all sources.0.ignored_events=46
pass "real logs"
