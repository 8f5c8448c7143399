#!/usr/bin/env bash
# contacts_text.sh - `ccboard --replay --once` over a gen-contacts feed prints
# a channels table after the queues: one row per channel and the total, whose
# numbers are the JSON's of the same replay (created, open, unanswered, oldest
# unanswered, FRT, % within target, CSAT, NPS, CES, FCR, abandon %); a
# display name's escape sequence does not reach the text.
. "$(dirname "$0")/lib.bash"
python3 "$SHARED/tools/gen-contacts" --seed 4 --hours 30 --contacts-per-hour 150 \
	--out-events "$TMP/ev.log" > /dev/null
printf '[channel.email]\ndisplay = \033[31mE-mail\033[0m\n' > "$TMP/c.ini"
"$CCBOARD" --replay --once -c "$TMP/c.ini" "$TMP/ev.log" > "$TMP/out.txt" \
	|| fail "text: ccboard exited $?"
"$CCBOARD" --replay --once --json -c "$TMP/c.ini" "$TMP/ev.log" > "$TMP/out.json" \
	|| fail "json: ccboard exited $?"
if grep -q $'\033' "$TMP/out.txt"; then fail "an escape sequence reached the text"; fi
python3 - "$TMP/out.txt" "$TMP/out.json" <<'PY' || fail "the channels table differs from the JSON"
import json, sys
text = open(sys.argv[1]).read().splitlines()
snap = json.load(open(sys.argv[2]))
start = next(i for i, l in enumerate(text) if l.startswith("channel "))
head = text[start].split()
assert head == ["channel", "created", "open", "unans", "old", "unans", "FRT", "in", "tgt%",
                "CSAT%", "NPS", "CES", "FCR%", "aband%"], head
want = sorted(snap["channels"], key=lambda c: c["name"]) + [dict(snap["channel_total"], display="total")]
rows = text[start + 1:start + 1 + len(want)]
assert len(rows) == len(want), (rows, len(want))

def fmt(v, kind):
    if v is None:
        return "-"
    if kind == "int":
        return "%d" % v
    if kind == "hms":
        s = int(v)
        return "%d:%02d:%02d" % (s // 3600, s // 60 % 60, s % 60)
    return ("%.0f" if kind == "0dp" else "%.1f") % v

for row, c in zip(rows, want):
    name, cells = row[:16].rstrip(), row[16:].split()
    t = c["today"]
    expect = [fmt(t["created"], "int"), fmt(c["open"], "int"), fmt(c["unanswered"], "int"),
              fmt(c["oldest_unanswered_s"], "hms"), fmt(t["frt_avg_s"], "0dp"),
              fmt(t["frt_within_pct"], "1dp"), fmt(t["csat_pct"], "1dp"), fmt(t["nps"], "1dp"),
              fmt(t["ces_avg"], "1dp"), fmt(t["fcr_pct"], "1dp"), fmt(t["abandon_rate_pct"], "1dp")]
    shown = "E-mail" if c.get("name") == "email" else c.get("display", c.get("name"))
    assert name == shown, (name, shown)
    assert cells == expect, (name, cells, expect)
assert any(int(r[16:].split()[0]) > 0 for r in rows)
print("%d channel rows and the total equal the JSON" % (len(rows) - 1))
PY
pass "--once text: channels table equals the JSON"
