#!/bin/sh
# flowtag.sh -- tag AWS VPC flow logs by (dstport, protocol) and write
# output.csv, tag_counts.csv, port_protocol_counts.csv, untagged_flows.csv
# and error.log into OUTDIR. Flows are counted before they are tagged: the
# tag is a function of the key, so only the small counted table is tagged.
set -u

prog=flowtag
exec 3<&0       # standard input, for "-": background jobs get /dev/null
LC_ALL=C
export LC_ALL

usage() {
	echo "usage: flowtag.sh [-q] [-j N] [-l LOOKUP] [-o OUTDIR] [FLOWLOG ...]"
}

die() {
	printf '%s: %s\n' "$prog" "$*" >&2
	exit 1
}

# the filters: $FLOWTAG_BIN, else the build tree beside this script, else
# the directory this script was installed in, then PATH
here=$(dirname -- "$0")
if [ -n "${FLOWTAG_BIN:-}" ]; then
	PATH=$FLOWTAG_BIN:$PATH
elif [ -x "$here/cmd/flow-parse/flow-parse" ]; then
	PATH=$here/cmd/flow-parse:$here/cmd/flow-count:$here/cmd/flow-tag:$here/cmd/flow-untagged:$PATH
else
	PATH=$here:$PATH
fi
export PATH

ncpu() {
	n=$(getconf _NPROCESSORS_ONLN 2>/dev/null) || n=1
	case $n in ''|*[!0-9]*|0) n=1 ;; esac
	echo "$n"
}

lookup=lookup_table.csv
outdir=.
jobs=
quiet=0
while getopts hqj:l:o: opt; do
	case $opt in
	h) usage; exit 0 ;;
	q) quiet=1 ;;
	j) jobs=$OPTARG ;;
	l) lookup=$OPTARG ;;
	o) outdir=$OPTARG ;;
	*) usage >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || set -- flow_logs.txt
case $jobs in
'') jobs=$(ncpu) ;;
*[!0-9]*|0*) printf '%s: -j: %s is not a number from 1\n' "$prog" "$jobs" >&2; usage >&2; exit 2 ;;
esac
: "$quiet"

now() {
	t=$(date +%s%N 2>/dev/null)
	case $t in
	''|*[!0-9]*) t=$(($(date +%s) * 1000000000)) ;;
	esac
	echo "$t"
}
t0=$(now)

readable() {
	[ -e "$1" ] || die "$1: No such file or directory"
	[ -d "$1" ] && die "$1: Is a directory"
	[ -r "$1" ] || die "$1: Permission denied"
}
readable "$lookup"
for f; do [ "$f" = - ] || readable "$f"; done
[ -d "$outdir" ] || die "$outdir: not a directory"
tmp=$(mktemp -d "$outdir/.flowtag.XXXXXX" 2>/dev/null) || die "$outdir: cannot create files there"

pids=
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# fail -- a stage failed: its last message is the reason
fail() {
	if [ -s "$1" ]; then tail -n 1 "$1" >&2; else die "$2"; fi
	exit 1
}

# the lookup table first: a bad header is fatal before any flow is read
flow-tag -l "$lookup" </dev/null >/dev/null 2>"$tmp/lookup.err" ||
	fail "$tmp/lookup.err" "flow-tag failed on $lookup"

# part I [flow-parse arguments] -- count the flows of one piece in the
# background; flow-parse -c prints what flow-parse | flow-count would
parts=
part() {
	i=$1
	shift
	parts="$parts $i"
	{
		flow-parse -c -T "$tmp/tot.$i" "$@" <&3 >"$tmp/part.$i" 2>"$tmp/err.$i"
		echo $? >"$tmp/st.$i"
	} &
	pids="$pids $!"
}

isgzip() {
	[ "$(od -An -tx1 -N2 -- "$1" | tr -d ' \n')" = 1f8b ]
}

if [ "$jobs" -eq 1 ]; then
	part 0 -- "$@"
else
	n=0
	for f; do
		if [ -f "$f" ] && ! isgzip "$f"; then
			# byte ranges: flow-parse -r takes the lines that start in each
			size=$(wc -c <"$f" | tr -d ' ')
			k=0
			while [ "$k" -lt "$jobs" ]; do
				part "$n" -r "$((size * k / jobs)):$((size * (k + 1) / jobs))" -- "$f"
				n=$((n + 1))
				k=$((k + 1))
			done
		else
			part "$n" -- "$f"
			n=$((n + 1))
		fi
		# one file at a time: its pieces already fill the cores
		wait
		pids=
	done
fi
wait
pids=

for i in $parts; do
	[ "$(cat "$tmp/st.$i" 2>/dev/null)" = 0 ] || fail "$tmp/err.$i" "flow-parse failed"
done

# merge: counts add up, so the pieces sum to the whole; one piece is
# already a finished table
case $parts in
" "*" "*)
	for i in $parts; do cat "$tmp/part.$i"; done | flow-count -s >"$tmp/pp.tsv" ||
		die "flow-count -s failed"
	;;
*)
	mv "$tmp/part.0" "$tmp/pp.tsv"
	;;
esac
flow-tag -l "$lookup" "$tmp/pp.tsv" >"$tmp/tagged.tsv" 2>/dev/null ||
	die "flow-tag failed"
flow-untagged "$tmp/tagged.tsv" >"$tmp/untagged.tsv" || die "flow-untagged failed"
{
	echo "Untagged	0"
	awk -F '\t' '{ print $4 "\t" $3 }' "$tmp/tagged.tsv"
} | flow-count -s >"$tmp/tags.tsv" || die "flow-count -s failed"
for i in $parts; do cat "$tmp/tot.$i"; done | flow-count -s >"$tmp/totals.tsv" ||
	die "flow-count -s failed"

# csv HEADER FILE -- a TSV table as CSV, fields with , or " quoted;
# keycsv for port/protocol tables, whose fields never hold either
keycsv() {
	echo "$1"
	tr '\t' , <"$2"
}
csv() {
	echo "$1"
	awk 'function q(s) {
		if (s ~ /[",]/) { gsub(/"/, "\"\"", s); return "\"" s "\"" }
		return s
	}
	BEGIN { FS = "\t"; OFS = "," }
	{ for (i = 1; i <= NF; i++) $i = q($i); print }' "$2"
}

total() {
	awk -F '\t' -v k="$1" '$1 == k { v = $2 } END { print v + 0 }' "$tmp/totals.tsv"
}
records=$(total records)
flows=$(total flows)
nodata=$(total nodata)
malformed=$(total malformed)
bytes=$(total bytes)
untagged=$(awk -F '\t' '$1 == "Untagged" { print $2 }' "$tmp/tags.tsv")
tagged=$((flows - untagged))

csv Tag,Count "$tmp/tags.tsv" >"$tmp/tag_counts.csv"
keycsv Port,Protocol,Count "$tmp/pp.tsv" >"$tmp/port_protocol_counts.csv"
keycsv Port,Protocol,Count "$tmp/untagged.tsv" >"$tmp/untagged_flows.csv"
{
	echo "Tag Counts:"
	cat "$tmp/tag_counts.csv"
	echo
	echo "Port/Protocol Combination Counts:"
	cat "$tmp/port_protocol_counts.csv"
	echo
	echo "Untagged Flows:"
	cat "$tmp/untagged_flows.csv"
	echo
	echo "Totals:"
	echo "Metric,Value"
	echo "records,$records"
	echo "flows,$flows"
	echo "tagged,$tagged"
	echo "untagged,$untagged"
	echo "nodata,$nodata"
	echo "malformed,$malformed"
} >"$tmp/output.csv" || die "$outdir: write error"

# error.log: the lookup table's problems, then the flow logs' in input
# order; a protocol number without a keyword is reported once
{
	cat "$tmp/lookup.err"
	for i in $parts; do cat "$tmp/err.$i"; done |
		awk '/: warning: protocol [0-9]+ has no IANA keyword, named / { if (seen[$NF]++) next }
			{ print }'
} >"$tmp/error.log" || die "$outdir: write error"

for f in output.csv tag_counts.csv port_protocol_counts.csv untagged_flows.csv error.log; do
	mv -f "$tmp/$f" "$outdir/$f" || die "$outdir/$f: cannot write"
done

t1=$(now)
awk -v p="$prog" -v f="$flows" -v m="$malformed" -v n="$nodata" -v b="$bytes" \
	-v ns="$((t1 - t0))" 'BEGIN {
	s = ns / 1e9; if (s <= 0) s = 1e-9
	printf "%s: %d flows (%d malformed, %d nodata) in %.2f s, %.1f MB/s\n", p, f, m, n, s, b / 1e6 / s
}' >&2
exit 0
