# ami_lib.bash - starting tests/fake_ami.py for the AMI end-to-end tests (sourced).
REC="$SHARED/data/real/asterisk22-session"
FAKE_PID=
# Starts the fake server with the given options; sets PORT. Its log: $TMP/fake.log
fake_start() {
	rm -f "$TMP/port" "$TMP/fake.log"
	python3 "$SRCDIR/tests/fake_ami.py" --recording "$REC" --port-file "$TMP/port" \
		--log "$TMP/fake.log" "$@" 2> "$TMP/fake.err" &
	FAKE_PID=$!
	for _ in $(seq 300); do
		[ -s "$TMP/port" ] && break
		kill -0 "$FAKE_PID" 2> /dev/null || fail "fake_ami.py died: $(cat "$TMP/fake.err")"
		sleep 0.1
	done
	PORT=$(cat "$TMP/port") || fail "fake_ami.py did not listen"
}
fake_stop() {
	[ -n "$FAKE_PID" ] && kill "$FAKE_PID" 2> /dev/null && wait "$FAKE_PID" 2> /dev/null || true
	FAKE_PID=
}
trap 'fake_stop; rm -rf "$TMP"' EXIT
# A config holding the fake's secret, readable by its owner only.
ami_config() {
	printf '[ami]\nsecret = s3cret\n%s' "${1:-}" > "$TMP/ami.ini"
	chmod 600 "$TMP/ami.ini"
}
fake_count() { grep -c -- "$1" "$TMP/fake.log" || true; }
