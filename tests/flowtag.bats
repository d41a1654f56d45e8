#!/usr/bin/env bats
# flowtag.sh end to end: five output files, timing line, atomic replacement

bats_require_minimum_version 1.5.0
load test_helper

OUTS="error.log output.csv port_protocol_counts.csv tag_counts.csv untagged_flows.csv"
TIMING_RE='^flowtag: [0-9]+ flows \([0-9]+ malformed, [0-9]+ nodata\) in [0-9]+(\.[0-9]+)? s, [0-9]+(\.[0-9]+)? MB/s$'

# same_outputs EXPDIR DIR -- the five outputs in DIR equal those in EXPDIR
same_outputs() {
	local f
	for f in $OUTS; do
		same_file "$1/$f" "$2/$f" || return 1
	done
}

# only_outputs DIR [EXTRA...] -- DIR holds the five outputs (plus EXTRA) and
# nothing else: no temporary files left behind
only_outputs() {
	local d="$1" want got
	shift
	want=$(printf '%s\n' $OUTS "$@" | sort)
	got=$(cd "$d" && ls -A | sort)
	same_text "$want" "$got"
}

# totals DIR -- the Totals section of DIR/output.csv as shell assignments
totals() {
	awk -F, 'on && NR > start + 1 { print $1 "=" $2 } /^Totals:$/ { on = 1; start = NR }' "$1/output.csv"
}

@test "flowtag.sh: defaults (lookup_table.csv, flow_logs.txt, -o .) on the sample" {
	cp "$FIX/sample/lookup_table.csv" "$FIX/sample/flow_logs.txt" .
	run -0 --separate-stderr flowtag.sh
	[[ "$stderr" =~ $TIMING_RE ]]
	same_outputs "$EXP/sample" .
	only_outputs . lookup_table.csv flow_logs.txt
}

@test "flowtag.sh: the sample's output.csv, byte for byte" {
	cp "$FIX/sample/lookup_table.csv" "$FIX/sample/flow_logs.txt" .
	run -0 flowtag.sh -q
	same_file "$EXP/sample/output.csv" output.csv
	run -0 head -n 6 output.csv
	same_text "$(printf 'Tag Counts:\nTag,Count\nUntagged,8\nemail,3\nsv_P1,2\nsv_P2,1')" "$output"
}

@test "flowtag.sh: timing line on stderr for the sample" {
	cp "$FIX/sample/lookup_table.csv" "$FIX/sample/flow_logs.txt" .
	run -0 --separate-stderr flowtag.sh
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "$stderr" =~ ^flowtag:\ 14\ flows\ \(0\ malformed,\ 0\ nodata\)\ in\ [0-9]+(\.[0-9]+)?\ s,\ [0-9]+(\.[0-9]+)?\ MB/s$ ]]
}

@test "flowtag.sh: every kind of input line and lookup row (mixed fixture)" {
	cp "$FIX/mixed/lookup.csv" "$FIX/mixed/mixed.log" .
	run -0 --separate-stderr flowtag.sh -l lookup.csv mixed.log
	same_outputs "$EXP/mixed" .
	[ "${#stderr_lines[@]}" -eq 2 ]
	same_text "flowtag: 4 lookup rows skipped, see ./error.log" "${stderr_lines[0]}"
	[[ "${stderr_lines[1]}" =~ ^flowtag:\ 12\ flows\ \(5\ malformed,\ 3\ nodata\)\ in\ [0-9.]+\ s,\ [0-9.]+\ MB/s$ ]]
}

@test "flowtag.sh: error.log lists lookup problems first, then log problems in input order" {
	cp "$FIX/mixed/lookup.csv" "$FIX/mixed/mixed.log" .
	{ flowline 1 6; printf 'oops x\n'; flowline 2 253; } > first.log
	run -0 flowtag.sh -q -l lookup.csv first.log mixed.log
	{
		grep '^flow-tag: ' "$EXP/mixed/error.log"
		echo 'flow-parse: first.log:2: malformed: 2 fields, expected 14'
		echo "flow-parse: first.log:3: warning: protocol 253 has no IANA keyword, named '253'"
		grep '^flow-parse: ' "$EXP/mixed/error.log" | grep -v 'warning: protocol 253'
	} > want
	same_file want error.log
}

@test "flowtag.sh -q: no summary on stdout; the timing line alone on stderr" {
	cp "$FIX/sample/lookup_table.csv" "$FIX/sample/flow_logs.txt" .
	run -0 --separate-stderr flowtag.sh -q
	[ -z "$output" ]
	[[ "$stderr" =~ ^flowtag:\ 14\ flows\ \(0\ malformed,\ 0\ nodata\)\ in\ [0-9]+\.[0-9]{2}\ s,\ [0-9]+\.[0-9]\ MB/s$ ]]
	same_outputs "$EXP/sample" .
}

@test "flowtag.sh -o OUTDIR writes the five files there and nothing in the current directory" {
	mkdir in out
	cp "$FIX/sample/lookup_table.csv" "$FIX/sample/flow_logs.txt" in/
	run -0 flowtag.sh -q -l in/lookup_table.csv -o out in/flow_logs.txt
	same_outputs "$EXP/sample" out
	only_outputs out
	run -0 ls -A
	same_text "$(printf 'in\nout')" "$output"
}

@test "flowtag.sh: file and directory names with spaces" {
	mkdir "my in" "my out"
	cp "$FIX/mixed/lookup.csv" "my in/my table.csv"
	cp "$FIX/mixed/mixed.log" "my in/mixed log.txt"
	run -0 flowtag.sh -q -l "my in/my table.csv" -o "my out" "my in/mixed log.txt"
	for f in output.csv tag_counts.csv port_protocol_counts.csv untagged_flows.csv; do
		same_file "$EXP/mixed/$f" "my out/$f"
	done
	sed -e 's|^flow-tag: lookup\.csv:|flow-tag: my in/my table.csv:|' \
	    -e 's|^flow-parse: mixed\.log:|flow-parse: my in/mixed log.txt:|' "$EXP/mixed/error.log" > want
	same_file want "my out/error.log"
	only_outputs "my out"
}

@test "flowtag.sh: a missing input fails (exit 1) and leaves previous outputs untouched" {
	mkdir out
	cp "$FIX/mixed/lookup.csv" "$FIX/mixed/mixed.log" .
	run -0 flowtag.sh -q -l lookup.csv -o out mixed.log
	mkdir saved && cp out/* saved/
	run -1 --separate-stderr flowtag.sh -l lookup.csv -o out "$FIX/sample/flow_logs.txt" nosuch.log
	[[ "$stderr" == *nosuch.log* ]]
	[ -z "$output" ]
	same_outputs saved out
	only_outputs out
}

@test "flowtag.sh: a missing lookup table fails (exit 1) and leaves previous outputs untouched" {
	cp "$FIX/sample/lookup_table.csv" "$FIX/sample/flow_logs.txt" .
	run -0 flowtag.sh -q
	rm lookup_table.csv
	run -1 --separate-stderr flowtag.sh
	[[ "$stderr" == *lookup_table.csv* ]]
	[[ "$stderr" == flow* ]]
	same_outputs "$EXP/sample" .
	only_outputs . flow_logs.txt
}

@test "flowtag.sh: a log header without dstport is fatal (exit 1, file:line) and changes nothing" {
	cp "$FIX/sample/lookup_table.csv" "$FIX/sample/flow_logs.txt" "$FIX/parse/nodst.log" .
	run -0 flowtag.sh -q
	run -1 --separate-stderr flowtag.sh flow_logs.txt nodst.log
	[[ "$stderr" == *"nodst.log:2: header has no 'dstport' field"* ]]
	same_outputs "$EXP/sample" .
	only_outputs . lookup_table.csv flow_logs.txt nodst.log
}

@test "flowtag.sh: a lookup header lacking a column is fatal and changes nothing" {
	cp "$FIX/sample/lookup_table.csv" "$FIX/sample/flow_logs.txt" .
	run -0 flowtag.sh -q
	printf 'dstport,protocol,label\n25,tcp,x\n' > bad.csv
	run -1 --separate-stderr flowtag.sh -l bad.csv
	[[ "$stderr" == *"flow-tag: bad.csv:1: header has no 'tag' column"* ]]
	same_outputs "$EXP/sample" .
}

@test "flowtag.sh: a lookup table that fails at once never leaves the run waiting on its counting job" {
	# flow-tag fails before the job that runs flow-parse has started: the
	# kill must reach the job however early it comes (a run once hung here)
	cp "$FIX/sample/flow_logs.txt" .
	printf 'dstport,protocol,label\n25,tcp,x\n' > bad.csv
	n=100
	[ -z "${FLOWTAG_BIN:-}" ] || n=10
	for i in $(seq "$n"); do
		run -1 --separate-stderr timeout 60 flowtag.sh -q -l bad.csv -o "o$i" flow_logs.txt
		[[ "$stderr" == *"flow-tag: bad.csv:1: header has no 'tag' column"* ]]
		[ -z "$(ls -A "o$i")" ]
	done
}

@test "flowtag.sh: error.log is truncated at the start of each run" {
	cp "$FIX/mixed/lookup.csv" "$FIX/mixed/mixed.log" "$FIX/sample/flow_logs.txt" "$FIX/sample/lookup_table.csv" .
	run -0 flowtag.sh -q -l lookup.csv mixed.log
	[ -s error.log ]
	run -0 flowtag.sh -q -l lookup_table.csv flow_logs.txt
	[ -f error.log ]
	[ ! -s error.log ]
}

@test "flowtag.sh: gzip logs give the same outputs" {
	cp "$FIX/sample/lookup_table.csv" .
	gzip -c "$FIX/sample/flow_logs.txt" > flow_logs.txt
	run -0 --separate-stderr flowtag.sh
	same_outputs "$EXP/sample" .
	[[ "$stderr" =~ ^flowtag:\ 14\ flows ]]
}

@test "flowtag.sh: several logs are counted together" {
	cp "$FIX/sample/lookup_table.csv" "$FIX/sample/flow_logs.txt" .
	gzip -c flow_logs.txt > copy.gz
	run -0 flowtag.sh -q flow_logs.txt copy.gz
	awk -F, 'NR == 1 { print; next } { $NF = 2 * $NF; print }' OFS=, "$EXP/sample/tag_counts.csv" > want
	same_file want tag_counts.csv
	sed '2,$s/,1$/,2/' "$EXP/sample/port_protocol_counts.csv" > want
	same_file want port_protocol_counts.csv
	sed '2,$s/,1$/,2/' "$EXP/sample/untagged_flows.csv" > want
	same_file want untagged_flows.csv
	run -0 totals .
	same_text "$(printf 'records=28\nflows=28\ntagged=12\nuntagged=16\nnodata=0\nmalformed=0')" "$output"
}

@test "flowtag.sh: CSV quoting of tags: a,b -> \"a,b\", say \"hi\" -> \"say \"\"hi\"\"\"" {
	printf 'dstport,protocol,tag\n25,tcp,"a,b"\n443,tcp,"say ""hi"""\n' > lk.csv
	cp "$FIX/sample/flow_logs.txt" .
	run -0 flowtag.sh -q -l lk.csv
	cat > want <<-'EOF'
	Tag,Count
	Untagged,12
	"a,b",1
	"say ""hi""",1
	EOF
	same_file want tag_counts.csv
	grep -qx '"a,b",1' output.csv
	[ ! -s error.log ]
}

@test "flowtag.sh: the Untagged row is present with count 0 when every flow is tagged" {
	cp "$FIX/sample/lookup_table.csv" .
	{ flowline 25 6; flowline 110 6; flowline 110 6; flowline 68 17; } > f.log
	run -0 flowtag.sh -q f.log
	cat > want <<-'EOF'
	Tag Counts:
	Tag,Count
	email,2
	sv_P1,1
	sv_P2,1
	Untagged,0

	Port/Protocol Combination Counts:
	Port,Protocol,Count
	110,tcp,2
	25,tcp,1
	68,udp,1

	Untagged Flows:
	Port,Protocol,Count

	Totals:
	Metric,Value
	records,4
	flows,4
	tagged,4
	untagged,0
	nodata,0
	malformed,0
	EOF
	same_file want output.csv
	printf 'Port,Protocol,Count\n' > want
	same_file want untagged_flows.csv
	printf 'Tag,Count\nemail,2\nsv_P1,1\nsv_P2,1\nUntagged,0\n' > want
	same_file want tag_counts.csv
}

@test "flowtag.sh: an empty log gives header-only tables and zero totals" {
	cp "$FIX/sample/lookup_table.csv" .
	: > flow_logs.txt
	run -0 --separate-stderr flowtag.sh
	cat > want <<-'EOF'
	Tag Counts:
	Tag,Count
	Untagged,0

	Port/Protocol Combination Counts:
	Port,Protocol,Count

	Untagged Flows:
	Port,Protocol,Count

	Totals:
	Metric,Value
	records,0
	flows,0
	tagged,0
	untagged,0
	nodata,0
	malformed,0
	EOF
	same_file want output.csv
	printf 'Port,Protocol,Count\n' > want
	same_file want port_protocol_counts.csv
	[[ "$stderr" =~ ^flowtag:\ 0\ flows\ \(0\ malformed,\ 0\ nodata\) ]]
}

@test "flowtag.sh: totals invariants on a generated log" {
	cp "$FIX/mixed/lookup.csv" .
	make_big_log big.log 30000
	run -0 flowtag.sh -q -l lookup.csv big.log
	eval "$(totals .)"
	[ "$records" -eq $((flows + nodata + malformed)) ]
	[ "$flows" -eq $((tagged + untagged)) ]
	[ "$records" -eq 29910 ]
	[ "$(awk -F, 'NR > 1 { s += $NF } END { print s }' tag_counts.csv)" -eq "$flows" ]
	[ "$(awk -F, 'NR > 1 && $1 != "Untagged" { s += $NF } END { print s }' tag_counts.csv)" -eq "$tagged" ]
	[ "$(awk -F, '$1 == "Untagged" { print $2 }' tag_counts.csv)" -eq "$untagged" ]
	[ "$(awk -F, 'NR > 1 { s += $NF } END { print s }' port_protocol_counts.csv)" -eq "$flows" ]
	[ "$(awk -F, 'NR > 1 { s += $NF } END { print s }' untagged_flows.csv)" -eq "$untagged" ]
	[ "$malformed" -eq "$(grep -c '^flow-parse: big\.log:[0-9]*: malformed: ' error.log)" ]
	[ "$malformed" -gt 0 ]
	[ "$nodata" -gt 0 ]
}

@test "flowtag.sh: port_protocol_counts.csv agrees with flow-parse | sort | uniq -c" {
	cp "$FIX/mixed/lookup.csv" .
	make_big_log big.log 30000
	run -0 flowtag.sh -q -l lookup.csv big.log
	flow-parse big.log 2> /dev/null | sort | uniq -c | awk '{ print $2 "," $3 "," $1 }' | sort > want
	tail -n +2 port_protocol_counts.csv | sort > got
	same_file want got
	# and the file itself is sorted: count descending, then port, then protocol
	tail -n +2 port_protocol_counts.csv > body
	sort -t, -k3,3nr -k1,1n -k2,2 body > sorted
	same_file sorted body
}

@test "flowtag.sh: untagged_flows.csv and tag_counts.csv agree with the filters run by hand" {
	cp "$FIX/mixed/lookup.csv" .
	make_big_log big.log 20000
	run -0 flowtag.sh -q -l lookup.csv big.log
	flow-parse big.log 2> /dev/null | flow-count | flow-tag -l lookup.csv 2> /dev/null | flow-untagged | tr '\t' , > want
	tail -n +2 untagged_flows.csv > got
	same_file want got
}

@test "flowtag.sh -j 1 and -j 3 give identical outputs" {
	cp "$FIX/mixed/lookup.csv" .
	make_big_log big.log 60000
	mkdir j1 j3
	run -0 --separate-stderr flowtag.sh -l lookup.csv -j 1 -o j1 big.log
	t1=${stderr%% in *}
	run -0 --separate-stderr flowtag.sh -l lookup.csv -j 3 -o j3 big.log
	t3=${stderr%% in *}
	t3=${t3/see j3/see j1}
	same_outputs j1 j3
	same_text "$t1" "$t3"
	only_outputs j3
	grep -q "warning: protocol 200 has no IANA keyword" j3/error.log
	[ "$(grep -c 'warning: protocol 200 ' j3/error.log)" -eq 1 ]
}

@test "flowtag.sh -j N equals -j 1 for N = 2, 5, 8, 64, and for files smaller than N bytes" {
	cp "$FIX/mixed/lookup.csv" "$FIX/mixed/mixed.log" .
	make_big_log big.log 5000
	head -n 1 big.log > one.log
	mkdir j1
	run -0 flowtag.sh -q -l lookup.csv -j 1 -o j1 big.log mixed.log one.log
	for n in 2 5 8 64; do
		mkdir "j$n"
		run -0 flowtag.sh -q -l lookup.csv -j "$n" -o "j$n" big.log mixed.log one.log
		same_outputs j1 "j$n"
	done
	# more pieces than bytes: most ranges are empty, none is counted twice
	printf '2 1 e 1.1.1.1 2.2.2.2 1 25 6 1 1 1 1 ACCEPT OK\n' > tiny.log
	size=$(wc -c < tiny.log)
	mkdir small1 small
	run -0 flowtag.sh -q -l lookup.csv -j 1 -o small1 tiny.log
	run -0 flowtag.sh -q -l lookup.csv -j "$((size + 3))" -o small tiny.log
	same_outputs small1 small
	grep -q '^flows,1$' small/output.csv
}

@test "flowtag.sh -j 3 with several logs, headers and gzip equals -j 1" {
	cp "$FIX/mixed/lookup.csv" "$FIX/mixed/mixed.log" "$FIX/parse/custom.log" "$FIX/parse/midhdr.log" .
	make_big_log big.log 40000
	{ sed -n 1p custom.log; awk '{ print 5, "vpc-1", $4, $5, $8, $6, $7, $13, $14 }' big.log | sed 's/^5 vpc-1    *$//'; } > hdr.log
	gzip -c big.log > big.gz
	mkdir j1 j3
	run -0 flowtag.sh -q -l lookup.csv -j 1 -o j1 hdr.log mixed.log big.gz midhdr.log big.log
	run -0 flowtag.sh -q -l lookup.csv -j 3 -o j3 hdr.log mixed.log big.gz midhdr.log big.log
	same_outputs j1 j3
	eval "$(totals j3)"
	[ "$records" -eq $((flows + nodata + malformed)) ]
	[ "$malformed" -gt 0 ]
	[ "$flows" -gt 70000 ]
}

@test "flowtag.sh -j N: gzip logs read side by side, N at a time, equal -j 1 (messages in input order)" {
	cp "$FIX/mixed/lookup.csv" "$FIX/mixed/mixed.log" .
	make_big_log big.log 30000
	split -l 6000 big.log p.
	for f in p.a?; do gzip -c "$f" > "$f.gz"; done
	gzip -c mixed.log > mixed.gz
	set -- p.aa.gz p.ab.gz mixed.gz p.ac.gz big.log p.ad.gz - p.ae.gz
	mkdir j1 j2 j3
	run -0 flowtag.sh -q -l lookup.csv -j 1 -o j1 "$@" < mixed.log
	for j in 2 3; do
		run -0 flowtag.sh -q -l lookup.csv -j "$j" -o "j$j" "$@" < mixed.log
		same_outputs j1 "j$j"
	done
	# the lookup table's messages, then every file's, in the order named
	same_text "lookup.csv p.aa.gz p.ab.gz mixed.gz p.ac.gz big.log p.ad.gz - p.ae.gz " \
		"$(sed 's/^[^:]*: \([^:]*\):.*/\1/' j3/error.log | uniq | tr '\n' ' ')"
}

@test "flowtag.sh -h: usage on stdout, exit 0" {
	run -0 --separate-stderr flowtag.sh -h
	[[ "${lines[0]}" == "usage: flowtag"* ]]
	[ -z "$stderr" ]
	[ ! -e output.csv ]
}

@test "flowtag.sh: unknown option -> exit 2, nothing written" {
	cp "$FIX/sample/lookup_table.csv" "$FIX/sample/flow_logs.txt" .
	run -2 --separate-stderr flowtag.sh -Z
	[ -z "$output" ]
	[[ "$stderr" == *usage:* ]]
	[ ! -e output.csv ]
	[ ! -e error.log ]
}

@test "flowtag.sh: an OUTDIR that is not a directory -> exit 1" {
	cp "$FIX/sample/lookup_table.csv" "$FIX/sample/flow_logs.txt" .
	: > notadir
	run -1 --separate-stderr flowtag.sh -o notadir
	[[ "$stderr" == flow*notadir* ]]
	[ ! -s notadir ]
}

@test "flowtag.sh -j N equals -j 1 with a header on line 1 and one in the middle of a big log" {
	cp "$FIX/mixed/lookup.csv" .
	# line 1 names a custom format: every piece must read the file with it
	{
		echo 'version srcaddr dstaddr dstport protocol log-status'
		for i in $(seq 1 3000); do
			echo "2 10.0.0.1 10.0.0.2 $((i % 90)) $((i % 3 == 0 ? 17 : 6)) OK"
		done
		echo '2 10.0.0.1 10.0.0.2 80 6 OK extra'
	} > first.log
	# a header two thirds in: the pieces after it are counted again
	make_big_log big.log 6000
	{
		head -n 4000 big.log
		echo 'version dstport protocol'
		for i in $(seq 1 2000); do echo "3 $((i % 40)) 6"; done
		echo '3 x 6'
		tail -n 2000 big.log
	} > mid.log
	mkdir j1
	run -0 flowtag.sh -q -l lookup.csv -j 1 -o j1 first.log mid.log
	grep -q 'first.log:3002: malformed: 7 fields, expected 6' j1/error.log
	grep -q "mid.log:6002: malformed: dstport 'x' is not a number" j1/error.log
	grep -q 'mid.log:6003: malformed: 14 fields, expected 3' j1/error.log
	for n in 2 3 7; do
		mkdir "j$n"
		run -0 flowtag.sh -q -l lookup.csv -j "$n" -o "j$n" first.log mid.log
		same_outputs j1 "j$n"
	done
}

@test "flowtag.sh -j N equals -j 1 where the sort rule goes round in a circle (3pc < 61 < 200 < 3pc)" {
	cp "$FIX/sample/lookup_table.csv" .
	# three keys of port 80 with equal counts: 61 < 200 by value, 200 < 3pc
	# and 3pc < 61 by bytes; the pieces of -j 2 and -j 3 see them in other
	# orders than one process does
	for p in 200 61 34 34 34 200 6 61 200 61; do
		port=80
		[ "$p" = 6 ] && port=22
		printf '2 123456789012 eni-0 10.0.0.1 10.0.0.2 1234 %s %s 1 100 1 2 ACCEPT OK\n' "$port" "$p"
	done > circle.log
	mkdir j1
	run -0 flowtag.sh -q -l lookup_table.csv -j 1 -o j1 circle.log
	for n in 2 3 4; do
		mkdir "j$n"
		run -0 flowtag.sh -q -l lookup_table.csv -j "$n" -o "j$n" circle.log
		same_outputs j1 "j$n"
	done
	run -0 cat j1/port_protocol_counts.csv
	[ "${#lines[@]}" -eq 5 ]
	[ "${lines[4]}" = "22,tcp,1" ]
	sort <<< "$(sed -n '2,4p' j1/port_protocol_counts.csv)" > got
	printf '80,200,3\n80,3pc,3\n80,61,3\n' > want
	same_file want got
}

@test "flowtag.sh: a bad -j or a missing option argument is a usage error (exit 2)" {
	cp "$FIX/sample/lookup_table.csv" "$FIX/sample/flow_logs.txt" .
	run -2 --separate-stderr flowtag.sh -j x
	[[ "$stderr" == *usage:* ]]
	run -2 --separate-stderr flowtag.sh -j 0
	[[ "$stderr" == *usage:* ]]
	run -2 --separate-stderr flowtag.sh -l
	[[ "$stderr" == *usage:* ]]
	[ ! -e output.csv ]
}

@test "flowtag.sh: a second run replaces every previous output, a link or a gap among them too" {
	cp "$FIX/mixed/lookup.csv" "$FIX/mixed/mixed.log" .
	mkdir fresh out
	run -0 flowtag.sh -q -l lookup.csv -o fresh mixed.log
	for f in $OUTS; do echo old > "out/$f"; done
	rm out/tag_counts.csv out/error.log
	echo target > keep
	ln -s ../keep out/error.log
	run -0 flowtag.sh -q -l lookup.csv -o out mixed.log
	same_outputs fresh out
	for f in $OUTS; do [ ! -L "out/$f" ]; done
	same_text target "$(cat keep)"
	only_outputs out
}

@test "flowtag.sh reads the lookup table once: a pipe works as the table" {
	cp "$FIX/mixed/lookup.csv" "$FIX/mixed/mixed.log" .
	mkdir want
	run -0 flowtag.sh -q -l lookup.csv -o want mixed.log
	mkfifo lk
	cat lookup.csv > lk &
	run -0 timeout 60 flowtag.sh -q -j 2 -l lk mixed.log
	sed 's/^flow-tag: lookup.csv:/flow-tag: lk:/' want/error.log > want/error.want
	mv want/error.want want/error.log
	same_outputs want .
}

@test "flowtag.sh --strict -j N: a malformed line in a later piece is named by its line in the file" {
	cp "$FIX/mixed/lookup.csv" .
	{
		for i in $(seq 1 3000); do flowline 443 6; done
		flowline 80 6 | cut -d ' ' -f 1-13           # line 3001: 13 fields
		for i in $(seq 1 999); do flowline 53 17; done
	} > strict.log
	for j in 1 2 3; do
		run -1 --separate-stderr flowtag.sh -q --strict -j "$j" -l lookup.csv strict.log
		same_text "flow-parse: strict.log:3001: malformed: 13 fields, expected 14" "$stderr"
	done
	[ ! -e output.csv ]
}

@test "flowtag.sh: a comma-separated file is named as such once, each line still reported, and a warning" {
	cp "$FIX/sample/lookup_table.csv" .
	printf 'version,account-id,dstport,protocol\n2,1,80,6\n2,1,443,6\n2,1,53,17\n' > x.csv
	run -0 --separate-stderr flowtag.sh -q x.csv
	cat > want <<-'EOF2'
	flow-parse: x.csv:1: malformed: 1 fields, expected 14
	flow-parse: x.csv:2: malformed: 1 fields, expected 14
	flow-parse: x.csv:3: malformed: 1 fields, expected 14
	flow-parse: x.csv: looks comma-separated, fields are split on blanks
	flow-parse: x.csv:4: malformed: 1 fields, expected 14
	EOF2
	same_file want error.log
	same_text "flowtag: 4 of 4 records malformed (not a flow log?), see ./error.log" "${stderr_lines[0]}"
	[[ "${stderr_lines[1]}" =~ $TIMING_RE ]]
	# a flow log with a few bad lines: no hint, no warning
	{ flowline 80 6; echo 'a,b,c'; echo 'd,e,f'; echo 'g,h,i'; flowline 443 6; flowline 22 6; flowline 25 6; } > some.log
	run -0 --separate-stderr flowtag.sh -q some.log
	[ "${#stderr_lines[@]}" -eq 1 ]
	[ "$(grep -c 'looks comma' error.log)" -eq 0 ]
	# a one-line CSV file: said at its end
	echo 'a,b,c' > one.csv
	run -0 flow-parse -c one.csv
	same_text "flow-parse: one.csv:1: malformed: 1 fields, expected 14
flow-parse: one.csv: looks comma-separated, fields are split on blanks" "$output"
}

@test "flowtag.sh: -o creates OUTDIR, -l - reads the lookup from stdin, --version, bad long options" {
	cp "$FIX/sample/lookup_table.csv" "$FIX/sample/flow_logs.txt" .
	run -0 flowtag.sh -q -o new/deeper flow_logs.txt
	same_file "$EXP/sample/output.csv" new/deeper/output.csv
	run -0 flowtag.sh -q -l - -o fromstdin flow_logs.txt < lookup_table.csv
	same_file "$EXP/sample/output.csv" fromstdin/output.csv
	run -2 --separate-stderr flowtag.sh -l - - < lookup_table.csv
	same_text "flowtag: -l - and the log - cannot both be standard input" "${stderr_lines[0]}"
	run -0 flowtag.sh --version
	[[ "$output" =~ ^flowtag.sh\ [0-9]+\.[0-9]+ ]]
	run -2 --separate-stderr flowtag.sh --nosuch
	same_text "flowtag: unknown option '--nosuch'" "${stderr_lines[0]}"
	run -2 --separate-stderr flowtag.sh -j
	same_text "flowtag: -j needs an argument" "${stderr_lines[0]}"
	run -2 --separate-stderr flowtag.sh -Z
	same_text "flowtag: unknown option '-Z'" "${stderr_lines[0]}"
}

@test "flowtag.sh: an unusable lookup table stops the run at once, whatever the logs" {
	printf 'port,proto,label\n80,tcp,web\n' > bad.csv
	mkfifo logfifo
	# nothing ever writes the FIFO: a run that waited for the count would block
	run -1 --separate-stderr timeout 60 flowtag.sh -q -l bad.csv logfifo
	same_text "flow-tag: bad.csv:1: header has no 'protocol' column" "$stderr"
	[ ! -e output.csv ]
}

@test "flowtag.sh found through a symlink; programs missing: a clear message" {
	mkdir bin
	ln -s "$FLOWTAG_ROOT/flowtag.sh" bin/ft
	cp "$FIX/sample/lookup_table.csv" "$FIX/sample/flow_logs.txt" .
	run -0 env -u FLOWTAG_BIN PATH=/usr/bin:/bin bin/ft -q
	same_file "$EXP/sample/output.csv" output.csv
	cp "$FLOWTAG_ROOT/flowtag.sh" bin/alone.sh
	run -1 --separate-stderr env -u FLOWTAG_BIN PATH=/usr/bin:/bin bin/alone.sh -q
	same_text "flowtag: flow-parse not found (run make, or set FLOWTAG_BIN)" "$stderr"
}

@test "flowtag.sh --counted: tagged + untagged are the sums of the tag counts, whatever the parts' totals say" {
	make_big_log big.log 3000
	head -n 1500 big.log > a.log
	tail -n 1500 big.log > b.log
	mkdir parts
	for p in a b; do
		flow-parse -c -T "parts/$p.totals" "$p.log" > "parts/$p.tsv" 2> "parts/$p.err"
	done
	cp "$FIX/sample/lookup_table.csv" lk.csv
	# the whole run and the merged parts agree
	flowtag.sh -q -l lk.csv -o whole big.log 2> /dev/null
	run -0 flowtag.sh -q -l lk.csv -o merged --counted parts
	same_file whole/output.csv merged/output.csv
	# a part's totals left out: the flows total drops, the tag sums do not
	rm parts/b.totals
	run -0 flowtag.sh -q -l lk.csv -o short --counted parts
	same_file whole/tag_counts.csv short/tag_counts.csv
	sum=$(awk -F , 'NR > 1 { s += $NF } END { print s }' short/tag_counts.csv)
	t=$(sed -n 's/^tagged,//p' short/output.csv) u=$(sed -n 's/^untagged,//p' short/output.csv)
	[ "$((t + u))" -eq "$sum" ]
	[ "$(sed -n 's/^tagged,//p' whole/output.csv)" -eq "$t" ]
	[ "$(sed -n 's/^flows,//p' short/output.csv)" -lt "$sum" ]
}
