#!/usr/bin/env bats
# The lookup table's edge cases (issue 18): which first row is a header,
# blank rows, line ends, blanks and quotes, rows over several lines, keys
# written two ways, the tag Untagged, deprecated protocol keywords

bats_require_minimum_version 1.5.0
load test_helper

# table ROW ... -- write t.csv, one argument a line
table() {
	printf '%s\n' "$@" > t.csv
}

# tagged "PORT PROTO" ... -- the tag flow-tag -l t.csv gives each record,
# one a line
tagged() {
	local r
	# shellcheck disable=SC2086 # "PORT PROTO" splits into two columns
	for r in "$@"; do printf '%s\t%s\n' ${r}; done > in.tsv
	flow-tag -l t.csv in.tsv > tagged.out || return
	cut -f 3 tagged.out
}

###########################################################################
# The first row

@test "lookup: a first row starting with a digit is data, and a bad one is reported, not taken for a header" {
	for first in 70000 90-80 0x50 8O 99999999999; do
		printf '%s,tcp,x\n80,tcp,web\n' "$first" > t.csv
		run -0 --separate-stderr flow-tag -l t.csv < <(printf '80\ttcp\n')
		same_text "$(printf '80\ttcp\tweb')" "$output"
		same_text "flow-tag: t.csv:1: dstport '$first' is not a number 0..65535, a range N-M or *" "$stderr"
	done
}

@test "lookup: the first field is looked at after the BOM and the blanks (quoted blanks too)" {
	printf '\357\273\277  0x50 ,tcp,x\r\n80,tcp,web\r\n' > t.csv
	run -0 --separate-stderr flow-tag -l t.csv < <(printf '80\ttcp\n')
	same_text "$(printf '80\ttcp\tweb')" "$output"
	same_text "flow-tag: t.csv:1: dstport '0x50' is not a number 0..65535, a range N-M or *" "$stderr"
	printf '" 80",tcp,x\n80,tcp,web\n' > t.csv
	run -0 --separate-stderr flow-tag -l t.csv < <(printf '80\ttcp\n')
	same_text "$(printf '80\ttcp\tweb')" "$output"
	same_text "flow-tag: t.csv:1: dstport ' 80' is not a number 0..65535, a range N-M or *" "$stderr"
}

@test "lookup: a first row starting with anything but a digit or * is a header (-1, x80, an empty field)" {
	for first in -1 x80 ''; do
		printf '%s,tcp,x\n80,tcp,web\n' "$first" > t.csv
		run -1 --separate-stderr flow-tag -l t.csv < /dev/null
		same_text "flow-tag: t.csv:1: header has no 'dstport' column" "$stderr"
		[ -z "$output" ]
	done
	# a spreadsheet's index column has an empty name: still a header
	printf ',dstport,protocol,tag\n0,80,tcp,web\n' > t.csv
	run -0 --separate-stderr flow-tag -l t.csv < <(printf '80\ttcp\n')
	same_text "$(printf '80\ttcp\tweb')" "$output"
	[ -z "$stderr" ]
}

@test "lookup: the header may call dstport port (any case); dstport wins when both are there" {
	printf '80\ttcp\n81\ttcp\n' > in
	for hdr in 'port,protocol,tag' 'PORT,Protocol,TAG' 'tag,Port,protocol'; do
		case $hdr in tag,*) printf '%s\nweb,80,tcp\n' "$hdr" ;; *) printf '%s\n80,tcp,web\n' "$hdr" ;; esac > t.csv
		run -0 to_files flow-tag -l t.csv in
		printf '80\ttcp\tweb\n81\ttcp\tUntagged\n' > want
		same_file want out
		[ ! -s err ]
	done
	printf 'port,dstport,protocol,tag\n81,80,tcp,web\n' > t.csv
	run -0 to_files flow-tag -l t.csv in
	same_file want out
	[ ! -s err ]
}

###########################################################################
# Blank rows

@test "lookup: rows of empty fields only (,, ,,, \"\",\"\") are blank lines, before and after the header" {
	printf ',,\n,,,\ndstport,protocol,tag\n,,\n,,,\n80,tcp,web\n , ,\t\n"",,""\n81,tcp,x\n,,\n82,tcp\n' > t.csv
	run -0 to_files flow-tag -l t.csv < <(printf '80\ttcp\n81\ttcp\n82\ttcp\n')
	printf '80\ttcp\tweb\n81\ttcp\tx\n82\ttcp\tUntagged\n' > want
	same_file want out
	# only the short row is reported, at its own line
	same_text "flow-tag: t.csv:11: 2 fields, expected 3" "$(cat err)"
	# without a header: the first row that is not blank is the first row
	printf ',,\r\n,,,\r\n80,tcp,web\r\n' > t.csv
	run -0 to_files flow-tag -l t.csv < <(printf '80\ttcp\n')
	printf '80\ttcp\tweb\n' > want
	same_file want out
	[ ! -s err ]
}

@test "lookup: a blank field inside quotes is not empty: such a row is a bad row" {
	printf '80,tcp,web\n," ",\n' > t.csv
	run -0 --separate-stderr flow-tag -l t.csv < <(printf '80\ttcp\n')
	same_text "$(printf '80\ttcp\tweb')" "$output"
	same_text "flow-tag: t.csv:2: dstport '' is not a number 0..65535, a range N-M or *" "$stderr"
}

###########################################################################
# Line ends, blanks and quotes

@test "lookup: rows end at LF or CRLF (a last CR without LF too)" {
	printf '80,tcp,web\r\n81,tcp,"q"\r\n82,tcp,lf\n83,tcp,z \r' > t.csv
	run -0 to_files flow-tag -l t.csv < <(printf '80\ttcp\n81\ttcp\n82\ttcp\n83\ttcp\n')
	printf '80\ttcp\tweb\n81\ttcp\tq\n82\ttcp\tlf\n83\ttcp\tz\n' > want
	same_file want out
	[ ! -s err ]
}

@test "lookup: a lone CR is data: it ends no row and is not trimmed as a blank" {
	# one row of five fields, not two rows
	printf '80,tcp,a\r81,tcp,b\n' > t.csv
	run -0 --separate-stderr flow-tag -l t.csv < <(printf '80\ttcp\n81\ttcp\n')
	same_text "$(printf '80\ttcp\tUntagged\n81\ttcp\tUntagged')" "$output"
	same_text "flow-tag: t.csv:1: 5 fields, expected 3" "$stderr"
	# the CR before CRLF belongs to the tag; one before a comma to the port;
	# after a closing quote it is text; alone on a line it is a field
	printf '80,tcp,web\r\r\n81\r,tcp,x\n82,tcp,"q"\r\r\n\r\r\n83,tcp,ok\n' > t.csv
	run -0 to_files flow-tag -l t.csv < <(printf '80\ttcp\n81\ttcp\n82\ttcp\n83\ttcp\n')
	printf '80\ttcp\tUntagged\n81\ttcp\tUntagged\n82\ttcp\tUntagged\n83\ttcp\tok\n' > want
	same_file want out
	cat > want <<-'EOF'
	flow-tag: t.csv:1: tag contains a tab, CR or LF
	flow-tag: t.csv:2: dstport '81\x0d' is not a number 0..65535, a range N-M or *
	flow-tag: t.csv:3: text after closing quote
	flow-tag: t.csv:4: 1 fields, expected 3
	EOF
	same_file want err
}
