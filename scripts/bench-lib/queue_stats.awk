# queue_stats.awk - what an administrator writes instead of ccboard: per-queue
# offered, answered, abandoned, service level (80/20, "offered" formula) and
# ASA from an Asterisk queue_log, for outcomes at or after epoch `since`
# (-v since=N; default: the whole file). One pass, no call tracking.
#   mawk -F'|' -v since=1767225600 -f queue_stats.awk queue_log
BEGIN { sl = 20; short = 5 }
$1 < since { next }
$5 == "CONNECT" {
	q = $3; offered[q]++; answered[q]++; hold[q] += $6
	if ($6 <= sl) within[q]++
	next
}
$5 == "ABANDON" {
	q = $3; offered[q]++; abandoned[q]++
	if ($8 != "" && $8 < short) shorts[q]++
	next
}
$5 == "EXITWITHTIMEOUT" || $5 == "EXITWITHKEY" || $5 == "EXITEMPTY" || $5 == "WITHDRAW" {
	offered[$3]++
}
END {
	for (q in offered) {
		counted = offered[q] - shorts[q]
		slp = counted > 0 ? sprintf("%.2f", 100 * within[q] / counted) : "null"
		asa = answered[q] > 0 ? sprintf("%.2f", hold[q] / answered[q]) : "null"
		printf "%s offered=%d answered=%d abandoned=%d sl=%s asa=%s\n",
		       q, offered[q], answered[q], abandoned[q], slp, asa
	}
}
