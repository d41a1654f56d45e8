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
