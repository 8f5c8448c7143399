#!/usr/bin/env bash
# http_prometheus.sh - a real Prometheus (Debian's, on a free loopback port,
# its own storage, scrape_interval 1s) scrapes a replayed headless board and
# finds exactly the JSON snapshot's ccboard_queue_waiting,
# ccboard_queue_offered_today and ccboard_queue_service_level_ratio{period=
# "today"} per queue; promtool check metrics prints nothing on /metrics.
# Timing-sensitive (Prometheus's start): the timing lock.
. "$(dirname "$0")/lib.bash"
command -v prometheus > /dev/null || fail "no prometheus (scripts/deps --test installs it)"
"$GEN" --seed 12 --hours 3 --queues 6 --agents 20 --out "$TMP/queue_log" > /dev/null
python3 "$SRCDIR/tests/e2e/http_check.py" prometheus "$CCBOARD" "$TMP" "$TMP/queue_log" \
	|| fail "Prometheus and the JSON disagree"
