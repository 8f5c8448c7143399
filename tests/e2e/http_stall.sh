#!/usr/bin/env bash
# http_stall.sh - a client that sends half a request and stalls holds nothing
# up: --json keeps ticking and /healthz answers; GET /snapshot is byte for
# byte the --json line of its tick. Timing-sensitive: the timing lock.
. "$(dirname "$0")/lib.bash"
python3 "$SRCDIR/tests/e2e/http_check.py" stall "$CCBOARD" "$TMP" || fail "stalled client"
