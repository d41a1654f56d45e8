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
	echo "usage: flowtag.sh [-q] [--strict] [-j N] [-l LOOKUP] [-m bytes|packets] [-n N]"
	echo "                  [-o OUTDIR] [FLOWLOG ...]"
}

die() {
	printf '%s: %s\n' "$prog" "$*" >&2
	exit 1
}

# the filters: $FLOWTAG_BIN, else the build tree beside this script, else
# the directory this script was installed in, then PATH
case $0 in
*/*) here=${0%/*} ;;
*) here=. ;;
esac
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

usage_error() {
	printf '%s: %s\n' "$prog" "$*" >&2
	usage >&2
	exit 2
}

# --strict is the one long option: take it out, keep the rest in order
strict=
n=$#
rest=0
while [ "$n" -gt 0 ]; do
	a=$1
	shift
	n=$((n - 1))
	case $rest$a in
	0--strict) strict=-S ;;
	0--) rest=1; set -- "$@" "$a" ;;
	*) set -- "$@" "$a" ;;
	esac
done

lookup=lookup_table.csv
outdir=.
jobs=
quiet=0
measure=
top=
mset=
nset=
while getopts hqj:l:m:n:o: opt; do
	case $opt in
	h) usage; exit 0 ;;
	q) quiet=1 ;;
	j) jobs=$OPTARG ;;
	l) lookup=$OPTARG ;;
	m) measure=$OPTARG mset=1 ;;
	n) top=$OPTARG nset=1 ;;
	o) outdir=$OPTARG ;;
	*) usage >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || set -- flow_logs.txt
case $jobs in
'') jobs=$(ncpu) ;;
*[!0-9]*|0*) usage_error "-j: '$jobs' is not a number from 1" ;;
esac
if [ -n "$nset" ]; then
	case $top in
	''|0*|*[!0-9]*) usage_error "-n: '$top' is not a number from 1" ;;
	esac
fi
if [ -n "$mset" ]; then
	case $measure in
	bytes|packets) ;;
	*) usage_error "-m: '$measure' is not bytes or packets" ;;
	esac
fi

# now -- the time in ns, in $ns
now() {
	ns=$(date +%s%N 2>/dev/null)
	case $ns in
	''|*[!0-9]*) ns=$(($(date +%s) * 1000000000)) ;;
	esac
}
now
t0=$ns

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
rmpid=
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	[ -z "$rmpid" ] || wait "$rmpid"
	for f in "$tmp"/pid.*; do
		[ -f "$f" ] && read -r p <"$f" && kill "$p" 2>/dev/null
	done
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

# part I [flow-parse arguments] -- count the flows of one piece in the
# background; flow-parse -c prints what flow-parse | flow-count would
parts=
# more than one piece: flow-count -s merges them, and sorts the merged
# table, so the pieces skip their own sort
unsorted=-u
[ "$jobs" -eq 1 ] && [ $# -le 1 ] && unsorted=
part() {
	parts="$parts $1"
	run "$@"
}
run() {
	i=$1
	shift
	{
		flow-parse -c $unsorted $strict ${measure:+-m "$measure"} -p "$tmp/prog.$i" \
			-T "$tmp/tot.$i" "$@" <&3 >"$tmp/part.$i" 2>"$tmp/err.$i" &
		echo $! >"$tmp/pid.$i"
		wait $!
		echo $? >"$tmp/st.$i"
	} &
	pids="$pids $!"
}

# progress: on a terminal only, one line rewritten until the parts are done
total_bytes=0
if [ -t 2 ]; then
	for f; do
		[ -f "$f" ] && total_bytes=$((total_bytes + $(wc -c <"$f")))
	done
fi
watch() {
	if [ ! -t 2 ]; then
		wait
		return
	fi
	while :; do
		alive=
		for p in $pids; do kill -0 "$p" 2>/dev/null && alive=1; done
		[ -n "$alive" ] || break
		now
		cat "$tmp"/prog.* 2>/dev/null | awk -v total="$total_bytes" -v ns="$((ns - t0))" '
			{ done += $1 }
			END {
				s = ns / 1e9; if (s <= 0) s = 1e-9
				rate = done / 1e6 / s
				if (total > 0) {
					pct = 100 * done / total; if (pct > 99) pct = 99
					eta = rate > 0 ? (total - done) / 1e6 / rate : 0
					printf "\rflowtag: %d of %d MB (%d%%), %.0f MB/s, ETA %d s \033[K",
					    done / 1e6, total / 1e6, pct, rate, eta
				} else {
					printf "\rflowtag: %d MB, %.0f MB/s \033[K", done / 1e6, rate
				}
			}' >&2
		sleep 0.2 2>/dev/null || sleep 1
	done
	printf '\r\033[K' >&2
	wait
}

# gzipinfo FILE -- $gz 1 if FILE starts with the gzip magic, and $size
# its size in bytes; od prints the two bytes as hex pairs ("1f" can only
# be one of them), wc the size, maybe after blanks
gzipinfo() {
	gz=$(od -An -tx1 -N2 -- "$1"; wc -c <"$1")
	size=${gz##*[!0-9]}
	case $gz in
	*1f*8b*) gz=1 ;;
	*) gz=0 ;;
	esac
}

# settle FILE PART... -- the pieces of one file once they have run. A
# piece read with -R numbered its lines from the line in progress at its
# start (line 1) and took the format of the file's first line: its line
# numbers get the lines of the pieces before it added (fix_I, when
# error.log is written, by a prefix in the environment named by pfx_I),
# unless one of those pieces held a header, in which case it is counted
# again with -r.
nsplit=0
settle() {
	sf=$1
	shift
	base=0 hdr=0 again=
	eval "FT_P$nsplit=\"flow-parse: \$sf:\"; export FT_P$nsplit"
	for i; do
		if [ "$i" != "$1" ]; then
			if [ "$hdr" != 0 ]; then
				again="$again $i"
			else
				eval "fix_$i=$((base - 1)) pfx_$i=FT_P$nsplit"
			fi
		fi
		[ -f "$tmp/tot.$i" ] || break   # a piece failed: it says why
		lines=0 headers=0
		while IFS='	' read -r key val; do
			case $key in
			lines) lines=$val ;;
			headers) headers=$val ;;
			esac
		done <"$tmp/tot.$i"
		base=$((base + lines))
		[ "$headers" = 0 ] || hdr=1
	done
	nsplit=$((nsplit + 1))
	[ -n "$again" ] || return 0
	for i in $again; do
		eval "r=\$range_$i"
		run "$i" -r "$r" -- "$sf"
	done
	watch
	pids=
}

if [ "$jobs" -eq 1 ]; then
	part 0 -- "$@"
else
	n=0
	whole=0         # files read whole (gzip, standard input) still running
	for f; do
		gz=1
		[ -f "$f" ] && gzipinfo "$f"
		if [ "$gz" = 0 ]; then
			if [ "$whole" -gt 0 ]; then
				watch
				pids=
				whole=0
			fi
			# byte ranges of equal size: flow-parse -r takes the lines
			# that start in the first, -R those in each later one
			# without passing over the bytes before it (see settle).
			# Range k ends at size * k / jobs, rounded down: in shell
			# arithmetic while the numbers are small enough for it
			if [ ${#size} -le 15 ] && [ ${#jobs} -le 4 ]; then
				k=1 prev=0 ranges='' q=$((size / jobs)) rest=$((size % jobs))
				while [ "$k" -le "$jobs" ]; do
					b=$((q * k + rest * k / jobs))
					ranges="$ranges $prev:$b"
					prev=$b
					k=$((k + 1))
				done
			else
				ranges=$(awk -v size="$size" -v n="$jobs" 'BEGIN {
					prev = 0
					for (k = 1; k <= n; k++) {
						b = k == n ? size : int(size / n * k)
						printf "%.0f:%.0f\n", prev, b; prev = b
					}
				}')
			fi
			first=$n
			fparts=
			for r in $ranges; do
				if [ "$n" = "$first" ]; then
					part "$n" -r "$r" -- "$f"
				else
					part "$n" -R "$r" -- "$f"
				fi
				eval "range_$n=\$r"
				fparts="$fparts $n"
				n=$((n + 1))
			done
			watch
			pids=
			# shellcheck disable=SC2086 # part numbers
			settle "$f" $fparts
		else
			# a file that cannot be cut is one piece: up to N of them
			# run side by side
			part "$n" -- "$f"
			n=$((n + 1))
			whole=$((whole + 1))
			if [ "$whole" -ge "$jobs" ]; then
				watch
				pids=
				whole=0
			fi
		fi
	done
fi
watch
pids=

# status NAME -- the status a background job left in $tmp/NAME, or none
status() {
	st=
	[ -f "$tmp/$1" ] && read -r st <"$tmp/$1"
	[ "$st" = 0 ]
}
# renumber -- awk: a message of a piece read with -R gets the line number
# of the whole file: add=K p=NAME before its file, NAME the environment
# variable holding the message's prefix (see settle)
# shellcheck disable=SC2016 # an awk program
renumber='
p != lastp { pre = ENVIRON[p]; n = length(pre); lastp = p }
p != "" && substr($0, 1, n) == pre && match(substr($0, n + 1), /^[0-9]+:/) {
	l = substr($0, n + 1, RLENGTH - 1)
	$0 = pre sprintf("%.0f", l + add) substr($0, n + RLENGTH)
}'
for i in $parts; do
	status "st.$i" && continue
	fix='' pfx=''
	eval "fix=\${fix_$i:-} pfx=\${pfx_$i:-}"
	if [ -n "$fix" ]; then
		# its last message with the line numbers of the whole file
		tail -n 1 "$tmp/err.$i" | awk "$renumber"'
		{ print }' add="$fix" p="$pfx" - >"$tmp/err.fix" &&
			mv "$tmp/err.fix" "$tmp/err.$i"
	fi
	fail "$tmp/err.$i" "flow-parse failed"
done

# errlog -- error.log, written while the pieces merge: the flow logs'
# problems in input order, line numbers of later pieces made those of the
# whole file (see settle), a protocol number without a keyword reported
# once. The lookup table's go before them once it has been read.
errlog() {
	set -- d=1
	for i in $parts; do
		eval "set -- \"\$@\" add=\${fix_$i:-0} p=\${pfx_$i:-} err.\$i"
	done
	cd "$tmp" && exec awk "$renumber"'
	d && /: warning: protocol [0-9]+ has no IANA keyword, named / { if (seen[$NF]++) next }
	{ print }' "$@" >error.log
}
# rows FILE -- r: FILE, or with -n N a file of its top N rows (the rows
# were counted over all of them)
rows() {
	r=$1
	[ -z "$top" ] || { head -n "$top" "$1" >"$1.top" && r=$1.top; }
}
# keycsv HEADER FILE -- a port/protocol table as CSV: its fields never
# hold a , or "
keycsv() {
	echo "$1"
	tr '\t' , <"$2"
}
pptable() {
	rows "$pp" &&
		keycsv Port,Protocol,Count "$r" >"$tmp/port_protocol_counts.csv"
}
# untable -- the untagged rows of the tagged table on standard input
untable() {
	if [ -n "$top" ]; then
		flow-untagged >"$tmp/untagged.tsv" &&
			rows "$tmp/untagged.tsv" &&
			keycsv Port,Protocol,Count "$r" >"$tmp/untagged_flows.csv"
		return
	fi
	# all the rows: straight into CSV
	{
		echo Port,Protocol,Count
		{
			flow-untagged
			echo $? >"$tmp/un1.st"
		} | tr '\t' ,
	} >"$tmp/untagged_flows.csv" && status un1.st
}

# The pieces merge: counts add up, so they sum to the whole; one piece is
# already a finished table. The merged table (pp) is tagged (tagged.tsv)
# by a flow-tag that has loaded the lookup table meanwhile, and written as
# CSV beside that. Then, side by side: the untagged rows as CSV, and the
# counts summed per tag (tags.tsv, with an Untagged row always), which become
# tag_counts.csv while the totals are summed: the pieces' counts and the
# tag table's, tagged or untagged. Each stage leaves its status. (Tagging
# the merged table as it is printed is slower on two cores: the stages
# then pace the merge.)
pp=
for i in $parts; do
	if [ -z "$pp" ] && [ -z "$unsorted" ]; then pp=$tmp/part.$i; else pp=$tmp/pp.tsv; fi
done
# merge -- the merge started first, then error.log beside it
merge() {
	set --
	for i in $parts; do set -- "$@" "$tmp/part.$i"; done
	mpid=
	if [ $# -gt 1 ] || [ -n "$unsorted" ]; then
		flow-count -s "$@" >"$tmp/pp.tsv" &
		mpid=$!
	fi
	{ (errlog); echo $? >"$tmp/errlog.st"; } >/dev/null &
	st=0
	[ -z "$mpid" ] || wait "$mpid" || st=$?
	echo "$st" >"$tmp/merge.st"
}
printf '\t\t0\tUntagged\n' >"$tmp/zero" || die "$outdir: write error"
{
	merge
	if status merge.st; then
		# pp as CSV beside the tagging
		{ pptable; echo $? >"$tmp/pp.st"; } >/dev/null &
		cat "$pp"
	fi
	# the pipe is closed before waiting: flow-tag ends with the cat
	exec >/dev/null
	wait
} | {
	flow-tag -l "$lookup" >"$tmp/tagged.tsv" 2>"$tmp/lookup.err"
	echo $? >"$tmp/tag.st"
}
status merge.st || die "flow-count -s failed"
# a lookup table flow-tag cannot use (no header, say) fails the run only
# now, once the flows are counted; the outputs are left alone
status tag.st || fail "$tmp/lookup.err" "flow-tag failed on $lookup"
{ untable <"$tmp/tagged.tsv"; echo $? >"$tmp/un.st"; } &
pids=$!
{
	flow-count -s -f 4,3 "$tmp/zero" "$tmp/tagged.tsv"
	echo $? >"$tmp/tags.st"
} | {
	# tag_counts.csv: fields with , or " quoted. The totals exactly, as
	# every sum is below 2^53, else by flow-count -s below
	(cd "$tmp" && exec awk 'function q(s) {
		if (s ~ /[",]/) { gsub(/"/, "\"\"", s); return "\"" s "\"" }
		return s
	}
	BEGIN { FS = "\t"; print "Tag,Count" >"tag_counts.csv" }
	!tags { sum[$1] += $2; next }
	{
		print >"tags.tsv"
		print q($1) "," q($2) >"tag_counts.csv"
		sum[$1 == "Untagged" ? "untagged" : "tagged"] += $2
	}
	END {
		for (k in sum)
			if (sum[k] >= 9007199254740992) { print "inexact"; exit }
		for (k in sum)
			printf "%s\t%.0f\n", k, sum[k]
	}' tot.* tags=1 - >totals.tsv)
	echo $? >"$tmp/csv.st"
}
status tags.st || die "flow-count -s failed"
status csv.st || die "$outdir: write error"
read -r k <"$tmp/totals.tsv" || k=
if [ "$k" = inexact ]; then
	{
		cat "$tmp"/tot.*
		awk -F '\t' '{ print ($1 == "Untagged" ? "untagged" : "tagged") "\t" $2 }' "$tmp/tags.tsv"
	} | flow-count -s >"$tmp/totals.tsv" || die "flow-count -s failed"
fi

# the totals: every value is digits, every name a word
records=0 flows=0 nodata=0 malformed=0 bytes=0 tagged=0 untagged=0
while IFS='	' read -r k v; do
	case $v in ''|*[!0-9]*) continue ;; esac
	case $k in
	records|flows|nodata|malformed|bytes|tagged|untagged) eval "$k=\$v" ;;
	esac
done <"$tmp/totals.tsv"

wait
pids=
status pp.st || die "$outdir: write error"
status un.st || die "flow-untagged failed"
# the large files in between are removed while the outputs are put
# together (the EXIT trap waits for it)
rm -f "$tmp"/part.* "$tmp/pp.tsv" "$tmp/tagged.tsv" "$tmp"/err.* &
rmpid=$!
{
	printf 'Tag Counts:\n' >"$tmp/h.tag" &&
	printf '\nPort/Protocol Combination Counts:\n' >"$tmp/h.pp" &&
	printf '\nUntagged Flows:\n' >"$tmp/h.un" &&
	cat "$tmp/h.tag" "$tmp/tag_counts.csv" "$tmp/h.pp" "$tmp/port_protocol_counts.csv" \
		"$tmp/h.un" "$tmp/untagged_flows.csv" &&
	printf '\nTotals:\nMetric,Value\nrecords,%s\nflows,%s\ntagged,%s\nuntagged,%s\nnodata,%s\nmalformed,%s\n' \
		"$records" "$flows" "$tagged" "$untagged" "$nodata" "$malformed"
} >"$tmp/output.csv" || die "$outdir: write error"

status errlog.st || die "$outdir: write error"
if [ -s "$tmp/lookup.err" ]; then
	if ! cat "$tmp/lookup.err" "$tmp/error.log" >"$tmp/error.all" ||
		! mv -f "$tmp/error.all" "$tmp/error.log"; then
		die "$outdir: write error"
	fi
fi

# replace all five or none: look before renaming anything
outs="output.csv tag_counts.csv port_protocol_counts.csv untagged_flows.csv error.log"
for f in $outs; do
	[ -d "$outdir/$f" ] && die "$outdir/$f: Is a directory"
done
# Each output replaces the previous one by a rename, so a reader sees the
# old file or the new one, never none. (On ext4 a rename over a file starts
# writing the new one out, about 1 ms a MB: the price of that safety.)
# shellcheck disable=SC2086 # five plain names
(cd "$tmp" && mv -f $outs .. 2>/dev/null) || die "$outdir: cannot write the outputs"

# the summary: totals and the top tags as bars scaled to the terminal
if [ "$quiet" = 0 ]; then
	cols=${COLUMNS:-}
	[ -n "$cols" ] || cols=$(tput cols 2>/dev/null) || cols=80
	case $cols in ''|*[!0-9]*) cols=80 ;; esac
	awk -F '\t' -v cols="$cols" -v f="$flows" -v t="$tagged" -v u="$untagged" \
		-v n="$nodata" -v m="$malformed" -v unit="${measure:-flows}" '
	NR <= 10 { tag[NR] = $1; cnt[NR] = $2; rows = NR
		if (length($1) > lw) lw = length($1)
		if (length($2) > cw) cw = length($2)
		if ($2 > max) max = $2 }
	END {
		if (unit == "flows")
			printf "%.0f flows: %.0f tagged, %.0f untagged (%.0f nodata, %.0f malformed)\n", f, t, u, n, m
		else
			printf "%.0f flows (%.0f nodata, %.0f malformed); %s: %.0f tagged, %.0f untagged\n", f, n, m, unit, t, u
		if (rows == 0) exit
		printf "top tags by %s:\n", unit
		if (lw > 24) lw = 24
		w = cols - lw - cw - 5; if (w < 10) w = 10
		for (i = 1; i <= rows; i++) {
			len = max > 0 ? int(cnt[i] * w / max + 0.5) : 0
			if (cnt[i] > 0 && len == 0) len = 1
			bar = ""; for (j = 0; j < len; j++) bar = bar "#"
			printf "  %-*s %*.0f %s\n", lw, substr(tag[i], 1, lw), cw, cnt[i], bar
		}
	}' "$tmp/tags.tsv"
fi

# the timing line: seconds and MB/s as decimals by integer arithmetic
# (bytes * 1000 / ns is MB/s), rounded by printf
now
ns=$((ns - t0))
[ "$ns" -gt 0 ] || ns=1
frac=$((ns % 1000000000 + 1000000000))
rate=$((bytes * 1000 / ns)). rem=$((bytes * 1000 % ns)) k=0
while [ "$k" -lt 6 ]; do
	rem=$((rem * 10))
	rate=$rate$((rem / ns))
	rem=$((rem % ns))
	k=$((k + 1))
done
printf '%s: %.0f flows (%.0f malformed, %.0f nodata) in %.2f s, %.1f MB/s\n' "$prog" \
	"$flows" "$malformed" "$nodata" "$((ns / 1000000000)).${frac#1}" "$rate" >&2
exit 0
