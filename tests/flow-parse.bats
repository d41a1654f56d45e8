#!/usr/bin/env bats
# flow-parse: flow log -> dstport<TAB>protocol-name per flow

bats_require_minimum_version 1.5.0
load test_helper

@test "flow-parse -h: usage on stdout, exit 0" {
	run -0 --separate-stderr flow-parse -h
	same_text 'usage: flow-parse [-cS] [-f FIELDS] [-j N] [-m FIELD] [-T FILE] [-w EXPR]...' "${lines[0]}"
	[ -z "$stderr" ]
}

@test "flow-parse: unknown option -> exit 2, usage on stderr only" {
	run -2 --separate-stderr flow-parse -Z
	[ -z "$output" ]
	[[ "$stderr" == *"usage: flow-parse "* ]]
}

@test "flow-parse: missing option argument -> exit 2" {
	run -2 --separate-stderr flow-parse -f
	[ -z "$output" ]
	[[ "$stderr" == *"usage: flow-parse "* ]]
}

@test "flow-parse: sample log gives one dstport<TAB>tcp line per flow, in order" {
	run -0 to_files flow-parse "$FIX/sample/flow_logs.txt"
	same_file "$EXP/parse/sample.out" out
	[ ! -s err ]
}

@test "flow-parse: standard input, with no argument and with '-'" {
	run -0 bash -c 'flow-parse < "$1" > a 2>&1 && flow-parse - < "$1" > b 2>&1' _ "$FIX/sample/flow_logs.txt"
	same_file "$EXP/parse/sample.out" a
	same_file "$EXP/parse/sample.out" b
}

@test "flow-parse: every kind of line (comments, blanks, CRLF, tabs, nodata, malformed, no final LF)" {
	cp "$FIX/mixed/mixed.log" .
	run -0 to_files flow-parse mixed.log
	same_file "$EXP/parse/mixed.out" out
	same_file "$EXP/parse/mixed.err" err
}

@test "flow-parse -T: totals of the sample" {
	run -0 --separate-stderr flow-parse -T tot "$FIX/sample/flow_logs.txt"
	[ "${#lines[@]}" -eq 14 ]
	printf 'records\t14\nflows\t14\nnodata\t0\nmalformed\t0\nbytes\t1464\nlines\t14\nheaders\t0\n' > want
	same_file want tot
}

@test "flow-parse -T: totals of the mixed log (records = flows + nodata + malformed)" {
	cp "$FIX/mixed/mixed.log" .
	run -0 --separate-stderr flow-parse -T tot mixed.log
	# 22 lines end in a newline, the 23rd does not
	printf 'records\t20\nflows\t12\nnodata\t3\nmalformed\t5\nbytes\t%s\nlines\t23\nheaders\t0\n' "$(wc -c < mixed.log | tr -d ' ')" > want
	same_file want tot
}

@test "flow-parse -T: invariants on a generated 20000-line log" {
	make_big_log big.log 20000
	run -0 to_files flow-parse -T tot big.log
	eval "$(awk -F'\t' '{ gsub(/-/, "_", $1); print $1 "=" $2 }' tot)"
	[ "$records" -eq $((flows + nodata + malformed)) ]
	[ "$flows" -eq "$(wc -l < out)" ]
	[ "$malformed" -eq "$(grep -c ': malformed: ' err)" ]
	# 20000 lines less 20 comments and 40 blank lines
	[ "$records" -eq 19940 ]
	[ "$bytes" -eq "$(wc -c < big.log)" ]
}

@test "flow-parse -f dstport,protocol,bytes,action on the sample" {
	run -0 to_files flow-parse -f dstport,protocol,bytes,action "$FIX/sample/flow_logs.txt"
	awk '{ print $7 "\ttcp\t" $10 "\t" $13 }' "$FIX/sample/flow_logs.txt" > want
	same_file want out
	[ ! -s err ]
}

@test "flow-parse -f: other fields raw, dstport normalized, protocol named" {
	printf '2 123456789012 eni-1 10.0.0.1 10.0.0.2 0099 00443 017 1 100 1620140761 1620140821 ACCEPT OK\n' > a.log
	run -0 to_files flow-parse -f srcport,protocol,dstport,interface-id,log-status a.log
	printf '0099\tudp\t443\teni-1\tOK\n' > want
	same_file want out
}

@test "flow-parse -f: unknown field name is a usage error (exit 2)" {
	run -2 --separate-stderr flow-parse -f dstport,nosuchfield "$FIX/sample/flow_logs.txt"
	[ -z "$output" ]
	[[ "$stderr" == flow-parse:* ]]
}

@test "flow-parse -f: field not in the file's format -> exit 1, file:line" {
	cp "$FIX/parse/dollar.log" .
	run -1 --separate-stderr flow-parse -f dstport,action dollar.log
	[[ "$stderr" =~ ^flow-parse:\ dollar\.log:[12]:\ field\ \'action\'\ is\ not\ in\ the\ log\ format$ ]]
}

@test "flow-parse: header names fields in another order, extra fields, nodata any case" {
	cp "$FIX/parse/custom.log" .
	run -0 to_files flow-parse custom.log
	printf '443\ttcp\n53\tudp\n80\ttcp\n' > want
	same_file want out
	same_text 'flow-parse: custom.log:5: malformed: 8 fields, expected 9' "$(cat err)"
}

@test "flow-parse -f with a header: fields found by name" {
	cp "$FIX/parse/custom.log" .
	run -0 to_files flow-parse -f dstport,protocol,action,vpc-id custom.log
	printf '443\ttcp\tACCEPT\tvpc-1\n53\tudp\tREJECT\tvpc-1\n80\ttcp\tACCEPT\tvpc-1\n' > want
	same_file want out
}

@test "flow-parse -T: header, comment and blank lines are not records" {
	cp "$FIX/parse/custom.log" .
	run -0 --separate-stderr flow-parse -T tot custom.log
	# the header is line 1: not counted among the headers
	printf 'records\t5\nflows\t3\nnodata\t1\nmalformed\t1\nbytes\t314\nlines\t6\nheaders\t0\n' > want
	same_file want tot
}

@test "flow-parse: header written with \${name} spelling" {
	cp "$FIX/parse/dollar.log" .
	run -0 to_files flow-parse dollar.log
	printf '8080\ttcp\n161\tudp\n' > want
	same_file want out
	run -0 to_files flow-parse -f bytes,dstport dollar.log
	printf '300\t8080\n42\t161\n' > want
	same_file want out
	[ ! -s err ]
}

@test "flow-parse: a header mid-file applies to the rest of that file only" {
	cp "$FIX/parse/midhdr.log" "$FIX/parse/plain.log" .
	run -0 to_files flow-parse midhdr.log plain.log
	printf '443\ttcp\n53\tudp\n22\ttcp\n80\ttcp\n' > want
	same_file want out
	same_text 'flow-parse: midhdr.log:5: malformed: 14 fields, expected 3' "$(cat err)"
}

@test "flow-parse: header without dstport -> exit 1 naming file and line" {
	cp "$FIX/parse/nodst.log" .
	run -1 --separate-stderr flow-parse nodst.log
	same_text "flow-parse: nodst.log:2: header has no 'dstport' field" "$stderr"
	[ -z "$output" ]
}

@test "flow-parse: header without protocol -> exit 1 naming file and line" {
	cp "$FIX/parse/noproto.log" .
	run -1 --separate-stderr flow-parse noproto.log
	same_text "flow-parse: noproto.log:1: header has no 'protocol' field" "$stderr"
}

@test "flow-parse: header without log-status: '-' port or protocol is nodata" {
	cp "$FIX/parse/nostatus.log" .
	run -0 to_files flow-parse -T tot nostatus.log
	printf '22\ttcp\n' > want
	same_file want out
	[ ! -s err ]
	grep -qx "nodata	2" tot
	grep -qx "records	3" tot
}

@test "flow-parse: NODATA/SKIPDATA in any case and '-' ports are nodata, not errors" {
	{
		flowline - - NODATA
		flowline - - nodata
		flowline - - SkipData
		flowline 80 6 NODATA
		flowline - 6
		flowline 80 -
		flowline 80 6
	} > nd.log
	run -0 to_files flow-parse -T tot nd.log
	printf '80\ttcp\n' > want
	same_file want out
	[ ! -s err ]
	printf 'records\t7\nflows\t1\nnodata\t6\nmalformed\t0\nbytes\t%s\nlines\t%s\nheaders\t0\n' \
		"$(wc -c < nd.log | tr -d ' ')" "$(wc -l < nd.log | tr -d ' ')" > want
	same_file want tot
}

@test "flow-parse: the field count is checked before NODATA" {
	printf '2 123456789012 eni-1 - - - - - - - 1620140761 - NODATA\n' > nd.log
	run -0 --separate-stderr flow-parse -T tot nd.log
	same_text 'flow-parse: nd.log:1: malformed: 13 fields, expected 14' "$stderr"
	grep -qx "malformed	1" tot
	grep -qx "nodata	0" tot
}

@test "flow-parse: CRLF line ends give the same output as LF" {
	sed 's/$/\r/' "$FIX/sample/flow_logs.txt" > crlf.log
	run -0 to_files flow-parse crlf.log
	same_file "$EXP/parse/sample.out" out
	[ ! -s err ]
}

@test "flow-parse: runs of spaces and tabs, leading and trailing blanks" {
	printf ' \t2  123456789012\t\teni-1 10.0.0.1\t 10.0.0.2 40000  \t 22 6 1 100 1620140761 1620140821 ACCEPT OK \t \n' > ws.log
	run -0 to_files flow-parse ws.log
	printf '22\ttcp\n' > want
	same_file want out
	[ ! -s err ]
}

@test "flow-parse: comments and blank lines are skipped but counted in line numbers" {
	{
		printf '# a comment\n'
		printf '\n'
		printf '   \t \n'
		printf '\r\n'
		printf '   #indented comment\n'
		printf '#version dstport protocol\n'
		flowline 22 6
		printf 'bad line\n'
	} > c.log
	run -0 to_files flow-parse c.log
	printf '22\ttcp\n' > want
	same_file want out
	same_text 'flow-parse: c.log:8: malformed: 2 fields, expected 14' "$(cat err)"
}

@test "flow-parse: malformed lines of every kind are reported as file:line and skipped" {
	{
		flowline 80 6 | sed 's/ OK$//'            # 1: 13 fields
		flowline 80 6 | sed 's/ OK$/ OK x/'       # 2: 15 fields
		flowline abc 6                           # 3
		flowline 65536 6                         # 4
		flowline -1 6                            # 5
		flowline +80 6                           # 6
		flowline 8.0 6                           # 7
		flowline 80 300                          # 8
		flowline 80 tcp                          # 9
		flowline 80 256                          # 10
		flowline 80 -6                           # 11
		flowline 65535 255                       # 12: fine (255 warns)
		flowline 0 0                             # 13: fine
	} > bad.log
	run -0 to_files flow-parse bad.log
	printf '65535\t255\n0\thopopt\n' > want
	same_file want out
	cat > want <<-'EOF'
	flow-parse: bad.log:1: malformed: 13 fields, expected 14
	flow-parse: bad.log:2: malformed: 15 fields, expected 14
	flow-parse: bad.log:3: malformed: dstport 'abc' is not a number 0..65535
	flow-parse: bad.log:4: malformed: dstport '65536' is not a number 0..65535
	flow-parse: bad.log:5: malformed: dstport '-1' is not a number 0..65535
	flow-parse: bad.log:6: malformed: dstport '+80' is not a number 0..65535
	flow-parse: bad.log:7: malformed: dstport '8.0' is not a number 0..65535
	flow-parse: bad.log:8: malformed: protocol '300' is not a number 0..255
	flow-parse: bad.log:9: malformed: protocol 'tcp' is not a number 0..255
	flow-parse: bad.log:10: malformed: protocol '256' is not a number 0..255
	flow-parse: bad.log:11: malformed: protocol '-6' is not a number 0..255
	flow-parse: bad.log:12: warning: protocol 255 has no IANA keyword, named '255'
	EOF
	same_file want err
}

@test "flow-parse: leading zeros allowed; dstport printed without them" {
	{
		flowline 00443 6
		flowline 0 17
		flowline 00000 006
		flowline 065535 0017
	} > z.log
	run -0 to_files flow-parse z.log
	printf '443\ttcp\n0\tudp\n0\ttcp\n65535\tudp\n' > want
	same_file want out
	[ ! -s err ]
}

@test "flow-parse: protocol numbers named by their IANA keyword, lowercased" {
	cp "$FIX/parse/protos.log" .
	run -0 to_files flow-parse protos.log
	same_file "$EXP/parse/protos.out" out
	[ ! -s err ]
}

@test "flow-parse: unassigned protocol named by number, warned once per number" {
	cp "$FIX/parse/unassigned.log" .
	run -0 to_files flow-parse -T tot unassigned.log
	printf '9\t253\n9\t200\n9\t253\n9\ttcp\n9\t254\n9\t200\n9\t255\n9\t253\n' > want
	same_file want out
	cat > want <<-'EOF'
	flow-parse: unassigned.log:1: warning: protocol 253 has no IANA keyword, named '253'
	flow-parse: unassigned.log:2: warning: protocol 200 has no IANA keyword, named '200'
	flow-parse: unassigned.log:5: warning: protocol 254 has no IANA keyword, named '254'
	flow-parse: unassigned.log:7: warning: protocol 255 has no IANA keyword, named '255'
	EOF
	same_file want err
	grep -qx "flows	8" tot
	grep -qx "malformed	0" tot
}

@test "flow-parse: assigned numbers without a keyword (61 63 68 99 114) are named by number" {
	for p in 61 63 68 99 114; do flowline 1 $p; done > nokw.log
	run -0 --separate-stderr flow-parse nokw.log
	same_text "$(printf '1\t61\n1\t63\n1\t68\n1\t99\n1\t114')" "$output"
	[ "${#stderr_lines[@]}" -eq 5 ]
	[[ "${stderr_lines[0]}" == "flow-parse: nokw.log:1: warning: protocol 61 has no IANA keyword, named '61'" ]]
}

@test "flow-parse: gzip input is read decompressed, messages keep line numbers" {
	cp "$FIX/mixed/mixed.log" m.log
	gzip -c m.log > m.log.gz
	gzip -c "$FIX/sample/flow_logs.txt" > s.gz
	run -0 to_files flow-parse s.gz m.log.gz
	cat "$EXP/parse/sample.out" "$EXP/parse/mixed.out" > want
	same_file want out
	sed 's/mixed\.log:/m.log.gz:/' "$EXP/parse/mixed.err" > want
	same_file want err
}

@test "flow-parse -T: bytes counts decompressed input" {
	gzip -c "$FIX/sample/flow_logs.txt" > s.gz
	run -0 --separate-stderr flow-parse -T tot s.gz
	grep -qx "bytes	1464" tot
	grep -qx "flows	14" tot
}

@test "flow-parse: a corrupt gzip file -> exit 1, 'FILE: gzip:' message" {
	{ printf '\037\213'; printf 'this is not deflate data\n'; } > bad.gz
	run -1 --separate-stderr flow-parse bad.gz
	[[ "$stderr" == *"flow-parse: bad.gz: gzip: "* ]]
}

@test "flow-parse: missing file -> exit 1, message names it" {
	run -1 --separate-stderr flow-parse nosuch.log
	same_text 'flow-parse: nosuch.log: No such file or directory' "$stderr"
	[ -z "$output" ]
}

@test "flow-parse: a directory as input is every file below it; an empty one is no input" {
	mkdir adir
	run -0 --separate-stderr flow-parse adir
	[ -z "$output" ]
	[ -z "$stderr" ]
	mkdir adir/sub
	cp "$FIX/sample/flow_logs.txt" adir/sub/
	run -0 flow-parse adir
	same_text "$(flow-parse "$FIX/sample/flow_logs.txt")" "$output"
}

@test "flow-parse: write error (/dev/full) -> exit 1" {
	run -1 bash -c 'flow-parse "$1" > /dev/full' _ "$FIX/sample/flow_logs.txt"
	same_text 'flow-parse: write error: No space left on device' "$output"
}

@test "flow-parse: a pipe closed early ends it quietly" {
	awk 'BEGIN { for (i = 0; i < 300000; i++) printf "2 123456789012 eni-1 10.0.0.1 10.0.0.2 40000 %d 17 1 100 1620140761 1620140821 ACCEPT OK\n", i % 65536 }' > big.log
	run -0 bash -c 'flow-parse big.log 2> err | head -n 1'
	[ "${#lines[@]}" -eq 1 ]
	same_text "$(printf '0\tudp')" "$output"
	[ ! -s err ]
}

@test "flow-parse: a line longer than 1 MiB is malformed, the next line is read" {
	{
		flowline 1 6
		head -c 2000000 /dev/zero | tr '\0' 'a'
		printf '\n'
		flowline 2 17
	} > long.log
	run -0 to_files flow-parse long.log
	printf '1\ttcp\n2\tudp\n' > want
	same_file want out
	same_text 'flow-parse: long.log:2: malformed: line longer than 1048576 bytes' "$(cat err)"
}

@test "flow-parse: NUL bytes do not end a line" {
	{
		printf '2 1 eni \0\0 x\n'
		flowline 3 6
	} > nul.log
	run -0 to_files flow-parse nul.log
	printf '3\ttcp\n' > want
	same_file want out
	same_text 'flow-parse: nul.log:1: malformed: 5 fields, expected 14' "$(cat err)"
}

@test "flow-parse: non-printable bytes quoted as \\xNN, long values cut at 40 bytes" {
	{
		flowline "$(printf 'a\001b')" 6
		flowline "$(printf '%050d' 7 | tr 0 x)" 6
	} > np.log
	run -0 to_files flow-parse np.log
	[ ! -s out ]
	run cat err
	same_text "flow-parse: np.log:1: malformed: dstport 'a\\x01b' is not a number 0..65535" "${lines[0]}"
	[[ "${lines[1]}" =~ ^flow-parse:\ np\.log:2:\ malformed:\ dstport\ \'x{40}(\.\.\.\'|\'\.\.\.)\ is\ not\ a\ number\ 0\.\.65535$ ]]
}

@test "flow-parse: binary garbage: no crash, every message is file:line" {
	cp "$FIX/parse/garbage.bin" .
	run -0 to_files flow-parse -T tot garbage.bin
	[ -s err ]
	run -1 grep -v '^flow-parse: garbage\.bin:[0-9][0-9]*: ' err
	grep -qx "bytes	65537" tot
}

@test "flow-parse: empty file -> no output, exit 0, zero totals" {
	: > empty.log
	run -0 to_files flow-parse -T tot empty.log
	[ ! -s out ]
	[ ! -s err ]
	printf 'records\t0\nflows\t0\nnodata\t0\nmalformed\t0\nbytes\t0\nlines\t0\nheaders\t0\n' > want
	same_file want tot
}

@test "flow-parse: last line without a newline is a record" {
	flowline 7 6 | tr -d '\n' > nonl.log
	run -0 to_files flow-parse nonl.log
	printf '7\ttcp\n' > want
	same_file want out
}

@test "flow-parse: standard input is named '-' in messages" {
	run -0 --separate-stderr bash -c 'printf "bad line\n" | flow-parse'
	same_text 'flow-parse: -:1: malformed: 2 fields, expected 14' "$stderr"
	[ -z "$output" ]
}

@test "flow-parse: several files are read in order, messages name each file" {
	cp "$FIX/mixed/mixed.log" .
	printf 'x y\n' > two.log
	run -0 to_files flow-parse two.log "$FIX/sample/flow_logs.txt" mixed.log
	cat "$EXP/parse/sample.out" "$EXP/parse/mixed.out" > want
	same_file want out
	{ echo 'flow-parse: two.log:1: malformed: 2 fields, expected 14'; cat "$EXP/parse/mixed.err"; } > want
	same_file want err
}

@test "flow-parse -S: the first malformed line is fatal (exit 1)" {
	cp "$FIX/mixed/mixed.log" .
	run -1 --separate-stderr flow-parse -S mixed.log
	same_text 'flow-parse: mixed.log:9: malformed: 13 fields, expected 14' "$stderr"
	run -1 --separate-stderr flow-parse --strict mixed.log
	same_text 'flow-parse: mixed.log:9: malformed: 13 fields, expected 14' "$stderr"
}

@test "flow-parse -S: a clean log still exits 0" {
	run -0 to_files flow-parse -S "$FIX/sample/flow_logs.txt"
	same_file "$EXP/parse/sample.out" out
}

@test "flow-parse -T: an unwritable totals file -> exit 1" {
	run -1 --separate-stderr flow-parse -T /dev/full "$FIX/sample/flow_logs.txt"
	[[ "$stderr" == flow-parse:* ]]
	run -1 --separate-stderr flow-parse -T nosuchdir/tot "$FIX/sample/flow_logs.txt"
	[[ "$stderr" == flow-parse:*nosuchdir/tot* ]]
}

@test "flow-parse: comment and blank lines longer than 1 MiB are not records; a long record is" {
	{
		flowline 80 6
		printf '# '; head -c 1100000 /dev/zero | tr '\0' c; echo
		head -c 1100000 /dev/zero | tr '\0' ' '; printf '\r\n'
		printf '   \t# indented '; head -c 1100000 /dev/zero | tr '\0' c; echo
		head -c 1100000 /dev/zero | tr '\0' ' '; echo x
		flowline 443 6
	} > long.log
	run -0 --separate-stderr flow-parse -c -T tot long.log
	same_text "$(printf '80\ttcp\t1\n443\ttcp\t1')" "$output"
	same_text "flow-parse: long.log:5: malformed: line longer than 1048576 bytes" "$stderr"
	grep -qx 'records	3' tot
	grep -qx 'malformed	1' tot
}

@test "flow-parse: one trailing CR is ignored, a second one is data (6\\r\\r is a bad protocol)" {
	printf '2 1 eni-a 10.0.0.1 10.0.0.2 1 443 6 1 1 1 2 ACCEPT OK\r\n' > cr.log
	printf '2 1 eni-a 10.0.0.1 10.0.0.2 1 80 6\r\r\n' > crcr.log
	printf '2 1 eni-a 10.0.0.1 10.0.0.2 1 53 17 1 1 1 2 ACCEPT OK\r\r\n' >> crcr.log
	printf 'version srcport dstport protocol\r\n1 2 80 6\r\n' > hdr.log
	run -0 --separate-stderr flow-parse cr.log hdr.log
	same_text "$(printf '443\ttcp\n80\ttcp')" "$output"
	[ -z "$stderr" ]
	printf 'version srcport dstport protocol\n2 1 80 6\r\r\n2 1 81 6\r\n' > crcr.log
	run -0 --separate-stderr flow-parse crcr.log
	same_text "$(printf '81\ttcp')" "$output"
	same_text "flow-parse: crcr.log:2: malformed: protocol '6\\x0d' is not a number 0..255" "$stderr"
}

@test "flow-parse: a header naming a field twice: the first one counts" {
	printf 'version srcport dstport protocol dstport\n2 1 443 6 80\n' > twice.log
	run -0 --separate-stderr flow-parse twice.log
	same_text "$(printf '443\ttcp')" "$output"
}
