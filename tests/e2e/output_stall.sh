#!/usr/bin/env bash
# output_stall.sh - `ccboard --json` into a reader that stalls: the loop goes
# on (the tail follows, snapshots are dropped and counted as the "stdout"
# output source), and SIGTERM during the stall exits 0 within the flush bound.
# Timing-sensitive: run it serially.
. "$(dirname "$0")/lib.bash"
python3 "$SRCDIR/tests/e2e/output_stall.py" "$CCBOARD" "$TMP" \
	|| fail "a stalled reader stopped the loop"
pass "a stalled reader of --json"
