#!/usr/bin/env bats
# formats: the log formats AWS really writes. Header lines that do not start
# with version (every field an AWS field name), and the RFC 3339 timestamp a
# CloudWatch Logs export puts before each record. The fixtures in
# tests/fixtures/formats hold the records of the AWS VPC user guide's "Flow
# log record examples" page, in those formats.

bats_require_minimum_version 1.5.0
load test_helper

F="$BATS_TEST_DIRNAME/fixtures/formats"

# the guide's records, counted: two ICMP flows, two SSH (one over IPv6),
# one RDP; the NODATA and SKIPDATA records are not flows
COUNTS=$(printf '0\ticmp\t2\n22\ttcp\t2\n3389\ttcp\t1')

# the AWS flow log field names of versions 2 to 8
NAMES="version account-id interface-id srcaddr dstaddr srcport dstport protocol
packets bytes start end action log-status vpc-id subnet-id instance-id tcp-flags
type pkt-srcaddr pkt-dstaddr region az-id sublocation-type sublocation-id
pkt-src-aws-service pkt-dst-aws-service flow-direction traffic-path
ecs-cluster-arn ecs-cluster-name ecs-container-instance-arn
ecs-container-instance-id ecs-container-id ecs-second-container-id
ecs-service-name ecs-task-definition-arn ecs-task-arn ecs-task-id reject-reason
resource-id encryption-status"

@test "formats: a header of the 29 fields of v2-v5 in alphabetical order, no version first" {
	cp "$F/v2-alpha.log" "$F/v2-default.log" .
	run -0 to_files flow-parse -c v2-default.log
	same_text "$COUNTS" "$(cat out)"
	[ ! -s err ]
	run -0 to_files flow-parse -c v2-alpha.log
	same_text "$COUNTS" "$(cat out)"
	[ ! -s err ]
	# record by record the same flows as the default format, other fields too
	run -0 to_files flow-parse -f dstport,protocol,srcaddr,action v2-alpha.log
	mv out alpha.out
	run -0 to_files flow-parse -f dstport,protocol,srcaddr,action v2-default.log
	same_file out alpha.out
	[ "$(wc -l < out)" -eq 5 ]
	[ ! -s err ]
}

@test "formats: the guide's NAT gateway header names no dstport: exit 1, file and line" {
	cp "$F/nat-gateway.log" .
	run -1 --separate-stderr flow-parse nat-gateway.log
	same_text "flow-parse: nat-gateway.log:7: header has no 'dstport' field" "$stderr"
	[ -z "$output" ]
	run -1 --separate-stderr flow-parse -c nat-gateway.log
	same_text "flow-parse: nat-gateway.log:7: header has no 'dstport' field" "$stderr"
}

@test "formats: every AWS field name of v2-v8, plain, \${name} and in capitals, makes a header" {
	local n i=0
	: > names.log
	: > want
	for n in $NAMES; do
		# a header of dstport, protocol and the name, then a record of it
		printf 'dstport protocol %s\n%d 6 x\n' "$n" $((1000 + i)) >> names.log
		printf 'dstport protocol ${%s}\n%d 17 x\n' "$n" $((2000 + i)) >> names.log
		printf 'DSTPORT PROTOCOL %s\n%d 1 x\n' "$(printf '%s' "$n" | tr a-z A-Z)" \
			$((3000 + i)) >> names.log
		printf '%d\ttcp\n%d\tudp\n%d\ticmp\n' $((1000 + i)) $((2000 + i)) $((3000 + i)) >> want
		i=$((i + 1))
	done
	[ "$i" -eq 42 ]
	run -0 to_files flow-parse names.log
	same_file want out
	[ ! -s err ]
	# and all of them in one line, in another order
	{
		printf '%s\n' $NAMES | sort -r | tr '\n' ' '
		echo
		printf '%s\n' $NAMES | sort -r | awk '{ printf "%s ", $0 == "dstport" ? 8080 : $0 == "protocol" ? 6 : "-" } END { print "" }'
	} > all.log
	run -0 to_files flow-parse -c all.log
	same_text "$(printf '8080\ttcp\t1')" "$(cat out)"
	[ ! -s err ]
}

@test "formats: a header naming a field twice: the first one counts" {
	printf 'srcport dstport protocol dstport protocol\n40000 443 6 22 17\n' > twice.log
	run -0 to_files flow-parse twice.log
	same_text "$(printf '443\ttcp')" "$(cat out)"
	[ ! -s err ]
}

@test "formats: only \${name} is unwrapped: '\${dstport' names no field" {
	printf 'srcport ${dstport} ${Protocol}\n40000 443 6\nsrcport ${dstport protocol\n40000 80 6\n' > wrap.log
	run -0 to_files flow-parse wrap.log
	printf '443\ttcp\n80\ttcp\n' > want
	same_file want out
	same_text "flow-parse: wrap.log:3: malformed: dstport '\${dstport' is not a number 0..65535" "$(cat err)"
}

@test "formats: a first field that is a name, in a record of values, is not a header" {
	printf 'action dstport protocol\nACCEPT 443 6\ntype 80 6\nend 53 17\naction 22 6\n' > act.log
	run -0 to_files flow-parse act.log
	printf '443\ttcp\n80\ttcp\n53\tudp\n22\ttcp\n' > want
	same_file want out
	[ ! -s err ]
	# a line of names only is a header: this one has no dstport
	printf 'action dstport protocol\nACCEPT 443 6\naction end type\nACCEPT 80 6\n' > act2.log
	run -1 --separate-stderr flow-parse act2.log
	same_text "flow-parse: act2.log:3: header has no 'dstport' field" "$stderr"
}

@test "formats: a CloudWatch Logs export: the timestamps before the header and records are skipped" {
	cp "$F/cloudwatch.log" "$F/v2-default.log" .
	run -0 to_files flow-parse -c cloudwatch.log
	same_text "$COUNTS" "$(cat out)"
	[ ! -s err ]
	# one flow a line, and other fields: the same as without timestamps
	for opt in "" "-f srcaddr,dstport,protocol,end,log-status"; do
		# shellcheck disable=SC2086
		run -0 to_files flow-parse $opt cloudwatch.log
		mv out cw.out
		# shellcheck disable=SC2086
		run -0 to_files flow-parse $opt v2-default.log
		same_file out cw.out
		[ ! -s err ]
	done
}

@test "formats: a CloudWatch export of many lines: the fast paths leave timestamps alone" {
	# lines of 32..127 bytes with more after them take the fast paths:
	# a timestamp and 13 fields (14 in all) is 13 fields, malformed
	local i
	for i in 1 2 3 4 5 6 7 8 9 10; do
		printf '2023-11-14T22:13:20.000Z 2 123456789012 eni-1 10.0.0.1 10.0.0.2 40000 %d 6 1 100 1 2 ACCEPT OK\n' "$i"
		printf '2023-11-14T22:13:20Z 123456789012 eni-1 10.0.0.1 10.0.0.2 40000 %d 6 1 100 1 2 ACCEPT OK\n' "$i"
	done > cw.log
	run -0 to_files flow-parse -c cw.log
	printf '%s\ttcp\t1\n' 1 2 3 4 5 6 7 8 9 10 | sort -k1,1n > want
	same_file want out
	[ "$(wc -l < err)" -eq 10 ]
	same_text 'flow-parse: cw.log:2: malformed: 13 fields, expected 14' "$(head -n 1 err)"
	same_text 'flow-parse: cw.log:20: malformed: 13 fields, expected 14' "$(tail -n 1 err)"
	run -0 --separate-stderr flow-parse cw.log
	same_text "$(printf '%s\ttcp\n' 1 2 3 4 5 6 7 8 9 10)" "$output"
}

@test "formats: RFC 3339 timestamps: fraction optional, Z or an offset, t and z in lower case, blanks" {
	{
		flowline 1 6 | sed 's/^/2023-11-14T22:13:20Z /'
		flowline 2 6 | sed 's/^/2023-11-14T22:13:20.000Z /'
		flowline 3 6 | sed 's/^/2023-11-14T22:13:20.123456789Z /'
		flowline 4 6 | sed 's/^/2023-11-14t22:13:20z /'
		flowline 5 6 | sed 's/^/2023-11-14T22:13:20+01:00 /'
		flowline 6 6 | sed 's/^/2023-11-14T22:13:20.5-05:30 /'
		flowline 7 6 | sed 's/^/2024-02-29T00:00:00Z /'
		flowline 8 6 | sed 's/^/2016-12-31T23:59:60Z /'
		flowline 9 6 | sed 's/^/  2000-02-29T23:59:59.9+23:59\t /'
		flowline 10 6 | sed 's/^/2023-11-14T22:13:20Z\t/' | tr ' ' '\t'
		echo '2023-11-14T22:13:20Z'
		echo '2023-11-14T22:13:20Z   '
		echo '2023-11-14T22:13:20Z # a comment'
	} > forms.log
	run -0 to_files flow-parse forms.log
	same_text "$(printf '%s\ttcp\n' 1 2 3 4 5 6 7 8 9 10)" "$(cat out)"
	[ ! -s err ]
	run -0 to_files flow-parse -c forms.log
	same_text "$(printf '%s\ttcp\t1\n' 1 2 3 4 5 6 7 8 9 10)" "$(cat out)"
	[ ! -s err ]
}

@test "formats: near-timestamps are fields of the record: malformed by field count" {
	{
		flowline 22 6 | sed 's/^/2023-11-14T22:13:20Z /'
		flowline 1 6 | sed 's/^/2023-11-14 /'
		flowline 2 6 | sed 's/^/2023-11-14T22:13:20 /'
		flowline 3 6 | sed 's/^/2023-11-14T22:13Z /'
		flowline 4 6 | sed 's/^/2023-13-14T22:13:20Z /'
		flowline 5 6 | sed 's/^/2023-02-29T22:13:20Z /'
		flowline 6 6 | sed 's/^/1900-02-29T22:13:20Z /'
		flowline 7 6 | sed 's/^/2023-04-31T22:13:20Z /'
		flowline 8 6 | sed 's/^/2023-11-14T24:00:00Z /'
		flowline 9 6 | sed 's/^/2023-11-14T22:60:00Z /'
		flowline 10 6 | sed 's/^/2023-11-14T22:13:61Z /'
		flowline 11 6 | sed 's/^/2023-11-14T22:13:20.Z /'
		flowline 12 6 | sed 's/^/2023-11-14T22:13:20+0100 /'
		flowline 13 6 | sed 's/^/2023-11-14T22:13:20+24:00 /'
		flowline 14 6 | sed 's/^/2023-11-14T22:13:20Z, /'
		flowline 15 6 | sed 's/^/2023-11-14X22:13:20Z /'
		flowline 16 6 | sed 's/^/23-11-14T22:13:20Z /'
		flowline 17 6 | sed 's/^/2023-11-14 22:13:20Z /'
	} > near.log
	run -0 to_files flow-parse near.log
	same_text "$(printf '22\ttcp')" "$(cat out)"
	{
		for i in $(seq 2 17); do
			echo "flow-parse: near.log:$i: malformed: 15 fields, expected 14"
		done
		echo "flow-parse: near.log:18: malformed: 16 fields, expected 14"
	} > want
	same_file want err
}
