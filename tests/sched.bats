#!/usr/bin/env bats
# flow-parse -j N: one process schedules every input of its command line
# (whole gzip files and standard input, byte ranges of plain files) on N
# workers; outputs, totals and messages equal those of -j 1 for every N.
# FLOW_PARSE_CHUNK=BYTES cuts plain files from that size on, in ranges of
# about that size, so that small files show what large ones do.

bats_require_minimum_version 1.5.0
load test_helper

# mix -- a.log (plain, a header on line 1 and another in the middle),
# b.log (plain, malformed lines), c.gz and d.gz (small gzip files, one with
# a header), e.log (plain, a protocol without keyword), and in.log for
# standard input
mix() {
	make_big_log base.log 4000
	{
		echo "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status"
		head -n 1500 base.log
		echo "version srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status account-id interface-id"
		sed -n '1501,3000p' base.log | awk 'NF == 14 { print $1, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $2, $3; next } { print }'
	} > a.log
	sed -n '1,2500p' base.log > b.log
	sed -n '2501,2600p' base.log > c.txt
	{ echo "version interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status account-id"
	  sed -n '2601,2700p' base.log | awk 'NF == 14 { print $1, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $2; next } { print }'
	} > d.txt
	gzip -c c.txt > c.gz
	gzip -c d.txt > d.gz
	sed -n '2701,4000p' base.log > e.log
	flowline 80 200 >> e.log
	sed -n '3001,3500p' base.log > in.log
}

# same_run N ARGS... -- flow-parse ARGS with -j N (and small ranges) gives
# the stdout, stderr, exit status and totals of -j 1: with every worker
# started at once, with workers started as the inputs opened call for
# them (each after 3000 bytes), and as a run outside the tests starts them
same_run() {
	local n=$1 st1=0 stn sp
	shift
	flow-parse -j 1 -T t1 "$@" < in.log > o1 2> e1 || st1=$?
	for sp in 0 3000 default; do
		stn=0
		if [ "$sp" = default ]; then
			(unset FLOW_PARSE_SPAWN; FLOW_PARSE_CHUNK=2000 flow-parse -j "$n" -T tn "$@") \
				< in.log > on 2> en || stn=$?
		else
			FLOW_PARSE_SPAWN=$sp FLOW_PARSE_CHUNK=2000 flow-parse -j "$n" -T tn "$@" \
				< in.log > on 2> en || stn=$?
		fi
		[ "$st1" -eq "$stn" ] || { echo "-j $n (spawn $sp): exit $stn, -j 1: $st1" >&2; return 1; }
		same_file o1 on
		same_file e1 en
		[ "$st1" -ne 0 ] || same_file t1 tn
	done
}

@test "flow-parse -j N: plain files in ranges, gzip files, headers mid-file, stdin: equal -j 1" {
	command -v gzip > /dev/null || skip "gzip not installed"
	mix
	for n in 2 3 8 64; do
		same_run "$n" -c a.log c.gz b.log - d.gz e.log
		same_run "$n" a.log c.gz b.log - d.gz e.log
		same_run "$n" -c -f dstport,protocol,action a.log c.gz - e.log
		same_run "$n" -c -m bytes a.log d.gz b.log
	done
	# the messages name whole-file lines: the second header's file, the
	# gzip files, the keyword warning once in the run
	grep -q '^flow-parse: b.log:331: malformed: 13 fields, expected 14$' e1
	grep -q "^flow-parse: e.log:1301: warning: protocol 200 has no IANA keyword" e1 ||
		grep -q "warning: protocol 200 has no IANA keyword" e1
	[ "$(grep -c 'warning: protocol 200 ' e1)" -eq 1 ]
	grep -qx "lines	$(cat a.log d.txt b.log | wc -l | tr -d ' ')" t1
}

@test "flow-parse -j N: N larger than the units, one unit, no input at all" {
	mix
	for n in 2 5 64; do
		same_run "$n" -c e.log
		same_run "$n" -c in.log
		: > empty.log
		same_run "$n" -c empty.log
	done
}

@test "flow-parse -j N: the same records split into files count the same" {
	make_big_log whole.log 3000
	split -l 700 whole.log part.
	flow-parse -c -T tw whole.log > w.out 2>/dev/null
	for n in 1 2 3; do
		FLOW_PARSE_CHUNK=1000 flow-parse -c -j "$n" -T tp part.* > p.out 2>/dev/null
		same_file w.out p.out
		grep -v '^lines' tw > a; grep -v '^lines' tp > b
		same_file a b
	done
}

@test "flow-parse -j N: a damaged file in the middle is fatal, named, after the messages before it" {
	command -v gzip > /dev/null || skip "gzip not installed"
	mix
	head -c 300 c.gz > bad.gz
	for n in 1 2 3 8; do
		run -1 --separate-stderr env FLOW_PARSE_CHUNK=2000 flow-parse -c -j "$n" b.log bad.gz e.log
		[ -z "$output" ]
		[[ "${stderr_lines[-1]}" == "flow-parse: bad.gz: gzip: "*" at byte "* ]]
		# b.log's messages all came first, e.log's none
		[ "$(grep -c '^flow-parse: b.log:' <<< "$stderr")" -eq "$(flow-parse -c b.log 2>&1 >/dev/null | wc -l)" ]
		[[ "$stderr" != *e.log* ]]
	done
	run -1 --separate-stderr flow-parse -c -j 2 b.log nosuch.log e.log
	[ "${stderr_lines[-1]}" = "flow-parse: nosuch.log: No such file or directory" ]
}

@test "flow-parse -j N --strict: the first malformed line in input order ends the run" {
	mix
	for n in 1 2 3; do
		run -1 --separate-stderr env FLOW_PARSE_CHUNK=1000 flow-parse -c -S -j "$n" e.log b.log
		same_text "flow-parse: b.log:101: malformed: protocol '200' is not a number 0..255" "$stderr" ||
			same_text "$(flow-parse -c -S e.log b.log 2>&1 >/dev/null)" "$stderr"
		[ -z "$output" ]
	done
}

@test "flow-parse -j N: a unit that holds back more than it may waits for its turn, output unchanged" {
	make_big_log big.log 20000
	flow-parse big.log big.log > want 2> want.err
	for n in 2 3; do
		# ranges of ~4000 bytes, and each holds back at most that much
		FLOW_PARSE_CHUNK=4000 flow-parse -j "$n" big.log big.log > got 2> got.err
		same_file want got
		same_file want.err got.err
	done
}

@test "flow-parse -j: a bad N is a usage error; 0 is one per online CPU" {
	run -2 --separate-stderr flow-parse -j x /dev/null
	[ "${stderr_lines[0]}" = "flow-parse: -j: 'x' is not a number 0..1024" ]
	run -2 --separate-stderr flow-parse -j -1 /dev/null
	[ "${stderr_lines[0]}" = "flow-parse: -j: '-1' is not a number 0..1024" ]
	run -2 --separate-stderr flow-parse -j 1025 /dev/null
	[[ "${stderr_lines[1]}" == "usage: flow-parse "* ]]
	make_big_log big.log 3000
	flow-parse -c -T want.t big.log big.log > want 2> want.err
	flow-parse -c -j 0 -T got.t big.log big.log > got 2> got.err
	same_file want got
	same_file want.err got.err
	same_file want.t got.t
}
