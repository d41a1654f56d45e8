#!/usr/bin/env bats
# filter.bats -- the -w record filters (lib/filter.c) through the driver
# tests/filter/ftest, which prints the flow and nodata records that pass.
# Each selection is compared with the one awk makes on the same log
# (tests/filter/mklog.awk writes it, tests/filter/ref.awk has the
# reference's address and time arithmetic); bad expressions give exit 2
# and their exact message.

bats_require_minimum_version 1.5.0
load test_helper

FDIR="$BATS_TEST_DIRNAME/filter"
if [ -n "${FLOWTAG_BIN:-}" ] && [ -x "$FLOWTAG_BIN/ftest" ]; then
	FTEST="$FLOWTAG_BIN/ftest"
else
	FTEST="$FLOWTAG_ROOT/tests/filter/ftest"
fi

# mklog FMT -- ./log, 4000 lines of the generated log in format v2 or v5
mklog() {
	awk -v n=4000 -v fmt="$1" -f "$FDIR/mklog.awk" > log
}

# sel 'AWK CONDITION' EXPR... -- ftest -w EXPR... on ./log prints exactly
# the records for which the condition holds in awk: some, and not all
# unless ALLOK is set ($NF_: the format's field count)
sel() {
	local cond=$1 e all
	local -a args=()
	shift
	for e; do
		args+=(-w "$e")
	done
	printf 'rec() && (%s)\n' "$cond" > sel.awk
	awk -v nf="$NF_" -v dp=7 -v pr=8 -f "$FDIR/ref.awk" -f sel.awk log > want
	awk -v nf="$NF_" -v dp=7 -v pr=8 -f "$FDIR/ref.awk" -f "$FDIR/all.awk" log > all
	run -0 to_files "$FTEST" "${args[@]}" log
	[ ! -s err ]
	same_file want out
	[ -s want ]
	[ -n "${ALLOK:-}" ] || [ "$(wc -l < want)" -lt "$(wc -l < all)" ]
}

# bad EXPR MESSAGE -- ftest -w EXPR is a usage error with that message
bad() {
	run -2 "$FTEST" -w "$1" /dev/null
	same_text "ftest: -w '$1': $2" "$output"
}

@test "filter: strings compare exactly, = and != with lists" {
	mklog v2
	NF_=14
	sel '$3 == "eni-0a1b" || $3 == "eni-0c2d"' 'interface-id=eni-0a1b,eni-0c2d'
	sel '$3 != "-" && $3 != "eni-0a1b"' 'interface-id!=eni-0a1b'
	sel '$3 != "-" && $3 != "eni-0a1b" && $3 != "eni-0A1B"' 'interface-id!=eni-0a1b,eni-0A1B'
	# account ids are strings: 000011112222 is not 11112222
	sel '$2 == "000011112222"' 'account-id=000011112222'
	run -0 "$FTEST" -w account-id=11112222 log
	[ -z "$output" ]
}

@test "filter: the AWS enumerations compare in any case" {
	mklog v2
	NF_=14
	sel 'toupper($13) == "REJECT"' action=REJECT
	sel 'toupper($13) == "REJECT"' action=reject
	sel 'toupper($13) == "REJECT"' action=Reject
	sel '$13 != "-" && toupper($13) != "ACCEPT"' 'action!=Accept'
	sel 'toupper($14) == "NODATA" || toupper($14) == "SKIPDATA"' 'log-status=nodata,SKIPDATA'
	sel 'toupper($14) == "OK"' 'log-status=ok'
	mklog v5
	NF_=29
	sel 'tolower($28) == "ingress"' flow-direction=INGRESS
	sel '$28 != "-" && tolower($28) != "egress"' 'flow-direction!=egress'
	sel 'tolower($19) == "ipv6" || $19 == "EFA"' 'type=ipv6,efa'
	sel 'tolower($19) == "ipv4"' 'type=IPV4'
}

@test "filter: numbers, lists and ranges with = and !=" {
	mklog v2
	NF_=14
	sel 'isnum($7) && ($7 + 0 <= 1023 || $7 == 8080)' 'dstport=0-1023,8080'
	sel 'isnum($7) && $7 != 80 && $7 != 443' 'dstport!=80,443'
	sel 'isnum($7) && !($7 + 0 >= 1024 && $7 + 0 <= 49151)' 'dstport!=1024-49151'
	sel 'isnum($6) && $6 + 0 >= 1024 && $6 + 0 <= 49151' 'srcport=1024-49151'
	sel 'isnum($7) && ($7 == 0 || $7 == 65535)' 'dstport=0,65535'
	sel 'isnum($7) && $7 + 0 >= 22 && $7 + 0 <= 22' 'dstport=22-22'
	sel 'isnum($9) && $9 == 7' 'packets=007'
	mklog v5
	NF_=29
	sel '$18 == 18 || $18 == 19' 'tcp-flags=18,19'
	sel '$29 != "-" && $29 != 8' 'traffic-path!=8'
}

@test "filter: <, <=, > and >= on numbers" {
	mklog v2
	NF_=14
	sel 'isnum($10) && $10 + 0 < 10000' 'bytes<10000'
	sel 'isnum($10) && $10 + 0 <= 9800' 'bytes<=9800'
	sel 'isnum($9) && $9 + 0 > 100' 'packets>100'
	sel 'isnum($9) && $9 + 0 >= 100' 'packets>=100'
	sel 'isnum($6) && $6 + 0 < 1024' 'srcport<1024'
	sel 'isnum($7) && $7 + 0 >= 65535' 'dstport>=65535'
	sel 'isnum($10) && $10 + 0 > 0' 'bytes>0'
	run -0 "$FTEST" -w 'dstport<0' log
	[ -z "$output" ]
	run -0 "$FTEST" -w 'bytes>18446744073709551615' log
	[ -z "$output" ]
	sel 'isnum($10)' 'bytes<=18446744073709551615' 'action=ACCEPT,REJECT'
	mklog v5
	NF_=29
	sel 'isnum($18) && $18 + 0 >= 2' 'tcp-flags>=2'
	sel 'isnum($29) && $29 + 0 <= 2' 'traffic-path<=2'
	sel '$1 == 2 && isnum($7)' 'version<3' 'dstport!=-'
}

@test "filter: protocol takes numbers, IANA keywords in any case and ranges of both" {
	mklog v2
	NF_=14
	sel '$8 == "6" || $8 == "17"' 'protocol=tcp,udp'
	sel '$8 == "6" || $8 == "17" || $8 == "58"' 'protocol=TCP,17,ipv6-icmp'
	sel 'isnum($8) && $8 != 6' 'protocol!=tcp'
	sel 'isnum($8) && $8 + 0 <= 6' 'protocol=0-6'
	sel 'isnum($8) && $8 + 0 >= 6 && $8 + 0 <= 17' 'protocol=tcp-udp'
	sel 'isnum($8) && $8 + 0 >= 1 && $8 + 0 <= 58' 'protocol=icmp-ipv6-icmp'
	sel 'isnum($8) && $8 + 0 < 17' 'protocol<udp'
	sel 'isnum($8) && $8 + 0 >= 50' 'protocol>=esp'
}

@test "filter: IPv4 and IPv6 addresses and CIDR prefixes" {
	mklog v2
	NF_=14
	sel '$4 != "-" && inpfx($4, "10.0.0.0/8")' 'srcaddr=10.0.0.0/8'
	sel '$4 != "-" && inpfx($4, "10.0.0.0/8,2001:db8::/32")' 'srcaddr=10.0.0.0/8,2001:db8::/32'
	sel '$4 != "-" && !inpfx($4, "10.0.0.0/8")' 'srcaddr!=10.0.0.0/8'
	sel '$5 != "-" && inpfx($5, "172.16.0.0/12,192.168.0.0/16")' 'dstaddr=172.16.0.0/12,192.168.0.0/16'
	sel '$5 != "-" && inpfx($5, "10.0.0.0/16")' 'dstaddr=10.0.99.77/16'
	sel '$4 != "-" && inpfx($4, "2001:db8::/32")' 'srcaddr=2001:DB8::/32'
	sel '$4 != "-" && inpfx($4, "2001:db8:0:0:1::/80")' 'srcaddr=2001:db8::1:0:0:0/80'
	sel '$5 != "-" && inpfx($5, "::ffff:0/112")' 'dstaddr=0:0:0:0:0:0:ffff:0/112'
	sel '$5 != "-" && inpfx($5, "fd00:ec2::/64")' 'dstaddr=fd00:ec2:0::/64'
	sel '$4 != "-" && inpfx($4, "2600:1f18::/32")' 'srcaddr=2600:1f18::/32'
	sel '$4 != "-" && index($4, ":") == 0' 'srcaddr=0.0.0.0/0'
	sel '$4 != "-" && index($4, ":") > 0' 'srcaddr=::/0'
	sel '$4 != "-" && index($4, ":") == 0' 'srcaddr!=::/0'
	# one address, written another way than in the log
	a=$(awk '$4 ~ /^2001:DB8:0:0:1:0:0:/ { print $4; exit }' log)
	sel '$4 == "'"$a"'"' "srcaddr=$(printf '%s' "$a" | tr A-F a-f | sed 's/:0:0:1:0:0:/::1:0:0:/')"
	a=$(awk '$4 ~ /^10\.0\./ { print $4; exit }' log)
	sel '$4 == "'"$a"'"' "srcaddr=$a"
	sel '$4 == "'"$a"'"' "srcaddr=$a/32"
}

@test "filter: start and end take RFC 3339 times, offsets and fractions" {
	mklog v2
	NF_=14
	sel 'isnum($11) && $11 >= epoch("2024-05-01T02:00:00Z") && $11 < epoch("2024-05-01T03:00:00Z")' \
		'start>=2024-05-01T02:00:00Z' 'start<2024-05-01T03:00:00Z'
	sel 'isnum($11) && $11 >= epoch("2024-05-01T04:00:00+02:00")' 'start>=2024-05-01T04:00:00+02:00'
	sel 'isnum($11) && $11 >= 1714528800' 'start>=2024-05-01T01:30:00-00:30'
	sel 'isnum($11) && $11 + 0 > epoch("2024-05-01T01:59:59Z") + 0.5' 'start>2024-05-01T01:59:59.5Z'
	sel 'isnum($11) && $11 + 0 >= epoch("2024-05-01T01:59:59Z") + 0.5' 'start>=2024-05-01T01:59:59.5Z'
	sel 'isnum($11) && $11 + 0 < epoch("2024-05-01T01:59:59Z") + 0.5' 'start<2024-05-01T01:59:59.5Z'
	sel 'isnum($11) && $11 + 0 <= epoch("2024-05-01T01:59:59Z") + 0.5' 'start<=2024-05-01T01:59:59.5Z'
	sel 'isnum($12) && $12 + 0 <= epoch("2024-05-01T00:59:59Z") + 0.999' 'end<=2024-05-01t00:59:59.999z'
	sel 'isnum($11) && ($11 >= epoch("2024-05-01T02:00:00Z") && $11 <= epoch("2024-05-01T02:59:59Z") ||
		$11 >= epoch("2024-05-01T04:00:00Z") && $11 <= epoch("2024-05-01T04:30:00Z"))' \
		'start=2024-05-01T02:00:00Z-2024-05-01T02:59:59Z,2024-05-01T05:00:00+01:00-2024-05-01T04:30:00Z'
	sel 'isnum($11) && $11 >= 1714528800 && $11 <= 1714532399' 'start=1714528800-1714532399'
	sel 'isnum($11) && $11 >= 1714528800 && $11 <= 1714532399' 'start=1714528800-2024-05-01T02:59:59.9Z'
	sel 'isnum($12) && $12 < 1714525200' 'end<1714525200'
	# one start time of the log, written both ways
	s=$(awk 'NF == 14 && $11 ~ /^[0-9]+$/ { print $11; exit }' log)
	d=$((s - 1714521600))
	t=$(printf '2024-05-01T%02d:%02d:%02d' $((d / 3600)) $((d / 60 % 60)) $((d % 60)))
	sel '$11 == '"$s" "start=$t.000Z,$s"
	# at that second, with and without a fraction
	sel '$11 >= '"$s" "start>=${t}Z"
	sel '$11 > '"$s" "start>${t}Z"
	sel '$11 <= '"$s" "start<=${t}Z"
	sel '$11 < '"$s" "start<${t}Z"
	sel '$11 > '"$s" "start>=$t.25Z"
	sel '$11 > '"$s" "start>$t.25Z"
	sel '$11 <= '"$s" "start<=$t.25Z"
	sel '$11 <= '"$s" "start<$t.25Z"
	sel '$11 > '"$s" "start=$t.25Z-2024-05-01T06:00:00Z"
	sel '$11 >= '"$s" "start=$t.000Z-2024-05-01T06:00:00Z"
	sel '$11 < '"$s" "start=2024-05-01T00:00:00Z-$t.000Z" "start!=$s"
	# no whole second equals a time with a fraction; every one differs
	run -0 "$FTEST" -w 'start=2024-05-01T02:00:00.5Z' log
	[ -z "$output" ]
	ALLOK=1 sel 'isnum($11)' 'start!=2024-05-01T02:00:00.5Z'
	# before 1970, and a leap day
	ALLOK=1 sel 'isnum($11)' 'start>=1969-12-31T23:59:59Z'
	ALLOK=1 sel 'isnum($11)' 'start>1969-12-31T23:59:59.5-01:00'
	run -0 "$FTEST" -w 'start<1970-01-01T00:00:00Z' log
	[ -z "$output" ]
	run -0 "$FTEST" -w 'start<=1969-12-31T23:59:59.9Z' log
	[ -z "$output" ]
	ALLOK=1 sel 'isnum($11)' 'start>2024-02-29T23:59:60Z'
	ALLOK=1 sel 'isnum($11)' 'start<2400-02-29T00:00:00Z'
}

@test "filter: a '-' in the record passes FIELD=- only" {
	mklog v2
	NF_=14
	sel '$7 == "-"' 'dstport=-'
	sel '$7 != "-"' 'dstport!=-'
	sel '$9 == "-"' 'packets=-'
	sel '$9 == "-" || $9 == 5' 'packets=5,-'
	sel 'isnum($9) && $9 != 5' 'packets!=5'
	sel 'isnum($9) && $9 != 5' 'packets!=5,-'
	sel '$4 == "-" || inpfx($4, "10.0.0.0/8")' 'srcaddr=-,10.0.0.0/8'
	sel '$4 != "-" && !inpfx($4, "10.0.0.0/8")' 'srcaddr!=10.0.0.0/8'
	sel '$13 == "-"' 'action=-'
	sel '$13 != "-" && toupper($13) != "REJECT"' 'action!=reject'
	sel '$8 == "-"' 'protocol=-'
}

@test "filter: several -w must all hold" {
	mklog v2
	NF_=14
	sel 'toupper($13) == "REJECT" && isnum($7) && $7 + 0 <= 1023 && $4 != "-" && !inpfx($4, "10.0.0.0/8")' \
		action=REJECT 'dstport=0-1023' 'srcaddr!=10.0.0.0/8'
	sel '$3 == "eni-0a1b" && $11 >= 1714528800 && $11 < 1714532400' \
		interface-id=eni-0a1b 'start>=2024-05-01T02:00:00Z' 'start<2024-05-01T03:00:00Z'
	sel 'isnum($7) && $7 + 0 >= 80 && $7 + 0 <= 443' 'dstport>=80' 'dstport<=443' 'dstport=0-65535'
	# blanks around the field, the operator and the values
	sel 'toupper($13) == "REJECT" && isnum($7) && $7 + 0 < 1024' ' action = REJECT ' ' dstport	< 1024'
}

@test "filter: totals: records = flows + nodata + malformed + filtered" {
	mklog v2
	run -0 "$FTEST" -t -w action=REJECT log
	t=$(printf '%s\n' "$output" | tail -n 1)
	set -- $t
	[ "$1" = records ] && [ "$3" = flows ] && [ "$5" = nodata ] && [ "$7" = malformed ] &&
		[ "$9" = filtered ]
	[ "$2" -eq $(($4 + $6 + $8 + ${10})) ]
	[ "$2" -eq "$(awk 'NF > 0 && $1 !~ /^#/' log | wc -l)" ]
	[ "$4" -eq "$(awk -v nf=14 -v dp=7 -v pr=8 -f "$FDIR/ref.awk" \
		-f "$FDIR/all.awk" log | awk 'toupper($13) == "REJECT" && $7 != "-"' | wc -l)" ]
	[ "$6" -eq 0 ] && [ "$8" -gt 0 ] && [ "${10}" -gt 0 ]
	# a NODATA record that passes stays nodata
	run -0 "$FTEST" -t -w 'log-status=nodata' log
	t=$(printf '%s\n' "$output" | tail -n 1)
	set -- $t
	[ "$4" -eq 0 ] && [ "$6" -gt 0 ] && [ "$2" -eq $(($4 + $6 + $8 + ${10})) ]
}

@test "filter: a field the format lacks is an error at its first record" {
	printf '# no record yet\n\n%s\n' "$(flowline 80 6)" > log
	run -1 "$FTEST" -w flow-direction=ingress log
	same_text "ftest: log:3: field 'flow-direction' is not in the log format" "$output"
	# a header without the field, after one with it
	{
		echo 'version dstport protocol tcp-flags log-status'
		echo '2 80 6 2 OK'
		echo '2 443 6 18 OK'
		echo 'version dstport protocol log-status'
		echo '# still nothing'
		echo '2 443 6 OK'
	} > log
	run -1 to_files "$FTEST" -w 'tcp-flags=2' log
	same_text '2 80 6 2 OK' "$(cat out)"
	same_text "ftest: log:6: field 'tcp-flags' is not in the log format" "$(cat err)"
}

@test "filter: a header naming a field twice: the first one counts" {
	{
		echo 'version srcaddr srcaddr dstport protocol log-status'
		echo '2 10.0.0.1 11.0.0.1 80 6 OK'
		echo '2 11.0.0.1 10.0.0.1 80 6 OK'
	} > log
	run -0 "$FTEST" -w srcaddr=10.0.0.0/8 log
	same_text '2 10.0.0.1 11.0.0.1 80 6 OK' "$output"
}

@test "filter: a value not of the field's kind fails every test" {
	{
		echo 'version srcaddr dstport protocol srcport bytes log-status'
		echo '2 010.0.0.1 80 6 abc 99999999999999999999 OK'
		echo '2 10.0.0.256 80 6 +5 1e3 OK'
		echo '2 fe80::1%eth0 80 6 0x10 -1 OK'
		echo '2 ::ffff:10.0.0.1 80 6 5 5 OK'
		echo '2 10.0.0.1 80 6 5 5 OK'
	} > log
	l5='2 ::ffff:10.0.0.1 80 6 5 5 OK'
	l6='2 10.0.0.1 80 6 5 5 OK'
	for t in "srcaddr=10.0.0.0/8|$l6" "srcaddr!=10.0.0.0/8|$l5" "srcaddr!=::/0|$l6" \
		"srcport<100|$l5 $l6" "srcport!=5|" "bytes>=0|$l5 $l6" "bytes!=5|" "srcaddr=-|"; do
		run -0 "$FTEST" -w "${t%%|*}" log
		same_text "${t#*|}" "$(printf '%s\n' "$output" | paste -s -d ' ' -)"
	done
	run -0 "$FTEST" -w 'srcaddr=::ffff:0:0/96' log
	same_text '2 ::ffff:10.0.0.1 80 6 5 5 OK' "$output"
	run -0 "$FTEST" -w 'srcaddr=::ffff:10.0.0.0/104' log
	same_text '2 ::ffff:10.0.0.1 80 6 5 5 OK' "$output"
}

@test "filter: fl_filter_fields names each field once, in order" {
	run -0 "$FTEST" -F -w action=REJECT -w 'dstport<1024' -w ACTION=accept -w ' srcaddr=::/0'
	same_text "$(printf 'action\ndstport\nsrcaddr')" "$output"
}

@test "filter: bad expressions are usage errors naming what is wrong" {
	bad 'dstport<abc' "'abc' is not a number"
	bad 'dstport=80,abc' "'abc' is not a number"
	bad 'dstport=1-x' "'1-x' is not a number or a range"
	bad 'dstport=-80' "'-80' is not a number or a range"
	bad 'dstport=70000' "'70000' is out of range for dstport (0-65535)"
	bad 'dstport=1-70000' "'1-70000' is out of range for dstport (0-65535)"
	bad 'dstport=443-80' "'443-80' is a range from high to low"
	bad 'bytes=99999999999999999999' "'99999999999999999999' is out of range for bytes (0-18446744073709551615)"
	bad 'dstport' 'no operator (=, !=, <, <=, >, >=)'
	bad 'dstport!80' 'no operator (=, !=, <, <=, >, >=)'
	bad '' 'no operator (=, !=, <, <=, >, >=)'
	bad '=80' 'no field name before the operator'
	bad 'dstprt=80' "'dstprt' is not a flow log field"
	bad 'dst port=80' "'dst port' is not a flow log field"
	bad 'action=DENY' "'DENY' is not a value of action (ACCEPT, REJECT)"
	bad 'log-status=FAIL' "'FAIL' is not a value of log-status (OK, NODATA, SKIPDATA)"
	bad 'flow-direction=in' "'in' is not a value of flow-direction (ingress, egress)"
	bad 'type=IPv5' "'IPv5' is not a value of type (IPv4, IPv6, EFA)"
	bad 'action<REJECT' 'action takes only = and !='
	bad 'srcaddr>=10.0.0.0' 'srcaddr takes only = and !='
	bad 'interface-id>eni-1' 'interface-id takes only = and !='
	bad 'dstport<1,2' "'<' takes one value"
	bad 'dstport>=1,2' "'>=' takes one value"
	bad 'dstport<=1-5' "'1-5' is not a number"
	bad 'dstport<-' "'-' is not a number"
	bad 'dstport=' 'no value'
	bad 'dstport=  ' 'no value'
	bad 'dstport=80,' 'empty value in the list'
	bad 'dstport=80,,443' 'empty value in the list'
	bad 'interface-id=eni-1 eni-2' "'eni-1 eni-2' holds a blank"
	bad 'protocol=tcpx' "'tcpx' is not a protocol number or keyword"
	bad 'protocol=tcp-x' "'tcp-x' is not a protocol number, keyword or range"
	bad 'protocol=256' "'256' is out of range for protocol (0-255)"
	bad 'protocol=udp-tcp' "'udp-tcp' is a range from high to low"
	bad 'srcaddr=10.0.0.0/33' "'10.0.0.0/33' has a prefix length over 32"
	bad 'srcaddr=2001:db8::/129' "'2001:db8::/129' has a prefix length over 128"
	bad 'srcaddr=10.0.0' "'10.0.0' is not an IPv4 or IPv6 address or prefix"
	bad 'srcaddr=10.0.0.0/' "'10.0.0.0/' is not an IPv4 or IPv6 address or prefix"
	bad 'srcaddr=10.0.0.0/x' "'10.0.0.0/x' is not an IPv4 or IPv6 address or prefix"
	bad 'srcaddr=010.0.0.1' "'010.0.0.1' is not an IPv4 or IPv6 address or prefix"
	bad 'srcaddr=2001:db8:::1' "'2001:db8:::1' is not an IPv4 or IPv6 address or prefix"
	bad 'srcaddr=1:2:3:4:5:6:7:8:9' "'1:2:3:4:5:6:7:8:9' is not an IPv4 or IPv6 address or prefix"
	bad 'srcaddr=fe80::1%eth0' "'fe80::1%eth0' is not an IPv4 or IPv6 address or prefix"
	bad 'start>=2024-13-01T00:00:00Z' "'2024-13-01T00:00:00Z' is not a number or an RFC 3339 time"
	bad 'start>=2024-02-30T00:00:00Z' "'2024-02-30T00:00:00Z' is not a number or an RFC 3339 time"
	bad 'start>=2023-02-29T00:00:00Z' "'2023-02-29T00:00:00Z' is not a number or an RFC 3339 time"
	bad 'start>=2100-02-29T00:00:00Z' "'2100-02-29T00:00:00Z' is not a number or an RFC 3339 time"
	bad 'start>=2024-05-01T02:00:00' "'2024-05-01T02:00:00' is not a number or an RFC 3339 time"
	bad 'start>=2024-05-01T02:00:00.5' "'2024-05-01T02:00:00.5' is not a number or an RFC 3339 time"
	bad 'start>=2024-05-01T24:00:00Z' "'2024-05-01T24:00:00Z' is not a number or an RFC 3339 time"
	bad 'start>=2024-05-01T02:00:00.Z' "'2024-05-01T02:00:00.Z' is not a number or an RFC 3339 time"
	bad 'start>=2024-05-01T02:00:00+0200' "'2024-05-01T02:00:00+0200' is not a number or an RFC 3339 time"
	bad 'start>=2024-05-01 02:00:00Z' "'2024-05-01 02:00:00Z' holds a blank"
	bad 'end=yesterday' "'yesterday' is not a number, RFC 3339 time or a range"
	bad 'start=2024-05-01T03:00:00Z-2024-05-01T02:00:00Z' \
		"'2024-05-01T03:00:00Z-2024-05-01T02:00:00Z' is a range from high to low"
	# control bytes are shown escaped
	run -2 "$FTEST" -w "$(printf 'action=\001')" /dev/null
	same_text "ftest: -w 'action=\\x01': '\\x01' is not a value of action (ACCEPT, REJECT)" "$output"
}

# fast_slow EXPR... -- flow-parse -c -T with these filters on ./log, whose
# plain lines its fast path takes, equals the same on the same records
# with two blanks after the first field, which only the full parser takes
fast_slow() {
	local e
	local -a args=()
	for e; do
		args+=(-w "$e")
	done
	run -0 --separate-stderr flow-parse -c -T fast.tot "${args[@]}" log
	printf '%s\n%s\n' "$output" "$stderr" > fast.out
	sed 's/ /  /' log > slow.log
	run -0 --separate-stderr flow-parse -c -T slow.tot "${args[@]}" slow.log
	printf '%s\n%s\n' "$output" "${stderr//slow.log/log}" > slow.out
	same_file slow.out fast.out
	# the totals but the bytes read (one more a line in slow.log)
	grep -v '^bytes	' slow.tot > slow.t
	grep -v '^bytes	' fast.tot > fast.t
	same_file slow.t fast.t
	# some pass and some do not
	grep -q '^flows	[1-9]' fast.tot
	grep -q '^filtered	[1-9]' fast.tot
}

@test "filter: flow-parse -c's fast path with filters counts as the full parser, every field" {
	mklog v2
	fast_slow action=REJECT
	fast_slow log-status=ok
	fast_slow 'dstport<1024' protocol=tcp
	fast_slow srcaddr=10.0.0.0/8
	fast_slow 'dstaddr!=10.0.0.0/8'
	fast_slow 'srcport>=32768'
	fast_slow 'packets>10' 'bytes<5000'
	fast_slow 'start>=2024-05-01T03:00:00Z' 'end<2024-05-01T05:00:00Z'
	fast_slow 'version=2' 'account-id!=123456789012'
	fast_slow 'interface-id=eni-0A1B'
	mklog v5
	fast_slow 'tcp-flags=3' 'az-id=use1-az1'
	fast_slow 'pkt-srcaddr=2001:db9::/32'
	fast_slow 'pkt-src-aws-service=S3' 'type=EFA,IPv4'
	fast_slow 'subnet-id=subnet-1' 'instance-id!=i-01' 'region=us-east-1'
}
