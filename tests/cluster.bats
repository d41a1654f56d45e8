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
	printf '%s\n' "$ flowtag-slurm -n 2 -l lookup.csv -o out logs/*.gz" "$output" "$stderr" >&2
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
	printf '%s\n' "$ flowtag-slurm -n 1 -l lookup.csv -o out logs/*.gz" >&2
	cat run.out run.err >&2
	same_outputs local out
	grep -q '^flowtag-slurm: map task [0-9]* requeued, ran on: n2 n1$' run.err
	# Slurm's side: the tasks requeued when n2 stopped answering
	grep -E 'Requeuing|not responding' "$C/log/slurmctld.log" >&2
	grep -q 'Requeuing JobId=' "$C/log/slurmctld.log"
	sinfo -N -o '%N %t' >&2
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
	printf '%s\n' "$ flowtag-slurm -n 2 -l lookup.csv -o out logs/*.gz" "${stderr_lines[@]}" "exit $status" >&2
	[[ "${stderr_lines[1]}" == "flowtag-slurm: map task 2 failed: flow-parse: logs/f5.log.gz: gzip: "* ]]
	[[ "${stderr_lines[2]}" == "flowtag-slurm: out not written; the logs are in "* ]]
	same_outputs before out
	[ "$(ls -A out | wc -l)" = 5 ]
}

# ------------------------------------------------- GNU parallel over ssh

# ssh_up -- two sshd on 127.0.0.1 as hosts h1 and h2 (SetEnv FLOWHOST=h1,
# h2 in their sessions), keys made here; PARALLEL_SSH exported
ssh_up() {
	plain_only
	need sshd ssh ssh-keygen parallel
	parallel --version 2> /dev/null | grep -q 'GNU parallel' || skip "GNU parallel not installed"
	as_root "sshd (privilege separation)"
	local n ports u sshd
	u=$(id -un)
	sshd=$(command -v sshd)
	mkdir -p "$C/log" "$C/ssh" "$BATS_TEST_TMPDIR/home/.parallel"
	# parallel's state and notice not in the real HOME
	export HOME=$BATS_TEST_TMPDIR/home
	touch "$HOME/.parallel/will-cite"
	chmod 700 "$C" "$C/ssh"
	# the privilege separation directory Debian's service makes
	[ -d /run/sshd ] || mkdir -p -m 755 /run/sshd
	ssh-keygen -q -t ed25519 -N '' -f "$C/ssh/hostkey"
	ssh-keygen -q -t ed25519 -N '' -f "$C/ssh/id"
	cp "$C/ssh/id.pub" "$C/ssh/authorized_keys"
	mapfile -t ports < <(free_ports 2)
	: > "$C/ssh/config"
	: > "$C/ssh/known_hosts"
	export FLOWTAG_TEST_CLUSTER=$C
	for n in 1 2; do
		cat > "$C/ssh/sshd$n.conf" <<EOC
Port ${ports[n - 1]}
ListenAddress 127.0.0.1
HostKey $C/ssh/hostkey
PidFile $C/ssh/sshd$n.pid
AuthorizedKeysFile $C/ssh/authorized_keys
StrictModes no
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
PermitRootLogin prohibit-password
SetEnv FLOWHOST=h$n FLOWTAG_TEST_CLUSTER=$C
MaxStartups 100
LogLevel ERROR
EOC
		cat >> "$C/ssh/config" <<EOC
Host h$n
	HostName 127.0.0.1
	Port ${ports[n - 1]}
EOC
		echo "[127.0.0.1]:${ports[n - 1]} $(cat "$C/ssh/hostkey.pub")" >> "$C/ssh/known_hosts"
		spawn "sshd$n" "$sshd" -D -e -f "$C/ssh/sshd$n.conf"
	done
	cat >> "$C/ssh/config" <<EOC
Host *
	User $u
	IdentityFile $C/ssh/id
	IdentitiesOnly yes
	UserKnownHostsFile $C/ssh/known_hosts
	StrictHostKeyChecking yes
	BatchMode yes
	ConnectTimeout 5
	LogLevel ERROR
EOC
	export PARALLEL_SSH="ssh -F $C/ssh/config"
	wait_for 20 $PARALLEL_SSH h1 true || { cat "$C"/log/*.out >&2; false; }
	wait_for 20 $PARALLEL_SSH h2 true || { cat "$C"/log/*.out >&2; false; }
}

# kill_host N -- host hN dies: its sshd and every process below it
kill_host() {
	local pid all
	pid=$(sed -n "${1}p" "$PIDS")
	all=$(ps -e -o pid= -o ppid= | awk -v root="$pid" '
		{ parent[$1] = $2 }
		END { for (p in parent) for (q = p; q > 1; q = parent[q]) if (q == root) { print p; break } }')
	# shellcheck disable=SC2086
	kill -KILL $all 2> /dev/null || true
}

@test "parallel over ssh: flowtag-parallel on two hosts = flow-parse -c over every log" {
	ssh_up
	make_logs logs
	flow-parse -c logs/*.gz > local.tsv 2> /dev/null
	SECONDS=0
	run -0 flowtag-parallel -S 2/h1,2/h2 -b "$FLOWTAG_ROOT/cmd/flow-parse/flow-parse" -o counts.tsv logs/*.gz
	echo "# flowtag-parallel: ${SECONDS} s" >&3
	same_file local.tsv counts.tsv
	flow-parse -c -m bytes -w action=REJECT logs/*.gz > local2.tsv 2> /dev/null
	run -0 flowtag-parallel -S 2/h1,2/h2 -b "$FLOWTAG_ROOT/cmd/flow-parse/flow-parse" -m bytes \
		-w action=REJECT -o counts2.tsv logs/*.gz
	same_file local2.tsv counts2.tsv
}

@test "parallel over ssh: a host lost mid-job: its logs retried on the other, the exact table" {
	ssh_up
	make_logs logs
	flow-parse -c logs/*.gz > local.tsv 2> /dev/null
	blocking_bin "$BATS_TEST_TMPDIR/bin" "$FLOWTAG_ROOT" FLOWHOST
	SECONDS=0
	timeout 120 flowtag-parallel -S 1/h1,1/h2 -b "$BATS_TEST_TMPDIR/bin/flow-parse" -o counts.tsv logs/*.gz \
		> run.out 2> run.err 3>&- &
	local run=$!
	wait_for 60 started_on h2
	wait_for 30 started_on h1
	kill_host 2
	: > "$C/go"
	wait "$run" || { cat run.err >&2; false; }
	echo "# flowtag-parallel with a lost host: ${SECONDS} s" >&3
	same_file local.tsv counts.tsv
}

@test "parallel over ssh: a host lost and no retries: exit 1, no table (never a short one)" {
	ssh_up
	make_logs logs
	blocking_bin "$BATS_TEST_TMPDIR/bin" "$FLOWTAG_ROOT" FLOWHOST
	echo old > counts.tsv
	timeout 120 flowtag-parallel -r 1 -S 1/h1,1/h2 -b "$BATS_TEST_TMPDIR/bin/flow-parse" -o counts.tsv \
		logs/*.gz > run.out 2> run.err 3>&- &
	local run=$!
	wait_for 60 started_on h2
	kill_host 2
	: > "$C/go"
	local st=0
	wait "$run" || st=$?
	cat run.err >&2
	[ "$st" = 1 ]
	grep -q '^flowtag-parallel: parallel failed (exit [0-9]*): no table written$' run.err
	[ "$(cat counts.tsv)" = old ]
	[ -z "$(ls -A | grep '^\.flowtag-parallel')" ]
}

# ------------------------------------------------------------------- S3

# s3_up -- s3rver on 127.0.0.1 with a bucket "flowlogs"; aws (a function
# here) talks to it, with its own credentials and no config of the user's
s3_up() {
	plain_only
	need s3rver aws node
	local port
	mkdir -p "$C/log" "$C/s3" "$BATS_TEST_TMPDIR/home"
	export HOME=$BATS_TEST_TMPDIR/home
	port=$(free_ports 1)
	export FLOWTAG_TEST_CLUSTER=$C
	spawn s3rver s3rver -d "$C/s3" -a 127.0.0.1 -p "$port" -s --configure-bucket flowlogs
	export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_DEFAULT_REGION=us-east-1
	export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true
	S3_URL=http://127.0.0.1:$port
	aws() { command aws --endpoint-url "$S3_URL" "$@"; }
	wait_for 30 aws s3 ls s3://flowlogs > /dev/null 2>&1 || { cat "$C"/log/*.out >&2; false; }
}

@test "s3: the README's streaming recipe (aws s3 cp s3://bucket/key - | flow-parse -c -) = a local run" {
	s3_up
	make_logs logs
	flowtag.sh -q -l lookup.csv -o local logs/*.gz 2> /dev/null
	aws s3 cp --quiet --recursive logs s3://flowlogs/2024/05/
	# s3count, as the README has it
	source <(sed -n '/^    s3count() {$/,/^    }$/p' "$FLOWTAG_ROOT/README.md")
	declare -F s3count > /dev/null
	SECONDS=0
	mkdir parts
	local i=0 key n
	while read -r key; do
		i=$((i + 1))
		n=$(printf %06d "$i")
		s3count "s3://flowlogs/$key" "parts/$n.totals" > "parts/$n.tsv" 2> "parts/$n.err"
	done < <(aws s3 ls --recursive s3://flowlogs/2024/ | awk '{ print $4 }')
	[ "$i" = 8 ]
	run -0 flowtag.sh -q -l lookup.csv -o s3 --counted parts
	echo "# 8 objects streamed and counted: ${SECONDS} s" >&3
	for f in output.csv tag_counts.csv port_protocol_counts.csv untagged_flows.csv; do
		same_file "local/$f" "s3/$f"
	done
	# the messages are the same, the file named -
	sed 's|^flow-parse: logs/f[0-9].log.gz:|flow-parse: -:|' local/error.log > local.err
	same_file local.err s3/error.log
	# a key that is not there: s3count fails, never an empty table with 0
	run s3count s3://flowlogs/2024/05/nothing.log.gz
	[ "$status" -ne 0 ]
}
