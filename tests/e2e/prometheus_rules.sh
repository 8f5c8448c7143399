#!/usr/bin/env bash
# prometheus_rules.sh - the Prometheus examples of dist/prometheus/ are valid
# (promtool check config, check rules) and every alert rule passes its unit
# tests on synthetic series (promtool test rules), firing and not firing.
# promtool comes with Debian's prometheus package (scripts/deps --test).
. "$(dirname "$0")/lib.bash"
DIR="$SRCDIR/dist/prometheus"
command -v promtool > /dev/null || fail "no promtool (scripts/deps --test installs prometheus)"
for f in prometheus.yml federate.yml ccboard.rules.yml ccboard.rules.test.yml; do
	[ -f "$DIR/$f" ] || fail "no dist/prometheus/$f"
done

for f in prometheus.yml federate.yml; do
	promtool check config "$DIR/$f" > "$TMP/out" 2>&1 || fail "promtool check config $f: $(cat "$TMP/out")"
	pass "promtool check config $f"
done
promtool check rules "$DIR/ccboard.rules.yml" > "$TMP/out" 2>&1 \
	|| fail "promtool check rules: $(cat "$TMP/out")"
pass "promtool check rules: $(grep -o '[0-9]* rules found' "$TMP/out")"

# every alert of the rules file has a unit test, and they all pass
for a in $(sed -n 's/^ *- alert: *//p' "$DIR/ccboard.rules.yml"); do
	grep -q "alertname: $a\$" "$DIR/ccboard.rules.test.yml" || fail "alert $a has no unit test"
done
for a in CcboardServiceLevelLow CcboardCallersWaitingNoAgent CcboardSourceDown; do
	grep -q "alert: $a\$" "$DIR/ccboard.rules.yml" || fail "no alert $a"
done
(cd "$TMP" && promtool test rules "$DIR/ccboard.rules.test.yml") > "$TMP/out" 2>&1 \
	|| fail "promtool test rules: $(cat "$TMP/out")"
grep -q SUCCESS "$TMP/out" || fail "promtool test rules did not say SUCCESS: $(cat "$TMP/out")"
pass "promtool test rules: every alert fires and stays quiet as its tests expect"
