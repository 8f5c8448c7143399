#!/usr/bin/env bash
# manpage.sh - man/ccboard.1 is clean roff, renders, and cannot drift from the
# code: every option of --help, every configuration key of the key table,
# every alert-rule key, metric and placeholder, every alert_exec variable,
# every JSON key of a real snapshot and every source state appear in it.
. "$(dirname "$0")/lib.bash"
PAGE="$SRCDIR/man/ccboard.1"
[ -f "$PAGE" ] || fail "no $PAGE"

# 1. groff finds nothing to warn about
groff -man -ww -z "$PAGE" > "$TMP/warn" 2>&1 || fail "groff -man -ww -z exits non-zero: $(cat "$TMP/warn")"
[ -s "$TMP/warn" ] && fail "groff -man -ww -z warns: $(cat "$TMP/warn")"
pass "groff -man -ww -z is silent"

# 2. it renders; words are looked for in this text (no hyphenation, no overstrike)
groff -man -Tutf8 -rHY=0 -P-cbou "$PAGE" > "$TMP/page" 2> "$TMP/err" || fail "groff -Tutf8: $(cat "$TMP/err")"
for section in NAME SYNOPSIS DESCRIPTION OPTIONS SOURCES METRICS OUTPUT SCREEN \
		"KEY BINDINGS" THEMES ALERTS AMI CONFIGURATION FILES ENVIRONMENT SIGNALS \
		"EXIT STATUS" EXAMPLES "SEE ALSO"; do
	grep -q "^$section\$" "$TMP/page" || fail "rendered page lacks the section $section"
done
[ "$(wc -l < "$TMP/page")" -gt 300 ] || fail "rendered page is short: $(wc -l < "$TMP/page") lines"
pass "groff -Tutf8 renders every section"
command -v man > /dev/null || fail "no man(1) (scripts/deps --test installs man-db)"
MANPAGER=cat PAGER=cat MANWIDTH=80 man -l "$PAGE" > "$TMP/man" 2> "$TMP/err" \
	|| fail "man -l: $(cat "$TMP/err")"
grep -q "ccboard" "$TMP/man" || fail "man -l shows no ccboard"
pass "man -l renders it"

# has WORD WHAT: WORD must stand alone in the rendered page (not inside a
# longer name); the words are collected here and looked for at the end
: > "$TMP/words"
has() {
	printf '%s\t%s\n' "$2" "$1" >> "$TMP/words"
}
check_all() {  # what, words...
	local what=$1 n=0; shift
	for w in "$@"; do has "$w" "$what"; n=$((n + 1)); done
	[ "$n" -gt 0 ] || fail "found no $what to check"
	echo "checked $n $what"
}

# 3. every option of --help
"$CCBOARD" --help > "$TMP/help"
mapfile -t longs < <(grep -oE -- '--[a-z][a-z-]+' "$TMP/help" | sort -u)
mapfile -t shorts < <(grep -oE -- '(^|[[:space:]])-[A-Za-z],' "$TMP/help" | tr -d ' ,' | sort -u)
[ "${#longs[@]}" -ge 8 ] || fail "--help lists only ${#longs[@]} long options"
check_all "long options of --help" "${longs[@]}"
check_all "short options of --help" "${shorts[@]}"

# 4. every key of the configuration table (src/base/config.c) and of the rows of
# [alert.NAME] (src/model/alerts.c): the tables that parse, check and document them,
# cross-checked with config_write_keys() and alert_rules_write_keys()
# themselves when a dumper can be built against the library
sed -n 's/^[[:space:]]*{ KS_[A-Z_| ]*, "\([a-z_]*\)", KT_.*/\1/p' "$SRCDIR/src/base/config.c" | sort -u > "$TMP/keys"
[ "$(wc -l < "$TMP/keys")" -ge 15 ] || fail "read only $(wc -l < "$TMP/keys") keys from src/base/config.c"
sed -n 's/^[[:space:]]*{ "\([a-z_]*\)", KT_.*/\1/p' "$SRCDIR/src/model/alerts.c" | sort -u > "$TMP/rkeys"
[ "$(wc -l < "$TMP/rkeys")" -ge 8 ] || fail "read only $(wc -l < "$TMP/rkeys") rule keys from src/model/alerts.c"
lib="${BUILDDIR:-}/libccboard_core.a"
if [ -n "${BUILDDIR:-}" ] && [ -f "$lib" ]; then
	cc=$(sed -n 's/^CMAKE_C_COMPILER:[A-Z]*=//p' "$BUILDDIR/CMakeCache.txt" 2> /dev/null)
	flags=()
	grep -q '^CCBOARD_SANITIZE:BOOL=ON' "$BUILDDIR/CMakeCache.txt" 2> /dev/null &&
		flags=(-fsanitize=address,undefined)
	printf '#include "alerts.h"\n#include "config.h"\nint main(void) { config_write_keys(stdout); alert_rules_write_keys(stdout); return 0; }\n' \
		> "$TMP/dump.c"
	for d in "$SRCDIR"/src/*/; do flags+=(-I"$d"); done   # one folder per layer
	if "${cc:-cc}" -std=c11 "${flags[@]}" "$TMP/dump.c" "$lib" \
			$(pkg-config --libs inih 2> /dev/null || echo -linih) -lm \
			-o "$TMP/dump" 2> "$TMP/cc.err" && "$TMP/dump" > "$TMP/ref"; then
		grep -v '^\[alert\.NAME\] ' "$TMP/ref" |
			sed -n 's/^\[[^ ]*\]\( or \[[^ ]*\]\)* \([a-z_]*\): .*/\2/p' | sort -u > "$TMP/keys.ref"
		diff "$TMP/keys" "$TMP/keys.ref" > /dev/null ||
			fail "src/base/config.c table and config_write_keys() disagree: $(diff "$TMP/keys" "$TMP/keys.ref")"
		echo "config_write_keys() agrees with the table"
		sed -n 's/^\[alert\.NAME\] \([a-z_]*\): .*/\1/p' "$TMP/ref" | sort -u > "$TMP/rkeys.ref"
		diff "$TMP/rkeys" "$TMP/rkeys.ref" > /dev/null ||
			fail "src/model/alerts.c rows and alert_rules_write_keys() disagree: $(diff "$TMP/rkeys" "$TMP/rkeys.ref")"
		echo "alert_rules_write_keys() agrees with the rows"
	else
		echo "note: no key dumper ($(head -1 "$TMP/cc.err")); using the tables in src/base/config.c and src/model/alerts.c"
	fi
fi
mapfile -t keys < "$TMP/keys"
check_all "configuration keys" "${keys[@]}"
check_all "configuration sections" "[general]" "[sources]" "[defaults]" "[queue.NAME]" \
	"[agents]" "[ami]" "[alert.NAME]" "[channel.NAME]"
for f in offered answered abandons_positive; do has "$f" "sl_formula choices"; done

# 5. alert rules: keys, metrics, placeholders, built-in rules (src/model/alerts.c)
mapfile -t rkeys < "$TMP/rkeys"
check_all "alert rule keys" "${rkeys[@]}"
# (alert metrics are the figures of the catalogue, src/model/figures.c: each name's
# last part, as in "today.offered", "agents.available", "waiting")
mapfile -t metrics < <(sed -n '/^const struct figure figures\[\] = {/,/^};/p;/^#define PERIOD/,/^$/p' \
	"$SRCDIR/src/model/figures.c" | grep -oE '(CNT|DER)\(p, [a-z_]+|AGENTS\([a-z_]+|\{ "[a-z_]+"' |
	sed 's/"$//; s/.*[( "]//' | grep -E '^[a-z_]{2,}$' | sort -u)
[ "${#metrics[@]}" -ge 30 ] || fail "read only ${#metrics[@]} figures from src/model/figures.c"
check_all "alert metrics" "${metrics[@]}"
mapfile -t holders < <(sed -n '/placeholders\[\] = {/,/};/p' "$SRCDIR/src/model/alerts.c" |
	grep -oE '"[a-z_]+"' | tr -d '"')
check_all "message placeholders" $(printf '{%s} ' "${holders[@]}")
mapfile -t builtin < <(sed -n '/^const struct fig_builtin figure_builtins\[\] = {/,/^};/p' \
	"$SRCDIR/src/model/figures.c" | grep -oE '^\s*\{ "[a-z_]+"' | sed 's/.*"\(.*\)"/\1/')
check_all "built-in alert rules" "${builtin[@]}"

# 6. the alert_exec environment (src/out/alertlog.c)
mapfile -t envs < <(grep -oE '"CCBOARD_ALERT_[A-Z]+=' "$SRCDIR/src/out/alertlog.c" | tr -d '"=' | sort -u)
check_all "alert_exec variables" "${envs[@]}"

# 7. every JSON key of a real snapshot, with a display name and an alert
cat > "$TMP/cfg.ini" <<'EOF'
[queue.billing]
display = Billing
[alert.probe]
metric = today.offered
queue = total
op = above
warning = 1
EOF
"$CCBOARD" --replay --once --json -c "$TMP/cfg.ini" \
	"$SHARED/data/real/asterisk22-session/queue_log" > "$TMP/snap.json"
python3 "$SHARED/tools/gen-contacts" --seed 1 --hours 4 --out-events "$TMP/contacts.log"
"$CCBOARD" --replay --once --json "$TMP/contacts.log" > "$TMP/contacts.json"
mapfile -t jkeys < <(python3 - "$TMP/snap.json" "$TMP/contacts.json" <<'PY'
import json, sys
keys = set()
def walk(v, data=False):
    if isinstance(v, dict):
        for k, x in v.items():
            if not data:
                keys.add(k)
            # the keys of reasons and pivots_by_pair are data (a reason, "email>voice")
            walk(x, k in ("reasons", "pivots_by_pair"))
    elif isinstance(v, list):
        for x in v:
            walk(x)
snap = json.load(open(sys.argv[1]))
assert snap["alerts"] and snap["queues"][0].get("display"), "the probe did not show"
walk(snap)
contacts = json.load(open(sys.argv[2]))   # contact events (SPEC 6) and their calls
assert contacts["channels"] and contacts["journeys"], "no contact keys"
walk(contacts)
print("\n".join(sorted(keys)))
PY
)
check_all "JSON keys" "${jkeys[@]}"

# 8. source states (src/model/snapshot.c)
mapfile -t states < <(sed -n '/source_state_names\[\] = {/,/};/p' "$SRCDIR/src/model/snapshot.c" |
	grep -oE '"[a-z_]+"' | tr -d '"')
check_all "source states" "${states[@]}"

python3 - "$TMP/page" "$TMP/words" <<'PY' || fail "names of the code are not in man/ccboard.1"
import re, sys
page = open(sys.argv[1], encoding="utf-8").read()
missing = []
for line in open(sys.argv[2], encoding="utf-8"):
    what, word = line.rstrip("\n").split("\t", 1)
    if not word or not re.search(r"(?<![A-Za-z0-9_.-])" + re.escape(word) + r"(?![A-Za-z0-9_])", page):
        missing.append(f"{what}: {word!r}")
for m in missing:
    print("missing from the man page:", m, file=sys.stderr)
sys.exit(1 if missing else 0)
PY
pass "every option, key, metric, variable, JSON key and state is in the man page"
