#!/usr/bin/env bats
# flow-untagged: pass the records of flow-tag output tagged Untagged

bats_require_minimum_version 1.5.0
load test_helper

@test "flow-untagged -h: usage on stdout, exit 0" {
	run -0 --separate-stderr flow-untagged -h
	[[ "${lines[0]}" == "usage: flow-untagged "* ]]
	[ -z "$stderr" ]
}

@test "flow-untagged --help: the usage and one line per option on stdout, exit 0" {
	run -0 --separate-stderr flow-untagged --help
	[[ "${lines[0]}" == "usage: flow-untagged "* ]]
	printf '%s\n' "${lines[@]}" | grep -q -- '^  -h, --help '
	# the same text as -h
	same_text "$(flow-untagged -h)" "$output"
	[ -z "$stderr" ]
}

@test "flow-untagged --version: the program and the suite's version from the Makefile" {
	run -0 --separate-stderr flow-untagged --version
	[[ "$output" =~ ^flow-untagged\ [0-9] ]]
	version=$(sed -n 's/^VERSION = //p' "$FLOWTAG_ROOT/Makefile")
	same_text "flow-untagged $version" "$output"
	[ -z "$stderr" ]
}

@test "flow-untagged: an unknown long option -> exit 2, the message then the usage on stderr" {
	run -2 --separate-stderr flow-untagged --x /dev/null
	[ -z "$output" ]
	same_text "flow-untagged: unknown option '--x'" "${stderr_lines[0]}"
	[[ "${stderr_lines[1]}" == "usage: flow-untagged "* ]]
	# after -- it is a file name
	run -1 --separate-stderr flow-untagged -- --x
	same_text "flow-untagged: --x: No such file or directory" "$stderr"
}

@test "flow-untagged: unknown option -> exit 2, usage on stderr" {
	run -2 --separate-stderr flow-untagged -Z
	[ -z "$output" ]
	[[ "$stderr" == *"usage: flow-untagged "* ]]
}

@test "flow-untagged: the untagged rows of the tagged sample, tag column removed" {
	run -0 to_files flow-untagged "$EXP/tag/sample.tagged"
	same_file "$EXP/tag/sample.untagged" out
	[ ! -s err ]
}

@test "flow-untagged: only an exact last field 'Untagged' matches" {
	printf '1\ttcp\tUntagged\n2\ttcp\tuntagged\n3\ttcp\tUntaggedX\n4\ttcp\tXUntagged\nUntagged\ttcp\t5\n6\tUntagged\tx\n7\tudp\t9\tUntagged\n8\ttcp\t Untagged\n' > in
	run -0 to_files flow-untagged in
	printf '1\ttcp\n7\tudp\t9\n' > want
	same_file want out
	[ ! -s err ]
}

@test "flow-untagged: an Untagged tag on a one-field record leaves that field" {
	printf 'abc\tUntagged\n\tUntagged\n' > in
	run -0 to_files flow-untagged in
	printf 'abc\n\n' > want
	same_file want out
}

@test "flow-untagged: a line without a TAB is reported and skipped" {
	printf '1\ttcp\tUntagged\nUntagged\n2\ttcp\tUntagged\n' > in
	run -0 to_files flow-untagged in
	printf '1\ttcp\n2\ttcp\n' > want
	same_file want out
	same_text 'flow-untagged: in:2: no TAB-separated tag column' "$(cat err)"
}

@test "flow-untagged: standard input with '-' and several files in order" {
	printf '1\ttcp\tUntagged\n' > a
	printf '3\ttcp\tUntagged\n' > b
	run -0 --separate-stderr bash -c 'printf "2\ttcp\tUntagged\nnotab\n" | flow-untagged a - b'
	same_text "$(printf '1\ttcp\n2\ttcp\n3\ttcp')" "$output"
	same_text 'flow-untagged: -:2: no TAB-separated tag column' "$stderr"
}

@test "flow-untagged: flow-parse | flow-count | flow-tag | flow-untagged on the sample" {
	run -0 to_files bash -c 'flow-parse "$1" | flow-count | flow-tag -l "$2" | flow-untagged' _ \
		"$FIX/sample/flow_logs.txt" "$FIX/sample/lookup_table.csv"
	same_file "$EXP/tag/sample.untagged" out
	[ ! -s err ]
}

@test "flow-untagged: empty input -> empty output" {
	run -0 --separate-stderr flow-untagged < /dev/null
	[ -z "$output" ]
	[ -z "$stderr" ]
}

@test "flow-untagged: missing file -> exit 1, message names it" {
	run -1 --separate-stderr flow-untagged nosuch.txt
	same_text 'flow-untagged: nosuch.txt: No such file or directory' "$stderr"
}

@test "flow-untagged: write error (/dev/full) -> exit 1" {
	need_dev_full
	run -1 bash -c 'flow-untagged "$1" > /dev/full' _ "$EXP/tag/sample.tagged"
	same_text 'flow-untagged: write error: No space left on device' "$output"
}

@test "flow-untagged -C/--csv: the untagged records comma-separated, a field with , or \" quoted" {
	printf '80\ttcp\t3\tUntagged\n443\ttcp\t5\tweb\na,b\tx"y\t4\tUntagged\n' > in.tsv
	run -0 --separate-stderr flow-untagged --csv in.tsv
	same_text '80,tcp,3
"a,b","x""y",4' "$output"
	[ -z "$stderr" ]
	run -0 --separate-stderr flow-untagged -C - < in.tsv
	same_text '80,tcp,3
"a,b","x""y",4' "$output"
	run -0 flow-untagged -h
	[[ "$output" == *"-C, --csv"* ]]
}
