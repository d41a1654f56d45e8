#!/usr/bin/env bats
# cluster.bats -- many machines for real, on 127.0.0.1: a Slurm cluster
# (munged, slurmctld, two slurmd) running scripts/flowtag-slurm, two sshd as
# two hosts for scripts/flowtag-parallel (GNU parallel), and an S3 server
# (s3rver) read by the README's streaming recipe. Each result is compared
# byte for byte with one local run. Every daemon a test starts is stopped
# by PID in teardown, whatever happened; waits are bounded polls.

load test_helper
bats_require_minimum_version 1.5.0

PATH=$PATH:$FLOWTAG_ROOT/scripts:/usr/sbin:/sbin
C="$BATS_TEST_TMPDIR/c"     # daemons' state, config and logs
PIDS="$BATS_TEST_TMPDIR/pids"

# plain_only -- the daemons run the plain build's programs; under the
# valgrind and sanitizer passes (FLOWTAG_BIN set) these tests skip
plain_only() {
	[ -z "${FLOWTAG_BIN:-}" ] || skip "daemons on 127.0.0.1: only in the plain build (FLOWTAG_BIN is set)"
}

# as_root WHAT -- skip unless root (with the reason)
as_root() {
	[ "$(id -u)" = 0 ] || skip "$1 needs root, and this is not root"
}

# wait_for SECONDS CMD... -- poll CMD every 0.2 s until it succeeds, for
# at most SECONDS
wait_for() {
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 0.2
	done
}

# free_ports N -- N distinct TCP ports from 20000..59999 nobody listens on
free_ports() {
	local used=' ' f l p got=' ' n=0
	for f in /proc/net/tcp /proc/net/tcp6; do
		[ -r "$f" ] || continue
		while read -r _ l _; do
			case $l in *:*) used="$used$((16#${l##*:})) " ;; esac
		done < "$f"
	done
	while [ "$n" -lt "$1" ]; do
		p=$((20000 + RANDOM % 40000))
		case "$used$got" in *" $p "*) continue ;; esac
		got="$got$p "
		n=$((n + 1))
		echo "$p"
	done
}

# spawn NAME CMD... -- start a daemon in the foreground, in the background,
# its output in $C/log/NAME.out, its PID in $PIDS (teardown stops it)
spawn() {
	local name=$1
	shift
	"$@" > "$C/log/$name.out" 2>&1 3>&- < /dev/null &
	echo "$!" >> "$PIDS"
}

# marked [VAR=VALUE] -- PIDs of the processes whose environment holds the
# test's marker (and VAR=VALUE): a daemon's children, the jobs it runs
marked() {
	local f
	f=$(grep -lzxF "FLOWTAG_TEST_CLUSTER=$C" /proc/[0-9]*/environ 2> /dev/null)
	[ -z "$f" ] || [ $# -eq 0 ] || f=$(grep -lzxF "$1" $f 2> /dev/null)
	for f in $f; do
		f=${f#/proc/}
		echo "${f%/environ}"
	done
}

# stop PID... -- SIGTERM, then SIGKILL what is left after 3 s
stop() {
	local p left
	[ $# -gt 0 ] || return 0
	kill -TERM "$@" 2> /dev/null
	for _ in $(seq 30); do
		left=
		for p; do kill -0 "$p" 2> /dev/null && left=1; done
		[ -n "$left" ] || return 0
		sleep 0.1
	done
	kill -KILL "$@" 2> /dev/null
	return 0
}

teardown() {
	[ -f "$PIDS" ] || return 0
	# the jobs and slurmstepd first (they call the daemons), then the daemons
	# (shellcheck disable=SC2046)
	stop $(marked)
	stop $(cat "$PIDS")
	rm -f "$PIDS"
}

# make_logs DIR -- 8 gzip logs with header lines, malformed and NODATA
# records and protocols without an IANA keyword; a lookup table beside
make_logs() {
	local i
	mkdir -p "$1"
	for i in 1 2 3 4 5 6 7 8; do
		{
			echo "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status"
			"$FLOWTAG_ROOT/scripts/flowgen" -s "$i" -m 5 -d 5 -k 300 -n 3000
			echo "2 1 eni-1 10.0.0.1 10.0.0.2 1 80 253 1 100 1 2 ACCEPT OK"
			echo "2 1 eni-1 10.0.0.1 10.0.0.2 1 80 $((250 + i % 3)) 1 100 1 2 ACCEPT OK"
		} | gzip > "$1/f$i.log.gz"
	done
	"$FLOWTAG_ROOT/scripts/flowgen" -s 1 -L 200 > lookup.csv
}

# same_outputs DIR1 DIR2 -- the five files of flowtag.sh, byte for byte
same_outputs() {
	local f
	for f in output.csv tag_counts.csv port_protocol_counts.csv untagged_flows.csv error.log; do
		same_file "$1/$f" "$2/$f" || return 1
	done
}

# blocking_bin DIR REAL -- a FLOWTAG_BIN whose flow-parse notes where it
# started ($C/started/NODE.PID, NODE from $1's variable) and waits for
# $C/go (at most 120 s) before running the real one
blocking_bin() {
	mkdir -p "$1" "$C/started"
	cat > "$1/flow-parse" <<EOF
#!/bin/sh
: > "$C/started/\${$3:-none}.\$\$"
i=0
while [ ! -e "$C/go" ] && [ \$i -lt 1200 ]; do sleep 0.1; i=\$((i + 1)); done
exec "$2/cmd/flow-parse/flow-parse" "\$@"
EOF
	chmod 755 "$1/flow-parse"
	for p in flow-count flow-tag flow-untagged; do
		ln -s "$2/cmd/$p/$p" "$1/$p"
	done
}

started_on() { ls "$C/started" 2> /dev/null | grep -q "^$1\."; }

# ---------------------------------------------------------------- Slurm

# slurm_up -- munged, slurmctld and slurmd n1, n2 (2 CPUs each) on
# 127.0.0.1, everything below $C; SLURM_CONF exported
slurm_up() {
	plain_only
	need munged mungekey slurmctld slurmd sbatch sinfo scontrol scancel
	as_root "slurmd (it runs jobs as their users)"
	local u ports
	u=$(id -un)
	mkdir -p "$C/log" "$C/munge" "$C/state" "$C/spool"
	chmod 700 "$C" "$C/munge"
	mungekey -c -k "$C/munge/munge.key" > /dev/null 2>&1 || mungekey -c -f -k "$C/munge/munge.key"
	export FLOWTAG_TEST_CLUSTER=$C
	spawn munged munged -F -f --key-file="$C/munge/munge.key" --socket="$C/munge/sock" \
		--pid-file="$C/munge/pid" --log-file="$C/log/munged.log" --seed-file="$C/munge/seed"
	wait_for 10 test -S "$C/munge/sock"
	mapfile -t ports < <(free_ports 4)
	cat > "$C/slurm.conf" <<EOF
ClusterName=flowtag
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=${ports[0]}
SlurmdPort=${ports[1]}
SlurmUser=$u
AuthType=auth/munge
AuthInfo=socket=$C/munge/sock,cred_expire=10
CredType=cred/munge
StateSaveLocation=$C/state
SlurmdSpoolDir=$C/spool/%n
SlurmctldPidFile=$C/slurmctld.pid
SlurmdPidFile=$C/slurmd-%n.pid
SlurmctldLogFile=$C/log/slurmctld.log
SlurmdLogFile=$C/log/slurmd-%n.log
ProctrackType=proctrack/pgid
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerParameters=batch_sched_delay=0,sched_interval=2
SlurmdTimeout=5
MessageTimeout=2
ReturnToService=2
MpiDefault=none
JobRequeue=1
NodeName=n1 NodeHostname=localhost NodeAddr=127.0.0.1 Port=${ports[2]} CPUs=2 State=UNKNOWN
NodeName=n2 NodeHostname=localhost NodeAddr=127.0.0.1 Port=${ports[3]} CPUs=2 State=UNKNOWN
PartitionName=flows Nodes=n1,n2 Default=YES MaxTime=INFINITE State=UP
EOF
	export SLURM_CONF=$C/slurm.conf
	spawn slurmctld slurmctld -D -i
	spawn slurmd-n1 env FLOWTAG_NODE=n1 slurmd -D -N n1
	spawn slurmd-n2 env FLOWTAG_NODE=n2 slurmd -D -N n2
	wait_for 30 nodes_idle || { cat "$C"/log/*.out >&2; false; }
}

nodes_idle() {
	[ "$(sinfo -h -N -o '%N %t' 2> /dev/null | sort -u | grep -c ' idle$')" = 2 ]
}

@test "slurm: flowtag-slurm on 8 gzip logs (4 map tasks, 2 nodes) = flowtag.sh, all five files" {
	slurm_up
	make_logs logs
	flowtag.sh -q -l lookup.csv -o local logs/*.gz 2> /dev/null
	SECONDS=0
	run -0 --separate-stderr timeout 120 flowtag-slurm -n 2 -l lookup.csv -o out logs/*.gz
	echo "# flowtag-slurm: ${SECONDS} s" >&3
	same_outputs local out
	[[ "${stderr_lines[0]}" == "flowtag-slurm: 8 logs, 4 map tasks (job "* ]]
	[[ "$output" == *" flows ("*" tagged, "*" untagged"* ]]
	# the same with -m bytes and a filter
	flowtag.sh -q -m bytes -w action=ACCEPT -l lookup.csv -o local2 logs/*.gz 2> /dev/null
	run -0 timeout 120 flowtag-slurm -n 3 -m bytes -w action=ACCEPT -l lookup.csv -o out2 logs/*.gz
	same_outputs local2 out2
	# the work directory is gone, nothing else written
	[ -z "$(ls -A | grep '^\.flowtag-slurm')" ]
}

@test "slurm: a node lost while its map tasks run: the tasks requeued, the result still identical" {
	slurm_up
	make_logs logs
	flowtag.sh -q -l lookup.csv -o local logs/*.gz 2> /dev/null
	blocking_bin "$BATS_TEST_TMPDIR/bin" "$FLOWTAG_ROOT" SLURMD_NODENAME
	SECONDS=0
	FLOWTAG_BIN=$BATS_TEST_TMPDIR/bin timeout 180 flowtag-slurm -n 1 -l lookup.csv -o out logs/*.gz \
		> run.out 2> run.err 3>&- &
	local run=$!
	# the first four tasks are running, two on each node: n2 dies with its
	# slurmd, slurmstepd and tasks, then the maps may go on
	wait_for 60 started_on n2
	wait_for 30 started_on n1
	# shellcheck disable=SC2046
	kill -KILL $(marked FLOWTAG_NODE=n2) $(marked SLURMD_NODENAME=n2)
	echo "# n2 killed after ${SECONDS} s" >&3
	: > "$C/go"
	wait "$run" || { cat run.err >&2; false; }
	echo "# flowtag-slurm with a lost node: ${SECONDS} s" >&3
	cat run.err >&2
	same_outputs local out
	grep -q '^flowtag-slurm: map task [0-9]* requeued, ran on: n2 n1$' run.err
	[ "$(sinfo -h -n n2 -o %t)" = down ] || [ "$(sinfo -h -n n2 -o %t)" = 'down*' ]
}

@test "slurm: a damaged gzip log fails its map task: exit 1, a clear message, OUTDIR untouched" {
	slurm_up
	make_logs logs
	flowtag.sh -q -l lookup.csv -o out logs/*.gz 2> /dev/null
	cp -R out before
	# bytes replaced inside the deflate data of one log
	printf 'damaged!' | dd of=logs/f5.log.gz bs=1 seek=300 conv=notrunc 2> /dev/null
	run -1 --separate-stderr timeout 120 flowtag-slurm -n 2 -l lookup.csv -o out logs/*.gz
	printf '%s\n' "${stderr_lines[@]}" >&2
	[[ "${stderr_lines[1]}" == "flowtag-slurm: map task 2 failed: flow-parse: logs/f5.log.gz: gzip: "* ]]
	[[ "${stderr_lines[2]}" == "flowtag-slurm: out not written; the logs are in "* ]]
	same_outputs before out
	[ "$(ls -A out | wc -l)" = 5 ]
}
