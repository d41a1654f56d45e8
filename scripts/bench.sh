#!/bin/sh
# bench.sh -- time the flowtag tools against wc, cat and an awk baseline.
#
#   sh scripts/bench.sh [-x] [-r ROUNDS] [-n LINES] [-d DIR]
#
# Generates (or reuses) DIR/flows.log (LINES lines, fixed seed) and
# DIR/lookup.csv (10000 rows) with scripts/flowgen, then times each case
# ROUNDS times, interleaved round by round, and prints median seconds,
# MB/s of the case's input, the ratio to `wc -l`, and peak RSS. Each filter
# is also timed alone on its usual input: flow-parse on the log, flow-count
# on flow-parse's output (parsed.tsv), flow-tag on flow-count's (counted.tsv),
# flow-untagged on flow-tag's (tagged.tsv).
# The awk baseline, scripts/flowtag.awk, does flowtag.sh's whole job: after
# the table the report says whether its five output files are identical to
# those of flowtag.sh (DIR/out-j1, DIR/out-jN) and names any that differ.
# -x runs the scaling checks instead: flow-count on 10M distinct keys vs
# 1k keys, and flow-tag loading a 1,000,000-row lookup table.
#
# The programs are taken from PATH (make bench puts cmd/*/ and the repo
# root first); if they are not there, the repo's cmd/*/ and root are added.
#
# Peak RSS comes from GNU time (`/usr/bin/time -f %M`) around `sh -c CASE`:
# for a pipeline, or a script like flowtag.sh, that is the largest single
# process among the shell and all its children (getrusage's ru_maxrss for
# children is a maximum, not a sum), so for `flowtag.sh -j N` the N workers
# together use up to N times the figure shown.
set -eu

prog=bench.sh
seed=42
lkrows=10000

usage() {
	printf 'usage: sh scripts/bench.sh [-x] [-r ROUNDS] [-n LINES] [-d DIR]\n'
	printf '  -r ROUNDS  rounds per case (default 5; slow cases at most 3)\n'
	printf '  -n LINES   lines of the generated flow log (default 10000000)\n'
	printf '  -d DIR     data directory (default bench-data in the repo root)\n'
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
while getopts hxr:n:d: opt; do
	case $opt in
	h) usage; exit 0 ;;
	x) extra=1 ;;
	r) posint -r "$OPTARG"; rounds=$OPTARG ;;
	n) posint -n "$OPTARG"; lines=$OPTARG ;;
	d) dir=$OPTARG ;;
	*) usage >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 0 ] || { usage >&2; exit 2; }

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

flowgen=$root/scripts/flowgen
if [ ! -x "$flowgen" ] || [ -n "$(find "$root/scripts/flowgen.c" -newer "$flowgen")" ]; then
	${CC:-cc} -O2 -o "$flowgen" "$root/scripts/flowgen.c" || die "cannot build $flowgen"
fi

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

gtime=
for t in /usr/bin/time gtime; do
	if "$t" -f %M -o /dev/null true >/dev/null 2>&1; then
		gtime=$t
		break
	fi
done
[ -n "$gtime" ] || note "GNU time not found: no peak RSS (apt-get install time)"

# Nanosecond clock if date has %N (GNU), else GNU time's %e (10 ms steps).
case $(date +%N 2>/dev/null) in
'' | *[!0-9]*) nsclock=0 ;;
*) nsclock=1 ;;
esac
[ "$nsclock" = 1 ] || [ -n "$gtime" ] || die "need GNU date (+%N) or GNU time to measure"

ncpu=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)

# --- data --------------------------------------------------------------------

fsize() { wc -c <"$1" | tr -d ' '; }

# genpipe FILE CMD ARGS...: FILE from flowgen ARGS | CMD, unless a stamp
# says it is there
genpipe() {
	f=$1
	cmd=$2
	shift 2
	want="flowgen $* | $cmd"
	if [ -f "$f" ] && [ -f "$f.stamp" ] &&
		[ "$(cat "$f.stamp")" = "$want $(fsize "$f")" ]; then
		return 0
	fi
	printf '%s: generating %s (%s)\n' "$prog" "$f" "$want" >&2
	rm -f -- "$f.stamp"
	"$flowgen" "$@" | "$cmd" 2>/dev/null >"$f" || die "$cmd failed"
	printf '%s %s\n' "$want" "$(fsize "$f")" >"$f.stamp"
}

# gen FILE ARGS...: FILE from flowgen ARGS alone
gen() {
	f=$1
	shift
	genpipe "$f" cat "$@"
}

log=$dir/flows.log
lk=$dir/lookup.csv
gen "$log" -s "$seed" -m 1 -d 5 -n "$lines"
gen "$lk" -s "$seed" -L "$lkrows"
logbytes=$(fsize "$log")
cat -- "$log" >/dev/null       # into the page cache before the first round

missing=
for p in flow-parse flow-count flow-tag flow-untagged flowtag.sh; do
	have "$p" || missing="$missing $p"
done
[ -z "$missing" ] || note "not found on PATH:$missing (their cases are skipped)"

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

# --- cases -------------------------------------------------------------------
# One line per case in $tmp/cases: id TAB rounds TAB input-bytes TAB label TAB
# command; `exec` makes a single command the process that GNU time measures.

: >"$tmp/cases"
addcase() {   # id rounds bytes label command [needed programs...]
	id=$1 r=$2 b=$3 label=$4 c=$5
	shift 5
	for p in "$@"; do
		have "$p" || return 0
	done
	printf '%s\t%s\t%s\t%s\t%s\n' "$id" "$r" "$b" "$label" "$c" >>"$tmp/cases"
}

slow=$rounds
[ "$slow" -le 3 ] || slow=3

if [ "$extra" = 0 ]; then
	mkdir -p "$dir/out-j1" "$dir/out-jN"
	addcase wc "$rounds" "$logbytes" "wc -l" "exec wc -l <'$log' >/dev/null"
	addcase cat "$rounds" "$logbytes" "cat >/dev/null" "exec cat '$log' >/dev/null"
	addcase ft1 "$rounds" "$logbytes" "flowtag.sh -q -j 1" \
		"exec flowtag.sh -q -j 1 -l '$lk' -o '$dir/out-j1' '$log'" flowtag.sh
	addcase ftN "$rounds" "$logbytes" "flowtag.sh -q (-j $ncpu)" \
		"exec flowtag.sh -q -l '$lk' -o '$dir/out-jN' '$log'" flowtag.sh
	addcase parse "$rounds" "$logbytes" "flow-parse >/dev/null" \
		"exec flow-parse '$log' >/dev/null" flow-parse
	addcase pcount "$rounds" "$logbytes" "flow-parse | flow-count" \
		"flow-parse '$log' | flow-count >/dev/null" flow-parse flow-count
	[ -s "$parsed" ] &&
		addcase count "$rounds" "$(fsize "$parsed")" "flow-count (parsed.tsv)" \
			"exec flow-count '$parsed' >/dev/null" flow-count
	[ -s "$counted" ] &&
		addcase tag "$rounds" "$(fsize "$counted")" "flow-tag (counted, 10k lookup)" \
			"exec flow-tag -l '$lk' '$counted' >/dev/null" flow-tag
	[ -s "$tagged" ] &&
		addcase untag "$rounds" "$(fsize "$tagged")" "flow-untagged (tagged)" \
			"exec flow-untagged '$tagged' >/dev/null" flow-untagged
	mkdir -p "$tmp/awkout"
	addcase awk "$rounds" "$logbytes" "$awk -f flowtag.awk" \
		"exec $awk -v out='$tmp/awkout' -f '$root/scripts/flowtag.awk' '$lk' '$log'"
	addcase sortu "$slow" "$logbytes" "awk|sort|uniq -c (LC_ALL=C)" \
		"$awk '{print \$7, \$8}' '$log' | LC_ALL=C sort | LC_ALL=C uniq -c >/dev/null"
else
	k10m=$dir/keys10M.tsv
	k1k=$dir/keys1k.tsv
	lk1m=$dir/lookup1M.csv
	if have flow-parse; then
		genpipe "$k10m" flow-parse -s 7 -k 10000000 -n 10000000
		genpipe "$k1k" flow-parse -s 7 -k 1000 -n 10000000
	fi
	gen "$lk1m" -s "$seed" -L 1000000
	[ -s "$k1k" ] &&
		addcase keys1k "$slow" "$(fsize "$k1k")" "flow-count, 10M lines, 1k keys" \
			"exec flow-count '$k1k' >/dev/null" flow-count
	[ -s "$k10m" ] &&
		addcase keys10m "$slow" "$(fsize "$k10m")" "flow-count, 10M lines, 10M keys" \
			"exec flow-count '$k10m' >/dev/null" flow-count
	addcase load10k "$slow" "$(fsize "$lk")" "flow-tag load 10k rows" \
		"exec flow-tag -l '$lk' </dev/null >/dev/null" flow-tag
	addcase load1m "$slow" "$(fsize "$lk1m")" "flow-tag load 1M rows" \
		"exec flow-tag -l '$lk1m' </dev/null >/dev/null" flow-tag
	[ -s "$counted" ] &&
		addcase tag1m "$slow" "$(fsize "$counted")" "flow-tag (counted, 1M lookup)" \
			"exec flow-tag -l '$lk1m' '$counted' >/dev/null" flow-tag
	[ -s "$k10m" ] &&
		addcase awk10m 1 "$(fsize "$k10m")" "$awk count, 10M keys (ref.)" \
			"exec $awk '{c[\$0]++} END {for (k in c) n++; print n}' '$k10m' >/dev/null"
fi

# --- measuring ---------------------------------------------------------------

now() { date +%s%N; }

# measure ID COMMAND: one timed run; appends seconds and KiB to $tmp/ID.*
measure() {
	st=0
	[ "$nsclock" = 0 ] || t0=$(now)
	if [ -n "$gtime" ]; then
		"$gtime" -f '%e %M' -o "$tmp/time" sh -c "$2" 2>"$tmp/$1.err" || st=$?
	else
		sh -c "$2" 2>"$tmp/$1.err" || st=$?
	fi
	[ "$nsclock" = 0 ] || t1=$(now)
	if [ "$st" -ne 0 ]; then
		printf '%s: %s failed (exit %s): %s\n' "$prog" "$1" "$st" "$(head -n 3 "$tmp/$1.err")" >&2
		printf 'fail\n' >>"$tmp/$1.s"
		return 0
	fi
	if [ "$nsclock" = 1 ]; then
		printf '%s\n' "$(((t1 - t0) / 1000000))" | awk '{printf "%.3f\n", $1 / 1000}' >>"$tmp/$1.s"
	else
		tail -n 1 "$tmp/time" | awk '{print $1}' >>"$tmp/$1.s"
	fi
	[ -z "$gtime" ] || tail -n 1 "$tmp/time" | awk '{print $2}' >>"$tmp/$1.k"
}

printf '%s: %s lines, %s bytes, %s rounds, %s cores\n' \
	"$prog" "$lines" "$logbytes" "$rounds" "$ncpu" >&2

r=1
while [ "$r" -le "$rounds" ]; do
	printf '%s: round %s:' "$prog" "$r" >&2
	while IFS='	' read -r id n _ _ c; do
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

: >"$tmp/table"
while IFS='	' read -r id _ b label _; do
	[ -f "$tmp/$id.s" ] || continue
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$id" "$label" "$(wc -l <"$tmp/$id.s" | tr -d ' ')" \
		"$(median "$tmp/$id.s")" "$b" "$(maxk "$tmp/$id.k")" >>"$tmp/table"
done <"$tmp/cases"

printf '\nflowtag bench: %s, %s lines (%s MB), lookup %s rows, %s cores, %s\n' \
	"$(date -u '+%Y-%m-%d %H:%M UTC')" "$lines" \
	"$(awk -v b="$logbytes" 'BEGIN {printf "%.0f", b / 1e6}')" "$lkrows" "$ncpu" \
	"$(uname -sm)"
cpu=$(sed -n 's/^model name[	 ]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)
[ -z "$cpu" ] || printf 'cpu: %s\n' "$cpu"
printf '\n'
xlines=$lines
[ "$extra" = 0 ] || xlines=10000000     # the keys*.tsv files of -x
awk -F '\t' -v lines="$xlines" -v extra="$extra" '
	{ id[NR] = $1; label[NR] = $2; n[NR] = $3; med[NR] = $4; bytes[NR] = $5; rss[NR] = $6
	  if ($1 == "wc") wc = $4 }
	END {
		if (extra)
			printf "%-34s %6s %9s %9s %9s %9s\n", "case", "rounds", "median_s", "MB/s", "ns/line", "RSS_MiB"
		else
			printf "%-34s %6s %9s %9s %9s %9s\n", "case", "rounds", "median_s", "MB/s", "x_wc-l", "RSS_MiB"
		for (i = 1; i <= NR; i++) {
			if (med[i] == "fail") {
				printf "%-34s %6s %9s %9s %9s %9s\n", label[i], n[i], "FAIL", "-", "-", rss[i]
				continue
			}
			mbs = med[i] > 0 ? sprintf("%.0f", bytes[i] / med[i] / 1e6) : "-"
			if (extra)
				x = id[i] ~ /^keys/ && med[i] > 0 ? sprintf("%.0f", med[i] / lines * 1e9) : "-"
			else
				x = wc > 0 ? sprintf("%.2f", med[i] / wc) : "-"
			printf "%-34s %6s %9.3f %9s %9s %9s\n", label[i], n[i], med[i], mbs, x, rss[i]
		}
	}' "$tmp/table"

# mawk / flowtag ratio and a check that both give the same numbers
if [ "$extra" = 0 ]; then
	awkt=$(awk -F '\t' '$1 == "awk" {print $4}' "$tmp/table")
	for c in ft1 ftN; do
		t=$(awk -F '\t' -v c="$c" '$1 == c {print $4}' "$tmp/table")
		case $awkt$t in *fail* | '') continue ;; esac
		awk -v a="$awkt" -v t="$t" -v c="$c" 'BEGIN {
			printf "%s / flowtag.sh %s: %.2f\n", "'"$awk"'", (c == "ft1" ? "-j 1" : "-j default"), a / t }'
	done
	# flowtag.awk does the whole job: its five files should be flowtag.sh's
	aout=$tmp/awkout
	for c in j1 jN; do
		o=$dir/out-$c
		[ -f "$o/output.csv" ] || continue
		if [ ! -f "$aout/output.csv" ]; then
			printf 'flowtag.awk vs out-%s: flowtag.awk wrote no output\n' "$c"
			continue
		fi
		differ=
		for f in output.csv tag_counts.csv port_protocol_counts.csv untagged_flows.csv error.log; do
			cmp -s "$o/$f" "$aout/$f" || differ="$differ $f"
		done
		if [ -z "$differ" ]; then
			printf 'flowtag.awk vs out-%s: all five files identical\n' "$c"
		else
			printf 'flowtag.awk vs out-%s: DIFFER:%s\n' "$c" "$differ"
			sed -n '/^Totals:/,$p' "$o/output.csv" >"$tmp/ft.tot"
			sed -n '/^Totals:/,$p' "$aout/output.csv" | diff "$tmp/ft.tot" - | head -n 20 || true
		fi
	done
fi
if [ -n "$notes" ]; then
	printf '\n'
	printf '%s' "$notes" | sed 's/^/note: /'
fi
printf '\nRSS: peak resident set of the largest single process (GNU time on sh -c;\n'
printf 'pipelines: max over stages; flowtag.sh -j N: per worker, not the sum).\n'
