#!/usr/bin/env bash
# screen_views.sh - views 2 (channels) and 3 (customers) in tmux at 80x24,
# 120x40 and 220x60 over a replay of a small contact feed: keys 2 and 3
# switch, --view channels starts there, the channel rows and the callback
# list on screen equal the JSON of the same replay, customer ids are masked
# on screen (whole with mask_customers = no) and whole in the JSON, and an escape sequence in a customer id or a
# reason reaches neither the screen nor --once.
. "$(dirname "$0")/lib.bash"
command -v tmux > /dev/null || fail "tmux is not installed"
N=0
SOCK="ccbv$$-0"
tm() { tmux -L "$SOCK" -f /dev/null "$@"; }
cleanup() {
	for ((i = 0; i <= N; i++)); do tmux -L "ccbv$$-$i" kill-server 2>/dev/null || true; done
	rm -rf "$TMP"
}
trap cleanup EXIT

# Three hours of an omnichannel centre, then a customer whose id and reason
# carry escape sequences (a window title each) writes an email and a chat.
python3 "$SHARED/tools/gen-contacts" --seed 13 --hours 3 --contacts-per-hour 150 \
	--out-events "$TMP/ev.jsonl" --out-queue-log "$TMP/ql"
last=$(python3 -c '
import re, sys
print(max(int(float(m.group(1))) for m in (re.match(r"\{\"ts\":([0-9.]+)", l) for l in open(sys.argv[1])) if m))' "$TMP/ev.jsonl")
EVIL='\u001b]0;pwned\u0007+15550001234'
cat >> "$TMP/ev.jsonl" <<EOF
{"ts":$((last + 1)),"event":"created","id":"EVIL-1","channel":"email","customer":"$EVIL","reason":"\u001b]2;evilreason\u0007returns"}
{"ts":$((last + 61)),"event":"created","id":"EVIL-2","channel":"chat","customer":"$EVIL","reason":"billing"}
EOF
: > "$TMP/empty.ini"
run=("$CCBOARD" --replay -c "$TMP/empty.ini" "$TMP/ev.jsonl" "$TMP/ql")
"${run[@]}" --once --json > "$TMP/snap.json"
"${run[@]}" --once > "$TMP/once.txt"

# ---- the JSON keeps the customer (made safe), --once nothing of the escapes
python3 - "$TMP/snap.json" <<'PY' || fail "JSON: the hand-made customer is not in the journeys, or the escape is"
import json, sys
d = json.load(open(sys.argv[1]))
j = d["journeys"][0]
assert j["customer"] == "+15550001234", j["customer"]
assert [c["id"] for c in j["contacts"]] == ["EVIL-1", "EVIL-2"], j
assert "returns" in next(c for c in d["channels"] if c["name"] == "email")["reasons"]
assert "pwned" not in json.dumps(d) and "evilreason" not in json.dumps(d)
PY
if grep -q -e $'\x1b' -e pwned -e evilreason "$TMP/once.txt"; then
	fail "--once: an escape sequence from the feed reached the text output"
fi
pass "JSON and --once: the customer id kept, the escape sequences gone"

start() {  # cols rows command...
	local cols=$1 rows=$2; shift 2
	tm kill-server 2>/dev/null || true
	N=$((N + 1))
	SOCK="ccbv$$-$N"
	tm new-session -d -x "$cols" -y "$rows" -e LANG=C.UTF-8 -e TZ=UTC -e TERM=xterm-256color "$*"
}
wait_for() {  # text [tenths of a second]
	for ((i = 0; i < ${2:-100}; i++)); do
		pane_whole > "$TMP/screen" && grep -q -- "$1" "$TMP/screen" && return 0
		sleep 0.1
	done
	cat "$TMP/screen" >&2
	fail "'$1' did not appear on the screen"
}
# Until two captures in a row are the same: a replay's screen is still once
# read, and a capture taken while a frame is being written holds part of it.
settle() {
	for ((i = 0; i < 50; i++)); do
		tm capture-pane -p > "$TMP/screen.a" 2>/dev/null
		sleep 0.1
		tm capture-pane -p > "$TMP/screen" 2>/dev/null
		cmp -s "$TMP/screen.a" "$TMP/screen" && return 0
	done
	fail "the screen never settled"
}
# Nothing of the escape sequences on the screen, nor in the pane's title.
inert() {  # where
	! grep -q -e pwned -e evilreason -e '\^\[' "$TMP/screen" \
		|| fail "$1: a piece of an escape sequence is on the screen"
	case "$(tm display-message -p '#{pane_title}')" in
	*pwned*|*evilreason*) fail "$1: an escape sequence from the feed set the window title" ;;
	esac
}

# The channel rows on screen against the JSON: each shown column's value
# ends where its heading ends.
check_rows() {  # size
	python3 - "$TMP/snap.json" "$TMP/screen" "$1" <<'PY' || fail "$1: the channel rows on screen differ from the JSON"
import json, sys
d = json.load(open(sys.argv[1]))
lines = open(sys.argv[2]).read().split("\n")
head = next(l for l in lines if "Channel" in l and "Open" in l)
def fmt_pct(x):
    return "\u2013" if x is None else "%.0f%%" % x
def cols(obj):
    t = obj["today"]
    return {("Today", "Created"): "%d" % t["created"], ("Open",): "%d" % obj["open"],
            ("Unans", "Unanswered"): "%d" % obj["unanswered"],
            ("CSAT",): fmt_pct(t["csat_pct"]), ("Mix",): fmt_pct(t["mix_pct"])}
def cell(line, end):  # the word of line ending at column end
    start = end
    while start > 0 and line[start - 1] != " ":
        start -= 1
    return line[start:end]
rows = [(c["display"], c, c["name"] == "voice") for c in d["channels"]] + [("Total", d["channel_total"], False)]
checked = 0
for label, obj, voice in rows:
    line = next((l for l in lines if l[3:].split(" ")[0] == label or l[4:].split(" ")[0] == label), None)
    assert line is not None, "no row for " + label
    for names, want in cols(obj).items():
        if voice and names[0] in ("Open", "Unans"):
            want = "0"                        # callers waiting: none at the end of the replay
        for n in names:
            at = head.find(" " + n + " ") if head.find(" " + n + " ") >= 0 else head.find(" " + n)
            if at < 0 or (head[at + 1 + len(n):at + 2 + len(n)] not in ("", " ")):
                continue
            got = cell(line, at + 1 + len(n))
            assert got == want, "%s %s: screen %r, JSON %r\n%s\n%s" % (label, n, got, want, head, line)
            checked += 1
assert checked >= 4 * len(rows), "only %d cells compared" % checked
print("compared %d cells" % checked)
PY
}

# The callback list on screen against the JSON's: its count, and each caller
# shown in the same order with their queue, first try, wait and tries.
check_callbacks() {  # size
	python3 - "$TMP/snap.json" "$TMP/screen" "$1" <<'PY' || fail "$1: the callback list on screen differs from the JSON"
import json, sys, time
d = json.load(open(sys.argv[1]))
lines = open(sys.argv[2]).read().split("\n")
cbs = d["callbacks"]
assert len(cbs) >= 3, "the feed has too few callers to call back"
at = next(i for i, l in enumerate(lines) if "Call back, oldest first" in l)
assert "%d callers" % len(cbs) in lines[at], lines[at]
shown = [l for l in lines[at + 1:] if l.startswith(" \u2026")]
assert len(shown) >= 2, "fewer than 2 callers shown"
for l, cb in zip(shown, cbs):
    w = int(cb["waited_s"])                 # the screen drops the fraction
    masked = "\u2026" + cb["customer"][-4:]      # a phone number: its last 4 digits
    assert cb["customer"].startswith("+1555") and cb["customer"] not in l, l
    want = [masked, cb["queue"], time.strftime("%H:%M", time.gmtime(cb["first"])),
            "waited %d:%02d" % (w // 60, w % 60), "%d tr%s" % (cb["tries"], "y" if cb["tries"] == 1 else "ies")]
    for x in want:
        assert x in l, "%r not in %r" % (x, l)
print("compared %d callers" % len(shown))
PY
}

for size in 80x24 120x40 220x60; do
	cols=${size%x*} rows=${size#*x}
	start "$cols" "$rows" "exec ${run[*]} --view channels"
	wait_for "ql done"
	wait_for "Channels today"
	wait_for "Top reasons today"
	settle
	check_rows "$size"
	inert "$size channels"
	tm send-keys 3
	wait_for "Journeys, latest first"
	wait_for "Call back, oldest first"
	settle
	grep -E -q "…1234 +email [0-9:]+ → chat [0-9:]+ +open" "$TMP/screen" \
		|| { cat "$TMP/screen" >&2; fail "$size: the hand-made journey is not the first line, masked"; }
	! grep -q "+1555" "$TMP/screen" || fail "$size: a whole customer id on the screen"
	grep -q "Pivots between channels" "$TMP/screen" || fail "$size: no pivots"
	check_callbacks "$size"
	inert "$size customers"
	pass "$size: --view channels, the channel rows equal the JSON; 3 the customers, masked; nothing of the escapes"
done

# mask_customers = no: the ids whole on screen
printf '[general]\nmask_customers = no\n' > "$TMP/nomask.ini"
start 80 24 "exec \"$CCBOARD\" --replay -c \"$TMP/nomask.ini\" --view customers \"$TMP/ev.jsonl\" \"$TMP/ql\""
wait_for "ql done"
wait_for "+15550001234 "
inert "mask_customers = no"
pass "mask_customers = no: the ids whole on the screen, still nothing of the escapes"

# keys from the voice board: 2, 3, 1
start 120 40 "exec ${run[*]}"
wait_for "Today by 15 min"
tm send-keys 2
wait_for "Channels today"
# the footer may come in the next capture (one taken while the frame is written)
wait_for "Channels · showing Total" 30
tm send-keys 3
wait_for "Journeys, latest first"
tm send-keys 1
wait_for "Today by 15 min"
pass "keys 2, 3 and 1 switch the views"
