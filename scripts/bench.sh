#!/bin/sh
# bench.sh -- time the flowtag tools against wc, cat, gzip, zcat, an awk
# baseline and DuckDB, on the inputs users have.
#
#   sh scripts/bench.sh [-sx] [-r ROUNDS] [-n LINES] [-d DIR]
#
# Generates (or reuses) DIR/flows.log (LINES lines, fixed seed) and
# DIR/lookup.csv (10000 rows) with scripts/flowgen, then times each case
# ROUNDS times, interleaved round by round, and prints per group of inputs
# the median seconds, MB/s of the case's input (unpacked bytes for gzip),
# the ratio to the group's reference case, and peak RSS; then the targets
# of issues 3, 12, 13, 16, 17 and 19 with the measured ratios, and whether the outputs
# of the tools agree. The groups:
#
# plain     flows.log, also with the record filter -w action=REJECT (its
#           flows checked against awk's count). Each filter is also timed
#           alone on its usual input:
#           flow-parse on the log, flow-count on flow-parse's output
#           (parsed.tsv), flow-tag on flow-count's (counted.tsv),
#           flow-untagged on flow-tag's (tagged.tsv). Reference: wc -l.
# parquet   flows.parquet: flows.log's records as GZIP Parquet with the AWS
#           column names and types, written by DuckDB (so only with DuckDB;
#           a malformed line has no place in it and is left out):
#           flowtag.sh where flow-parse reads Parquet, and DuckDB.
#           Reference: DuckDB.
# gzip      flows.log.gz (gzip -6 of flows.log): flowtag.sh -j 1 and
#           default -j, gzip -t, igzip -t, DuckDB, and the decoder alone:
#           tests/gz/gztest -b (lib/inflate.c into no output) where it is
#           built, and flow-parse -c -j 1 on the .gz and on the plain log,
#           whose difference gives the decoder's speed a second way.
#           Reference: gzip -t.
# many-gz   1,000 gzip -6 files of 2,000 lines (DIR/many-gz): flowtag.sh,
#           zcat | awk baseline, zcat >/dev/null, DuckDB. Reference: zcat.
# many-plain 200 plain files of 50 lines (DIR/many-plain). Reference:
#           flowtag.sh -j 1.
# day       25,000 gzip files of 20 to 60 lines in one directory (DIR/day),
#           named like S3 objects, given to flowtag.sh as the directory and
#           to DuckDB as a glob. Reference: flowtag.sh default -j.
# The small files each start with the AWS header line, as S3 objects do.
#
#   -r ROUNDS  rounds per case (default 5); slow cases (sort, gzip -t,
#              DuckDB) at most 3; a case that took over two minutes once
#              is not run again
#   -n LINES   lines of flows.log (default 10000000)
#   -d DIR     data directory (default bench-data in the repo root)
#   -s         skip the many-file groups (many-gz, many-plain, day)
#   -x         scaling checks instead: flow-count on 10M distinct keys vs
#              1k keys, and flow-tag loading a 1,000,000-row lookup table
#
# Data is generated once and reused: each file or directory has a .stamp
# beside it naming how it was made, and is made again when that changes.
#
# The awk baseline, scripts/flowtag.awk, does flowtag.sh's whole job: the
# report says whether its five output files are identical to those of
# flowtag.sh (DIR/out-j1, DIR/out-jN) and names any that differ; on the
# small gzip files (through zcat) the three count tables are compared.
#
# DuckDB (optional, bench only): scripts/bench-duckdb.mjs does the same job
# as one query (read_csv, GROUP BY dstport, protocol, join with the lookup)
# with 2 threads and writes the count tables; the report compares them with
# flowtag's as sorted rows. It needs node and npm: the first run installs
# @duckdb/node-api into DIR/duckdb with npm; if that fails the DuckDB cases
# are skipped with a note saying why.
# Optional tools, for the bench only: igzip for `igzip -t` (Debian package
# isal: apt-get install isal); mawk for the awk baseline (else awk); GNU
# time for the RSS column. A missing one is named in a note.
#
# The report starts with the date, the commit of the programs (and whether
# the tree had uncommitted changes) and the load average before and after:
# a busy machine is noted, as its times are not comparable.
#
# The programs are taken from PATH (make bench puts cmd/*/ and the repo
# root first); if they are not there, the repo's cmd/*/ and root are added.
# They (and tests/gz/gztest) are copied into a temporary directory at the
# start, so a rebuild or an edit during the run does not change what is
# timed; the report names the commit of the tree they came from.
#
# Each run of a case is timed by scripts/timeit (built here like flowgen):
# it reads the clock just before it starts `sh -c CASE` and just after the
# shell ends, so no clock program runs inside the time. Its peak RSS is
# that of the largest single process among the shell and all its children
# (getrusage's ru_maxrss for children is a maximum, not a sum), as GNU
# time's %M. The case "sh -c :" shows what starting the shell costs.
set -eu

prog=bench.sh
seed=42
lkrows=10000
hdr='version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status'

usage() {
	printf 'usage: sh scripts/bench.sh [-sx] [-r ROUNDS] [-n LINES] [-d DIR]\n'
	printf '  -r ROUNDS  rounds per case (default 5; slow cases at most 3)\n'
	printf '  -n LINES   lines of the generated flow log (default 10000000)\n'
	printf '  -d DIR     data directory (default bench-data in the repo root)\n'
	printf '  -s         skip the many-file cases (1,000 and 25,000 gzip files, 200 plain)\n'
	printf '  -x         scaling checks: flow-count keys, flow-tag 1M-row lookup\n'
}

die() {
	printf '%s: %s\n' "$prog" "$*" >&2
	exit 1
}

posint() {
	case $2 in
	'' | *[!0-9]* | 0 | 0*) printf '%s: %s: '\''%s'\'' is not a positive number\n' "$prog" "$1" "$2" >&2; exit 2 ;;
	esac
}

rounds=5
lines=10000000
dir=
extra=0
many=1
while getopts hsxr:n:d: opt; do
	case $opt in
	h) usage; exit 0 ;;
	s) many=0 ;;
	x) extra=1 ;;
	r) posint -r "$OPTARG"; rounds=$OPTARG ;;
	n) posint -n "$OPTARG"; lines=$OPTARG ;;
	d) dir=$OPTARG ;;
	*) usage >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 0 ] || { usage >&2; exit 2; }
[ "$extra" = 0 ] || many=0

root=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
[ -n "$dir" ] || dir=$root/bench-data
mkdir -p -- "$dir" || die "cannot create $dir"
dir=$(CDPATH='' cd -- "$dir" && pwd)
case $dir$root in
*\'*) die "paths with a single quote are not supported: $dir" ;;
esac
[ -f "$dir/.gitignore" ] || printf '*\n' >"$dir/.gitignore"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

# --- tools -------------------------------------------------------------------

if ! command -v flow-parse >/dev/null 2>&1 || ! command -v flowtag.sh >/dev/null 2>&1; then
	for d in "$root"/cmd/*/; do
		[ -d "$d" ] && PATH=${d%/}:$PATH
	done
	PATH=$root:$PATH
	export PATH
fi

# The programs of this run, copied: a rebuild or an edit of the tree while
# the bench runs does not change what is timed.
bin=$tmp/bin
mkdir -- "$bin"
for p in flow-parse flow-count flow-tag flow-untagged flowtag.sh; do
	f=$(command -v "$p" 2>/dev/null) || continue
	cp -- "$f" "$bin/$p" || die "cannot copy $f"
done
PATH=$bin:$PATH
FLOWTAG_BIN=$bin
export PATH FLOWTAG_BIN

# the data generator and the clock, built if make has not
for t in flowgen timeit; do
	if [ ! -x "$root/scripts/$t" ] || [ -n "$(find "$root/scripts/$t.c" -newer "$root/scripts/$t")" ]; then
		${CC:-cc} -O2 -o "$root/scripts/$t" "$root/scripts/$t.c" || die "cannot build scripts/$t"
	fi
done
flowgen=$root/scripts/flowgen
cp -- "$root/scripts/timeit" "$bin/timeit" || die "cannot copy scripts/timeit"
timeit=$bin/timeit

have() { command -v "$1" >/dev/null 2>&1; }

notes=
note() { notes="$notes$*
"; }

if have mawk; then
	awk=mawk
else
	awk='awk'
	note "mawk is not installed: the awk baseline runs with '$(command -v awk)' (apt-get install mawk)"
fi

ncpu=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)

# --- data --------------------------------------------------------------------

fsize() { wc -c <"$1" | tr -d ' '; }

# size PATH: a file's bytes, the number of files below a directory
size() {
	if [ -d "$1" ]; then
		find "$1" -type f | wc -l | tr -d ' '
	else
		fsize "$1"
	fi
}

# fresh PATH WANT: PATH is there, made by WANT, with the size it had then
fresh() {
	[ -e "$1" ] && [ -f "$1.stamp" ] && [ "$(cat "$1.stamp")" = "$2 $(size "$1")" ]
}
mark() { printf '%s %s\n' "$2" "$(size "$1")" >"$1.stamp"; }

# genpipe FILE CMD ARGS...: FILE from flowgen ARGS | CMD, unless a stamp
# says it is there
genpipe() {
	f=$1
	cmd=$2
	shift 2
	want="flowgen $* | $cmd"
	fresh "$f" "$want" && return 0
	printf '%s: generating %s (%s)\n' "$prog" "$f" "$want" >&2
	rm -f -- "$f.stamp"
	"$flowgen" "$@" | "$cmd" 2>/dev/null >"$f" || die "$cmd failed"
	mark "$f" "$want"
}

# gen FILE ARGS...: FILE from flowgen ARGS alone
gen() {
	f=$1
	shift
	genpipe "$f" cat "$@"
}

# genset DIR FILES LINES GZ SEED: DIR holds FILES files cut from one flowgen
# log (seed SEED), each the AWS header line then LINES lines (LINES 0: 20 to
# 60, varying), named like S3 objects; gzip -6 each when GZ is 1
genset() {
	gd=$1 nf=$2 per=$3 packed=$4 gs=$5
	total=$(awk -v nf="$nf" -v per="$per" 'BEGIN {
		for (i = 0; i < nf; i++) t += per ? per : 20 + (i * 7) % 41
		print t }')
	each=$per
	[ "$per" != 0 ] || each=20-60
	want="flowgen -s $gs -m 1 -d 5 -n $total, $nf files of $each lines, gzip $packed"
	fresh "$gd" "$want" && return 0
	printf '%s: generating %s (%s)\n' "$prog" "$gd" "$want" >&2
	rm -rf -- "$gd" "$gd.stamp" "$gd.new"
	mkdir -p -- "$gd.new" || die "cannot create $gd.new"
	"$flowgen" -s "$gs" -m 1 -d 5 -n "$total" |
		awk -v d="$gd.new" -v per="$per" -v gz="$packed" -v hdr="$hdr" -v q="'" '
		function name(i,   t, h) {
			t = i % 288
			h = (i * 40503 + 7919) % 65536
			return sprintf("123456789012_vpcflowlogs_us-east-1_fl-0123456789ab%05x_20261101T%02d%02dZ_%04x%04x.log%s",
				int(i / 288), int(t / 12), (t % 12) * 5, h, (h * 31 + i) % 65536, gz ? ".gz" : "")
		}
		function put(s) {
			if (gz)
				print s | f
			else
				print s > f
		}
		BEGIN { i = -1 }
		left == 0 {
			if (i >= 0)
				close(f)
			i++
			f = gz ? "gzip -6 >" q d "/" name(i) q : d "/" name(i)
			left = per ? per : 20 + (i * 7) % 41
			put(hdr)
		}
		{ put($0); left-- }
		END { close(f) }' || die "cannot write $gd.new"
	mv -- "$gd.new" "$gd" || die "cannot rename $gd.new"
	mark "$gd" "$want"
}

log=$dir/flows.log
lk=$dir/lookup.csv
gen "$log" -s "$seed" -m 1 -d 5 -n "$lines"
gen "$lk" -s "$seed" -L "$lkrows"
logbytes=$(fsize "$log")

missing=
for p in flow-parse flow-count flow-tag flow-untagged flowtag.sh; do
	have "$p" || missing="$missing $p"
done
[ -z "$missing" ] || note "not found on PATH:$missing (their cases are skipped)"

gz=$dir/flows.log.gz
mgz=$dir/many-gz
mpl=$dir/many-plain
day=$dir/day
if [ "$extra" = 0 ]; then
	want="gzip -6 of $(cat "$log.stamp")"
	if ! fresh "$gz" "$want"; then
		printf '%s: generating %s (gzip -6)\n' "$prog" "$gz" >&2
		rm -f -- "$gz.stamp"
		gzip -6 <"$log" >"$gz" || die "gzip failed"
		mark "$gz" "$want"
	fi
	if [ "$many" = 1 ]; then
		genset "$mgz" 1000 2000 1 43
		genset "$mpl" 200 50 0 44
		genset "$day" 25000 0 1 45
	fi
fi

# the unpacked bytes of a set of files
setbytes() { find "$1" -type f -exec cat {} + | gzip -dcf | wc -c | tr -d ' '; }

parsed=$dir/parsed.tsv
counted=$dir/counted.tsv
tagged=$dir/tagged.tsv
if have flow-parse && have flow-count; then
	flow-parse "$log" 2>/dev/null >"$parsed" || die "flow-parse $log failed"
	flow-count "$parsed" >"$counted" || die "flow-count $parsed failed"
	if have flow-tag; then
		flow-tag -l "$lk" "$counted" 2>/dev/null >"$tagged" || die "flow-tag $counted failed"
	fi
fi

# DuckDB: @duckdb/node-api in DIR/duckdb, installed by npm the first time
duck=
ddir=$dir/duckdb
duckver=
if [ "$extra" = 0 ]; then
	why=
	if ! have node || ! have npm; then
		why="node or npm is not installed"
	elif [ ! -f "$ddir/node_modules/@duckdb/node-api/package.json" ]; then
		printf '%s: npm install --prefix %s @duckdb/node-api\n' "$prog" "$ddir" >&2
		mkdir -p -- "$ddir"
		if ! npm install --prefix "$ddir" --no-audit --no-fund @duckdb/node-api >"$tmp/npm.log" 2>&1; then
			why="npm install @duckdb/node-api failed: $(grep -v '^ *$' "$tmp/npm.log" | tail -n 1)"
		fi
	fi
	if [ -z "$why" ]; then
		duckver=$(sed -n 's/^ *"version": *"\(.*\)",*$/\1/p' \
			"$ddir/node_modules/@duckdb/node-api/package.json" | head -n 1)
		head -n 100 "$log" >"$tmp/duck.log"
		# the protocol names as flow-parse prints them, 0..255, for the query
		awk 'BEGIN { for (p = 0; p < 256; p++)
			printf "2 1 eni-0 10.0.0.1 10.0.0.2 1 1 %d 1 1 1 1 ACCEPT OK\n", p }' |
			flow-parse 2>/dev/null | cut -f 2 >"$tmp/protos.txt"
		if node "$root/scripts/bench-duckdb.mjs" -d "$ddir" -p "$tmp/protos.txt" -l "$lk" -o "$tmp/duckout" \
			"$tmp/duck.log" >"$tmp/duck.err" 2>&1; then
			duck=1
		else
			why="it does not run: $(head -n 1 "$tmp/duck.err")"
		fi
	fi
	[ -n "$duck" ] || note "DuckDB skipped: $why"
fi
ddb="exec node '$root/scripts/bench-duckdb.mjs' -d '$ddir' -p '$tmp/protos.txt' -l '$lk'"

# flows.log as GZIP Parquet, written by DuckDB; and whether flow-parse reads
# Parquet: a small file must count as its text does
pq=$dir/flows.parquet
pqread=
if [ -n "$duck" ]; then
	want="DuckDB GZIP Parquet of $(cat "$log.stamp")"
	if ! fresh "$pq" "$want"; then
		printf '%s: generating %s (%s)\n' "$prog" "$pq" "$want" >&2
		rm -f -- "$pq" "$pq.stamp"
		node "$root/scripts/bench-duckdb.mjs" -d "$ddir" -P "$pq.new" "$log" || die "cannot write $pq"
		mv -- "$pq.new" "$pq" || die "cannot rename $pq.new"
		mark "$pq" "$want"
	fi
	if node "$root/scripts/bench-duckdb.mjs" -d "$ddir" -P "$tmp/duck.parquet" "$tmp/duck.log" 2>/dev/null &&
		flow-parse -c "$tmp/duck.parquet" >"$tmp/pq.c" 2>"$tmp/pq.err" && [ ! -s "$tmp/pq.err" ] &&
		flow-parse -c "$tmp/duck.log" 2>/dev/null | cmp -s - "$tmp/pq.c"; then
		pqread=1
	else
		note "flow-parse does not read Parquet: no flowtag.sh case on flows.parquet"
	fi
fi

gztest=
if [ -x "$root/tests/gz/gztest" ] && "$root/tests/gz/gztest" -h 2>&1 | grep -q -- '-b'; then
	gztest=$bin/gztest
	cp -- "$root/tests/gz/gztest" "$gztest" || die "cannot copy $root/tests/gz/gztest"
fi

# everything into the page cache before the first round
cat -- "$log" >/dev/null
[ ! -f "$gz" ] || cat -- "$gz" >/dev/null
for d in "$mgz" "$mpl" "$day"; do
	[ "$many" = 0 ] || [ ! -d "$d" ] || find "$d" -type f -exec cat {} + >/dev/null
done

# --- cases -------------------------------------------------------------------
# One line per case in $tmp/cases: id TAB group TAB rounds TAB input-bytes
# TAB label TAB command; `exec` makes a single command the process that
# timeit measures. One line per group in $tmp/groups: group TAB title TAB
# id of the reference case TAB its short name.

: >"$tmp/cases"
: >"$tmp/groups"
addcase() {   # id group rounds bytes label command [needed programs...]
	id=$1 g=$2 r=$3 b=$4 label=$5 c=$6
	shift 6
	for p in "$@"; do
		have "$p" || return 0
	done
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$id" "$g" "$r" "$b" "$label" "$c" >>"$tmp/cases"
}
filecase() {  # id group rounds file label command [programs...]: a case over
	[ -s "$4" ] || return 0   # a file made above, if it was; its size the bytes
	fid=$1 fg=$2 fr=$3 fb=$(fsize "$4")
	shift 4
	addcase "$fid" "$fg" "$fr" "$fb" "$@"
}
group() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$tmp/groups"; }
mb() { awk -v b="$1" 'BEGIN {printf "%.0f", b / 1e6}'; }

slow=$rounds
[ "$slow" -le 3 ] || slow=3
ftq="exec flowtag.sh -q -l '$lk'"
# ftcases P GROUP BYTES O INPUTS [LABEL]: flowtag.sh -q at -j 1 (case Pft1,
# into out-Oj1) and at the default -j (PftN, out-OjN) over INPUTS (quoted)
ftcases() {
	addcase "${1}ft1" "$2" "$rounds" "$3" "flowtag.sh -q -j 1${6:-}" \
		"$ftq -j 1 -o '$dir/out-${4}j1' $5" flowtag.sh
	addcase "${1}ftN" "$2" "$rounds" "$3" "flowtag.sh -q (-j $ncpu)${6:-}" \
		"$ftq -o '$dir/out-${4}jN' $5" flowtag.sh
}

if [ "$extra" = 0 ]; then
	group plain "flows.log: $lines lines, $(mb "$logbytes") MB" wc "x_wc-l"
	# no outputs of an earlier run: a case that fails leaves none
	rm -rf "$dir"/out-* "$dir"/ddb-*
	for o in j1 jN gz-j1 gz-jN pq-j1 pq-jN mgz-j1 mgz-jN mpl-j1 mpl-jN day-j1 day-jN; do
		mkdir -p "$dir/out-$o"
	done
	mkdir -p "$tmp/awkout"
	addcase wc plain "$rounds" "$logbytes" "wc -l" "exec wc -l <'$log' >/dev/null"
	addcase cat plain "$rounds" "$logbytes" "cat >/dev/null" "exec cat '$log' >/dev/null"
	addcase sh plain "$rounds" 0 "sh -c : (the clock's floor)" ":"
	ftcases '' plain "$logbytes" '' "'$log'"
	addcase fw1 plain "$rounds" "$logbytes" "flowtag.sh -q -j 1 -w action=REJECT" \
		"$ftq -j 1 -w action=REJECT -o '$dir/out-w1' '$log'" flowtag.sh
	addcase fwN plain "$rounds" "$logbytes" "flowtag.sh -q -w action=REJECT" \
		"$ftq -w action=REJECT -o '$dir/out-wN' '$log'" flowtag.sh
	addcase parse plain "$rounds" "$logbytes" "flow-parse >/dev/null" \
		"exec flow-parse '$log' >/dev/null" flow-parse
	addcase pcount plain "$rounds" "$logbytes" "flow-parse | flow-count" \
		"flow-parse '$log' | flow-count >/dev/null" flow-parse flow-count
	filecase count plain "$rounds" "$parsed" "flow-count (parsed.tsv)" \
		"exec flow-count '$parsed' >/dev/null" flow-count
	filecase tag plain "$rounds" "$counted" "flow-tag (counted, 10k lookup)" \
		"exec flow-tag -l '$lk' '$counted' >/dev/null" flow-tag
	filecase untag plain "$rounds" "$tagged" "flow-untagged (tagged)" \
		"exec flow-untagged '$tagged' >/dev/null" flow-untagged
	addcase awk plain "$rounds" "$logbytes" "$awk -f flowtag.awk" \
		"exec $awk -v out='$tmp/awkout' -f '$root/scripts/flowtag.awk' '$lk' '$log'"
	addcase sortu plain "$slow" "$logbytes" "awk|sort|uniq -c (LC_ALL=C)" \
		"$awk '{print \$7, \$8}' '$log' | LC_ALL=C sort | LC_ALL=C uniq -c >/dev/null"
	[ -z "$duck" ] ||
		addcase dplain plain "$slow" "$logbytes" "DuckDB (2 threads)" "$ddb -o '$dir/ddb-plain' '$log'"

	if [ -n "$duck" ]; then
		group pq "flows.parquet: GZIP Parquet by DuckDB, $(mb "$(fsize "$pq")") MB; MB/s of the text log" \
			dpq "x_DuckDB"
		if [ -n "$pqread" ]; then
			ftcases q pq "$logbytes" pq- "'$pq'"
		fi
		addcase dpq pq "$slow" "$logbytes" "DuckDB (2 threads)" "$ddb -o '$dir/ddb-pq' '$pq'"
	fi

	group gz "flows.log.gz: gzip -6, $(mb "$(fsize "$gz")") MB packed; MB/s of unpacked data" gzt "x_gzip-t"
	ftcases g gz "$logbytes" gz- "'$gz'"
	addcase gzt gz "$slow" "$logbytes" "gzip -t" "exec gzip -t '$gz'"
	addcase igzt gz "$rounds" "$logbytes" "igzip -t" "exec igzip -t '$gz'" igzip
	[ -z "$duck" ] ||
		addcase dgz gz "$slow" "$logbytes" "DuckDB (2 threads)" "$ddb -o '$dir/ddb-gz' '$gz'"
	have igzip || note "igzip is not installed: no igzip -t case (apt-get install isal)"
	[ -n "$gztest" ] ||
		note "tests/gz/gztest is not built with -b: the decoder's speed is only derived"
	[ -z "$gztest" ] ||
		addcase gzb gz "$rounds" "$logbytes" "decoder alone (gztest -b)" \
			"exec '$gztest' -b -n 1 '$gz' >/dev/null"
	addcase pcgz gz "$rounds" "$logbytes" "flow-parse -c -j 1 (.gz)" \
		"exec flow-parse -c -j 1 '$gz' >/dev/null" flow-parse
	addcase pcpl gz "$rounds" "$logbytes" "flow-parse -c -j 1 (plain)" \
		"exec flow-parse -c -j 1 '$log' >/dev/null" flow-parse
	if [ "$many" = 1 ]; then
		b=$(setbytes "$mgz")
		group mgz "many-gz: 1,000 gzip -6 files of 2,000 lines, $(mb "$b") MB unpacked" mzcat "x_zcat"
		mkdir -p "$tmp/awkmgz"
		ftcases m mgz "$b" mgz- "'$mgz/'*.log.gz"
		addcase mawk mgz "$rounds" "$b" "zcat | $awk -f flowtag.awk" \
			"zcat '$mgz/'*.log.gz | $awk -v out='$tmp/awkmgz' -f '$root/scripts/flowtag.awk' '$lk' -" zcat
		addcase mzcat mgz "$rounds" "$b" "zcat >/dev/null" "exec zcat '$mgz/'*.log.gz >/dev/null" zcat
		[ -z "$duck" ] ||
			addcase dmgz mgz "$slow" "$b" "DuckDB (2 threads, glob)" \
				"$ddb -H -o '$dir/ddb-mgz' '$mgz/*.log.gz'"

		b=$(setbytes "$mpl")
		group mpl "many-plain: 200 files of 50 lines, $(mb "$b") MB" pft1 "x_-j1"
		mkdir -p "$tmp/awkmpl"
		ftcases p mpl "$b" mpl- "'$mpl/'*.log"
		addcase pawk mpl "$rounds" "$b" "$awk -f flowtag.awk" \
			"exec $awk -v out='$tmp/awkmpl' -f '$root/scripts/flowtag.awk' '$lk' '$mpl/'*.log"
		addcase pcat mpl "$rounds" "$b" "cat >/dev/null" "exec cat '$mpl/'*.log >/dev/null"
		[ -z "$duck" ] ||
			addcase dmpl mpl "$slow" "$b" "DuckDB (2 threads, glob)" \
				"$ddb -H -o '$dir/ddb-mpl' '$mpl/*.log'"

		b=$(setbytes "$day")
		group day "day: 25,000 gzip files of 20-60 lines in one directory, $(mb "$b") MB unpacked" \
			dftN "x_flowtag"
		ftcases d day "$b" day- "'$day'" " DIR"
		[ -z "$duck" ] ||
			addcase dday day "$slow" "$b" "DuckDB (2 threads, DIR/*.log.gz)" \
				"$ddb -H -o '$dir/ddb-day' '$day/*.log.gz'"
	fi
else
	group x "scaling checks" - "ns/line"
	k10m=$dir/keys10M.tsv
	k1k=$dir/keys1k.tsv
	lk1m=$dir/lookup1M.csv
	if have flow-parse; then
		genpipe "$k10m" flow-parse -s 7 -k 10000000 -n 10000000
		genpipe "$k1k" flow-parse -s 7 -k 1000 -n 10000000
	fi
	gen "$lk1m" -s "$seed" -L 1000000
	filecase keys1k x "$slow" "$k1k" "flow-count, 10M lines, 1k keys" \
		"exec flow-count '$k1k' >/dev/null" flow-count
	filecase keys10m x "$slow" "$k10m" "flow-count, 10M lines, 10M keys" \
		"exec flow-count '$k10m' >/dev/null" flow-count
	addcase load10k x "$slow" "$(fsize "$lk")" "flow-tag load 10k rows" \
		"exec flow-tag -l '$lk' </dev/null >/dev/null" flow-tag
	addcase load1m x "$slow" "$(fsize "$lk1m")" "flow-tag load 1M rows" \
		"exec flow-tag -l '$lk1m' </dev/null >/dev/null" flow-tag
	filecase tag1m x "$slow" "$counted" "flow-tag (counted, 1M lookup)" \
		"exec flow-tag -l '$lk1m' '$counted' >/dev/null" flow-tag
	filecase awk10m x 1 "$k10m" "$awk count, 10M keys (ref.)" \
		"exec $awk '{c[\$0]++} END {for (k in c) n++; print n}' '$k10m' >/dev/null"
fi

# --- measuring ---------------------------------------------------------------

# measure ID COMMAND: one timed run; appends seconds and KiB to $tmp/ID.*
measure() {
	st=0
	: >"$tmp/time"
	"$timeit" "$tmp/time" "$2" 2>"$tmp/$1.err" || st=$?
	if [ "$st" -ne 0 ]; then
		printf '%s: %s failed (exit %s): %s\n' "$prog" "$1" "$st" "$(head -n 3 "$tmp/$1.err")" >&2
		printf 'fail\n' >>"$tmp/$1.s"
		return 0
	fi
	read -r s k <"$tmp/time"
	printf '%s\n' "$s" >>"$tmp/$1.s"
	printf '%s\n' "$k" >>"$tmp/$1.k"
}

printf '%s: %s lines, %s bytes, %s rounds, %s cores, %s cases\n' \
	"$prog" "$lines" "$logbytes" "$rounds" "$ncpu" "$(wc -l <"$tmp/cases" | tr -d ' ')" >&2

loadavg() { cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null || :; }
load0=$(loadavg)
r=1
while [ "$r" -le "$rounds" ]; do
	printf '%s: round %s:' "$prog" "$r" >&2
	while IFS='	' read -r id _ n _ _ c; do
		[ "$r" -le "$n" ] || continue
		# a case that took over two minutes is not run again
		if [ -f "$tmp/$id.s" ] &&
			awk '$1 != "fail" && $1 > 120 {x = 1} END {exit !x}' "$tmp/$id.s"; then
			continue
		fi
		printf ' %s' "$id" >&2
		measure "$id" "$c" </dev/null
	done <"$tmp/cases"
	printf '\n' >&2
	r=$((r + 1))
done

# --- report ------------------------------------------------------------------

median() {  # the median of the numbers in file $1, "fail" if any run failed
	if grep -q fail "$1"; then
		printf 'fail'
		return
	fi
	sort -n "$1" | awk '{a[NR] = $1} END {
		if (NR % 2) printf "%.3f", a[(NR + 1) / 2]
		else printf "%.3f", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

maxk() {
	[ -s "$1" ] || { printf -- '-'; return; }
	sort -n "$1" | tail -n 1 | awk '{printf "%.1f", $1 / 1024}'
}

# $tmp/table: id TAB group TAB label TAB rounds TAB median TAB bytes TAB MiB
: >"$tmp/table"
while IFS='	' read -r id g _ b label _; do
	[ -f "$tmp/$id.s" ] || continue
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$id" "$g" "$label" "$(wc -l <"$tmp/$id.s" | tr -d ' ')" \
		"$(median "$tmp/$id.s")" "$b" "$(maxk "$tmp/$id.k")" >>"$tmp/table"
done <"$tmp/cases"

printf '\nflowtag bench: %s, %s lines (%s MB), lookup %s rows, %s cores, %s\n' \
	"$(date -u '+%Y-%m-%d %H:%M UTC')" "$lines" "$(mb "$logbytes")" "$lkrows" "$ncpu" \
	"$(uname -sm)"
cpu=$(sed -n 's/^model name[	 ]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)
[ -z "$cpu" ] || printf 'cpu: %s\n' "$cpu"
rev=$(git -C "$root" rev-parse --short HEAD 2>/dev/null) || rev=
if [ -n "$rev" ]; then
	git -C "$root" diff --quiet HEAD -- 2>/dev/null || rev="$rev + uncommitted changes"
	printf 'programs: %s\n' "$rev"
fi
load1=$(loadavg)
if [ -n "$load0" ]; then
	printf 'load average (1, 5, 15 min): %s before, %s after\n' "$load0" "$load1"
	awk -v l="${load0%% *}" -v n="$ncpu" 'BEGIN {exit !(l > n / 2)}' &&
		note "the machine was busy when the bench started (load ${load0%% *} on $ncpu cores): the times are not a quiet machine's"
fi
[ -z "$duckver" ] || [ -z "$duck" ] || printf 'DuckDB: @duckdb/node-api %s (node %s)\n' "$duckver" "$(node --version)"
xlines=$lines
[ "$extra" = 0 ] || xlines=10000000     # the keys*.tsv files of -x
awk -F '\t' -v lines="$xlines" '
	FNR == NR { title[$1] = $2; ref[$1] = $3; rname[$1] = $4; order[++ng] = $1; next }
	{ g = $2; n[g]++; k = g SUBSEP n[g]
	  id[k] = $1; label[k] = $3; rnd[k] = $4; med[k] = $5; bytes[k] = $6; rss[k] = $7
	  if ($1 == ref[g] && $5 != "fail") reft[g] = $5 }
	END {
		for (j = 1; j <= ng; j++) {
			g = order[j]
			if (!n[g])
				continue
			printf "\n%s\n", title[g]
			printf "%-34s %6s %9s %9s %9s %9s\n", "case", "rounds", "median_s", "MB/s", rname[g], "RSS_MiB"
			for (i = 1; i <= n[g]; i++) {
				k = g SUBSEP i
				if (med[k] == "fail") {
					printf "%-34s %6s %9s %9s %9s %9s\n", label[k], rnd[k], "FAIL", "-", "-", rss[k]
					continue
				}
				mbs = med[k] > 0 && bytes[k] > 0 ? sprintf("%.0f", bytes[k] / med[k] / 1e6) : "-"
				if (g == "x")
					x = id[k] ~ /^keys/ && med[k] > 0 ? sprintf("%.0f", med[k] / lines * 1e9) : "-"
				else
					x = reft[g] > 0 ? sprintf("%.2f", med[k] / reft[g]) : "-"
				printf "%-34s %6s %9.3f %9s %9s %9s\n", label[k], rnd[k], med[k], mbs, x, rss[k]
			}
		}
	}' "$tmp/groups" "$tmp/table"

# med ID: the case's median seconds, empty if it did not run or failed
med() { awk -F '\t' -v c="$1" '$1 == c && $5 != "fail" {print $5}' "$tmp/table"; }

# target TEXT A B OP LIMIT: the ratio of the medians of cases A and B
# against the target "A / B OP LIMIT"
target() {
	a=$(med "$2") b=$(med "$3")
	if [ -z "$a" ] || [ -z "$b" ]; then
		printf '  %-50s %7s   (target %s %s)\n' "$1" "n/a" "$4" "$5"
		return 0
	fi
	awk -v t="$1" -v a="$a" -v b="$b" -v op="$4" -v lim="$5" 'BEGIN {
		x = b > 0 ? a / b : 0
		ok = op == "<=" ? x <= lim : x >= lim
		printf("  %-50s %7.2f   (target %s %s: %s)\n", t, x, op, lim, ok ? "ok" : "MISSED") }'
}

# same NAME DIR1 DIR2 SORTED FILES...: whether the files agree, byte for
# byte or (SORTED 1) as sorted rows; nothing if DIR1 has none of them
same() {
	name=$1 d1=$2 d2=$3 sorted=$4
	shift 4
	[ -f "$d1/$1" ] || return 0
	if [ ! -f "$d2/$1" ]; then
		printf '  %s: no output from the second to compare\n' "$name"
		return 0
	fi
	differ=
	for f; do
		if [ "$sorted" = 1 ]; then
			LC_ALL=C sort "$d1/$f" >"$tmp/s1" 2>/dev/null || : >"$tmp/s1"
			LC_ALL=C sort "$d2/$f" >"$tmp/s2" 2>/dev/null || : >"$tmp/s2"
			cmp -s "$tmp/s1" "$tmp/s2" || differ="$differ $f"
		else
			cmp -s "$d1/$f" "$d2/$f" || differ="$differ $f"
		fi
	done
	if [ -z "$differ" ]; then
		printf '  %s: agree (%s)\n' "$name" "$*"
	else
		printf '  %s: DIFFER:%s\n' "$name" "$differ"
	fi
}

if [ "$extra" = 0 ]; then
	printf '\ntargets (issues 3, 12, 13, 16, 17, 19), ratios of medians:\n'
	target "gz: flowtag.sh -j 1 / gzip -t" gft1 gzt "<=" 0.36
	target "gz: DuckDB / flowtag.sh -j 1" dgz gft1 ">=" 2.5
	target "plain: flowtag.sh (-j $ncpu) / wc -l" ftN wc "<=" 2
	target "plain: flowtag.sh -j 1 / wc -l (issue 3)" ft1 wc "<=" 4
	target "plain: flowtag.sh -j 1 / -j $ncpu" ft1 ftN ">=" 1.6
	target "plain: -w action=REJECT / unfiltered, -j 1" fw1 ft1 "<=" 1.5
	target "plain: -w action=REJECT / unfiltered (-j $ncpu)" fwN ftN "<=" 1.5
	target "parquet: flowtag.sh (-j $ncpu) / DuckDB" qftN dpq "<=" 1
	if [ "$many" = 1 ]; then
		target "many-gz: DuckDB / flowtag.sh (-j $ncpu)" dmgz mftN ">=" 4
		target "many-gz: flowtag.sh (-j $ncpu) / zcat" mftN mzcat "<=" 0.25
		target "many-gz: flowtag.sh (-j $ncpu) / -j 1" mftN mft1 "<=" 1
		target "many-plain: flowtag.sh (-j $ncpu) / -j 1" pftN pft1 "<=" 1.05
		target "day: flowtag.sh (-j $ncpu) / -j 1" dftN dft1 "<=" 1
		target "day: DuckDB / flowtag.sh (-j $ncpu)" dday dftN ">=" 1
	fi
	# the decoder's speed: measured alone, and derived from flow-parse -c
	a=$(med gzb) g=$(med pcgz) p=$(med pcpl)
	[ -z "$a" ] || awk -v b="$logbytes" -v t="$a" 'BEGIN {
		x = t > 0 ? b / t / 1e6 : 0
		printf("  %-50s %7.0f   (target >= 700: %s)\n", "gz: decoder alone (gztest -b), MB/s of output",
			x, x >= 700 ? "ok" : "MISSED") }'
	[ -z "$g" ] || [ -z "$p" ] || awk -v b="$logbytes" -v g="$g" -v p="$p" 'BEGIN {
		x = g > p ? b / (g - p) / 1e6 : 0
		if (x > 0)
			printf("  %-50s %7.0f   (target >= 700: %s)\n", "gz: decoder derived, MB/s of output (see note)",
				x, x >= 700 ? "ok" : "MISSED")
	}'
	# peak RSS of any flowtag.sh case: the largest process, flow-parse;
	# Parquet (issue 17) has a target of its own
	for w in text parquet; do
		awk -F '\t' -v w="$w" '$1 ~ /ft[1N]$/ && ($2 == "pq") == (w == "parquet") &&
			$7 != "-" && $7 + 0 > m {m = $7 + 0; c = $3 " (" $2 ")"}
		END {
			if (!m)
				exit
			lim = w == "parquet" ? 64 : 32
			printf("  %-50s %7.1f   (target <= %d: %s)\n", "peak RSS of a flowtag.sh process, " w ", MiB",
				m, lim, m <= lim ? "ok" : "MISSED")
			printf("    (largest: %s)\n", c)
		}' "$tmp/table"
	done
	[ -z "$g" ] || [ -z "$p" ] ||
		note "decoder derived = unpacked bytes / (time of flow-parse -c -j 1 on the .gz - time of the same on the plain log), the time that decoding adds to parsing and counting"

	printf '\noutputs:\n'
	# flowtag.awk does the whole job: its five files should be flowtag.sh's
	five='output.csv tag_counts.csv port_protocol_counts.csv untagged_flows.csv error.log'
	three='port_protocol_counts.csv tag_counts.csv untagged_flows.csv'
	# the filtered runs: -j makes no difference; the REJECTed flows in all
	# as awk counts them (its own reading of the v2 default format)
	if [ -f "$dir/out-w1/output.csv" ]; then
		# shellcheck disable=SC2086 # the file names are words
		[ ! -f "$dir/out-wN/output.csv" ] || same "-w action=REJECT: -j $ncpu vs -j 1" "$dir/out-wN" "$dir/out-w1" 0 $five
		a=$(awk 'NF == 14 && $1 !~ /^#/ && $13 == "REJECT" && $7 ~ /^[0-9]+$/ && $7 + 0 <= 65535 &&
			$8 ~ /^[0-9]+$/ && $8 + 0 <= 255 && toupper($14) != "NODATA" && toupper($14) != "SKIPDATA" { n++ }
			END { print n + 0 }' "$log")
		f=$(awk -F , '$1 == "flows" { print $2 }' "$dir/out-w1/output.csv")
		if [ "$a" = "$f" ]; then
			printf '  -w action=REJECT: flows, awk vs flowtag.sh: agree (%s)\n' "$a"
		else
			printf '  -w action=REJECT: flows, awk vs flowtag.sh: DIFFER (%s, %s)\n' "$a" "$f"
		fi
	fi
	for c in j1 jN; do
		o=$dir/out-$c
		[ -f "$o/output.csv" ] || continue
		if [ ! -f "$tmp/awkout/output.csv" ]; then
			printf '  flowtag.awk vs out-%s: flowtag.awk wrote no output\n' "$c"
			continue
		fi
		# shellcheck disable=SC2086 # the file names are words
		same "flowtag.awk vs out-$c" "$o" "$tmp/awkout" 0 $five
	done
	# shellcheck disable=SC2086
	{
		same "plain: DuckDB vs flowtag.sh" "$dir/ddb-plain" "$dir/out-j1" 1 $three
		same "gz: flowtag.sh -j 1 vs the same on flows.log" "$dir/out-gz-j1" "$dir/out-j1" 0 $three output.csv
		same "gz: flowtag.sh -j $ncpu vs -j 1" "$dir/out-gz-jN" "$dir/out-gz-j1" 0 $five
		same "gz: DuckDB vs flowtag.sh" "$dir/ddb-gz" "$dir/out-gz-j1" 1 $three
		same "parquet: flowtag.sh -j 1 vs the same on flows.log" "$dir/out-pq-j1" "$dir/out-j1" 0 $three
		same "parquet: flowtag.sh -j $ncpu vs -j 1" "$dir/out-pq-jN" "$dir/out-pq-j1" 0 $five
		same "parquet: DuckDB vs flowtag.sh" "$dir/ddb-pq" "$dir/out-pq-j1" 1 $three
		same "parquet: DuckDB vs flowtag.sh on flows.log" "$dir/ddb-pq" "$dir/out-j1" 1 $three
		if [ "$many" = 1 ]; then
			same "many-gz: flowtag.sh -j $ncpu vs -j 1" "$dir/out-mgz-jN" "$dir/out-mgz-j1" 0 $five
			same "many-gz: zcat | flowtag.awk vs flowtag.sh" "$tmp/awkmgz" "$dir/out-mgz-j1" 0 $three
			same "many-gz: DuckDB vs flowtag.sh" "$dir/ddb-mgz" "$dir/out-mgz-j1" 1 $three
			same "many-plain: flowtag.sh -j $ncpu vs -j 1" "$dir/out-mpl-jN" "$dir/out-mpl-j1" 0 $five
			same "many-plain: flowtag.awk vs flowtag.sh" "$tmp/awkmpl" "$dir/out-mpl-j1" 0 $five
			same "many-plain: DuckDB vs flowtag.sh" "$dir/ddb-mpl" "$dir/out-mpl-j1" 1 $three
			same "day: flowtag.sh -j $ncpu vs -j 1" "$dir/out-day-jN" "$dir/out-day-j1" 0 $five
			same "day: DuckDB vs flowtag.sh" "$dir/ddb-day" "$dir/out-day-j1" 1 $three
		fi
	}
	if [ -f "$tmp/awkout/output.csv" ] && [ -f "$dir/out-j1/output.csv" ] &&
		! cmp -s "$tmp/awkout/output.csv" "$dir/out-j1/output.csv"; then
		sed -n '/^Totals:/,$p' "$dir/out-j1/output.csv" >"$tmp/ft.tot"
		sed -n '/^Totals:/,$p' "$tmp/awkout/output.csv" | diff "$tmp/ft.tot" - | head -n 20 || true
	fi
fi
if [ -n "$notes" ]; then
	printf '\n'
	printf '%s' "$notes" | sed 's/^/note: /'
fi
printf '\nRSS: peak resident set of the largest single process (timeit on sh -c;\n'
printf 'pipelines and flowtag.sh: the largest of their processes, not the sum).\n'
