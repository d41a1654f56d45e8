#!/usr/bin/env bats
# flow-count: count identical lines (or sum a last column with -s), sorted

bats_require_minimum_version 1.5.0
load test_helper

@test "flow-count -h: usage on stdout, exit 0" {
	run -0 --separate-stderr flow-count -h
	[[ "${lines[0]}" == "usage: flow-count "* ]]
	[ -z "$stderr" ]
}

@test "flow-count: unknown option -> exit 2, usage on stderr" {
	run -2 --separate-stderr flow-count -Z
	[ -z "$output" ]
	[[ "$stderr" == *"usage: flow-count "* ]]
}

@test "flow-count: missing -n argument -> exit 2" {
	run -2 --separate-stderr flow-count -n
	[ -z "$output" ]
	[[ "$stderr" == *"usage: flow-count "* ]]
}

@test "flow-count: counted sample, ties sorted by port numerically" {
	run -0 to_files flow-count "$EXP/parse/sample.out"
	same_file "$EXP/parse/sample.count" out
	[ ! -s err ]
}

@test "flow-count: counted mixed flows, count descending first" {
	run -0 to_files flow-count "$EXP/parse/mixed.out"
	same_file "$EXP/parse/mixed.count" out
}

@test "flow-count: tie order: numeric fields numerically, others bytewise, fewer fields first" {
	printf '443\ttcp\n80\ttcp\nab\n80\tudp\n80\ttcp\nabc\n10\ticmp\n80\nB\n9\ticmp\n' > in
	run -0 to_files flow-count in
	printf '80\ttcp\t2\n9\ticmp\t1\n10\ticmp\t1\n80\t1\n80\tudp\t1\n443\ttcp\t1\nB\t1\nab\t1\nabc\t1\n' > want
	same_file want out
}

@test "flow-count: numeric comparison only where both fields are all digits" {
	printf '9a\n10a\n9\n10\n10\n0\t253\n0\ticmp\n' > in
	run -0 to_files flow-count in
	printf '10\t2\n0\t253\t1\n0\ticmp\t1\n10a\t1\n9\t1\n9a\t1\n' > want
	same_file want out
}

@test "flow-count: a protocol number sorts before a name on the same port" {
	printf '53\tudp\n53\ttcp\n53\t200\n53\t6\n' > in
	run -0 to_files flow-count in
	printf '53\t6\t1\n53\t200\t1\n53\ttcp\t1\n53\tudp\t1\n' > want
	same_file want out
}

@test "flow-count: leading zeros, long numbers, empty fields, byte prefixes" {
	printf '7\ta\n07\tb\n7\t\n7\n7\t5\n7\t05\n7\tabcdefgh\n7\tabcdefgi\n7\tabcdefg\n' > in
	printf '7\tabcdefgh\tx\n12345678901234567890\tx\n12345678901234567891\n' >> in
	printf '999999999999999999\n0\t-\n7\t12345678901234567890\n7\t9\n' >> in
	run -0 to_files flow-count in
	printf '0\t-\t1\n07\tb\t1\n7\t1\n7\t\t1\n7\t05\t1\n7\t5\t1\n7\t9\t1\n' > want
	printf '7\t12345678901234567890\t1\n7\ta\t1\n7\tabcdefg\t1\n7\tabcdefgh\t1\n' >> want
	printf '7\tabcdefgh\tx\t1\n7\tabcdefgi\t1\n999999999999999999\t1\n' >> want
	printf '12345678901234567890\tx\t1\n12345678901234567891\t1\n' >> want
	same_file want out
}

@test "flow-count: 1200 keys in scrambled order: count, port, numbers, names" {
	# port p has count p % 3 + 1 on each of its four protocols
	awk 'BEGIN { split("udp 17 tcp 6", pr, " ")
		for (i = 0; i < 300; i++) { p = (i * 7) % 300 + 1
			for (j = 1; j <= 4; j++) for (c = 0; c <= p % 3; c++) print p "\t" pr[j] } }' > in
	awk 'BEGIN { split("6 17 tcp udp", pr, " ")
		for (c = 3; c >= 1; c--) for (p = 1; p <= 300; p++) if (p % 3 + 1 == c)
			for (j = 1; j <= 4; j++) print p "\t" pr[j] "\t" c }' > want
	run -0 to_files flow-count in
	same_file want out
	run -0 to_files flow-count -n 7 in
	head -n 7 want > want7
	same_file want7 out
}

@test "flow-count: a field that starts with a digit but is no number goes by its bytes" {
	# 61 < 243 by value, 243 < 3pc < 61 by bytes: a circle (README)
	printf '5\t61\n5\t243\n5\ttcp\n5\t3pc\n' > in
	run -0 to_files flow-count in
	printf '5\t3pc\t1\n5\t61\t1\n5\t243\t1\n5\ttcp\t1\n' > want
	same_file want out
}

@test "flow-count: several files and stdin are counted together" {
	printf '80\ttcp\n' > a
	printf '80\ttcp\n22\ttcp\n' > b
	run -0 --separate-stderr bash -c 'printf "22\ttcp\n22\ttcp\n" | flow-count a - b'
	same_text "$(printf '22\ttcp\t3\n80\ttcp\t2')" "$output"
}

@test "flow-count -n N: only the first N rows" {
	run -0 to_files flow-count -n 3 "$EXP/parse/mixed.out"
	head -n 3 "$EXP/parse/mixed.count" > want
	same_file want out
	run -0 to_files flow-count -n 100 "$EXP/parse/mixed.out"
	same_file "$EXP/parse/mixed.count" out
}

@test "flow-count -n: a bad number -> exit 2 with message" {
	run -2 --separate-stderr flow-count -n x "$EXP/parse/mixed.out"
	[ -z "$output" ]
	[[ "$stderr" == "flow-count: -n: 'x' is not a number"* ]]
	run -2 --separate-stderr flow-count -n -1 "$EXP/parse/mixed.out"
	[[ "$stderr" == "flow-count: -n: '-1' is not a number"* ]]
}

@test "flow-count -s: sums the last column per rest of line" {
	printf '80\ttcp\t5\n443\ttcp\t2\n80\ttcp\t7\n443\ttcp\t10\n22\tudp\t12\n' > in
	run -0 to_files flow-count -s in
	printf '22\tudp\t12\n80\ttcp\t12\n443\ttcp\t12\n' > want
	same_file want out
	[ ! -s err ]
}

@test "flow-count -s: sums beyond 32 bits" {
	printf 'k\t4294967295\nk\t4294967297\nj\t18446744073709551615\n' > in
	run -0 to_files flow-count -s in
	printf 'j\t18446744073709551615\nk\t8589934592\n' > want
	same_file want out
}

@test "flow-count -s: a bad count is reported and skipped" {
	printf 'a\t1\nb\tx\na\t2\nc\t-3\n' > in
	run -0 to_files flow-count -s in
	printf 'a\t3\n' > want
	same_file want out
	printf "flow-count: in:2: 'x' is not a count\nflow-count: in:4: '-3' is not a count\n" > want
	same_file want err
}

@test "flow-count -s: a line without TAB is reported and skipped" {
	printf 'a\t1\nnotab\n' > in
	run -0 to_files flow-count -s in
	printf 'a\t1\n' > want
	same_file want out
	same_text 'flow-count: in:2: no TAB-separated count' "$(cat err)"
}

@test "flow-count -s -n: sums then cuts" {
	printf 'a\t1\nb\t5\nc\t3\na\t9\n' > in
	run -0 to_files flow-count -s -n 2 in
	printf 'a\t10\nb\t5\n' > want
	same_file want out
}

@test "flow-count -s merges partial counts into the whole run" {
	make_big_log big.log 30000
	flow-parse big.log 2> /dev/null | flow-count > whole
	split -l 7001 big.log part.
	for p in part.*; do
		flow-parse "$p" 2> /dev/null | flow-count > "$p.cnt"
	done
	run -0 to_files flow-count -s part.*.cnt
	same_file whole out
	[ ! -s err ]
	[ "$(wc -l < whole)" -gt 1000 ]
}

@test "flow-count: merged partial counts equal the whole, on the sample split 3 ways" {
	head -n 5 "$FIX/sample/flow_logs.txt" > p1
	sed -n '6,9p' "$FIX/sample/flow_logs.txt" > p2
	tail -n +10 "$FIX/sample/flow_logs.txt" > p3
	for p in p1 p2 p3; do flow-parse $p | flow-count > $p.c; done
	run -0 to_files flow-count -s p1.c p2.c p3.c
	same_file "$EXP/parse/sample.count" out
}

@test "flow-count: empty input -> empty output" {
	run -0 --separate-stderr flow-count < /dev/null
	[ -z "$output" ]
	[ -z "$stderr" ]
}

@test "flow-count: missing file -> exit 1, message names it" {
	run -1 --separate-stderr flow-count nosuch.txt
	same_text 'flow-count: nosuch.txt: No such file or directory' "$stderr"
}

@test "flow-count: write error (/dev/full) -> exit 1" {
	run -1 bash -c 'flow-count "$1" > /dev/full' _ "$EXP/parse/sample.out"
	same_text 'flow-count: write error: No space left on device' "$output"
}

@test "flow-count -s: port and protocol keys in any spelling, each its own key" {
	# a plain port and a protocol's own name take a fast path; every other
	# spelling (leading zero, upper case, a number, a port over 65535, an
	# empty port, a name cut short, a third field) is a key of its own
	printf '80\ttcp\t5\n80\tTCP\t1\n080\ttcp\t2\n80\t6\t3\n80\ttcp\t4\n65535\tudp\t1\n' > in
	printf '65536\tudp\t1\n0\t253\t2\n0\t0253\t2\n7\t3pc\t1\n7\t63\t1\n7\t253\t1\n' >> in
	printf '\ttcp\t1\n80\ttcp\tx\t1\n0\tudp\t0\n9\tipv6-icmp\t9\n9\tipv6-icm\t9\n' >> in
	run -0 to_files flow-count -s in
	printf '9\tipv6-icm\t9\n9\tipv6-icmp\t9\n80\ttcp\t9\n80\t6\t3\n0\t0253\t2\n0\t253\t2\n' > want
	printf '080\ttcp\t2\n\ttcp\t1\n7\t3pc\t1\n7\t63\t1\n7\t253\t1\n80\tTCP\t1\n' >> want
	printf '80\ttcp\tx\t1\n65535\tudp\t1\n65536\tudp\t1\n0\tudp\t0\n' >> want
	same_file want out
	[ ! -s err ]
	printf 'k\t18446744073709551615\n80\ttcp\t18446744073709551615\n80\ttcp\t1\n' > o.tsv
	run -1 --separate-stderr flow-count -s o.tsv
	same_text "flow-count: o.tsv:3: count overflows 64 bits" "$stderr"
}

@test "flow-count -f: the listed fields in that order make the line" {
	printf '443\ttcp\t12\tweb\n80\ttcp\t5\tweb\n53\tudp\t7\tUntagged\n22\ttcp\t1\n' > in
	run -0 --separate-stderr flow-count -s -f 4,3 in
	same_text "$(printf 'web\t17\nUntagged\t7')" "$output"
	same_text "flow-count: in:4: 3 fields, -f needs 4" "$stderr"
	# counting, a field twice, the empty field between two tabs
	printf 'a\t\tx\nb\t\tx\nc\t\ty\n' > in2
	run -0 --separate-stderr flow-count -f 3,2,3 in2
	same_text "$(printf 'x\t\tx\t2\ny\t\ty\t1')" "$output"
	[ -z "$stderr" ]
	# equal to the pipe through awk on a tagged table
	printf 'web\t3\nmail\t2\n' > want
	printf '1\ttcp\t1\tweb\n2\ttcp\t2\tmail\n3\tudp\t2\tweb\n' | flow-count -s -f 4,3 > out
	same_file want out
}

@test "flow-count -f: a bad field list -> exit 2 with message" {
	for v in 0 x 1,,2 '' 1025 4,; do
		run -2 --separate-stderr flow-count -f "$v"
		same_text "flow-count: -f: '$v' is not a list of at most 64 field numbers 1..1024" "${stderr_lines[0]}"
		[[ "${stderr_lines[1]}" == "usage: flow-count "* ]]
	done
}

# via_map FILE [OPTION...] -- flow-count's output with every row sorted in
# the map: a first line that is no port and name ends the direct tables
# at once (its own row, count 1, is dropped)
via_map() {
	local f=$1 extra='zz\tno-port'
	shift
	case " $* " in *" -s "*) extra='zz\tno-port\t1' ;; esac
	{ printf "$extra\n"; cat "$f"; } > "$f.map"
	flow-count "$@" "$f.map" | grep -v '^zz	no-port	1$'
}

# protos N SEED -- N lines "port<TAB>name" over a few ports and the names
# where the sort rule goes round in a circle (3pc, 61, 63, 200, 253),
# names that are prefixes of others, and repeats for ties of counts
protos() {
	awk -v n="$1" -v seed="$2" 'BEGIN { srand(seed)
		k = split("3pc 61 63 68 99 114 147 200 253 255 tcp udp icmp ipv6 ipv6-icmp ipv6-frag idpr idpr-cmtp a/n ax.25 tp++ il hopopt", nm, " ")
		k2 = split("0 1 2 9 10 80 443 1000 65535", pt, " ")
		for (i = 0; i < n; i++) {
			line = pt[1 + int(rand() * k2)] "\t" nm[1 + int(rand() * k)]
			r = 1 + int(rand() * 3)
			for (j = 0; j < r; j++) print line
		}
	}'
}

@test "flow-count: port and name keys from the direct tables sort as in the map" {
	for seed in 1 2 3 4 5 6; do
		protos 300 $seed > in
		via_map in > want
		[ "$(grep -c '	3pc	' want)" -gt 3 ]
		run -0 to_files flow-count in
		same_file want out
		[ ! -s err ]
		for n in 1 7 40; do
			flow-count -n $n in > outn
			head -n $n want > wantn
			same_file wantn outn
		done
	done
	# a group with 3pc and 61 puts 3pc first; without a two-digit name, after 255
	printf '5\t61\n5\t200\n5\ttcp\n5\t3pc\n6\t200\n6\t3pc\n6\t255\n6\tudp\n6\t114\n' > in
	run -0 to_files flow-count in
	printf '5\t3pc\t1\n5\t61\t1\n5\t200\t1\n5\ttcp\t1\n' > want
	printf '6\t114\t1\n6\t200\t1\n6\t255\t1\n6\t3pc\t1\n6\tudp\t1\n' >> want
	same_file want out
	via_map in > want2
	same_file want2 out
}

@test "flow-count: every key counted once, all 256 protocols, as in the map" {
	# flow-parse names each protocol number; unassigned ones by number
	awk 'BEGIN { srand(9)
		for (i = 0; i < 6000; i++) {
			p = int(rand() * 40); if (p > 30) p = 65535 - p
			printf "2 1 eni-1 10.0.0.1 10.0.0.2 1 %d %d 1 1 1 2 ACCEPT OK\n", p, int(rand() * 256)
		} }' | flow-parse 2> /dev/null | awk '!seen[$0]++' > in
	[ "$(cut -f2 in | sort -u | wc -l)" -eq 256 ]
	via_map in > want
	[ "$(wc -l < want)" -eq "$(wc -l < in)" ]
	run -0 to_files flow-count in
	same_file want out
	flow-count -n 1000 in > out2
	head -n 1000 want > want2
	same_file want2 out2
}

@test "flow-count -s: direct tables sum past a byte, 32 and 40 bits, and keep zero sums" {
	for big in 300 4294967296 1099511627775 1099511627776 1152921504606846976; do
		protos 60 7 | awk -v big="$big" 'BEGIN { srand(3) }
			{ r = rand(); print $0 "\t" (r < 0.2 ? 0 : r < 0.4 ? big : r < 0.6 ? 255 : int(r * 9)) }' > in
		via_map in -s > want
		[ "$(grep -c '	0$' want)" -gt 0 ]
		run -0 to_files flow-count -s in
		same_file want out
		[ ! -s err ]
		flow-count -s -n 5 in > out5
		head -n 5 want > want5
		same_file want5 out5
	done
	# the last line's sum passes 2^64 - 1, by the byte and by the carry
	printf '80\ttcp\t18446744073709551360\n80\ttcp\t255\n80\ttcp\t1\n' > o.tsv
	run -1 --separate-stderr flow-count -s o.tsv
	same_text "flow-count: o.tsv:3: count overflows 64 bits" "$stderr"
	# 2^64 - 1 itself fits, the byte's 255 and the rest beside it
	printf '80\ttcp\t255\n80\ttcp\t18446744073709551360\n' > o2.tsv
	run -0 to_files flow-count -s o2.tsv
	same_text "$(printf '80\ttcp\t18446744073709551615')" "$(cat out)"
}

@test "flow-count: a key of another kind after port and name keys joins them in the map" {
	protos 200 11 > in
	printf '080\ttcp\n80\t3pcx\n' >> in
	protos 50 12 >> in
	run -0 to_files flow-count in
	via_map in > want
	same_file want out
	# many keys: counted in batches before the other kind comes
	awk 'BEGIN { for (i = 0; i < 70000; i++) print i % 65536 "\t" (i % 2 ? "tcp" : "3pc") }' > big
	printf 'x\n' >> big
	flow-count big > out
	[ "$(head -n 1 out)" = "$(printf '0\t3pc\t2')" ]
	[ "$(wc -l < out)" -eq 65537 ]
	via_map big > want
	same_file want out
}

@test "flow-count -s: a count of 2^64 - 1 in the direct tables takes nothing more" {
	printf '80\ttcp\t18446744073709551615\n80\ttcp\t1\n' > o.tsv
	run -1 --separate-stderr flow-count -s o.tsv
	same_text "flow-count: o.tsv:2: count overflows 64 bits" "$stderr"
	[ -z "$output" ]
	# near 2^64 the byte beside the 64-bit count keeps only the room left
	printf '80\ttcp\t18446744073709551400\n80\ttcp\t100\n80\ttcp\t115\n' > o2.tsv
	run -0 --separate-stderr flow-count -s o2.tsv
	same_text "$(printf '80\ttcp\t18446744073709551615')" "$output"
	printf '80\ttcp\t1\n' >> o2.tsv
	run -1 --separate-stderr flow-count -s o2.tsv
	same_text "flow-count: o2.tsv:4: count overflows 64 bits" "$stderr"
	# counted by lines after a sum: the same limit
	printf '80\ttcp\t18446744073709551614\n80\ttcp\t1\n' > o3.tsv
	run -0 --separate-stderr flow-count -s o3.tsv
	same_text "$(printf '80\ttcp\t18446744073709551615')" "$output"
}

# manykeys N -- every port of the first N of nine protocols (3pc, 61 and
# 200 among them, where the rule goes round in a circle): 65536 * N keys
manykeys() {
	awk -v n="$1" 'BEGIN { k = split("tcp udp 3pc 61 200 icmp ipv6-icmp gre 255", nm, " ")
		for (p = 0; p < 65536; p++) for (j = 1; j <= n && j <= k; j++) print p "\t" nm[j] }'
}

@test "flow-count: over half a million keys of one count, printed a range of ports at a time, as in the map" {
	# 589824 keys counted once (more than a part of the printer's), a
	# few more often, a few of them past a byte
	manykeys 9 > in
	awk 'BEGIN { for (i = 0; i < 300; i++) print "443\ttcp"; for (i = 0; i < 3; i++) print "7\t3pc"
		print "7\t61"; print "9\tudp" }' >> in
	run -0 to_files flow-count in
	[ "$(wc -l < out)" -eq 589824 ]
	[ "$(head -n 1 out)" = "$(printf '443\ttcp\t301')" ]
	via_map in > want
	same_file want out
	[ ! -s err ]
	flow-count -n 400000 in > out2
	head -n 400000 want > want2
	same_file want2 out2
}

@test "flow-count -s: over half a million sums of one bit length, printed a range of sums at a time, as in the map" {
	# sums from 2^20 to 2^21 - 1: one range of bit lengths, cut again by
	# value; some zero sums and some sums past 2^32
	manykeys 9 | awk '{ n++; v = 1048576 + (n * 7919) % 1048576
		if (n % 1000 == 0) v = 0; if (n % 1001 == 0) v = "42949673" sprintf("%03d", n % 1000)
		print $0 "\t" v }' > in
	run -0 to_files flow-count -s in
	[ "$(wc -l < out)" -eq 589824 ]
	via_map in -s > want
	same_file want out
	[ ! -s err ]
	[ "$(grep -c '	0$' out)" -gt 500 ]
	flow-count -s -n 1000 in > out2
	head -n 1000 want > want2
	same_file want2 out2
}

@test "flow-count: rows caught in a circle of the sort rule come out alike in any input order" {
	# 05 beside 5 sends the group to the comparison sort, where 61 < 243
	# by value, 243 < 3pc and 3pc < 61 by bytes; 5 x and 5 2x go round too
	printf '05\tx\n5\t61\n5\t243\n5\t3pc\n5\tx\n5\t2x\n' > in
	run -0 to_files flow-count in
	cp out want
	for perm in 654321 162534 315264 246135 531642; do
		awk -v p="$perm" '{ l[NR] = $0 } END { for (i = 1; i <= 6; i++) print l[substr(p, i, 1)] }' in > p.in
		run -0 to_files flow-count p.in
		same_file want out
		# and as partial counts, merged
		head -n 3 p.in | flow-count > a.cnt
		tail -n 3 p.in | flow-count > b.cnt
		run -0 to_files flow-count -s b.cnt a.cnt
		same_file want out
	done
	[ "$(head -n 1 want)" = "$(printf '05\tx\t1')" ]
}

@test "flow-count --help and --version: usage with one line per option, exit 0; an unknown long option is a usage error" {
	run -0 --separate-stderr flow-count --help
	[[ "${lines[0]}" == "usage: flow-count [-Cs] [-f FIELDS] [-n N] [file ...]" ]]
	[[ "$output" == *"-C, --csv"*"-s "*"-f FIELDS"*"-n N"*"--version"* ]]
	[ -z "$stderr" ]
	run -0 flow-count -h
	[[ "${lines[0]}" == "usage: flow-count "* ]]
	run -0 --separate-stderr flow-count --version
	[[ "$output" =~ ^flow-count\ [0-9]+\.[0-9]+\.[0-9]+$ ]]
	run -2 --separate-stderr flow-count --nosuch
	same_text "flow-count: unknown option '--nosuch'" "${stderr_lines[0]}"
	[ -z "$output" ]
}

@test "flow-count -C/--csv: the same rows in the same order, comma-separated, a field with , or \" quoted" {
	# direct port/protocol rows, rows of the map, and fields that need quotes
	printf '80\ttcp\t3\n443\ttcp\t5\na,b\tx"y\t4\nplain\t"\t4\n80\ttcp\t2\n' > in.tsv
	run -0 --separate-stderr flow-count -C -s in.tsv
	same_text '80,tcp,5
443,tcp,5
"a,b","x""y",4
plain,"""",4' "$output"
	[ -z "$stderr" ]
	# --csv is -C; without quotes needed, it is the TSV with commas
	make_big_log big.log 3000
	flow-parse -c big.log > counted 2> /dev/null
	[ "$(wc -l < counted)" -gt 100 ]
	tr '\t' , < counted > want
	flow-count -s --csv counted > got
	same_file want got
	# as flowtag.sh takes the port/protocol table from flow-tag's output
	sed 's/$/\tweb/' counted > tagged
	flow-count -s -C -n 7 -f 1,2,3 tagged > got
	head -n 7 want > want7
	same_file want7 got
}
