#!/usr/bin/env bash
# erlang.sh - Erlang C and Erlang A against an independent Python reference
# (erlang_ref.py, standard library only) over a grid of traffic 0.1-900
# Erlangs, AHT 30-900 s, thresholds 10-60 s, targets 50-95 %: the cmocka
# program test_erlang reads the table and compares (required agents exact,
# service level within 0.01 percentage points).
. "$(dirname "$0")/lib.bash"
: "${BUILDDIR:?build directory holding test_erlang}"
[ -x "$BUILDDIR/test_erlang" ] || fail "no $BUILDDIR/test_erlang"
python3 "$SRCDIR/tests/e2e/erlang_ref.py" "$TMP/table" || fail "the reference failed"
[ "$(wc -l < "$TMP/table")" -gt 2000 ] || fail "reference table too short"
CCBOARD_ERLANG_TABLE="$TMP/table" "$BUILDDIR/test_erlang" > "$TMP/out" 2>&1 ||
	{ cat "$TMP/out"; fail "test_erlang disagrees with the reference"; }
grep -q 'reference: ' "$TMP/out" || { cat "$TMP/out"; fail "the table was not read"; }
grep 'reference: ' "$TMP/out"
pass "Erlang C and A match the reference"
