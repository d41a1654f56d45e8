#!/usr/bin/env bats
# flow-tag: append the lookup table's tag (or Untagged) to each record

bats_require_minimum_version 1.5.0
load test_helper

@test "flow-tag -h: usage on stdout, exit 0" {
	run -0 --separate-stderr flow-tag -h
	[[ "${lines[0]}" == "usage: flow-tag "* ]]
	[ -z "$stderr" ]
}

@test "flow-tag --help: the usage and one line per option on stdout, exit 0" {
	run -0 --separate-stderr flow-tag --help
	[[ "${lines[0]}" == "usage: flow-tag "* ]]
	printf '%s\n' "${lines[@]}" | grep -q -- '^  -c '
	printf '%s\n' "${lines[@]}" | grep -q -- '^  -k '
	printf '%s\n' "${lines[@]}" | grep -q -- '^  -l '
	printf '%s\n' "${lines[@]}" | grep -q -- '^  -h, --help '
	# the same text as -h
	same_text "$(flow-tag -h)" "$output"
	[ -z "$stderr" ]
}

@test "flow-tag --version: the program and the suite's version from the Makefile" {
	run -0 --separate-stderr flow-tag --version
	[[ "$output" =~ ^flow-tag\ [0-9] ]]
	version=$(sed -n 's/^VERSION = //p' "$FLOWTAG_ROOT/Makefile")
	same_text "flow-tag $version" "$output"
	[ -z "$stderr" ]
}

@test "flow-tag: an unknown long option -> exit 2, the message then the usage on stderr" {
	run -2 --separate-stderr flow-tag --x -l "$FIX/sample/lookup_table.csv" /dev/null
	[ -z "$output" ]
	same_text "flow-tag: unknown option '--x'" "${stderr_lines[0]}"
	[[ "${stderr_lines[1]}" == "usage: flow-tag "* ]]
	# after -- it is a file name
	run -1 --separate-stderr flow-tag -l "$FIX/sample/lookup_table.csv" -- --x
	same_text "flow-tag: --x: No such file or directory" "$stderr"
}

@test "flow-tag: unknown option -> exit 2, usage on stderr" {
	run -2 --separate-stderr flow-tag -Z -l "$FIX/sample/lookup_table.csv"
	[ -z "$output" ]
	[[ "$stderr" == *"usage: flow-tag "* ]]
}

@test "flow-tag: no -l, or -l without its argument -> exit 2" {
	run -2 --separate-stderr flow-tag < /dev/null
	[ -z "$output" ]
	[[ "$stderr" == flow-tag:* || "$stderr" == usage:* ]]
	run -2 --separate-stderr flow-tag -l
	[[ "$stderr" == *"usage: flow-tag "* ]]
}

@test "flow-tag: counted sample tagged with the sample lookup table" {
	run -0 to_files flow-tag -l "$FIX/sample/lookup_table.csv" "$EXP/parse/sample.count"
	same_file "$EXP/tag/sample.tagged" out
	[ ! -s err ]
}

@test "flow-tag: two-column flow-parse output from standard input" {
	run -0 to_files bash -c 'flow-tag -l "$1" < "$2"' _ "$FIX/sample/lookup_table.csv" "$EXP/parse/sample.out"
	awk -F'\t' '{ t = "Untagged" }
		$1 == 23 || $1 == 25 { t = "sv_P1" }
		$1 == 443 { t = "sv_P2" }
		$1 == 110 || $1 == 143 || $1 == 993 { t = "email" }
		{ print $0 "\t" t }' "$EXP/parse/sample.out" > want
	same_file want out
}

@test "flow-tag: protocol in the input as a number or in any case; line kept as is" {
	printf '25\t6\n25\tTCP\n25\tTcp\n25\ttcp\textra\tcols\n25\tudp\n68\t17\n' > in
	run -0 to_files flow-tag -l "$FIX/sample/lookup_table.csv" in
	printf '25\t6\tsv_P1\n25\tTCP\tsv_P1\n25\tTcp\tsv_P1\n25\ttcp\textra\tcols\tsv_P1\n25\tudp\tUntagged\n68\t17\tsv_P2\n' > want
	same_file want out
	[ ! -s err ]
}

@test "flow-tag: quoted tags with commas and quotes, trimmed fields, numeric and upper-case protocols" {
	printf '25\ttcp\n443\ttcp\n53\tudp\n22\ttcp\n22\tudp\n0\tipv6-icmp\n0\t58\n9\t253\n9\t254\n1\ttcp\n2\ttcp\n' > in
	run -0 to_files flow-tag -l "$FIX/lookup/quoted.csv" in
	cat > want <<-'EOF'
	25	tcp	mail
	443	tcp	a,b
	53	udp	say "hi"
	22	tcp	ssh box
	22	udp	Untagged
	0	ipv6-icmp	ping6
	0	58	ping6
	9	253	exp
	9	254	Untagged
	1	tcp	Web
	2	tcp	web
	EOF
	same_file want out
	[ ! -s err ]
}

@test "flow-tag: header in any order with extra columns, BOM, CRLF, blank line, bad rows" {
	cp "$FIX/mixed/lookup.csv" .
	printf '443\ttcp\n53\tudp\n25\ttcp\n80\ttcp\n0\ticmp\n81\ttcp\n0\t253\n' > in
	run -0 to_files flow-tag -l lookup.csv in
	printf '443\ttcp\tweb, secure\n53\tudp\tsay "hi"\n25\ttcp\temail\n80\ttcp\tweb\n0\ticmp\ticmp-tag\n81\ttcp\tUntagged\n0\t253\tUntagged\n' > want
	same_file want out
	grep '^flow-tag: ' "$EXP/mixed/error.log" > want
	same_file want err
}

@test "flow-tag: every kind of bad lookup row is reported and skipped; first duplicate wins" {
	cp "$FIX/lookup/badrows.csv" .
	printf '25\ttcp\n26\ttcp\n27\ttcp\n28\ttcp\n29\ttcp\n30\ttcp\n31\ttcp\n' > in
	run -0 to_files flow-tag -l badrows.csv in
	printf '25\ttcp\ta\n26\ttcp\tUntagged\n27\ttcp\tUntagged\n28\ttcp\tUntagged\n29\ttcp\tUntagged\n30\ttcp\tok\n31\ttcp\tUntagged\n' > want
	same_file want out
	same_file "$EXP/tag/badrows.err" err
}

@test "flow-tag: duplicate key with the same tag is silent" {
	printf 'dstport,protocol,tag\n25,tcp,a\n25,6,a\n025,TCP,a\n' > t.csv
	printf '25\ttcp\n' > in
	run -0 to_files flow-tag -l t.csv in
	printf '25\ttcp\ta\n' > want
	same_file want out
	[ ! -s err ]
}

@test "flow-tag: duplicate key with a different tag warns naming both lines" {
	printf '25,tcp,a\n\n25,udp,x\n25,6,b\n' > t.csv
	printf '25\ttcp\n' > in
	run -0 to_files flow-tag -l t.csv in
	printf '25\ttcp\ta\n' > want
	same_file want out
	same_text "flow-tag: t.csv:4: warning: duplicate key 25,tcp: tag 'b' ignored, line 1 has 'a'" "$(cat err)"
}

@test "flow-tag: a lookup without a header is dstport,protocol,tag" {
	printf '80,tcp,web\n' > t.csv
	run -0 --separate-stderr bash -c 'printf "80\ttcp\n" | flow-tag -l t.csv'
	same_text "$(printf '80\ttcp\tweb')" "$output"
	[ -z "$stderr" ]
}

@test "flow-tag: header names in any case; tags are case-sensitive and kept exactly" {
	printf 'TAG,Extra,DSTPORT,PROTOCOL,more\nMy Tag,,80,tcp,x\nmy tag,y,81,tcp,\n' > t.csv
	printf '80\ttcp\n81\ttcp\n' > in
	run -0 to_files flow-tag -l t.csv in
	printf '80\ttcp\tMy Tag\n81\ttcp\tmy tag\n' > want
	same_file want out
	[ ! -s err ]
}

@test "flow-tag: a row with the wrong number of fields for its header" {
	printf 'tag,extra,dstport,protocol\na,x,80,tcp\nb,81,tcp\nc,x,82,tcp,y\n' > t.csv
	printf '80\ttcp\n81\ttcp\n82\ttcp\n' > in
	run -0 to_files flow-tag -l t.csv in
	printf '80\ttcp\ta\n81\ttcp\tUntagged\n82\ttcp\tUntagged\n' > want
	same_file want out
	printf 'flow-tag: t.csv:3: 3 fields, expected 4\nflow-tag: t.csv:4: 5 fields, expected 4\n' > want
	same_file want err
}

@test "flow-tag: header lacking a column -> exit 1 naming it" {
	printf 'dstport,protocol,label\n80,tcp,web\n' > t1.csv
	run -1 --separate-stderr flow-tag -l t1.csv < /dev/null
	same_text "flow-tag: t1.csv:1: header has no 'tag' column" "$stderr"
	printf '\357\273\277dst_port,protocol,tag\r\n80,tcp,web\r\n' > t2.csv
	run -1 --separate-stderr flow-tag -l t2.csv < /dev/null
	same_text "flow-tag: t2.csv:1: header has no 'dstport' column" "$stderr"
	printf 'tag,dstport\nweb,80\n' > t3.csv
	run -1 --separate-stderr flow-tag -l t3.csv < /dev/null
	same_text "flow-tag: t3.csv:1: header has no 'protocol' column" "$stderr"
	[ -z "$output" ]
}

@test "flow-tag: a header-only lookup tags everything Untagged" {
	printf 'dstport,protocol,tag\n' > t.csv
	printf '80\ttcp\n' > in
	run -0 to_files flow-tag -l t.csv in
	printf '80\ttcp\tUntagged\n' > want
	same_file want out
}

@test "flow-tag -k: dstport and protocol taken from other columns" {
	printf 'x\t25\ttcp\t9\ny\t80\ttcp\t1\n' > in
	run -0 to_files flow-tag -l "$FIX/sample/lookup_table.csv" -k 2,3 in
	printf 'x\t25\ttcp\t9\tsv_P1\ny\t80\ttcp\t1\tUntagged\n' > want
	same_file want out
	printf 'tcp\tx\t443\n' > in2
	run -0 to_files flow-tag -l "$FIX/sample/lookup_table.csv" -k 3,1 in2
	printf 'tcp\tx\t443\tsv_P2\n' > want
	same_file want out
}

@test "flow-tag -k: a record with too few columns is reported and skipped" {
	printf '25\ttcp\nz\t25\ttcp\n' > in
	run -0 to_files flow-tag -l "$FIX/sample/lookup_table.csv" -k 2,3 in
	printf 'z\t25\ttcp\tsv_P1\n' > want
	same_file want out
	same_text 'flow-tag: in:1: 2 columns, need 3' "$(cat err)"
}

@test "flow-tag -k: a bad column list is a usage error (exit 2)" {
	run -2 --separate-stderr flow-tag -l "$FIX/sample/lookup_table.csv" -k x < /dev/null
	[ -z "$output" ]
	[[ "$stderr" == flow-tag:* || "$stderr" == usage:* ]]
}

@test "flow-tag: bad input records are reported as file:line and skipped" {
	printf '25\ttcp\nhttp\ttcp\n25\tfoo\n70000\ttcp\n110\ttcp\n' > in
	run -0 to_files flow-tag -l "$FIX/sample/lookup_table.csv" in
	printf '25\ttcp\tsv_P1\n110\ttcp\temail\n' > want
	same_file want out
	cat > want <<-'EOF'
	flow-tag: in:2: dstport 'http' is not a number 0..65535
	flow-tag: in:3: protocol 'foo' is unknown
	flow-tag: in:4: dstport '70000' is not a number 0..65535
	EOF
	same_file want err
}

@test "flow-tag: a lookup of 1,000,000 rows works" {
	awk 'BEGIN { for (p = 1; p <= 16; p++) for (d = 0; d < 62500; d++) printf "%d,%d,t%d_%d\n", d, p, d, p }' > big.csv
	[ "$(wc -l < big.csv)" -eq 1000000 ]
	printf '62499\t16\n100\t6\n62500\t1\n0\ticmp\n' > in
	run -0 to_files flow-tag -l big.csv in
	printf '62499\t16\tt62499_16\n100\t6\tt100_6\n62500\t1\tUntagged\n0\ticmp\tt0_1\n' > want
	same_file want out
	[ ! -s err ]
}

@test "flow-tag: megabytes of output, past the output buffer, row for row" {
	awk 'BEGIN { print "dstport,protocol,tag"; for (p = 0; p < 65536; p += 3) printf "%d,tcp,t%d\n", p, p }' > lk.csv
	awk 'BEGIN { for (i = 0; i < 1000000; i++) printf "%d\ttcp\t%d\n", i % 65536, i }' > in
	run -0 to_files flow-tag -l lk.csv in
	awk -F '\t' '{ printf "%s\t%s\n", $0, ($1 % 3 == 0 ? "t" $1 : "Untagged") }' in > want
	same_file want out
	[ ! -s err ]
}

@test "flow-tag: missing lookup file -> exit 1, message names it" {
	run -1 --separate-stderr flow-tag -l nosuch.csv < /dev/null
	same_text 'flow-tag: nosuch.csv: No such file or directory' "$stderr"
}

@test "flow-tag: missing input file -> exit 1, message names it" {
	run -1 --separate-stderr flow-tag -l "$FIX/sample/lookup_table.csv" nosuch.txt
	same_text 'flow-tag: nosuch.txt: No such file or directory' "$stderr"
}

@test "flow-tag: write error (/dev/full) -> exit 1" {
	need_dev_full
	run -1 bash -c 'flow-tag -l "$1" "$2" > /dev/full' _ "$FIX/sample/lookup_table.csv" "$EXP/parse/sample.count"
	same_text 'flow-tag: write error: No space left on device' "$output"
}

@test "flow-tag opens its first file before it reads the lookup table: a FIFO's writer is not held up" {
	mkfifo lk in
	# the writer of 'in' gets through its open before the table is written:
	# a flow-tag that read the table first would leave both waiting (timeout)
	run -0 timeout 60 sh -c '
		flow-tag -l lk in > out 2> err &
		exec 3> in
		printf "dstport,protocol,tag\n80,tcp,web\n" > lk
		printf "80\ttcp\t3\n443\ttcp\t1\n" >&3
		exec 3>&-
		wait $!'
	same_text "$(printf '80\ttcp\t3\tweb\n443\ttcp\t1\tUntagged')" "$(cat out)"
	[ ! -s err ]
	# a first file that cannot be opened is told after the table's messages
	printf 'dstport,protocol,tag\n80,tcp,web\nx,tcp,bad\n' > lk2
	run -1 --separate-stderr flow-tag -l lk2 nosuch
	same_text "flow-tag: lk2:3: dstport 'x' is not a number 0..65535, a range N-M or *" "${stderr_lines[0]}"
	same_text "flow-tag: nosuch: No such file or directory" "${stderr_lines[1]}"
}
