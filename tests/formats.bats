#!/usr/bin/env bats
# formats: the log formats AWS really writes: header lines that do not start
# with version (every field an AWS field name). The fixtures in
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
