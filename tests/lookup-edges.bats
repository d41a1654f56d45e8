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

@test "lookup: blanks outside quotes are dropped, blanks inside quotes kept" {
	printf '80,tcp,  "web, public"  \n81 ,\ttcp\t, " web "\n  82  ,  tcp  ,  two words  \n' > t.csv
	run -0 to_files flow-tag -l t.csv < <(printf '80\ttcp\n81\ttcp\n82\ttcp\n')
	printf '80\ttcp\tweb, public\n81\ttcp\t web \n82\ttcp\ttwo words\n' > want
	same_file want out
	[ ! -s err ]
}

@test "lookup: a bad row over several lines (a quoted LF) is reported at its first line" {
	printf 'dstport,protocol,tag\n80,tcp,"two\nlines"\n81,tcp,ok\n81,tcp,"x\ny"\n82,tcp\n83,"tcp\n",x\n84,tcp,"open\n\n' > t.csv
	run -0 to_files flow-tag -l t.csv < <(printf '80\ttcp\n81\ttcp\n84\ttcp\n')
	printf '80\ttcp\tUntagged\n81\ttcp\tok\n84\ttcp\tUntagged\n' > want
	same_file want out
	cat > want <<-'EOF'
	flow-tag: t.csv:2: tag contains a tab, CR or LF
	flow-tag: t.csv:5: tag contains a tab, CR or LF
	flow-tag: t.csv:7: 2 fields, expected 3
	flow-tag: t.csv:8: protocol 'tcp\x0a' is unknown
	flow-tag: t.csv:10: unterminated quoted field
	EOF
	same_file want err
}

###########################################################################
# Keys written two ways

@test "lookup: 80 and 80-80 are one key, * and 0-65535 too: the first row wins, the later is warned about" {
	table '80,tcp,web' '80-80,tcp,other' '*,udp,any' '0-65535,udp,all' '0-65535,*,x' '*,*,y' '443-443,tcp,https' '443,6,https'
	run -0 --separate-stderr tagged '80 tcp' '9 udp' '9 tcp' '443 tcp'
	same_text "$(printf '%s\n' web any x https)" "$output"
	same_text "flow-tag: t.csv:2: warning: duplicate key 80,tcp: tag 'other' ignored, line 1 has 'web'
flow-tag: t.csv:4: warning: duplicate key *,udp: tag 'all' ignored, line 3 has 'any'
flow-tag: t.csv:6: warning: duplicate key *,*: tag 'y' ignored, line 5 has 'x'" "$stderr"
}

###########################################################################
# The tag Untagged

@test "lookup: a row tagged Untagged: its flows are untagged for flow-untagged (untagged is another tag)" {
	printf '80,tcp,Untagged\n443,tcp,https\n81,tcp,untagged\n' > L
	run -0 --separate-stderr bash -c "printf '80\ttcp\t5\n443\ttcp\t2\n22\ttcp\t1\n81\ttcp\t4\n' | flow-tag -l L"
	same_text "$(printf '80\ttcp\t5\tUntagged\n443\ttcp\t2\thttps\n22\ttcp\t1\tUntagged\n81\ttcp\t4\tuntagged')" "$output"
	[ -z "$stderr" ]
	run -0 --separate-stderr bash -c "printf '80\ttcp\t5\n443\ttcp\t2\n22\ttcp\t1\n81\ttcp\t4\n' | flow-tag -l L | flow-untagged"
	same_text "$(printf '80\ttcp\t5\n22\ttcp\t1')" "$output"
	[ -z "$stderr" ]
}

###########################################################################
# Deprecated and doubled IANA keywords

@test "protocols: deprecated keywords are named without (deprecated); 84 is ttp; gaps are numbers" {
	for n in 13 53 84 95 122 146 61 63 68 99 114 147; do flowline 80 "$n"; done > f.log
	run -0 to_files flow-parse f.log
	printf '80\t%s\n' argus swipe ttp micp sm homa 61 63 68 99 114 147 > want
	same_file want out
	cat > want <<-'EOF'
	flow-parse: f.log:7: warning: protocol 61 has no IANA keyword, named '61'
	flow-parse: f.log:8: warning: protocol 63 has no IANA keyword, named '63'
	flow-parse: f.log:9: warning: protocol 68 has no IANA keyword, named '68'
	flow-parse: f.log:10: warning: protocol 99 has no IANA keyword, named '99'
	flow-parse: f.log:11: warning: protocol 114 has no IANA keyword, named '114'
	flow-parse: f.log:12: warning: protocol 147 has no IANA keyword, named '147'
	EOF
	same_file want err
}

@test "lookup: argus, ARGUS and 13 are one protocol; iptm, ttp and 84 too; the IANA text with (deprecated) is not a keyword" {
	table '80,ARGUS,old' '81,iptm,two-names' '80,13,again' '81,ttp,other' '81,84,two-names' '82,argus (deprecated),x'
	run -0 --separate-stderr tagged '80 13' '80 argus' '80 Argus' '81 84' '81 ttp' '81 iptm' '82 13'
	same_text "$(printf '%s\n' old old old two-names two-names two-names Untagged)" "$output"
	same_text "flow-tag: t.csv:3: warning: duplicate key 80,argus: tag 'again' ignored, line 1 has 'old'
flow-tag: t.csv:4: warning: duplicate key 81,ttp: tag 'other' ignored, line 2 has 'two-names'
flow-tag: t.csv:6: protocol 'argus (deprecated)' is unknown" "$stderr"
}
