#!/usr/bin/env bats
# Features: lookup ranges and wildcards, flow-tag -c (lint), flow-parse -c
# and -m, flowtag.sh -m / -n / --strict / summary / progress / '-'.

bats_require_minimum_version 1.5.0
load test_helper

FF="$BATS_TEST_DIRNAME/fixtures/features"
SAMPLE="$BATS_TEST_DIRNAME/fixtures/sample"
TIMING_RE='^flowtag: [0-9]+ flows \([0-9]+ malformed, [0-9]+ nodata\) in [0-9]+(\.[0-9]+)? s, [0-9]+(\.[0-9]+)? MB/s$'
OUTS="error.log output.csv port_protocol_counts.csv tag_counts.csv untagged_flows.csv"
USAGE_TAG="$(flow-tag -h)"
USAGE_PARSE="$(flow-parse -h)"
USAGE_SH="$(flowtag.sh -h)"

# table LINE... -- write t.csv, one row per argument
table() {
	printf '%s\n' "$@" > t.csv
}

# tagged "PORT PROTO" ... -- flow-tag -l t.csv over those records; prints
# the tag of each, one per line (the records themselves are checked too)
tagged() {
	local r
	# shellcheck disable=SC2086 # "PORT PROTO" splits into two columns
	for r in "$@"; do printf '%s\t%s\n' ${r}; done > in.tsv
	flow-tag -l t.csv in.tsv > tagged.out || return
	awk -F '\t' 'NR == FNR { k[FNR] = $1 "\t" $2; next }
		$1 "\t" $2 != k[FNR] { print "record changed: " $0; exit 1 }
		{ print $3 }' in.tsv tagged.out
}

# expect_tags "PORT PROTO=TAG" ... -- each record gets its tag
expect_tags() {
	local r recs=() want=()
	for r in "$@"; do
		recs+=("${r%%=*}")
		want+=("${r#*=}")
	done
	run -0 --separate-stderr tagged "${recs[@]}"
	same_text "" "$stderr"
	same_text "$(printf '%s\n' "${want[@]}")" "$output"
}

# section NAME FILE -- the lines of one output.csv section (up to the
# blank line), without its title
section() {
	awk -v t="$1" '$0 == t { on = 1; next } on && $0 == "" { exit } on { print }' "$2"
}

# flowlog FILE "PORT PROTO [PACKETS BYTES]" ... -- a default-format log
flowlog() {
	local f="$1" r
	shift
	for r in "$@"; do
		# shellcheck disable=SC2086 # "PORT PROTO ..." splits into fields
		set -- $r
		printf '2 123456789012 eni-1a2b3c4d 10.0.0.1 10.0.0.2 40000 %s %s %s %s 1620140761 1620140821 ACCEPT OK\n' \
			"$1" "$2" "${3:-1}" "${4:-100}"
	done > "$f"
}

# mixed_measures FILE N -- a log whose packets and bytes vary (some beyond
# 32 bits), with nodata, malformed, comment and header-free lines
mixed_measures() {
	awk -v n="$2" 'BEGIN {
		split("6 17 1 6 6 17 58 47 253", pr, " ")
		for (i = 1; i <= n; i++) {
			if (i % 401 == 0)      print "# comment"
			else if (i % 307 == 0) print "2 123456789012 eni-1 - - - - - - - 1620140761 1620140821 - NODATA"
			else if (i % 211 == 0) printf "2 123456789012 eni-1 10.0.0.1 10.0.0.2 40000 %d 6 1 100 1620140761 1620140821 ACCEPT\n", i
			else printf "2 123456789012 eni-1 10.0.0.1 10.0.0.2 40000 %d %d %d %d 1620140761 1620140821 ACCEPT OK\n",
				(i * 37) % 300, pr[1 + i % 9], 1 + i % 23, (i % 17 == 0) ? 5000000000 + i : (i * 131) % 100000
		}
	}' > "$1"
}

# big_log FILE LINES -- a large log, from scripts/flowgen when it is built
big_log() {
	if [ -x "$FLOWTAG_ROOT/scripts/flowgen" ]; then
		"$FLOWTAG_ROOT/scripts/flowgen" -n "$2" > "$1"
	else
		awk -v n="$2" 'BEGIN { for (i = 1; i <= n; i++)
			printf "2 123456789012 eni-1a2b3c4d 10.0.%d.%d 10.1.0.2 %d %d %d %d %d 1620140761 1620140821 ACCEPT OK\n",
				i % 200, i % 250, 1024 + i % 60000, i % 1000, (i % 3 ? 6 : 17), 1 + i % 40, 40 + i % 9000
		}' > "$1"
	fi
}

###########################################################################
# Lookup ranges and wildcards: precedence

@test "lookup: an exact port beats a range that covers it (even a range listed first)" {
	table '8000-8100,tcp,range' '8080,tcp,exact'
	expect_tags '8080 tcp=exact' '8079 tcp=range' '8081 tcp=range'
	table '8080,tcp,exact' '8000-8100,tcp,range'
	expect_tags '8080 tcp=exact' '8079 tcp=range'
}

@test "lookup: a port range beats port * (even * listed first)" {
	table '*,tcp,any-port' '8000-8100,tcp,range'
	expect_tags '8000 tcp=range' '8100 tcp=range' '7999 tcp=any-port' '8101 tcp=any-port' '22 tcp=any-port' '8050 udp=Untagged'
}

@test "lookup: a narrower range beats a wider one that holds it (even the wider listed first)" {
	table '8000-8999,tcp,wide' '8080-8089,tcp,narrow'
	expect_tags '8080 tcp=narrow' '8089 tcp=narrow' '8085 tcp=narrow' '8079 tcp=wide' '8090 tcp=wide'
	table '8080-8089,tcp,narrow' '8000-8999,tcp,wide'
	expect_tags '8085 tcp=narrow' '8090 tcp=wide'
}

@test "lookup: a narrower * range beats a wider range with a named protocol" {
	table '1000-1999,tcp,wide-tcp' '1500-1509,*,narrow-any'
	expect_tags '1500 tcp=narrow-any' '1509 tcp=narrow-any' '1510 tcp=wide-tcp' '1505 udp=narrow-any'
}

@test "lookup: at equal width a named protocol beats * (whatever the order)" {
	table '8000-8100,*,any' '8000-8100,tcp,tcp-only'
	expect_tags '8050 tcp=tcp-only' '8050 udp=any' '8050 icmp=any'
	table '53,*,any' '53,udp,udp-only'
	expect_tags '53 udp=udp-only' '53 tcp=any'
	table '*,udp,udp-only' '*,*,any'
	expect_tags '9 udp=udp-only' '9 tcp=any'
	table '*,*,any' '*,udp,udp-only'
	expect_tags '9 udp=udp-only' '9 tcp=any'
}

@test "lookup: an exact port with protocol * beats a range with a named protocol" {
	table '50-59,udp,udp-range' '53,*,dns'
	expect_tags '53 udp=dns' '53 tcp=dns' '52 udp=udp-range' '54 udp=udp-range' '52 tcp=Untagged'
	table '53,*,dns' '50-59,udp,udp-range'
	expect_tags '53 udp=dns' '54 udp=udp-range'
}

@test "lookup: remaining ties go to the earlier row (two ranges of equal width)" {
	table '3000-3009,tcp,first' '3005-3014,tcp,second'
	expect_tags '3005 tcp=first' '3009 tcp=first' '3004 tcp=first' '3010 tcp=second' '3014 tcp=second' '3015 tcp=Untagged'
	table '3005-3014,tcp,second' '3000-3009,tcp,first'
	expect_tags '3005 tcp=second' '3009 tcp=second' '3004 tcp=first' '3010 tcp=second'
	table '3000-3009,*,first' '3005-3014,*,second'
	expect_tags '3007 udp=first' '3012 udp=second'
}

@test "lookup: N-M bounds are inclusive: N and M match, N-1 and M+1 do not" {
	table '100-200,udp,r' '0-9,tcp,low' '65530-65535,tcp,high' '7-7,icmp,one'
	expect_tags '99 udp=Untagged' '100 udp=r' '150 udp=r' '200 udp=r' '201 udp=Untagged' \
		'0 tcp=low' '9 tcp=low' '10 tcp=Untagged' \
		'65529 tcp=Untagged' '65530 tcp=high' '65535 tcp=high' \
		'6 icmp=Untagged' '7 icmp=one' '8 icmp=Untagged'
}

@test "lookup: *,* catches every port and protocol; more specific rows still win" {
	table '*,*,everything'
	expect_tags '0 icmp=everything' '65535 udp=everything' '80 tcp=everything' '7 253=everything' '1 255=everything'
	table '*,*,everything' '80,tcp,web' '*,udp,udp'
	expect_tags '80 tcp=web' '81 tcp=everything' '80 udp=udp' '80 gre=everything'
}

@test "lookup: a range with N > M (and other bad port specs) is a bad row, reported and skipped" {
	table '5,tcp,ok' '200-100,tcp,backwards' '1-70000,tcp,big' '1-,tcp,open' '1-2-3,tcp,three' '*-5,tcp,star' '100-100,tcp,single'
	run -0 --separate-stderr tagged '150 tcp' '100 tcp' '5 tcp'
	same_text "$(printf '%s\n' Untagged single ok)" "$output"
	same_text "flow-tag: t.csv:2: dstport '200-100' is not a number 0..65535, a range N-M or *
flow-tag: t.csv:3: dstport '1-70000' is not a number 0..65535, a range N-M or *
flow-tag: t.csv:4: dstport '1-' is not a number 0..65535, a range N-M or *
flow-tag: t.csv:5: dstport '1-2-3' is not a number 0..65535, a range N-M or *
flow-tag: t.csv:6: dstport '*-5' is not a number 0..65535, a range N-M or *" "$stderr"
}

@test "lookup: a headerless table whose first row starts with * is not taken for a header" {
	table '*,tcp,any-tcp' '80,tcp,web'
	expect_tags '80 tcp=web' '81 tcp=any-tcp' '81 udp=Untagged'
	table '*,*,all'
	expect_tags '1 udp=all'
}

@test "lookup: a headerless table whose first row is a range is not taken for a header" {
	table '8000-8100,tcp,range' '80,tcp,web'
	expect_tags '8000 tcp=range' '80 tcp=web'
	table '0-0,icmp,zero'
	expect_tags '0 icmp=zero' '1 icmp=Untagged'
}

@test "lookup: a header is still found, columns in any order, ranges in its rows" {
	table 'Tag,DstPort,Protocol' 'r,8000-8100,tcp' 'a,*,*'
	expect_tags '8001 tcp=r' '8001 udp=a'
}

@test "lookup: protocols in range rows as names (any case) or numbers, records either way" {
	table '100-200,6,tcp-by-number' '100-200,UDP,udp-by-name' '*,1,icmp-by-number' '300-400,Ipv6-ICMP,v6'
	expect_tags '150 tcp=tcp-by-number' '150 6=tcp-by-number' '150 TCP=tcp-by-number' \
		'150 17=udp-by-name' '150 udp=udp-by-name' '0 icmp=icmp-by-number' '9 1=icmp-by-number' \
		'350 58=v6' '350 ipv6-icmp=v6' '150 47=Untagged'
}

@test "lookup: a range key written with a number and a name is one key (duplicate warning names it)" {
	table '8090-8095,6,a' '8090-8095,TCP,b'
	run -0 --separate-stderr tagged '8092 tcp'
	same_text a "$output"
	same_text "flow-tag: t.csv:2: warning: duplicate key 8090-8095,tcp: tag 'b' ignored, line 1 has 'a'" "$stderr"
}

@test "flowtag.sh: ranges and wildcards in tag_counts.csv (every precedence rule)" {
	run -0 --separate-stderr flowtag.sh -q -l "$FF/ranges.csv" "$FF/ranges.log"
	same_file "$FF/ranges.tag_counts.csv" tag_counts.csv
	same_text "" "$(cat error.log)"
	# *,* catches all: nothing untagged
	same_text "Port,Protocol,Count" "$(cat untagged_flows.csv)"
	run -0 section "Tag Counts:" output.csv
	same_text "$(cat "$FF/ranges.tag_counts.csv")" "$output"
	run -0 grep -c . port_protocol_counts.csv
	[ "$output" -eq 30 ]
}

@test "flowtag.sh: a headerless range table starting with *,* gives the same tag counts" {
	{ echo '*,*,catch-all'; sed '1d;/^\*,\*/d' "$FF/ranges.csv"; } > lookup.csv
	run -0 --separate-stderr flowtag.sh -q -l lookup.csv "$FF/ranges.log"
	same_file "$FF/ranges.tag_counts.csv" tag_counts.csv
	same_text "" "$(cat error.log)"
}

@test "flowtag.sh: range bounds, untagged rows and a bad range row in the outputs" {
	printf '%s\n' '100-200,tcp,r' '200-100,tcp,bad' > lookup.csv
	flowlog f.log '99 6' '100 6' '200 6' '201 6' '150 17'
	run -0 --separate-stderr flowtag.sh -q -l lookup.csv f.log
	same_text "Tag,Count
Untagged,3
r,2" "$(cat tag_counts.csv)"
	same_text "Port,Protocol,Count
99,tcp,1
150,udp,1
201,tcp,1" "$(cat untagged_flows.csv)"
	same_text "flow-tag: lookup.csv:2: dstport '200-100' is not a number 0..65535, a range N-M or *" "$(cat error.log)"
}

###########################################################################
# Plain tables: nothing changed

@test "plain lookup table: flowtag.sh gives the sample's five outputs as before" {
	run -0 --separate-stderr flowtag.sh -q -l "$SAMPLE/lookup_table.csv" "$SAMPLE/flow_logs.txt"
	local f
	for f in $OUTS; do same_file "$EXP/sample/$f" "$f"; done
}

@test "plain lookup table: the sample's output.csv, literally" {
	run -0 flowtag.sh -q -l "$SAMPLE/lookup_table.csv" "$SAMPLE/flow_logs.txt"
	same_text "Tag Counts:
Tag,Count
Untagged,8
email,3
sv_P1,2
sv_P2,1

Port/Protocol Combination Counts:
Port,Protocol,Count
23,tcp,1
25,tcp,1
80,tcp,1
110,tcp,1
143,tcp,1
443,tcp,1
993,tcp,1
1024,tcp,1
49153,tcp,1
49154,tcp,1
49155,tcp,1
49156,tcp,1
49157,tcp,1
49158,tcp,1

Untagged Flows:
Port,Protocol,Count
80,tcp,1
1024,tcp,1
49153,tcp,1
49154,tcp,1
49155,tcp,1
49156,tcp,1
49157,tcp,1
49158,tcp,1

Totals:
Metric,Value
records,14
flows,14
tagged,6
untagged,8
nodata,0
malformed,0" "$(cat output.csv)"
}

@test "plain lookup table: the mixed fixture's outputs as before (only the bad-dstport text is new)" {
	cp "$FIX/mixed/lookup.csv" "$FIX/mixed/mixed.log" .
	run -0 --separate-stderr flowtag.sh -q -l lookup.csv mixed.log
	local f
	for f in output.csv port_protocol_counts.csv tag_counts.csv untagged_flows.csv; do
		same_file "$EXP/mixed/$f" "$f"
	done
	# the one message the ranges changed: dstport may now be N-M or *
	sed "s/^\(flow-tag: lookup.csv:[0-9]*: dstport '[^']*' is not a number 0..65535\)\$/\1, a range N-M or */" \
		"$EXP/mixed/error.log" > want.err
	grep -q 'a range N-M or [*]$' want.err
	same_file want.err error.log
}

###########################################################################
# flow-tag -c: lint

@test "flow-tag -c: a clean table (nested ranges, wildcards, header) -> exit 0, no output" {
	table 'dstport,protocol,tag' '80,tcp,web' '8000-8999,tcp,alt' '8080-8089,tcp,proxy' \
		'8080,tcp,exact' '*,tcp,tcp-other' '53,*,dns' '50-59,udp,udp50' '*,*,all' '3000-3009,tcp,a' '3000-3099,tcp,a'
	run -0 --separate-stderr flow-tag -c -l t.csv
	same_text "" "$output"
	same_text "" "$stderr"
	run -0 --separate-stderr flow-tag -c -l "$SAMPLE/lookup_table.csv"
	same_text "" "$output$stderr"
}

@test "flow-tag -c: bad rows -> exit 1 with their messages" {
	table 'dstport,protocol,tag' '80,tcp,web' 'abc,tcp,x' '200-100,tcp,x' '81,tcp' '82,tcp,'
	run -1 --separate-stderr flow-tag -c -l t.csv
	same_text "" "$output"
	same_text "flow-tag: t.csv:3: dstport 'abc' is not a number 0..65535, a range N-M or *
flow-tag: t.csv:4: dstport '200-100' is not a number 0..65535, a range N-M or *
flow-tag: t.csv:5: 2 fields, expected 3
flow-tag: t.csv:6: empty tag" "$stderr"
}

@test "flow-tag -c: an unknown protocol name -> exit 1, 'protocol ... is unknown'" {
	table '80,tcp,web' '8000-8100,tcpp,x' '90,*,ok'
	run -1 --separate-stderr flow-tag -c -l t.csv
	same_text "" "$output"
	same_text "flow-tag: t.csv:2: protocol 'tcpp' is unknown" "$stderr"
}

@test "flow-tag -c: a duplicate key with the same tag -> exit 1 (silent without -c)" {
	table 'dstport,protocol,tag' '8090-8095,tcp,a' '8090-8095,6,a'
	run -1 --separate-stderr flow-tag -c -l t.csv
	same_text "" "$output"
	same_text "flow-tag: t.csv:3: duplicate key 8090-8095,tcp: line 2 has the same tag" "$stderr"
	run -0 --separate-stderr flow-tag -l t.csv /dev/null
	same_text "" "$output$stderr"
}

@test "flow-tag -c: a duplicate key with a different tag -> exit 1 with the warning" {
	table '*,udp,a' '80,tcp,w' '*,17,b'
	run -1 --separate-stderr flow-tag -c -l t.csv
	same_text "" "$output"
	same_text "flow-tag: t.csv:3: warning: duplicate key *,udp: tag 'b' ignored, line 1 has 'a'" "$stderr"
}

@test "flow-tag -c: a row that never applies -> exit 1" {
	table 'dstport,protocol,tag' '100-150,tcp,a' '151-200,tcp,b' '100-200,tcp,c'
	run -1 --separate-stderr flow-tag -c -l t.csv
	same_text "" "$output"
	same_text "flow-tag: t.csv:4: row 100-200,tcp never applies: more specific or earlier rows cover all its ports" "$stderr"
	table '10,tcp,a' '11,tcp,b' '10-11,tcp,c'
	run -1 --separate-stderr flow-tag -c -l t.csv
	same_text "flow-tag: t.csv:3: row 10-11,tcp never applies: more specific or earlier rows cover all its ports" "$stderr"
}

@test "flow-tag -c: a named range covered by exact rows of protocol * never applies" {
	# 80,* and 81,* are narrower than 80-81,tcp, so they win for tcp too
	table '80,*,a' '81,*,b' '80-81,tcp,c'
	run -0 --separate-stderr tagged '80 tcp' '81 tcp'
	same_text "$(printf 'a\nb')" "$output"
	run -1 --separate-stderr flow-tag -c -l t.csv
	same_text "flow-tag: t.csv:3: row 80-81,tcp never applies: more specific or earlier rows cover all its ports" "$stderr"
}

@test "flow-tag -c: a partial overlap of ranges with different tags -> exit 1" {
	table 'dstport,protocol,tag' '8000-8100,tcp,a' '8050-8200,tcp,b'
	run -1 --separate-stderr flow-tag -c -l t.csv
	same_text "" "$output"
	same_text "flow-tag: t.csv:3: range 8050-8200,tcp partly overlaps line 2 (8000-8100,tcp) with another tag" "$stderr"
	# touching at one port is an overlap too
	table '10-20,udp,a' '20-30,udp,b'
	run -1 --separate-stderr flow-tag -c -l t.csv
	same_text "flow-tag: t.csv:2: range 20-30,udp partly overlaps line 1 (10-20,udp) with another tag" "$stderr"
}

@test "flow-tag -c: nested ranges with different tags, overlaps with the same tag, adjacent ranges are fine" {
	table '8000-8999,tcp,outer' '8080-8089,tcp,inner' '8080-8080,udp,x' '8000-8999,udp,y' \
		'1-10,tcp,same' '5-15,tcp,same' '20-29,tcp,p' '30-39,tcp,q' '8000-8089,tcp,left'
	run -0 --separate-stderr flow-tag -c -l t.csv
	same_text "" "$output$stderr"
}

@test "flow-tag -c: every problem kind in one table, each reported" {
	table 'dstport,protocol,tag' \
		'8000-8100,tcp,a' \
		'x,tcp,bad' \
		'1,nosuch,bad' \
		'8000-8100,tcp,a' \
		'8000-8100,tcp,b' \
		'8050-8200,tcp,c' \
		'100-101,udp,d' \
		'100,udp,e' \
		'101,udp,f'
	run -1 --separate-stderr flow-tag -c -l t.csv
	same_text "" "$output"
	run -0 sort <<< "$stderr"
	same_text "flow-tag: t.csv:3: dstport 'x' is not a number 0..65535, a range N-M or *
flow-tag: t.csv:4: protocol 'nosuch' is unknown
flow-tag: t.csv:5: duplicate key 8000-8100,tcp: line 2 has the same tag
flow-tag: t.csv:6: warning: duplicate key 8000-8100,tcp: tag 'b' ignored, line 2 has 'a'
flow-tag: t.csv:7: range 8050-8200,tcp partly overlaps line 2 (8000-8100,tcp) with another tag
flow-tag: t.csv:8: row 100-101,udp never applies: more specific or earlier rows cover all its ports" "$output"
}

@test "flow-tag -c with a file argument is a usage error (exit 2)" {
	table '80,tcp,web'
	: > flows.tsv
	run -2 --separate-stderr flow-tag -c -l t.csv flows.tsv
	same_text "" "$output"
	[[ "${stderr_lines[0]}" == "flow-tag: "* ]]
	same_text "$USAGE_TAG" "$(printf '%s\n' "${stderr_lines[@]:1}")"
}

@test "flow-tag -c: a missing table -> exit 1; -h shows the two usage lines" {
	run -1 --separate-stderr flow-tag -c -l nosuch.csv
	same_text "flow-tag: nosuch.csv: No such file or directory" "$stderr"
	run -0 --separate-stderr flow-tag -h
	same_text "$USAGE_TAG" "$output"
}

###########################################################################
# flow-parse -c and -m

@test "flow-parse -c equals flow-parse | flow-count on the sample" {
	run -0 --separate-stderr flow-parse -c "$SAMPLE/flow_logs.txt"
	same_text "" "$stderr"
	same_text "$(flow-parse "$SAMPLE/flow_logs.txt" | flow-count)" "$output"
	same_text "$(cat "$EXP/parse/sample.count")" "$output"
}

@test "flow-parse -c equals flow-parse | flow-count on a generated mixed log (same messages)" {
	make_big_log big.log 30000
	flow-parse big.log 2> pipe.err | flow-count > pipe.out
	run -0 flow-parse -c big.log
	flow-parse -c big.log > c.out 2> c.err
	same_file pipe.out c.out
	same_file pipe.err c.err
	[ -s c.err ]
	[ "$(wc -l < c.out)" -gt 1000 ]
}

@test "flow-parse -c: counted in batches, the odd lines between still named by their line" {
	{
		for i in 1 2 3; do flowline 443 6; done       # 1-3
		flowline 80 200                               # 4: warns
		printf '2 1 eni-a 10.0.0.1 10.0.0.2 1 53 17 1 1 1 1 ACCEPT OK\r\n'   # 5: CRLF
		flowline 80 6 | tr ' ' '\t'                   # 6: tabs
		for i in 1 2; do flowline 22 6; done          # 7-8
		flowline 22 6 | cut -d ' ' -f 1-13            # 9: 13 fields
		flowline 8080 6 NODATA                        # 10
		for i in 1 2; do flowline 8080 201; done      # 11-12: 11 warns
		printf '2 1 eni-a 10.0.0.1 10.0.0.2 1 53 17 1 1 1 1 ACCEPT OK'      # 13: no newline
	} > odd.log
	flow-parse odd.log 2> pipe.err | flow-count > pipe.out
	flow-parse -c -T tot odd.log > c.out 2> c.err
	same_file pipe.out c.out
	same_file pipe.err c.err
	cat > want <<-'EOF'
	flow-parse: odd.log:4: warning: protocol 200 has no IANA keyword, named '200'
	flow-parse: odd.log:9: malformed: 13 fields, expected 14
	flow-parse: odd.log:11: warning: protocol 201 has no IANA keyword, named '201'
	EOF
	same_file want c.err
	printf '443\ttcp\t3\n22\ttcp\t2\n53\tudp\t2\n8080\t201\t2\n80\t200\t1\n80\ttcp\t1\n' > want
	same_file want c.out
	grep -qx "flows	11" tot
	grep -qx "lines	13" tot
}

@test "flow-parse: lines at the limits of the short-line path agree with the full parser" {
	# short lines (up to 127 bytes, with 136 bytes after their start) are
	# taken by quickshort: its t-th space in bytes 32..95, single spaces,
	# none first or last. Lines on each side of each limit, between plain
	# lines, must give what the full parser gives.
	awk 'function plain(k) { printf "2 123456789012 eni-1a2b3c4d 10.0.0.%d 10.0.0.2 40000 %d 6 1 100 1620140761 1620140821 ACCEPT OK\n", k % 250, 1000 + k }
	function pad(s, n) { while (length(s) < n) s = s "9"; return s }
	BEGIN {
		odd[++n] = "2 1 e 1.1.1.1 2.2.2.2 1 53 17 1 1 1 1 ACCEPT OK"              # 6th space before byte 32
		odd[++n] = "2 123456789012 eni-" pad("", 60) " 10.0.0.1 10.0.0.2 40000 443 6 1 1 1 1 ACCEPT OK"   # after byte 95
		odd[++n] = "2 123456789012 eni-1a2b3c4d 10.0.0.1 10.0.0.2 40000 443 6 1  100 1 1 ACCEPT OK"      # 14 fields, a double space
		odd[++n] = "2 123456789012 eni-1a2b3c4d 10.0.0.1 10.0.0.2 40000 443 6 1  100 1 ACCEPT OK"        # 13 fields, a double space
		odd[++n] = "2 123456789012  eni-1a2b3c4d 10.0.0.1 10.0.0.2 40000 443 6 1 100 1 ACCEPT OK"        # 13, double before the key
		odd[++n] = " 2 123456789012 eni-1a2b3c4d 10.0.0.1 10.0.0.2 40000 22 6 1 100 1 1 ACCEPT OK"       # leading space
		odd[++n] = "2 123456789012 eni-1a2b3c4d 10.0.0.1 10.0.0.2 40000 22 6 1 100 1 1 ACCEPT OK "       # trailing space
		odd[++n] = "2 123456789012 eni-1a2b3c4d 10.0.0.1 10.0.0.2 40000 080 006 1 100 1 1 ACCEPT OK"     # leading zeros
		odd[++n] = "2 123456789012 eni-1a2b3c4d 10.0.0.1 10.0.0.2 40000 65536 6 1 100 1 1 ACCEPT OK"     # port too big
		odd[++n] = "2 123456789012 eni-1a2b3c4d 10.0.0.1 10.0.0.2 40000 1234567 6 1 100 1 1 ACCEPT OK"   # seven digits
		odd[++n] = "2 123456789012 eni-1a2b3c4d 10.0.0.1 10.0.0.2 40000 12345678 6 1 100 1 1 ACCEPT OK"  # eight digits
		odd[++n] = "2 123456789012 eni-1a2b3c4d 10.0.0.1 10.0.0.2 40000 443 256 1 100 1 1 ACCEPT OK"     # protocol too big
		odd[++n] = "2 123456789012 eni-1a2b3c4d 10.0.0.1 10.0.0.2 40000 44x 6 1 100 1 1 ACCEPT OK"      # not a number
		odd[++n] = "2 123456789012 eni-1a2b3c4d 10.0.0.1 10.0.0.2 40000 443 6 1 100 1 1 ACCEPT NODATA"  # nodata
		# the key swept across bytes 74..110: the space before dstport in
		# the mask with the end of protocol in it or past it, or neither
		for (e = 30; e <= 62; e++)
			odd[++n] = "2 123456789012 eni-" pad("", e) " 10.0.0.1 10.0.0.2 40000 443 17 1 1 1 1 ACCEPT OK"
		# 125..130 bytes: the bytes field padded
		head = "2 123456789012 eni-1a2b3c4d 10.0.0.1 10.0.0.2 40000 8443 6 1 1"
		tail = " 1620140761 1620140821 ACCEPT OK"
		for (len = 125; len <= 130; len++) {
			odd[++n] = pad(head, len - length(tail)) tail
			odd[++n] = pad(head, len - length(tail) - 2) " 1" tail     # 15 fields
		}
		for (r = 0; r < 3; r++)
			for (i = 1; i <= n; i++) {
				print odd[i]
				for (j = 0; j < 1 + (i + r) % 3; j++) plain(i * 7 + j)
			}
		for (i = 0; i < 30000; i++) plain(i % 500)   # past one read buffer
		for (i = 1; i <= n; i++) { print odd[i]; plain(i) }
	}' > edge.log
	# the full parser (a field besides the key turns the fast paths off),
	# then the fast paths of flow-parse -c and of flow-parse alone
	flow-parse -f dstport,protocol,version edge.log 2> full.err | cut -f 1,2 | flow-count > full.out
	flow-parse -c edge.log > c.out 2> c.err
	flow-parse edge.log 2> pipe.err | flow-count > pipe.out
	same_file full.out c.out
	same_file full.err c.err
	same_file full.out pipe.out
	same_file full.err pipe.err
	grep -qx '443	udp	132' c.out     # the sweep: 33 lines, 4 times each
	# the leading-zero line is port 80 tcp; each long-enough 14-field line counts
	grep -qx '80	tcp	4' c.out
	grep -qx '8443	tcp	24' c.out
	grep -q ": malformed: dstport '1234567' is not a number 0..65535" c.err
	grep -q ': malformed: 15 fields, expected 14' c.err
	# protocol the last field (no space after it but the next line's), and
	# lines of 31 and 32 bytes, on each side of the short path's lower limit:
	# the same counts as the full parser
	awk 'BEGIN {
		print "version account-id interface-id srcaddr dstaddr srcport dstport protocol"
		for (i = 0; i < 40; i++) {
			printf "2 1 e 1.1.1.1 2.2.2.2 4 %d 6\n", 1000 + i
			printf "2 1 e 1.1.1.1 2.2.2.%d 4 %d 17\n", i % 10, 80 + i
			printf "2 123456789012 eni-1a2b3c4d 10.0.0.1 10.0.0.2 40000 %d 6\n", i
			printf "2 1 e 1.1.1.1 2.2.2.2 4000 5%d 6\n", i % 10
			printf "2 1 e 1.1.1.1 2.2.2.2 40000 5%d 6\n", i % 10
		}
	}' > last.log
	flow-parse -f dstport,protocol,version last.log 2> full.err | cut -f 1,2 | flow-count > full.out
	flow-parse -c last.log > c.out 2> c.err
	flow-parse last.log 2> pipe.err | flow-count > pipe.out
	same_file full.out c.out
	same_file full.out pipe.out
	same_file full.err c.err
	[ "$(awk -F '\t' '{ s += $3 } END { print s }' c.out)" -eq 200 ]
}

@test "flow-parse -c reads standard input and several files like the pipe" {
	make_big_log a.log 3000
	cp "$SAMPLE/flow_logs.txt" b.log
	same_text "$(flow-parse a.log b.log 2>/dev/null | flow-count)" "$(flow-parse -c a.log b.log 2>/dev/null)"
	same_text "$(flow-parse < a.log 2>/dev/null | flow-count)" "$(flow-parse -c - < a.log 2>/dev/null)"
}

@test "flow-parse -c -f equals flow-parse -f | flow-count" {
	make_big_log big.log 20000
	flow-parse -f dstport,protocol,action big.log 2> pipe.err | flow-count > pipe.out
	flow-parse -c -f dstport,protocol,action big.log > c.out 2> c.err
	same_file pipe.out c.out
	same_file pipe.err c.err
	flow-parse -f srcaddr "$SAMPLE/flow_logs.txt" | flow-count > pipe.out
	flow-parse -f srcaddr -c "$SAMPLE/flow_logs.txt" > c.out
	same_file pipe.out c.out
}

@test "flow-parse -c -m bytes / -m packets equal flow-parse -f dstport,protocol,FIELD | flow-count -s" {
	local m
	for m in bytes packets; do
		flow-parse -f "dstport,protocol,$m" "$SAMPLE/flow_logs.txt" | flow-count -s > pipe.out
		flow-parse -c -m "$m" "$SAMPLE/flow_logs.txt" > c.out
		same_file pipe.out c.out
	done
	run -0 head -n 3 c.out
	same_text "$(printf '49153\ttcp\t25\n25\ttcp\t20\n49158\ttcp\t18')" "$output"
}

@test "flow-parse -c -m on a generated log with sums beyond 32 bits equals the pipe" {
	mixed_measures m.log 20000
	local m
	for m in bytes packets; do
		flow-parse -f "dstport,protocol,$m" m.log 2> pipe.err | flow-count -s > pipe.out
		flow-parse -c -m "$m" m.log > c.out 2> c.err
		same_file pipe.out c.out
		same_file pipe.err c.err
	done
	flow-parse -c -m bytes m.log > c.out 2>/dev/null
	run -0 awk -F '\t' '$3 > 4294967296 { n++ } END { print n + 0 }' c.out
	[ "$output" -gt 0 ]
}

@test "flow-parse -m without -c is a usage error (exit 2)" {
	run -2 --separate-stderr flow-parse -m bytes "$SAMPLE/flow_logs.txt"
	same_text "" "$output"
	same_text "flow-parse: -m needs -c
$USAGE_PARSE" "$stderr"
}

@test "flow-parse -c -m bytes: a flow whose bytes are 'abc' is malformed, with its message" {
	flowlog f.log '80 6 1 100' '443 6 2 200' '80 6 3 abc' '80 6 4 1000'
	run -0 --separate-stderr flow-parse -c -m bytes -T tot f.log
	same_text "$(printf '80\ttcp\t1100\n443\ttcp\t200')" "$output"
	same_text "flow-parse: f.log:3: malformed: bytes 'abc' is not a number" "$stderr"
	same_text "$(printf 'records\t4\nflows\t3\nnodata\t0\nmalformed\t1')" "$(head -n 4 tot)"
	run -0 --separate-stderr flow-parse -c -m packets f.log
	same_text "$(printf '80\ttcp\t8\n443\ttcp\t2')" "$output"
	same_text "" "$stderr"
	run -1 --separate-stderr flow-parse -c -m bytes --strict f.log
	same_text "flow-parse: f.log:3: malformed: bytes 'abc' is not a number" "$stderr"
}

@test "flow-parse -c: more than 65536 flows of one key are counted exactly (16-bit wrap)" {
	awk 'BEGIN {
		for (i = 0; i < 70000; i++)
			print "2 123456789012 eni-1 10.0.0.1 10.0.0.2 40000 443 6 1 100 1620140761 1620140821 ACCEPT OK"
		for (i = 0; i < 65536; i++)
			print "2 123456789012 eni-1 10.0.0.1 10.0.0.2 40000 53 17 1 100 1620140761 1620140821 ACCEPT OK"
		for (i = 0; i < 65535; i++)
			print "2 123456789012 eni-1 10.0.0.1 10.0.0.2 40000 80 6 1 100 1620140761 1620140821 ACCEPT OK"
		print "2 123456789012 eni-1 10.0.0.1 10.0.0.2 40000 22 6 1 100 1620140761 1620140821 ACCEPT OK"
	}' > wrap.log
	run -0 --separate-stderr flow-parse -c wrap.log
	same_text "$(printf '443\ttcp\t70000\n53\tudp\t65536\n80\ttcp\t65535\n22\ttcp\t1')" "$output"
	same_text "" "$stderr"
	run -0 --separate-stderr flow-parse -c wrap.log wrap.log
	same_text "$(printf '443\ttcp\t140000\n53\tudp\t131072\n80\ttcp\t131070\n22\ttcp\t2')" "$output"
}

###########################################################################
# flowtag.sh -m, -n, --strict

@test "flowtag.sh -m bytes: sums in the tables, tagged/untagged sums in Totals" {
	run -0 --separate-stderr flowtag.sh -q -m bytes -l "$SAMPLE/lookup_table.csv" "$SAMPLE/flow_logs.txt"
	same_file "$FF/sample-bytes.output.csv" output.csv
	same_text "Tag,Bytes
Untagged,79000
sv_P1,17500
email,10500
sv_P2,4000" "$(cat tag_counts.csv)"
	run -0 section "Port/Protocol Combination Counts:" output.csv
	same_text "$output" "$(cat port_protocol_counts.csv)"
	run -0 section "Untagged Flows:" output.csv
	same_text "$output" "$(cat untagged_flows.csv)"
	same_text "" "$(cat error.log)"
}

@test "flowtag.sh -m packets: sums of packets" {
	run -0 --separate-stderr flowtag.sh -q -m packets -l "$SAMPLE/lookup_table.csv" "$SAMPLE/flow_logs.txt"
	same_file "$FF/sample-packets.output.csv" output.csv
	same_text "Tag,Packets
Untagged,110
sv_P1,35
email,21
sv_P2,8" "$(cat tag_counts.csv)"
	run -0 section "Untagged Flows:" output.csv
	same_text "$output" "$(cat untagged_flows.csv)"
}

@test "flowtag.sh -m bytes with nodata and malformed lines: records/flows stay flow counts" {
	flowlog f.log '80 6 1 1000' '443 6 1 2500' '22 6 1 70'
	echo '2 123456789012 eni-1 - - - - - - - 1620140761 1620140821 - NODATA' >> f.log
	echo '2 123456789012 eni-1 10.0.0.1 10.0.0.2 40000 80 6 1 100 1620140761 1620140821 ACCEPT' >> f.log
	printf '%s\n' '443,tcp,https' > lookup.csv
	run -0 --separate-stderr flowtag.sh -m bytes -l lookup.csv f.log
	same_text "3 flows (1 malformed, 1 nodata): bytes: 2500 tagged, 1070 untagged" "${lines[0]}"
	same_text "top tags by bytes:" "${lines[1]}"
	run -0 sed -n '/^Totals:$/,$p' output.csv
	same_text "Totals:
Metric,Value
records,5
flows,3
tagged,2500
untagged,1070
nodata,1
malformed,1" "$output"
	same_text "flow-parse: f.log:5: malformed: 13 fields, expected 14" "$(cat error.log)"
}

@test "flowtag.sh -m with another value is a usage error (exit 2), no outputs" {
	local v
	for v in flows Bytes; do
		run -2 --separate-stderr flowtag.sh -m "$v" -l "$SAMPLE/lookup_table.csv" "$SAMPLE/flow_logs.txt"
		same_text "" "$output"
		same_text "flowtag: -m: '$v' is not bytes or packets
$USAGE_SH" "$stderr"
	done
	run -0 ls -A
	same_text "" "$output"
}

@test "flowtag.sh -n N: only the top N rows of the port/protocol tables" {
	run -0 --separate-stderr flowtag.sh -q -n 3 -l "$SAMPLE/lookup_table.csv" "$SAMPLE/flow_logs.txt"
	same_text "Port,Protocol,Count
23,tcp,1
25,tcp,1
80,tcp,1" "$(cat port_protocol_counts.csv)"
	same_text "Port,Protocol,Count
80,tcp,1
1024,tcp,1
49153,tcp,1" "$(cat untagged_flows.csv)"
	same_file "$EXP/sample/tag_counts.csv" tag_counts.csv
	run -0 section "Tag Counts:" output.csv
	same_text "$output" "$(cat tag_counts.csv)"
	run -0 section "Port/Protocol Combination Counts:" output.csv
	same_text "$output" "$(cat port_protocol_counts.csv)"
	run -0 section "Untagged Flows:" output.csv
	same_text "$output" "$(cat untagged_flows.csv)"
	run -0 sed -n '/^Totals:$/,$p' output.csv
	same_text "$(sed -n '/^Totals:$/,$p' "$EXP/sample/output.csv")" "$output"
}

@test "flowtag.sh -n N with -m bytes, and N beyond the rows" {
	run -0 flowtag.sh -q -n 2 -m bytes -l "$SAMPLE/lookup_table.csv" "$SAMPLE/flow_logs.txt"
	same_text "Port,Protocol,Bytes
49153,tcp,20000
49158,tcp,14000" "$(cat port_protocol_counts.csv)"
	same_text "Port,Protocol,Bytes
49153,tcp,20000
49158,tcp,14000" "$(cat untagged_flows.csv)"
	run -0 sed -n '/^Totals:$/,$p' output.csv
	same_text "$(sed -n '/^Totals:$/,$p' "$FF/sample-bytes.output.csv")" "$output"
	run -0 flowtag.sh -q -n 100 -l "$SAMPLE/lookup_table.csv" "$SAMPLE/flow_logs.txt"
	local f
	for f in $OUTS; do same_file "$EXP/sample/$f" "$f"; done
}

@test "flowtag.sh -n 0 and -n x are usage errors (exit 2)" {
	local v
	for v in 0 x -1 03 1x; do
		run -2 --separate-stderr flowtag.sh -n "$v" -l "$SAMPLE/lookup_table.csv" "$SAMPLE/flow_logs.txt"
		same_text "" "$output"
		same_text "flowtag: -n: '$v' is not a number from 1
$USAGE_SH" "$stderr"
	done
	run -0 ls -A
	same_text "" "$output"
}

@test "flowtag.sh -m '' and -n '' (empty values) are usage errors too (exit 2)" {
	run -2 --separate-stderr flowtag.sh -m '' -l "$SAMPLE/lookup_table.csv" "$SAMPLE/flow_logs.txt"
	same_text "flowtag: -m: '' is not bytes or packets
$USAGE_SH" "$stderr"
	run -2 --separate-stderr flowtag.sh -n '' -l "$SAMPLE/lookup_table.csv" "$SAMPLE/flow_logs.txt"
	same_text "flowtag: -n: '' is not a number from 1
$USAGE_SH" "$stderr"
	run -0 ls -A
	same_text "" "$output"
}

@test "flowtag.sh --strict: a malformed line -> exit 1, its message on stderr, previous outputs untouched" {
	cp "$SAMPLE/lookup_table.csv" "$SAMPLE/flow_logs.txt" .
	run -0 flowtag.sh -q
	mkdir before && cp $OUTS before/
	sed '5s/ OK$//' flow_logs.txt > bad.log
	run -1 --separate-stderr flowtag.sh -q --strict bad.log
	same_text "" "$output"
	same_text "flow-parse: bad.log:5: malformed: 13 fields, expected 14" "${stderr_lines[0]}"
	local f
	for f in $OUTS; do same_file "before/$f" "$f"; done
	run -0 ls -A
	same_text "$(printf '%s\n' bad.log before $OUTS flow_logs.txt lookup_table.csv | sort)" "$output"
	# without --strict the same log runs
	run -0 flowtag.sh -q bad.log
	same_text "flow-parse: bad.log:5: malformed: 13 fields, expected 14" "$(cat error.log)"
}

@test "flowtag.sh --strict: a bad dstport and bad bytes under -m are fatal too" {
	cp "$SAMPLE/lookup_table.csv" .
	flowlog f.log '80 6 1 100' '99999 6 1 100'
	run -1 --separate-stderr flowtag.sh -q --strict f.log
	same_text "flow-parse: f.log:2: malformed: dstport '99999' is not a number 0..65535" "${stderr_lines[0]}"
	flowlog g.log '80 6 1 100' '80 6 1 x'
	run -1 --separate-stderr flowtag.sh -q --strict -m bytes g.log
	same_text "flow-parse: g.log:2: malformed: bytes 'x' is not a number" "${stderr_lines[0]}"
	run -0 ls -A
	same_text "$(printf '%s\n' f.log g.log lookup_table.csv)" "$output"
}

@test "flowtag.sh --strict on a clean log -> exit 0, same outputs" {
	run -0 --separate-stderr flowtag.sh --strict -q -l "$SAMPLE/lookup_table.csv" "$SAMPLE/flow_logs.txt"
	[[ "$stderr" =~ $TIMING_RE ]]
	local f
	for f in $OUTS; do same_file "$EXP/sample/$f" "$f"; done
}

###########################################################################
# flowtag.sh summary, -q, progress, '-'

@test "flowtag.sh summary: first line, title and bar rows on stdout" {
	run -0 --separate-stderr env COLUMNS=80 flowtag.sh -l "$SAMPLE/lookup_table.csv" "$SAMPLE/flow_logs.txt"
	same_text "14 flows (0 malformed, 0 nodata): 6 tagged, 8 untagged" "${lines[0]}"
	same_text "top tags by flows:" "${lines[1]}"
	[ "${#lines[@]}" -eq 6 ]
	[[ "${lines[2]}" =~ ^\ \ Untagged\ +8\ #+$ ]]
	[[ "${lines[3]}" =~ ^\ \ email\ +3\ #+$ ]]
	[[ "${lines[4]}" =~ ^\ \ sv_P1\ +2\ #+$ ]]
	[[ "${lines[5]}" =~ ^\ \ sv_P2\ +1\ #+$ ]]
	# bars shrink with the counts; the longest fills most of the width
	run -0 awk '{ n = gsub(/#/, "#") } NR > 2 && NR > 3 && n > prev { exit 1 } NR > 2 { prev = n; if (NR == 3) top = n } END { if (top < 40) exit 1 }' <<< "$output"
	[[ "$stderr" =~ $TIMING_RE ]]
}

@test "flowtag.sh summary: COLUMNS=40 keeps the title and bar rows within 40 characters" {
	# the first line's text is fixed (55 characters for the sample): the
	# rows below it are what scales to the terminal
	run -0 --separate-stderr env COLUMNS=40 flowtag.sh -l "$SAMPLE/lookup_table.csv" "$SAMPLE/flow_logs.txt"
	[ "${#lines[@]}" -eq 6 ]
	run -0 awk 'NR > 1 && length($0) > 40 { print "too long: " $0; bad = 1 } END { exit bad }' <<< "$output"
	run -0 --separate-stderr env COLUMNS=40 flowtag.sh -m bytes -l "$SAMPLE/lookup_table.csv" "$SAMPLE/flow_logs.txt"
	same_text "14 flows (0 malformed, 0 nodata): bytes: 32000 tagged, 79000 untagged" "${lines[0]}"
	same_text "top tags by bytes:" "${lines[1]}"
	[[ "${lines[2]}" =~ ^\ \ Untagged\ +79000\ #+$ ]]
	run -0 awk 'NR > 1 && length($0) > 40 { print "too long: " $0; bad = 1 } END { exit bad }' <<< "$output"
	# a wider terminal gets longer bars
	run -0 env COLUMNS=40 flowtag.sh -l "$SAMPLE/lookup_table.csv" "$SAMPLE/flow_logs.txt"
	local narrow=${#lines[2]}
	run -0 env COLUMNS=120 flowtag.sh -l "$SAMPLE/lookup_table.csv" "$SAMPLE/flow_logs.txt"
	[ "${#lines[2]}" -gt "$narrow" ]
	[ "${#lines[2]}" -le 120 ]
}

@test "flowtag.sh summary: at most 10 tag rows" {
	run -0 --separate-stderr env COLUMNS=80 flowtag.sh -l "$FF/ranges.csv" "$FF/ranges.log"
	same_text "29 flows (0 malformed, 0 nodata): 29 tagged, 0 untagged" "${lines[0]}"
	[ "${#lines[@]}" -eq 12 ]
	[[ "${lines[2]}" =~ ^\ \ catch-all\ +4\ #+$ ]]
	[[ "${lines[11]}" =~ ^\ \ proxy\ +1\ #+$ ]]
}

@test "flowtag.sh -q: stdout empty, the timing line still on stderr" {
	run -0 --separate-stderr flowtag.sh -q -l "$SAMPLE/lookup_table.csv" "$SAMPLE/flow_logs.txt"
	same_text "" "$output"
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "$stderr" =~ $TIMING_RE ]]
	[[ "$stderr" == "flowtag: 14 flows (0 malformed, 0 nodata) in "* ]]
}

@test "flowtag.sh progress: stderr not a terminal -> only the timing line, no \\r or escape" {
	big_log big.log 100000
	run -0 --separate-stderr flowtag.sh -l "$SAMPLE/lookup_table.csv" big.log
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "$stderr" =~ $TIMING_RE ]]
	[[ "$stderr" != *$'\r'* ]]
	[[ "$stderr" != *$'\033'* ]]
	[[ "$output" != *$'\r'* ]]
}

@test "flowtag.sh reads standard input for '-'" {
	run -0 --separate-stderr flowtag.sh -q -l "$SAMPLE/lookup_table.csv" - < "$SAMPLE/flow_logs.txt"
	local f
	for f in $OUTS; do same_file "$EXP/sample/$f" "$f"; done
	[[ "$stderr" =~ $TIMING_RE ]]
	sed '3s/ OK$//' "$SAMPLE/flow_logs.txt" > bad.log
	run -0 flowtag.sh -q -l "$SAMPLE/lookup_table.csv" - < bad.log
	same_text "flow-parse: -:3: malformed: 13 fields, expected 14" "$(cat error.log)"
	run -0 sed -n 's/^flows,//p' output.csv
	same_text 13 "$output"
}

@test "flowtag.sh '-' with -m bytes and -n reads standard input too" {
	run -0 flowtag.sh -q -m bytes -n 1 -l "$SAMPLE/lookup_table.csv" - < "$SAMPLE/flow_logs.txt"
	same_text "Port,Protocol,Bytes
49153,tcp,20000" "$(cat port_protocol_counts.csv)"
	same_text "$(sed -n 1,6p "$FF/sample-bytes.output.csv")" "$(sed -n 1,6p output.csv)"
}
