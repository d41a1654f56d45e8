#!/usr/bin/env bats
# hostile input: garbage, NUL bytes, huge lines, huge tables, odd numbers,
# swapped files, broken gzip, full disks, closed pipes, interrupted runs,
# colliding keys; and the invariants of a run on a generated log.
# Inputs are generated here, in $BATS_TEST_TMPDIR. Nothing here measures
# time: runs are synchronised on fifos, and work is counted in instructions.

bats_require_minimum_version 1.5.0
load test_helper

SAMPLE_LOOKUP="$FIX/sample/lookup_table.csv"
SAMPLE_LOG="$FIX/sample/flow_logs.txt"
OUTS="error.log output.csv port_protocol_counts.csv tag_counts.csv untagged_flows.csv"

# randbytes N [SEED] -- N bytes from a fixed-seed generator
randbytes() {
	awk -v n="$1" -v seed="${2:-1}" 'BEGIN {
		srand(seed)
		for (i = 0; i < n; i++)
			printf "%c", int(rand() * 256)
	}' | head -c "$1"
}

# only_messages FILE REGEX -- every line of FILE matches REGEX
only_messages() {
	if grep -Ev -- "$2" "$1" >&2; then
		echo "lines above of $1 do not match $2" >&2
		return 1
	fi
}

# memlimit -- in $lim, "ulimit -v 200000 &&" where the programs run with
# 200 MB of address space, so that a run holding a 64 MiB line twice or
# thrice fails; empty for ASan, whose shadow memory is reserved up front,
# and for valgrind's wrapper scripts: those passes look for memory errors
# on the same inputs, the plain build's pass bounds the memory
memlimit() {
	lim=
	[ "$(head -c 2 "$(command -v flow-parse)")" != '#!' ] || return 0
	if (ulimit -v 200000 && flow-parse -h && flow-count -h) > /dev/null 2>&1; then
		lim='ulimit -v 200000 &&'
	elif [ -z "${FLOWTAG_BIN:-}" ]; then
		echo "the plain build does not run under ulimit -v 200000" >&2
		return 1
	fi
}

# snapshot DIR -- names and checksums of everything in DIR, hidden files too
snapshot() {
	(cd "$1" && ls -A | LC_ALL=C sort && cksum -- * 2>/dev/null)
}

# sample_run DIR -- a successful run on the sample into DIR: the "previous outputs"
sample_run() {
	mkdir -p "$1"
	flowtag.sh -q -l "$SAMPLE_LOOKUP" -o "$1" "$SAMPLE_LOG" 2>/dev/null
}

# no_tempdirs DIR -- no .flowtag.* temporary directory left in DIR
no_tempdirs() {
	local left
	left=$(cd "$1" && ls -A | grep '^\.flowtag\.' || true)
	[ -z "$left" ] || { echo "left behind in $1: $left" >&2; return 1; }
}

# total NAME DIR -- a value of the Totals section of DIR/output.csv
total() {
	awk -F, -v k="$1" 'on && $1 == k { print $2 } /^Totals:$/ { on = 1 }' "$2/output.csv"
}

# the directory a test made outside $BATS_TEST_TMPDIR, if any
teardown() {
	if [ -n "${NOBODY_DIR:-}" ]; then
		chmod -R u+w "$NOBODY_DIR"
		rm -rf "$NOBODY_DIR"
	fi
}

# ---------------------------------------------------------------- garbage

@test "hostile: random bytes: every filter exits 0, every message is PROG: FILE:LINE:" {
	randbytes 300000 > rand.bin
	[ "$(od -An -tx1 -N2 rand.bin | tr -d ' ')" != 1f8b ]
	run -0 to_files flow-parse rand.bin
	[ -s err ]
	only_messages err '^flow-parse: rand\.bin:[0-9]+: (malformed: |warning: protocol )'
	run -0 to_files flow-count rand.bin
	[ ! -s err ]
	run -0 to_files flow-count -s rand.bin
	only_messages err "^flow-count: rand\.bin:[0-9]+: (no TAB-separated count|'.*' is not a count)\$"
	run -0 to_files flow-tag -l "$SAMPLE_LOOKUP" rand.bin
	only_messages err '^flow-tag: rand\.bin:[0-9]+: '
	run -0 to_files flow-untagged rand.bin
	only_messages err '^flow-untagged: rand\.bin:[0-9]+: no TAB-separated tag column$'
}

@test "hostile: random bytes as a lookup table: bad rows reported, run finishes" {
	{ echo dstport,protocol,tag; randbytes 200000 2; } > rand.csv
	run -0 to_files flow-tag -l rand.csv /dev/null
	[ ! -s out ]
	[ -s err ]
	only_messages err '^flow-tag: rand\.csv:[0-9]+: '
	randbytes 100000 3 > rand.log
	mkdir o
	run -0 --separate-stderr flowtag.sh -l rand.csv -o o rand.log
	only_messages o/error.log '^flow-(tag: rand\.csv|parse: rand\.log):[0-9]+: '
	records=$(total records o) flows=$(total flows o)
	[ "$records" -eq $((flows + $(total nodata o) + $(total malformed o))) ]
}

@test "hostile: NUL bytes inside lines are data, shown as \\x00 in messages" {
	{
		printf '2 123 eni-1 10.0.0.1 10.0.0.2 40000 44\0003 6 1 100 1 2 ACCEPT OK\n'
		printf '2 123 eni-1 10.0.0.1 10.0.0.2 40000 443 6 1 100 1 2 ACCEPT OK\0\n'
		printf '\0\0\0\n'
		printf '2 123 eni-1 10.0.0.1 10.0.0.2 40000 22 \0006 1 100 1 2 ACCEPT OK\n'
	} > nul.log
	run -0 to_files flow-parse nul.log
	same_text "$(printf '443\ttcp')" "$(cat out)"
	same_text "flow-parse: nul.log:1: malformed: dstport '44\\x003' is not a number 0..65535
flow-parse: nul.log:3: malformed: 1 fields, expected 14
flow-parse: nul.log:4: malformed: protocol '\\x006' is not a number 0..255" "$(cat err)"

	printf 'a\0b\na\0c\na\0b\n' > nul.tsv
	printf 'a\0b\t2\na\0c\t1\n' > want
	run -0 to_files flow-count nul.tsv
	same_file want out
	[ ! -s err ]

	printf '80\0\ttcp\n443\ttcp\0\n25\ttcp\tx\0y\n' > nul.keys
	run -0 to_files flow-tag -l "$SAMPLE_LOOKUP" nul.keys
	printf '25\ttcp\tx\0y\tsv_P1\n' > want
	same_file want out
	same_text "flow-tag: nul.keys:1: dstport '80\\x00' is not a number 0..65535
flow-tag: nul.keys:2: protocol 'tcp\\x00' is unknown" "$(cat err)"

	printf 'x\0y\tUntagged\nz\tUntagged\0\n' > nul.tagged
	printf 'x\0y\n' > want
	run -0 to_files flow-untagged nul.tagged
	same_file want out
	[ ! -s err ]
}

@test "hostile: a NUL byte in a lookup tag or key is kept or reported, not a crash" {
	printf 'dstport,protocol,tag\n80,tcp,we\0b\n8\0001,tcp,x\n' > nul.csv
	printf '80\ttcp\n' > in.tsv
	run -0 to_files flow-tag -l nul.csv in.tsv
	printf '80\ttcp\twe\0b\n' > want
	same_file want out
	same_text "flow-tag: nul.csv:3: dstport '8\\x001' is not a number 0..65535, a range N-M or *" "$(cat err)"
}

# ---------------------------------------------------------------- long lines

@test "hostile: a 64 MiB line: flow-parse reports it with file:line, memory stays bounded" {
	memlimit
	{
		flowline 80 6
		head -c 67108864 /dev/zero | tr '\0' x
		echo
		flowline 443 6
		head -c 3000000 /dev/zero | tr '\0' ' '
		echo
		printf '2 1 eni a b 1 '
		head -c 2000000 /dev/zero | tr '\0' 7
	} > long.log
	run -0 bash -c "$lim exec flow-parse long.log >out 2>err"
	same_text "$(printf '80\ttcp\n443\ttcp')" "$(cat out)"
	# line 4 is blank however long: not a record (SPEC)
	same_text "flow-parse: long.log:2: malformed: line longer than 1048576 bytes
flow-parse: long.log:5: malformed: line longer than 1048576 bytes" "$(cat err)"
	# the same from a pipe, and with totals
	run -0 bash -c "$lim exec flow-parse -T tot - <long.log >out 2>err"
	same_text "$(printf '80\ttcp\n443\ttcp')" "$(cat out)"
	[ "$(grep -c '^flow-parse: -:[25]: malformed: line longer than 1048576 bytes$' err)" -eq 2 ]
	same_text "$(printf 'records\t4\nflows\t2\nnodata\t0\nmalformed\t2')" "$(head -n 4 tot)"
}

@test "hostile: a line over 64 MiB: the other filters skip it with file:line, memory bounded" {
	memlimit
	{
		printf 'a\tUntagged\n'
		head -c 68000000 /dev/zero | tr '\0' x
		printf '\nb\tUntagged\n'
	} > long.tsv
	run -0 bash -c "$lim exec flow-count long.tsv >out 2>err"
	same_text "$(printf 'a\tUntagged\t1\nb\tUntagged\t1')" "$(cat out)"
	same_text "flow-count: long.tsv:2: line longer than 67108864 bytes" "$(cat err)"
	run -0 bash -c "$lim exec flow-untagged long.tsv >out 2>err"
	same_text "$(printf 'a\nb')" "$(cat out)"
	same_text "flow-untagged: long.tsv:2: line longer than 67108864 bytes" "$(cat err)"
	run -0 bash -c "$lim exec flow-tag -l '$SAMPLE_LOOKUP' long.tsv >out 2>err"
	same_text "flow-tag: long.tsv:1: dstport 'a' is not a number 0..65535
flow-tag: long.tsv:2: line longer than 67108864 bytes
flow-tag: long.tsv:3: dstport 'b' is not a number 0..65535" "$(cat err)"
}

@test "hostile: no final newline: the last line counts in every filter" {
	printf '%s' "$(flowline 25 6)" > nonl.log
	run -0 to_files flow-parse nonl.log
	same_text "$(printf '25\ttcp')" "$(cat out)"
	[ ! -s err ]
	printf 'a\na' > nonl.tsv
	run -0 flow-count nonl.tsv
	same_text "$(printf 'a\t2')" "$output"
	printf '25\ttcp' > nonl.keys
	run -0 flow-tag -l "$SAMPLE_LOOKUP" nonl.keys
	same_text "$(printf '25\ttcp\tsv_P1')" "$output"
	printf '9\tudp\tUntagged' > nonl.tagged
	run -0 flow-untagged nonl.tagged
	same_text "$(printf '9\tudp')" "$output"
	printf 'dstport,protocol,tag\r\n9,udp,"nine"' > nonl.csv
	printf '9\tudp\n' > in.tsv
	run -0 flow-tag -l nonl.csv in.tsv
	same_text "$(printf '9\tudp\tnine')" "$output"
}

@test "hostile: empty files: no output, no message, exit 0; flowtag.sh writes zero totals" {
	: > empty
	for p in flow-parse flow-count flow-untagged "flow-tag -l $SAMPLE_LOOKUP" "flow-tag -l empty" "flow-count -s"; do
		run -0 to_files $p empty
		[ ! -s out ] && [ ! -s err ] || { echo "$p" >&2; false; }
		run -0 to_files $p - < empty
		[ ! -s out ] && [ ! -s err ] || { echo "$p -" >&2; false; }
	done
	# the full output.csv of an empty log is pinned in flowtag.bats
	mkdir o
	run -0 --separate-stderr flowtag.sh -l "$SAMPLE_LOOKUP" -o o empty
	grep -qx 'records,0' o/output.csv
	[ ! -s o/error.log ]
	run -0 flowtag.sh -q -l empty -o o "$SAMPLE_LOG"
	same_text "$(printf 'Tag,Count\nUntagged,14')" "$(cat o/tag_counts.csv)"
}

# ---------------------------------------------------------------- big tables

@test "hostile: a lookup table of 1,000,000 rows over 16 protocols loads and tags" {
	awk 'BEGIN {
		print "tag,protocol,dstport"
		for (i = 0; i < 1000000; i++)
			printf "t%d,%d,%d\n", i, int(i / 65536), i % 65536
	}' > big.csv
	printf '80\ttcp\n16959\t15\n65535\t15\n0\thopopt\n65535\t0\n' > keys
	run -0 to_files flow-tag -l big.csv keys
	same_text "$(printf '80\ttcp\tt393296\n16959\t15\tt999999\n65535\t15\tUntagged\n0\thopopt\tt0\n65535\t0\tt65535')" "$(cat out)"
	[ ! -s err ]
}

@test "hostile: a lookup table of 1,000,000 rows all with the same key: one warning a row" {
	awk 'BEGIN { for (i = 0; i < 1000000; i++) printf "80,tcp,t%d\n", i % 2 }' > dup.csv
	printf '80\ttcp\n' > keys
	run -0 to_files flow-tag -l dup.csv keys
	same_text "$(printf '80\ttcp\tt0')" "$(cat out)"
	[ "$(wc -l < err)" -eq 500000 ]
	same_text "flow-tag: dup.csv:2: warning: duplicate key 80,tcp: tag 't1' ignored, line 1 has 't0'" "$(head -n 1 err)"
}

# ---------------------------------------------------------------- numbers

@test "hostile: numbers with 30 digits: leading zeros allowed, no overflow" {
	{
		flowline 000000000000000000000000000080 000000000000000000000000000006
		flowline 100000000000000000000000000080 6
		flowline 80 999999999999999999999999999999
		flowline 18446744073709551696 6
	} > n.log
	run -0 to_files flow-parse n.log
	same_text "$(printf '80\ttcp')" "$(cat out)"
	same_text "flow-parse: n.log:2: malformed: dstport '100000000000000000000000000080' is not a number 0..65535
flow-parse: n.log:3: malformed: protocol '999999999999999999999999999999' is not a number 0..255
flow-parse: n.log:4: malformed: dstport '18446744073709551696' is not a number 0..65535" "$(cat err)"

	printf '000000000000000000000000000025\t000000000000000000000000000006\n18446744073709551641\ttcp\n' > n.keys
	run -0 to_files flow-tag -l "$SAMPLE_LOOKUP" n.keys
	same_text "$(printf '000000000000000000000000000025\t000000000000000000000000000006\tsv_P1')" "$(cat out)"
	same_text "flow-tag: n.keys:2: dstport '18446744073709551641' is not a number 0..65535" "$(cat err)"

	printf 'dstport,protocol,tag\n000000000000000000000000000080,tcp,web\n100000000000000000000000000080,tcp,x\n81,000000000000000000000000000256,y\n' > n.csv
	printf '80\t6\n' > k
	run -0 to_files flow-tag -l n.csv k
	same_text "$(printf '80\t6\tweb')" "$(cat out)"
	same_text "flow-tag: n.csv:3: dstport '100000000000000000000000000080' is not a number 0..65535, a range N-M or *
flow-tag: n.csv:4: protocol '000000000000000000000000000256' is unknown" "$(cat err)"
}

@test "hostile: flow-count -s: 30-digit counts refused, 2^64-1 exact, overflow fatal" {
	printf 'k\t999999999999999999999999999999\nk\t1\n' > c.tsv
	run -0 to_files flow-count -s c.tsv
	same_text "$(printf 'k\t1')" "$(cat out)"
	same_text "flow-count: c.tsv:1: '999999999999999999999999999999' is not a count" "$(cat err)"
	printf 'k\t18446744073709551614\nk\t1\nk\t0000000000000000000000000000\n' > max.tsv
	run -0 flow-count -s max.tsv
	same_text "$(printf 'k\t18446744073709551615')" "$output"
	printf 'k\t18446744073709551615\nk\t1\n' > o.tsv
	run -1 --separate-stderr flow-count -s o.tsv
	same_text "flow-count: o.tsv:2: count overflows 64 bits" "$stderr"
	run -2 --separate-stderr flow-count -n 999999999999999999999999999999
	same_text "flow-count: -n: '999999999999999999999999999999' is not a number" "${stderr_lines[0]}"
}

@test "hostile: negative numbers are malformed everywhere" {
	{ flowline -80 6; flowline 80 -6; flowline +80 6; flowline 80 6; } > neg.log
	run -0 to_files flow-parse neg.log
	same_text "$(printf '80\ttcp')" "$(cat out)"
	same_text "flow-parse: neg.log:1: malformed: dstport '-80' is not a number 0..65535
flow-parse: neg.log:2: malformed: protocol '-6' is not a number 0..255
flow-parse: neg.log:3: malformed: dstport '+80' is not a number 0..65535" "$(cat err)"
	printf -- '-80\ttcp\n80\t-6\n' > neg.keys
	run -0 to_files flow-tag -l "$SAMPLE_LOOKUP" neg.keys
	[ ! -s out ]
	same_text "flow-tag: neg.keys:1: dstport '-80' is not a number 0..65535
flow-tag: neg.keys:2: protocol '-6' is unknown" "$(cat err)"
	printf 'dstport,protocol,tag\n-80,tcp,x\n80,-6,y\n' > neg.csv
	run -0 to_files flow-tag -l neg.csv /dev/null
	same_text "flow-tag: neg.csv:2: dstport '-80' is not a number 0..65535, a range N-M or *
flow-tag: neg.csv:3: protocol '-6' is unknown" "$(cat err)"
	printf 'k\t-5\n' > neg.tsv
	run -0 to_files flow-count -s neg.tsv
	same_text "flow-count: neg.tsv:1: '-5' is not a count" "$(cat err)"
	run -2 --separate-stderr flow-count -n -1
	same_text "flow-count: -n: '-1' is not a number" "${stderr_lines[0]}"
}

@test "hostile: '-' everywhere: nodata in logs, refused as keys, kept as a tag, stdin as a file" {
	{
		echo '- - - - - - - - - - - - - -'
		flowline - 6
		flowline 80 -
		flowline 80 6 -
	} > dash.log
	run -0 to_files flow-parse -T tot dash.log
	same_text "$(printf '80\ttcp')" "$(cat out)"
	[ ! -s err ]
	same_text "$(printf 'records\t4\nflows\t1\nnodata\t3\nmalformed\t0')" "$(head -n 4 tot)"
	run -0 --separate-stderr flow-parse - < dash.log
	same_text "$(printf '80\ttcp')" "$output"

	printf -- '-\t-\n80\t-\n' > dash.keys
	run -0 to_files flow-tag -l "$SAMPLE_LOOKUP" - < dash.keys
	same_text "flow-tag: -:1: dstport '-' is not a number 0..65535
flow-tag: -:2: protocol '-' is unknown" "$(cat err)"

	printf 'dstport,protocol,tag\n-,tcp,x\n80,-,y\n80,tcp,-\n' > dash.csv
	printf '80\ttcp\n' > k
	run -0 to_files flow-tag -l - k < dash.csv
	same_text "$(printf '80\ttcp\t-')" "$(cat out)"
	same_text "flow-tag: -:2: dstport '-' is not a number 0..65535, a range N-M or *
flow-tag: -:3: protocol '-' is unknown" "$(cat err)"

	printf -- '-\n-\n-\tUntagged\n' > dash.tsv
	run -0 flow-count dash.tsv
	same_text "$(printf -- '-\t2\n-\tUntagged\t1')" "$output"
	run -0 to_files flow-untagged dash.tsv
	same_text "-" "$(cat out)"
	same_text "flow-untagged: dash.tsv:1: no TAB-separated tag column
flow-untagged: dash.tsv:2: no TAB-separated tag column" "$(cat err)"
}

# ---------------------------------------------------------------- headers

@test "hostile: header lines with unknown, repeated or \${} fields are followed" {
	printf 'version foo dstport Bar PROTOCOL\n2 x 80 y 6\n2 x 80 y\n${version} ${dstport} ${protocol} ${log-status}\n2 53 17 OK\n2 53 17 nodata\nversion dstport dstport protocol\n2 1 2 6\n' > h.log
	run -0 to_files flow-parse -T tot h.log
	same_text "$(printf '80\ttcp\n53\tudp\n1\ttcp')" "$(cat out)"
	same_text "flow-parse: h.log:3: malformed: 4 fields, expected 5" "$(cat err)"
	same_text "$(printf 'records\t5\nflows\t3\nnodata\t1\nmalformed\t1')" "$(head -n 4 tot)"
}

@test "hostile: header lines without dstport or protocol, or too long, are fatal with file:line" {
	printf 'version srcaddr dstport\n2 a 80\n' > h1.log
	run -1 --separate-stderr flow-parse h1.log
	same_text "flow-parse: h1.log:1: header has no 'protocol' field" "$stderr"
	{ flowline 80 6; echo 'version protocol srcaddr'; flowline 81 6; } > h2.log
	run -1 --separate-stderr flow-parse h2.log
	same_text "flow-parse: h2.log:2: header has no 'dstport' field" "$stderr"
	printf 'version\n' > h3.log
	run -1 --separate-stderr flow-parse h3.log
	same_text "flow-parse: h3.log:1: header has no 'dstport' field" "$stderr"
	{ printf 'version dstport protocol'; for i in $(seq 200); do printf ' f%d' "$i"; done; echo; } > h4.log
	run -1 --separate-stderr flow-parse h4.log
	[[ "$stderr" == "flow-parse: h4.log:1: header "* ]]
	[ "${#stderr_lines[@]}" -eq 1 ]
	sample_run o
	before=$(snapshot o)
	run -1 --separate-stderr flowtag.sh -l "$SAMPLE_LOOKUP" -o o "$SAMPLE_LOG" h2.log
	same_text "flow-parse: h2.log:2: header has no 'dstport' field" "$stderr"
	same_text "$before" "$(snapshot o)"
}

@test "hostile: a flow log given as the lookup table, and the other way round" {
	cp "$SAMPLE_LOG" flow_logs.txt
	cp "$SAMPLE_LOOKUP" lookup_table.csv
	# the lookup table as a flow log: every line malformed, and said once
	# to look comma-separated
	run -0 to_files flow-parse -T tot lookup_table.csv
	[ ! -s out ]
	for i in $(seq 12); do
		echo "flow-parse: lookup_table.csv:$i: malformed: 1 fields, expected 14"
		[ "$i" -ne 3 ] || echo "flow-parse: lookup_table.csv: looks comma-separated, fields are split on blanks"
	done > want.parse
	same_file want.parse err
	same_text "$(printf 'records\t12\nflows\t0\nnodata\t0\nmalformed\t12')" "$(head -n 4 tot)"
	# its first row starts with a digit, so it is data: 14 bad rows of one
	# field each, reported, and nothing tagged
	for i in $(seq 14); do echo "flow-tag: flow_logs.txt:$i: 1 fields, expected 3"; done > want
	run -0 to_files flow-tag -l flow_logs.txt /dev/null
	[ ! -s out ]
	same_file want err
	# flowtag.sh runs, every flow untagged, and says the rows were skipped
	run -0 --separate-stderr flowtag.sh -q -l flow_logs.txt
	same_text "flowtag: 14 lookup rows skipped, see ./error.log" "${stderr_lines[0]}"
	only_messages <(printf '%s\n' "$stderr") '^flowtag: '
	grep '^flow-tag: ' error.log > got
	same_file want got
	same_text "$(printf 'Tag,Count\nUntagged,14')" "$(cat tag_counts.csv)"
	grep -qx 'flows,14' output.csv
	# both swapped: the lookup table read as the flow log, all malformed
	mkdir o
	run -0 --separate-stderr flowtag.sh -q -l flow_logs.txt -o o lookup_table.csv
	same_text "flowtag: 14 lookup rows skipped, see o/error.log" "${stderr_lines[0]}"
	same_text "flowtag: 12 of 12 records malformed (not a flow log?), see o/error.log" "${stderr_lines[1]}"
	only_messages <(printf '%s\n' "$stderr") '^flowtag: '
	cat want want.parse > want.log
	same_file want.log o/error.log
	[ "$(total records o)" -eq 12 ] && [ "$(total malformed o)" -eq 12 ] && [ "$(total flows o)" -eq 0 ]
	no_tempdirs o
	# tagged output fed back as a flow log, a flow log fed to flow-untagged
	run -0 to_files flow-untagged flow_logs.txt
	[ ! -s out ]
	[ "$(wc -l < err)" -eq 14 ]
	same_text "flow-untagged: flow_logs.txt:1: no TAB-separated tag column" "$(head -n 1 err)"
}

# ---------------------------------------------------------------- gzip

@test "hostile: a truncated gzip file: exit 1, the message names the file" {
	need gzip
	gzip -c "$SAMPLE_LOG" > whole.gz
	head -c $(($(wc -c < whole.gz) / 2)) whole.gz > trunc.gz
	run -1 --separate-stderr flow-parse trunc.gz
	[[ "${stderr_lines[-1]}" == "flow-parse: trunc.gz: gzip: "* ]]
	run -1 --separate-stderr flow-parse - < trunc.gz
	[[ "${stderr_lines[-1]}" == "flow-parse: -: gzip: "* ]]
	printf '\037\213garbage\n' > bad.gz
	run -1 --separate-stderr flow-parse bad.gz
	[[ "${stderr_lines[-1]}" == "flow-parse: bad.gz: gzip: "* ]]
	run -0 flow-parse whole.gz
	[ "${#lines[@]}" -eq 14 ]

	flow-parse "$SAMPLE_LOG" | gzip -c > keys.gz
	head -c $(($(wc -c < keys.gz) - 12)) keys.gz > keys-trunc.gz
	for p in flow-count flow-untagged "flow-tag -l $SAMPLE_LOOKUP"; do
		run -1 --separate-stderr $p keys-trunc.gz
		[[ "${stderr_lines[-1]}" == "${p%% *}: keys-trunc.gz: gzip: "* ]] || { echo "$p: $stderr" >&2; false; }
	done

	sample_run o
	before=$(snapshot o)
	run -1 --separate-stderr flowtag.sh -l "$SAMPLE_LOOKUP" -o o trunc.gz
	[[ "$stderr" == *"trunc.gz: gzip: "* ]]
	same_text "$before" "$(snapshot o)"
	no_tempdirs o
}

# ---------------------------------------------------------------- output errors

@test "hostile: every program exits 1 on /dev/full with a write error message" {
	need_dev_full
	flow-parse "$SAMPLE_LOG" > keys
	flow-tag -l "$SAMPLE_LOOKUP" keys > tagged
	flow-count keys > counts
	for cmd in "flow-parse $SAMPLE_LOG" "flow-count keys" "flow-count -s counts" \
	    "flow-tag -l $SAMPLE_LOOKUP keys" "flow-untagged tagged"; do
		run -1 --separate-stderr bash -c "exec $cmd >/dev/full"
		same_text "${cmd%% *}: write error: No space left on device" "$stderr" ||
			{ echo "$cmd" >&2; false; }
	done
	run -1 --separate-stderr flow-parse -T /dev/full "$SAMPLE_LOG"
	same_text "flow-parse: /dev/full: No space left on device" "$stderr"
}

@test "hostile: a closed output pipe ends every program quietly" {
	awk 'BEGIN { for (i = 0; i < 200000; i++) printf "2 123 eni-1 10.0.0.1 10.0.0.2 40000 %d %d 1 100 1 2 ACCEPT OK\n", i % 65536, i % 3 == 0 ? 17 : 6 }' > big.log
	flow-parse big.log > keys
	awk '{ print NR "\t" $0 }' keys > many
	awk '{ print $0 "\tUntagged" }' many > tagged
	for cmd in "flow-parse big.log" "flow-count many" "flow-tag -l $SAMPLE_LOOKUP keys" \
	    "flow-untagged tagged"; do
		run -0 bash -c "$cmd 2>err | head -n 1 >/dev/null; echo \${PIPESTATUS[0]}"
		[ "$output" -eq 141 ] || [ "$output" -eq 0 ] || { echo "$cmd: status $output" >&2; false; }
		[ ! -s err ] || { echo "$cmd:" >&2; head -n 5 err >&2; false; }
	done
}

# ---------------------------------------------------------------- flowtag.sh failures

@test "hostile: flowtag.sh with a missing input leaves previous outputs and no temp dir" {
	sample_run o
	before=$(snapshot o)
	# one line, from flowtag.sh or from the filter that opened the file
	run -1 --separate-stderr flowtag.sh -l "$SAMPLE_LOOKUP" -o o "$SAMPLE_LOG" nosuch.log
	[[ "$stderr" =~ ^(flowtag|flow-parse):\ nosuch\.log:\ No\ such\ file\ or\ directory$ ]]
	same_text "$before" "$(snapshot o)"
	no_tempdirs o
	run -1 --separate-stderr flowtag.sh -l nosuch.csv -o o "$SAMPLE_LOG"
	[[ "$stderr" =~ ^(flowtag|flow-tag):\ nosuch\.csv:\ No\ such\ file\ or\ directory$ ]]
	same_text "$before" "$(snapshot o)"
	no_tempdirs o
}

@test "hostile: flowtag.sh with OUTDIR a regular file: exit 1, the file untouched" {
	echo keep > o
	run -1 --separate-stderr flowtag.sh -l "$SAMPLE_LOOKUP" -o o "$SAMPLE_LOG"
	[[ "$stderr" == "flowtag: o: "* ]]
	same_text keep "$(cat o)"
	same_text o "$(ls -A)"
}

@test "hostile: flowtag.sh with an OUTDIR it cannot write (as nobody when root)" {
	local as=() base
	if [ "$(id -u)" -eq 0 ]; then
		# root writes everywhere: the run is made as nobody, in a directory
		# of its own outside the clone (which nobody may not enter: a clone
		# in mktemp -d or a home of mode 700), with copies of the programs
		if command -v setpriv > /dev/null; then
			as=(setpriv --reuid=65534 --regid=65534 --clear-groups --)
		elif command -v runuser > /dev/null && id nobody > /dev/null 2>&1; then
			as=(runuser -u nobody --)
		else
			skip "setpriv or runuser not installed (needed to drop root)"
		fi
		for base in "${TMPDIR:-/tmp}" /tmp; do
			NOBODY_DIR=$(mktemp -d "$base/flowtag-nobody.XXXXXX") && chmod 755 "$NOBODY_DIR"
			"${as[@]}" test -x "$NOBODY_DIR" && break
			rm -rf "$NOBODY_DIR"
			NOBODY_DIR=
		done
		[ -n "$NOBODY_DIR" ] || { echo "nobody can enter neither ${TMPDIR:-/tmp} nor /tmp" >&2; false; }
		mkdir "$NOBODY_DIR/bin"
		cp "$FLOWTAG_ROOT/flowtag.sh" "$(command -v flow-parse)" "$(command -v flow-count)" \
			"$(command -v flow-tag)" "$(command -v flow-untagged)" "$NOBODY_DIR/bin/"
		chmod 755 "$NOBODY_DIR/bin" "$NOBODY_DIR"/bin/*
		cd "$NOBODY_DIR"
		# the copies, found beside the copied flowtag.sh
		PATH=$NOBODY_DIR/bin:/usr/bin:/bin
		unset FLOWTAG_BIN
	fi
	sample_run o
	chmod 555 o
	cp "$SAMPLE_LOOKUP" "$SAMPLE_LOG" .
	chmod 644 lookup_table.csv flow_logs.txt
	before=$(snapshot o)
	run -1 --separate-stderr "${as[@]}" flowtag.sh -l lookup_table.csv -o o flow_logs.txt
	same_text "flowtag: o: cannot create files there" "$stderr"
	same_text "$before" "$(snapshot o)"
	no_tempdirs o
	chmod 755 o
}

@test "hostile: flowtag.sh whose target is a directory fails before replacing any output" {
	sample_run o
	rm o/untagged_flows.csv
	mkdir -p o/untagged_flows.csv/untagged_flows.csv
	before=$(snapshot o)
	make_big_log other.log 2000
	run -1 --separate-stderr flowtag.sh -l "$SAMPLE_LOOKUP" -o o other.log
	[[ "$stderr" == "flowtag: "* ]]
	only_messages <(printf '%s\n' "$stderr") '^flowtag: '
	same_text "$before" "$(snapshot o)"
	no_tempdirs o
}

# interrupted SIGNAL STATUS pid|group -- flowtag.sh reads the sample, then
# a fifo; SIGNAL is sent once flow-parse has opened the fifo (the lookup is
# loaded and the temp dir made by then), to flowtag.sh alone (pid, as kill
# PID does) or to the whole run (group, as ^C on a terminal does). Expect
# STATUS, the previous outputs, no temp dir, and (group) no process of the
# run left reading the fifo. Nothing waits for a time: the open of the fifo
# below returns when flow-parse opens it, or when the run has ended.
interrupted() {
	local sig=$1 want=$2 to=$3 wrapper st
	sample_run o
	before=$(snapshot o)
	mkfifo fifo
	# set -m: the run is a process group of its own; env: INT and TERM get
	# their default actions back, which flowtag.sh's traps then take (a
	# background job of a shell without job control ignores INT); pid is
	# written before flowtag.sh starts. When the run ends, however early,
	# the wrapper opens the fifo for reading, which never blocks with <>.
	(
		set -m
		sh -c 'echo $$ > pid && exec env --default-signal=INT,TERM flowtag.sh "$@"' sh \
			-l "$SAMPLE_LOOKUP" -o o "$SAMPLE_LOG" fifo > /dev/null 2> err &
		st=0
		wait $! || st=$?
		echo "$st" > status
		: 0<> fifo
	) 3>&- &
	wrapper=$!
	exec 7> fifo
	if [ -e status ]; then
		echo "the run ended (status $(cat status)) before it read the fifo:" >&2
		cat err >&2
		exec 7>&-
		wait "$wrapper"
		return 1
	fi
	[ -n "$(ls -A o | grep '^\.flowtag\.')" ]
	if [ "$to" = group ]; then
		kill -"$sig" -- -"$(cat pid)"
	else
		kill -"$sig" "$(cat pid)"
		# the input ends too: a shell that runs its trap only once the
		# command in the foreground has ended gets there
		exec 7>&-
	fi
	wait "$wrapper"
	st=$(cat status)
	[ "$st" -eq "$want" ] || { echo "status $st, expected $want" >&2; cat err >&2; return 1; }
	same_text "$before" "$(snapshot o)"
	no_tempdirs o
	if [ "$to" = group ]; then
		# with no reader left, a write to the fifo fails (EPIPE)
		if (printf x >&7) 2> /dev/null; then
			echo "a process of the run still reads the fifo after flowtag.sh ended" >&2
			return 1
		fi
		exec 7>&-
	fi
}

@test "hostile: flowtag.sh interrupted by SIGTERM mid-run (kill PID): exit 143, nothing left behind" {
	env --default-signal=INT true 2> /dev/null || skip "env --default-signal not available"
	interrupted TERM 143 pid
}

@test "hostile: flowtag.sh interrupted by SIGINT mid-run (^C, the whole run): exit 130, nothing left behind" {
	env --default-signal=INT true 2> /dev/null || skip "env --default-signal not available"
	interrupted INT 130 group
}

@test "hostile: flowtag.sh interrupted by SIGTERM to the whole run: exit 143, nothing left behind" {
	env --default-signal=INT true 2> /dev/null || skip "env --default-signal not available"
	interrupted TERM 143 group
}

# ---------------------------------------------------------------- hash flooding

# collide KIND N -- N distinct keys built to collide in a weak hash:
# same8 (two equal 8-byte blocks, which XOR to zero), same8b (the same
# between padding), mod (multiples of 2^20, equal modulo any smaller power
# of two), prefix (a 200-byte shared prefix), high (bytes 128..255)
collide() {
	awk -v kind="$1" -v n="$2" 'BEGIN {
		p = sprintf("%0200d", 0)
		for (i = 0; i < n; i++) {
			if (kind == "same8") printf "%08d%08d\n", i, i
			else if (kind == "same8b") printf "AAAAAAAA%08dAAAAAAAA%08d\n", i, i
			else if (kind == "mod") printf "%.0f\ttcp\n", (i + 1) * 1048576
			else if (kind == "prefix") printf "%s%c%c%c%c\n", p, 65 + i % 26, 65 + int(i / 26) % 26, 65 + int(i / 676) % 26, 65 + int(i / 17576)
			else if (kind == "high") printf "%c%c%c\n", 128 + i % 128, 128 + int(i / 128) % 128, 33 + int(i / 16384)
		}
	}'
}

# count_keys KIND -- flow-count on 200,000 keys of KIND: every key once
count_keys() {
	collide "$1" 200000 > "$1"
	[ "$(LC_ALL=C sort -u "$1" | wc -l)" -eq 200000 ]
	run -0 to_files flow-count "$1"
	[ "$(wc -l < out)" -eq 200000 ]
	[ -z "$(awk -F '\t' '$NF != 1' out | head -n 1)" ]
	awk '{ sub(/\t[^\t]*$/, ""); print }' out | LC_ALL=C sort > got
	LC_ALL=C sort "$1" > want
	same_file want got
	[ ! -s err ]
}

@test "hostile: flow-count on 200k keys built to collide: identical 8-byte blocks" {
	count_keys same8
	count_keys same8b
}

@test "hostile: flow-count on 200k keys built to collide: equal modulo 2^k, long shared prefix" {
	count_keys mod
	count_keys prefix
	count_keys high
}

# work FILE -- the instructions flow-count executes on FILE, counted by
# valgrind's cachegrind: a count, the same on any machine at any load. The
# plain build in cmd/ whatever FLOWTAG_BIN says: ASan's build does not run
# under valgrind, and valgrind.sh's programs are wrapper scripts
work() {
	valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
		"$FLOWTAG_ROOT/cmd/flow-count/flow-count" "$1" 2>&1 > /dev/null |
		sed -n 's/^==[0-9]*== I *refs: *//p' | tr -d ,
}

@test "hostile: flow-count on keys built to collide: twice the keys, about twice the work" {
	need valgrind
	local kind w1 w2
	for kind in same8 same8b mod prefix high; do
		collide "$kind" 5000 > k1
		collide "$kind" 10000 > k2
		w1=$(work k1) w2=$(work k2)
		[ -n "$w1" ] && [ -n "$w2" ] || { echo "$kind: no instruction count" >&2; false; }
		echo "# $kind: $w1 instructions for 5000 keys, $w2 for 10000" >&3
		# linear work (n log n for the sort) doubles; keys that collide in
		# one chain or probe run make it four times (an XOR of the 8-byte
		# blocks as the hash: 0.61e9 then 2.44e9 instructions on same8)
		[ "$w2" -lt $((w1 * 3)) ] || { echo "$kind: $w1 -> $w2 instructions" >&2; false; }
	done
}

# ---------------------------------------------------------------- invariants

@test "hostile: invariants of a run on a generated mixed log, -j 1 and -j 3 agree" {
	make_big_log mixed.log 60000
	mkdir o1 o3
	run -0 flowtag.sh -q -j 1 -l "$FIX/mixed/lookup.csv" -o o1 mixed.log
	run -0 flowtag.sh -q -j 3 -l "$FIX/mixed/lookup.csv" -o o3 mixed.log
	for f in $OUTS; do same_file "o1/$f" "o3/$f"; done

	records=$(total records o1) flows=$(total flows o1) nodata=$(total nodata o1)
	malformed=$(total malformed o1) tagged=$(total tagged o1) untagged=$(total untagged o1)
	[ "$records" -eq $((flows + nodata + malformed)) ]
	[ "$flows" -eq $((tagged + untagged)) ]
	[ "$malformed" -gt 0 ] && [ "$nodata" -gt 0 ] && [ "$tagged" -gt 0 ]
	tagsum=$(awk -F, 'NR > 1 { s += $NF } END { print s + 0 }' o1/tag_counts.csv)
	ppsum=$(awk -F, 'NR > 1 { s += $NF } END { print s + 0 }' o1/port_protocol_counts.csv)
	[ "$tagsum" -eq "$flows" ]
	[ "$ppsum" -eq "$flows" ]
	same_text "$untagged" "$(awk -F, '$1 == "Untagged" { print $2 }' o1/tag_counts.csv)"
	unsum=$(awk -F, 'NR > 1 { s += $NF } END { print s + 0 }' o1/untagged_flows.csv)
	[ "$unsum" -eq "$untagged" ]

	# the SPEC's rules, written again in awk: which lines are malformed
	awk '
		/^[ \t]*$/ || $1 ~ /^#/ { next }
		tolower($1) == "version" { next }
		{ rec++ }
		NF != 14 { print NR; next }
		toupper($14) == "NODATA" || toupper($14) == "SKIPDATA" || $7 == "-" || $8 == "-" { next }
		$7 !~ /^[0-9]+$/ || $7 + 0 > 65535 || $8 !~ /^[0-9]+$/ || $8 + 0 > 255 { print NR }
		END { print rec > "records" }
	' mixed.log > want.malformed
	[ "$(cat records)" -eq "$records" ]
	[ "$(wc -l < want.malformed)" -eq "$malformed" ]
	sed -n 's/^flow-parse: mixed\.log:\([0-9]*\): malformed: .*/\1/p' o1/error.log > got.malformed
	same_file want.malformed got.malformed
	[ -z "$(sort got.malformed | uniq -d)" ]
}

# ---------------------------------------------------------------- regressions

@test "regression: fl_isdigits: a byte below '0' is not a digit (sort order, lookup header)" {
	# '/' - '0' is negative as an int: "/10" was taken for a number, so it sorted after 9
	printf '9\n/10\n' > k
	run -0 flow-count k
	same_text "$(printf '/10\t1\n9\t1')" "$output"
	# a first row "-,..." is a header (its first field is not a number)
	printf -- '-,tcp,x\n80,tcp,web\n' > t.csv
	run -1 --separate-stderr flow-tag -l t.csv /dev/null
	same_text "flow-tag: t.csv:1: header has no 'dstport' column" "$stderr"
}

@test "regression: flow-count counts empty lines (the empty key)" {
	printf '\n\n\na\n' > e
	run -0 flow-count e
	same_text "$(printf '\t3\na\t1')" "$output"
	printf '\t5\n\t7\n' > s
	run -0 flow-count -s s
	same_text "$(printf '\t12')" "$output"
}
