#!/usr/bin/env bash
# golden.sh - ccboard --replay --once (JSON and text) on the generated and real
# logs the suite uses equals the output kept in tests/data/golden: a change to
# the house (the figures' catalogue, the writers, the model's split) must not
# change a figure. New JSON keys are allowed; every kept key keeps its value.
# The text table must be the same byte for byte.
#   GOLDEN_UPDATE=1 bash tests/e2e/golden.sh   writes the kept outputs again
. "$(dirname "$0")/lib.bash"
GOLD="$SRCDIR/tests/data/golden"
real="$SHARED/data/real"

cat > "$TMP/site.ini" <<'INI'
[general]
site = Golden
[defaults]
sl_threshold_s = 30
short_abandon_s = 10
wrapup_s = 15
[queue.sales]
display = Sales
sl_formula = answered
[queue.support]
sl_formula = abandons_positive
sl_target_pct = 90
[alert.busy]
metric = today.offered
queue = *
op = above
warning = 50
critical = 100
INI
{
	echo "[agents]"
	for ((i = 0; i < 40; i++)); do printf 'PJSIP/%d = Agent %03d\n' $((1000 + i)) "$i"; done
} > "$TMP/agents40.ini"
: > "$TMP/empty.ini"

python3 "$GEN" --seed 4 --start 1767225600 --hours 23.5 --queues 5 --agents 50 --out "$TMP/day.log"
python3 "$GEN" --seed 7 --names asterisk --out "$TMP/asterisk.log"
python3 "$GEN" --seed 9 --freepbx --hours 30 --out "$TMP/freepbx.log"

# name, config, log
cases=(
	"day site.ini $TMP/day.log"
	"asterisk agents40.ini $TMP/asterisk.log"
	"freepbx empty.ini $TMP/freepbx.log"
	"issabel site.ini $real/issabel-500-2022-07.queue_log"
	"fixture empty.ini $real/freepbx-201-edited-fixture.queue_log"
	"pjsip site.ini $real/pjsip-realtime-2023.queue_log"
	"ast22 empty.ini $real/asterisk22-session/queue_log"
)
status=0
for c in "${cases[@]}"; do
	read -r name cfg log <<< "$c"
	for fmt in json text; do
		args=(--replay --once -c "$TMP/$cfg")
		[ "$fmt" = json ] && args+=(--json)
		# the log's path is the one thing that differs from run to run
		"$CCBOARD" "${args[@]}" "$log" | sed "s|$(dirname "$log")/||g" > "$TMP/$name.$fmt" \
			|| fail "$name: ccboard exited with an error"
		if [ "${GOLDEN_UPDATE:-}" = 1 ]; then
			cp "$TMP/$name.$fmt" "$GOLD/$name.$fmt"
			continue
		fi
		[ -f "$GOLD/$name.$fmt" ] || fail "$name.$fmt: nothing kept to compare with"
		if [ "$fmt" = text ]; then
			diff -u "$GOLD/$name.text" "$TMP/$name.text" >&2 || { status=1; continue; }
		else
			python3 - "$GOLD/$name.json" "$TMP/$name.json" <<'PY' || { status=1; continue; }
import json, sys
kept, now = (json.load(open(p)) for p in sys.argv[1:])
diffs = []
def same(a, b, where):
    if isinstance(a, dict):
        if not isinstance(b, dict):
            diffs.append(f"{where}: not an object now")
            return
        for k, v in a.items():
            if k not in b:
                diffs.append(f"{where}.{k}: gone")
            else:
                same(v, b[k], f"{where}.{k}")
    elif isinstance(a, list):
        if not isinstance(b, list) or len(a) != len(b):
            diffs.append(f"{where}: {len(a)} items kept, {len(b) if isinstance(b, list) else '?'} now")
            return
        for i, (x, y) in enumerate(zip(a, b)):
            same(x, y, f"{where}[{i}]")
    elif a != b or type(a) != type(b):
        diffs.append(f"{where}: kept {a!r}, now {b!r}")
same(kept, now, "")
for d in diffs[:20]:
    print(sys.argv[1].rsplit("/", 1)[-1] + d, file=sys.stderr)
sys.exit(1 if diffs else 0)
PY
		fi
		pass "$name.$fmt equals the kept output"
	done
done
[ "$status" = 0 ] || fail "outputs differ from tests/data/golden (see above)"
