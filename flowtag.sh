#!/bin/sh
# flowtag.sh -- tag AWS VPC flow logs by (dstport, protocol) and write
# output.csv, tag_counts.csv, port_protocol_counts.csv, untagged_flows.csv
# and error.log into OUTDIR: one flow-parse counts every input on every core,
# flow-tag tags the counted table (the tag is a function of the key).
set -u
prog=flowtag
exec 3<&0       # standard input, for "-": background jobs get /dev/null
LC_ALL=C; export LC_ALL

usage() {
	cat <<EOF
usage: flowtag.sh [-q] [--strict] [-j N] [-l LOOKUP] [-m bytes|packets] [-n N] [-o OUTDIR]
                  [-w EXPR]... [--files-from LIST [--null]] [FLOWLOG | DIR ...]
  -j N       N workers (default: the number of online CPUs)
  -l LOOKUP  the lookup table dstport,protocol,tag (default lookup_table.csv; - stdin)
  -m FIELD   sum bytes or packets per key instead of counting flows
  -n N       only the first N rows of the port/protocol tables
  -o OUTDIR  where the five files go, created if missing (default .)
  -q         no summary on stdout;  --strict  the first malformed line is fatal
  -w EXPR    only records where EXPR holds (repeatable), e.g. action=REJECT
  --files-from LIST  also the files named in LIST (- stdin), NUL-separated with
             --null (find -print0); a DIR stands for every file below it
  --counted DIR  no logs: merge parts already counted (flowtag-slurm), DIR's
             *.tsv (flow-parse -c), *.totals (its -T), *.err (its messages)
  -h, --help this help;  --version  the version
EOF
}
die() { printf '%s: %s\n' "$prog" "$*" >&2; exit 1; }
usage_error() { printf '%s: %s\n' "$prog" "$*" >&2; usage >&2; exit 2; }

# the filters: $FLOWTAG_BIN, else the build tree beside this script (a
# symlink to it followed), else the directory it was installed in, then PATH
self=$0
while [ -L "$self" ]; do
	link=$(ls -l "$self") && link=${link#* -> }
	case $link in /*) self=$link ;; *) self=${self%/*}/$link ;; esac
done
case $self in */*) here=${self%/*} ;; *) here=. ;; esac
if [ -n "${FLOWTAG_BIN:-}" ]; then PATH=$FLOWTAG_BIN:$PATH
elif [ -x "$here/cmd/flow-parse/flow-parse" ]; then
	PATH=$here/cmd/flow-parse:$here/cmd/flow-count:$here/cmd/flow-tag:$here/cmd/flow-untagged:$PATH
else PATH=$here:$PATH; fi
export PATH

# the options, in one pass (linear in the number of arguments); the
# first operand or -- ends them; -qj 4 and -j4 as getopts takes them
strict='' list='' null='' wargs='' counted='' nl='
'
lookup=lookup_table.csv outdir=. jobs='' quiet=0 measure='' mset='' top=''
while [ $# -gt 0 ]; do
	case $1 in
	--) shift; break ;;
	--strict) strict=-S ;;
	--null) null=-0 ;;
	--files-from) [ $# -gt 1 ] || usage_error "--files-from needs an argument"; list=$2; shift ;;
	--counted) [ $# -gt 1 ] || usage_error "--counted needs an argument"; counted=$2; shift ;;
	--help|-h*) usage; exit 0 ;;
	--version) echo "flowtag.sh $(flow-parse --version | sed 's/^[^ ]* //')"; exit 0 ;;
	--*) usage_error "unknown option '$1'" ;;
	-q?*) quiet=1; a=-${1#-q}; shift; set -- "$a" "$@"; continue ;;
	-q) quiet=1 ;;
	-[jlmnow]*)
		o=${1%"${1#-?}"} v=${1#-?}
		if [ -z "$v" ]; then [ $# -gt 1 ] || usage_error "$o needs an argument"; v=$2; shift; fi
		case $o in
		-j) jobs=$v; case $jobs in ''|0*|*[!0-9]*) usage_error "-j: '$jobs' is not a number from 1" ;; esac ;;
		-l) lookup=$v ;;
		-m) measure=$v mset=1 ;;
		-n) top=$v; case $top in ''|0*|*[!0-9]*) usage_error "-n: '$top' is not a number from 1" ;; esac ;;
		-o) outdir=$v ;;
		-w) wargs=$wargs$nl-w$nl$v ;;
		esac ;;
	-?*) usage_error "unknown option '-$(printf '%s' "${1#-}" | cut -c1)'" ;;
	*) break ;;
	esac
	shift
done
[ -z "$counted" ] || { [ "$#$list" = 0 ] || usage_error "--counted DIR takes no logs"; set -- "$counted"/*.tsv; }
[ $# -gt 0 ] || [ -n "$list" ] || set -- flow_logs.txt
[ -z "$mset" ] || case $measure in bytes|packets) ;; *) usage_error "-m: '$measure' is not bytes or packets" ;; esac
# shellcheck disable=SC2086 # the -w expressions are checked before anything is read
[ -z "$wargs" ] || e=$(IFS=$nl; set -f; flow-parse $wargs </dev/null 2>&1 >/dev/null) || { e=${e#flow-parse: }; usage_error "${e%%"$nl"*}"; }
for f in "$list" "$@"; do [ "$f$lookup" != -- ] || usage_error "-l - and the log - cannot both be standard input"; done
for f; do [ -r "$f" ] || [ "$f" = - ] || die "$f: $([ -e "$f" ] && echo Permission denied || echo No such file or directory)"; done
for p in flow-parse flow-count flow-tag flow-untagged; do
	command -v "$p" >/dev/null 2>&1 || die "$p not found (run make, or set FLOWTAG_BIN)"; done

# now -- the time in ns, in $ns: /proc/uptime's hundredths (no process), else date's
now() { if read -r up _ 2>/dev/null </proc/uptime && case $up in *[0-9].[0-9][0-9]) ;; *) false ;; esac
	then ns=$((${up%.*} * 1000000000 + (1${up#*.} - 100) * 10000000))
	else ns=$(date +%s%N 2>/dev/null); case $ns in ''|*[!0-9]*) ns=$(($(date +%s) * 1000000000)) ;; esac; fi; }
now; t0=$ns

[ -e "$outdir" ] && [ ! -d "$outdir" ] && die "$outdir: not a directory"
[ -d "$outdir" ] || mkdir -p -- "$outdir" 2>/dev/null || die "$outdir: cannot create the directory"
tmp=$(mktemp -d "$outdir/.flowtag.XXXXXX" 2>/dev/null) || die "$outdir: cannot create files there"; ppid=
# shellcheck disable=SC2317 # called by the traps
cleanup() { [ -z "$ppid" ] || kill "$ppid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT; trap 'exit 130' INT; trap 'exit 143' TERM; trap 'exit 129' HUP

# fail FILE WHAT -- a stage failed: the last line of its messages says why
fail() { [ -s "$1" ] || die "$2"; tail -n 1 "$1" >&2; exit 1; }

# flow-parse counts into a FIFO while flow-tag loads the lookup table (it opens
# the FIFO first): a bad table kills the count at once. Options are split at
# newlines; TERM is default in the job, so a kill as it starts is kept.
mkfifo "$tmp/counted" "$tmp/keys" || die "$outdir: cannot create files there"; trap - TERM
opts=$strict$nl${measure:+-m$nl$measure}$nl${list:+-F$nl$list}$nl$null$wargs
if [ -n "$counted" ]; then # the parts summed; a protocol without keyword named once, as in one run
	(flow-count -s "$counted"/*.totals >"$tmp/totals" &&
		awk '!(match($0, /: warning: protocol [0-9]+ has no IANA keyword, named .*$/) && w[substr($0, RSTART)]++)' \
		"$counted"/*.err >&2 && exec flow-count -s -- "$@") >"$tmp/counted" 2>"$tmp/error.log" &
else # shellcheck disable=SC2086 # -j 0: one worker per online CPU
	(IFS=$nl; set -f; exec flow-parse -c -j "${jobs:-0}" $opts -T "$tmp/totals" -- "$@" \
		<&3 >"$tmp/counted" 2>"$tmp/error.log") &
fi; ppid=$!  # tee keeps a copy of the counted table: the port/protocol table
tee "$tmp/counted.tsv" <"$tmp/counted" >"$tmp/keys" & tpid=$!; trap 'exit 143' TERM
if ! flow-tag -l "$lookup" "$tmp/keys" <&3 >"$tmp/tagged.tsv" 2>"$tmp/lookup.err"; then
	kill "$ppid" "$tpid" 2>/dev/null; wait "$ppid" 2>/dev/null; ppid=
	fail "$tmp/lookup.err" "flow-tag failed on $lookup"
fi
wait "$ppid" || { ppid=; fail "$tmp/error.log" "flow-parse failed"; }; ppid=; wait "$tpid" || die "$outdir: write error"
skipped=0 # error.log: the lookup's messages (seldom any), then the flows'
[ ! -s "$tmp/lookup.err" ] || { skipped=$(grep -vc '^flow-tag: .*: warning: ' "$tmp/lookup.err")
	{ cat "$tmp/error.log" >>"$tmp/lookup.err" && mv -f "$tmp/lookup.err" "$tmp/error.log"; } || die "$outdir: write error"; }

case $measure in bytes) unit=Bytes ;; packets) unit=Packets ;; *) unit=Count ;; esac
# the three tables at once, each checked; the first N rows with -n
hdr="Port,Protocol,$unit"
{ echo "$hdr"; if [ -z "$top" ]; then exec tr '\t' , <"$tmp/counted.tsv"; fi
	head -n "$top" "$tmp/counted.tsv" | tr '\t' ,; } >"$tmp/port_protocol_counts.csv" & j1=$! # no quotes
{ echo "$hdr"; if [ -z "$top" ]; then exec flow-untagged -C "$tmp/tagged.tsv"; fi
	flow-untagged -C "$tmp/tagged.tsv" | head -n "$top"; } >"$tmp/untagged_flows.csv" & j2=$!
# shellcheck disable=SC2015 # the counts summed per tag (an Untagged row always), exactly
printf '\t\t0\tUntagged\n' >"$tmp/zero.tsv" &&
	flow-count -s -f 4,3 "$tmp/zero.tsv" "$tmp/tagged.tsv" >"$tmp/tags.tsv" &&
	awk -F '\t' -v unit="$unit" -v tt="$tmp/tt.tsv" -v u="$tmp/u" '
	function q(s) { if (s ~ /[",]/) { gsub(/"/, "\"\"", s); s = "\"" s "\"" }; return s }
	BEGIN { print "Tag," unit }
	$1 == "Untagged" { print $2 >u }
	{ print q($1) "," $2; print ($1 == "Untagged" ? "untagged" : "tagged") "\t" $2 >tt }' \
	"$tmp/tags.tsv" >"$tmp/tag_counts.csv" || die "$outdir: write error"
# one flow-parse's totals: tagged = flows - untagged; -m or parts: flow-count adds both sums
tf=$tmp/totals; [ -z "$measure$counted" ] || { flow-count -s "$tmp/tt.tsv" "$tmp/totals" >"$tmp/tot" || die "flow-count failed"; tf=$tmp/tot; }
{ wait "$j1" && wait "$j2"; } || die "$outdir: write error"
records=0 flows=0 nodata=0 malformed=0 bytes=0 tagged=0 untagged=0 filtered=0
while IFS='	' read -r k v; do
	case $v in ''|*[!0-9]*) continue ;; esac
	case $k in records) records=$v ;; flows) flows=$v ;; nodata) nodata=$v ;; malformed) malformed=$v ;;
	bytes) bytes=$v ;; tagged) tagged=$v ;; untagged) untagged=$v ;; filtered) filtered=$v ;; esac
done <"$tf"
[ -n "$measure$counted" ] || { read -r untagged <"$tmp/u" && tagged=$((flows - untagged)); } || die "$outdir: read error"
# output.csv: the three tables and the totals, under their titles, by one cat
{ printf 'Tag Counts:\n' >"$tmp/h1" && printf '\nPort/Protocol Combination Counts:\n' >"$tmp/h2" &&
	printf '\nUntagged Flows:\n' >"$tmp/h3" &&
	printf '\nTotals:\nMetric,Value\nrecords,%s\nflows,%s\ntagged,%s\nuntagged,%s\nnodata,%s\nmalformed,%s\n' \
		"$records" "$flows" "$tagged" "$untagged" "$nodata" "$malformed" >"$tmp/h4" &&
	{ [ -z "$wargs" ] || printf 'filtered,%s\n' "$filtered" >>"$tmp/h4"; } &&
	cat "$tmp/h1" "$tmp/tag_counts.csv" "$tmp/h2" "$tmp/port_protocol_counts.csv" "$tmp/h3" \
		"$tmp/untagged_flows.csv" "$tmp/h4" >"$tmp/output.csv"; } || die "$outdir: write error"

# replace all five or none: look before renaming anything; each rename
# leaves a reader the old file or the new one, never none
outs="output.csv tag_counts.csv port_protocol_counts.csv untagged_flows.csv error.log"
set --; for f in $outs; do [ -d "$outdir/$f" ] && die "$outdir/$f: Is a directory"; set -- "$@" "$tmp/$f"; done
mv -f -- "$@" "$outdir/" 2>/dev/null || die "$outdir: cannot write the outputs"

[ "$skipped" -eq 0 ] || printf '%s: %s lookup rows skipped, see %s/error.log\n' "$prog" "$skipped" "$outdir" >&2
[ $((malformed * 2)) -le "$records" ] ||
	printf '%s: %s of %s records malformed (not a flow log?), see %s/error.log\n' "$prog" \
		"$malformed" "$records" "$outdir" >&2
# the summary: totals and the top tags as bars scaled to the terminal
if [ "$quiet" = 0 ]; then
	cols=${COLUMNS:-$(tput cols 2>/dev/null)}; case $cols in ''|*[!0-9]*) cols=80 ;; esac
	awk -F '\t' -v cols="$cols" -v f="$flows" -v t="$tagged" -v u="$untagged" -v n="$nodata" \
		-v m="$malformed" -v unit="${measure:-flows}" '
	NR <= 10 { tag[NR] = $1; cnt[NR] = $2; rows = NR; if ($2 + 0 > max) max = $2 + 0
		if (length($1) > lw) lw = length($1); if (length($2) > cw) cw = length($2) }
	END {
		printf "%s flows (%s malformed, %s nodata): %s%s tagged, %s untagged\n", f, m, n,
		    unit == "flows" ? "" : unit ": ", t, u
		if (rows == 0) exit
		printf "top tags by %s:\n", unit
		if (lw > 24) lw = 24; w = cols - lw - cw - 5; if (w < 10) w = 10
		for (i = 1; i <= rows; i++) {
			len = max > 0 ? int(cnt[i] * w / max + 0.5) : 0
			if (cnt[i] > 0 && len == 0) len = 1
			bar = ""; for (j = 0; j < len; j++) bar = bar "#"
			printf "  %-*s %*s %s\n", lw, substr(tag[i], 1, lw), cw, cnt[i], bar
		}
	}' "$tmp/tags.tsv"
fi

# the timing line: hundredths of a second, tenths of MB/s (bytes per 10 us)
now; ns=$((ns - t0)); cs=$(((ns + 5000000) / 10000000)); us10=$((ns / 10000)); [ "$us10" -gt 0 ] || us10=1
r=$(((bytes + us10 / 2) / us10))
printf '%s: %s flows (%s malformed, %s nodata) in %d.%02d s, %d.%d MB/s\n' "$prog" "$flows" "$malformed" \
	"$nodata" $((cs / 100)) $((cs % 100)) $((r / 10)) $((r % 10)) >&2
trap - EXIT; exec rm -rf "$tmp" # the temp dir, by rm in the shell's place
