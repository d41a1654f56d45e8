#!/usr/bin/env bats
# -w EXPR through flow-parse's engine and flowtag.sh: records that fail a
# filter are "filtered" (not flows, not errors); the counts equal awk's on
# the same log; -j does not change them (the expressions themselves are
# tested in filter.bats)

bats_require_minimum_version 1.5.0
load test_helper

# wlog FILE -- a v2 log with varied actions, addresses, ports, times,
# nodata and malformed lines
wlog() {
	awk 'BEGIN {
		split("ACCEPT REJECT", ac, " "); split("6 17 1 6", pr, " ")
		for (i = 1; i <= 6000; i++) {
			if (i % 97 == 0) { print "2 1 eni-1 - - - - - - - 1714528800 1714528860 - NODATA"; continue }
			if (i % 89 == 0) { print "2 1 eni-1 10.0.0.1 10.0.0.2 40000 80 6 1 100 1 2"; continue }
			src = (i % 3 == 0) ? "192.168." i % 256 ".7" : "10." i % 256 ".0.9"
			printf "2 123456789012 eni-%d %s 10.0.0.2 %d %d %s %d %d %d %d %s OK\n",
				i % 4, src, 30000 + i, i % 1200, pr[1 + i % 4], i, i * 10,
				1714528800 + i * 3, 1714528860 + i * 3, ac[1 + (i % 5 == 0)]
		}
	}' > "$1"
}

@test "flow-parse -w: counts equal awk's, totals add up, -j does not change them" {
	wlog w.log
	for n in 1 3; do
		run -0 --separate-stderr env FLOW_PARSE_CHUNK=20000 flow-parse -c -j "$n" -T tot \
			-w action=REJECT -w 'dstport=0-1023' w.log
		want=$(awk 'NF == 14 && $13 == "REJECT" && $7 ~ /^[0-9]+$/ && $7 <= 1023 { n++ } END { print n }' w.log)
		[ "$(awk -F '\t' '{ s += $3 } END { print s }' <<< "$output")" -eq "$want" ]
		grep -qx "flows	$want" tot
		records=$(sed -n 's/^records\t//p' tot)
		sum=$(awk -F '\t' '$1 ~ /^(flows|nodata|malformed|filtered)$/ { s += $2 } END { print s }' tot)
		[ "$records" -eq "$sum" ]
		[ "$(sed -n 's/^malformed\t//p' tot)" -eq 67 ]
		cp tot "tot$n"
	done
	same_file tot1 tot3
	# addresses and times: outside 10/8, in one hour
	run -0 --separate-stderr flow-parse -c -T t2 -w 'srcaddr!=10.0.0.0/8' \
		-w 'start>=2024-05-01T02:00:00Z' -w 'start<2024-05-01T03:00:00Z' w.log
	want=$(awk 'NF == 14 && $4 !~ /^10\./ && $4 != "-" && $11 >= 1714528800 && $11 < 1714532400 { n++ } END { print n }' w.log)
	grep -qx "flows	$want" t2
	[ "$want" -gt 100 ]
	# without -w: no filtered line at all
	flow-parse -c -T t3 w.log > /dev/null 2>&1
	! grep -q filtered t3
}

@test "flowtag.sh -w: filtered in the totals only with a filter; bad expressions are usage errors" {
	wlog w.log
	cp "$FIX/sample/lookup_table.csv" .
	run -0 flowtag.sh -q -o all w.log
	! grep -q '^filtered,' all/output.csv
	run -0 flowtag.sh -q -o rej -w action=REJECT w.log
	run -0 flowtag.sh -q -o rej2 -j 1 -w action=reject w.log
	same_file rej/output.csv rej2/output.csv
	flows=$(sed -n 's/^flows,//p' rej/output.csv)
	[ "$flows" -eq "$(awk 'NF == 14 && $13 == "REJECT" && $7 != "-"' w.log | wc -l)" ]
	[ "$(sed -n 's/^filtered,//p' rej/output.csv)" -gt 0 ]
	run -2 --separate-stderr flowtag.sh -w 'dstport<abc' w.log
	same_text "flowtag: -w 'dstport<abc': 'abc' is not a number" "${stderr_lines[0]}"
	[ ! -e output.csv ]
	run -2 --separate-stderr flow-parse -w 'nosuch=1' w.log
	[[ "${stderr_lines[0]}" == "flow-parse: -w 'nosuch=1': "* ]]
	# a field the log format lacks: an error at the first record
	printf 'version dstport protocol\n2 80 6\n' > short.log
	run -1 --separate-stderr flow-parse -c -w action=REJECT short.log
	same_text "flow-parse: short.log:2: field 'action' is not in the log format" "$stderr"
}
