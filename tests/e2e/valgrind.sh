#!/usr/bin/env bash
# valgrind.sh - the binary, built without sanitizers, under valgrind on the
# real logs (--replay --once --json, and --json following until SIGTERM): no
# errors, no leaks at exit (definite or indirect), and the same figures as the
# tested binary. Uses $CCBOARD_PLAIN if set, else builds one (incrementally) in
# $BUILDDIR/valgrind-build.
. "$(dirname "$0")/lib.bash"
command -v valgrind > /dev/null || fail "no valgrind (scripts/deps --test installs it)"
plain=${CCBOARD_PLAIN:-}
if [ -z "$plain" ]; then
	vb="${BUILDDIR:-$SRCDIR/build}/valgrind-build"
	env -u CFLAGS cmake -S "$SRCDIR" -B "$vb" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCCBOARD_SANITIZE=OFF \
		-DCCBOARD_TESTS=OFF > "$TMP/cmake.log" 2>&1 || fail "configure: $(tail -n 20 "$TMP/cmake.log")"
	cmake --build "$vb" --target ccboard -j2 > "$TMP/build.log" 2>&1 \
		|| fail "build: $(tail -n 20 "$TMP/build.log")"
	plain="$vb/ccboard"
fi
: > "$TMP/empty.ini"
vg() {  # name, args...
	local name=$1; shift
	exec valgrind --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect \
		--errors-for-leak-kinds=definite,indirect --log-file="$TMP/$name.vg" "$plain" "$@"
}
real="$SHARED/data/real"
for log in issabel-500-2022-07.queue_log freepbx-201-edited-fixture.queue_log \
	pjsip-realtime-2023.queue_log asterisk22-session/queue_log; do
	name=$(basename "$(dirname "$log")")-$(basename "$log")
	(vg "$name" --replay --once --json -c "$TMP/empty.ini" "$real/$log") > "$TMP/$name.json" \
		|| fail "$log: valgrind exit $?: $(grep -A8 'ERROR SUMMARY\|definitely\|Invalid' "$TMP/$name.vg" | head -n 30)"
	"$CCBOARD" --replay --once --json -c "$TMP/empty.ini" "$real/$log" > "$TMP/$name.ref.json"
	python3 - "$TMP/$name.json" "$TMP/$name.ref.json" <<'PY' || fail "$log: figures differ from the tested binary"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
a.pop("sources"); b.pop("sources")
sys.exit(0 if a == b else 1)
PY
	grep -q "ERROR SUMMARY: 0 errors" "$TMP/$name.vg" || fail "$log: $(grep 'ERROR SUMMARY' "$TMP/$name.vg")"
	pass "valgrind: $log"
done

# Following (libuv loop, timers, inotify) and a clean shutdown on SIGTERM.
cp "$real/issabel-500-2022-07.queue_log" "$TMP/follow.log"
(vg follow --json -c "$TMP/empty.ini" "$TMP/follow.log" > "$TMP/follow.json") &
vpid=$!
sleep 4
tail -n 50 "$real/asterisk22-session/queue_log" >> "$TMP/follow.log"
sleep 3
kill -TERM $vpid
set +e; wait $vpid; rc=$?; set -e
[ $rc = 0 ] || fail "following: valgrind exit $rc: $(grep -A8 'ERROR SUMMARY\|definitely\|Invalid' "$TMP/follow.vg" | head -n 30)"
[ -s "$TMP/follow.json" ] || fail "following: no snapshot printed"
pass "valgrind: following, then SIGTERM"
