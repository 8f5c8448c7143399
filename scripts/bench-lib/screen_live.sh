#!/bin/bash
# screen_live.sh SECONDS NAME=COMMAND... - several screens on one live big
# centre at once, each recorded at 250x70 by screen_bytes.py and analysed:
# gen-queue-log --queues 1000 --agents 10000 --aht 8 --wrapup 1
# --calls-per-hour 2400 --realtime --head-start 600 writes ~2,000 lines/s to
# $LOG (the file COMMAND reads: write it as \$LOG), and after the head start
# every COMMAND runs on its own pseudo-terminal for 15 s of warm-up and
# SECONDS measured. So two builds of ccboard and htop compare in the same run:
#   screen_live.sh 40 'old=OLD/ccboard -c /dev/null $LOG' \
#       'new=build/bench/ccboard -c /dev/null $LOG' 'htop=htop -d 10'
# Environment: GEN (default ../shared/tools/gen-queue-log), WORK (a scratch
# directory, default a new one under $TMPDIR), TOP (rows listed, default 4).
set -euo pipefail
secs=$1
shift
lib=$(cd "$(dirname "$0")" && pwd)
gen=${GEN:-$lib/../../../shared/tools/gen-queue-log}
work=${WORK:-$(mktemp -d)}
mkdir -p "$work/htop-home"
export LOG=$work/log
rm -f "$LOG"
python3 "$gen" --queues 1000 --agents 10000 --aht 8 --wrapup 1 --calls-per-hour 2400 \
	--realtime --head-start 600 --hours 8 --out "$LOG" --start $(( $(date +%s) - 600 )) \
	> /dev/null &
genp=$!
trap 'kill $genp 2>/dev/null || true' EXIT
last=-1
while :; do          # the head start is written at once, then ~120 KB/s
	sleep 1
	n=$(stat -c %s "$LOG" 2>/dev/null || echo 0)
	if [ "$last" -gt 0 ] && [ $((n - last)) -lt 400000 ]; then break; fi
	last=$n
done
pids=()
names=()
specs=("$@")
for spec in "${specs[@]}"; do
	name=${spec%%=*}
	names+=("$name")
	eval "set -- ${spec#*=}"
	python3 "$lib/screen_bytes.py" record "$work/$name" $((secs + 15)) 15 250 70 \
		env TZ=UTC HOME="$work/htop-home" "$@" &
	pids+=($!)
done
wait "${pids[@]}"
for name in "${names[@]}"; do
	echo "== $name"
	python3 "$lib/screen_bytes.py" analyze "$work/$name" 250 70 "${TOP:-4}"
done
