#!/bin/sh
# run.sh [SECONDS] -- build the libFuzzer harnesses into build-fuzz/ and run
# each for SECONDS (default 5, the CI smoke run) over a copy of its seed
# corpus. Exits non-zero on any finding; crashers land in build-fuzz/.
# FUZZ_JOBS=N runs N harnesses at once (default 1). FUZZ_ONLY="a b" picks
# harnesses. Extra libFuzzer flags: FUZZ_FLAGS. FUZZ_OUT=DIR builds and
# runs in DIR instead of build-fuzz (a long run beside a smoke run).
set -u
cd "$(dirname "$0")/../.." || exit 1

secs=${1:-5}
case $secs in ''|*[!0-9]*) echo "usage: sh tests/fuzz/run.sh [SECONDS]" >&2; exit 2 ;; esac
CLANG=${CLANG:-clang}
command -v "$CLANG" >/dev/null 2>&1 || { echo "run.sh: $CLANG not found" >&2; exit 1; }
out=${FUZZ_OUT:-build-fuzz}
harnesses=${FUZZ_ONLY:-"fuzz_flowline fuzz_lookup fuzz_tsv fuzz_count fuzz_inflate fuzz_parquet fuzz_filter"}
flags="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer -std=c99 -D_POSIX_C_SOURCE=200809L -Ilib"
libsrc=$(ls lib/*.c)
mkdir -p "$out" || exit 1

for h in $harnesses; do
	# shellcheck disable=SC2086
	$CLANG $flags -o "$out/$h" "tests/fuzz/$h.c" $libsrc || {
		echo "run.sh: $h: build failed" >&2
		exit 1
	}
done

# one harness: a fresh copy of the seeds (the repo corpus stays as it is),
# then libFuzzer; its log in build-fuzz/HARNESS.log
run1() {
	h=$1
	rm -rf "$out/corpus/$h"
	mkdir -p "$out/corpus/$h" "$out/artifacts"
	cp tests/fuzz/corpus/"$h"/* "$out/corpus/$h/" 2>/dev/null
	# shellcheck disable=SC2086
	"$out/$h" -max_total_time="$secs" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$out/artifacts/$h-" ${FUZZ_FLAGS:-} \
		"$out/corpus/$h" >"$out/$h.log" 2>&1
	st=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$h.log")
	cov=$(grep -E '^#[0-9]+.*(DONE|INITED)' "$out/$h.log" | tail -n 1 |
		sed -n 's/.*\(cov: [0-9]*\).*\(ft: [0-9]*\).*/\1 \2/p')
	if [ "$st" -ne 0 ]; then
		echo "run.sh: $h: FAILED (exit $st), see $out/$h.log:" >&2
		grep -E 'ERROR|SUMMARY|Test unit written' "$out/$h.log" >&2
		return 1
	fi
	echo "run.sh: $h: ok, ${runs:-?} runs, $cov, ${secs}s"
}

jobs=${FUZZ_JOBS:-1}
status=0
# shellcheck disable=SC2086 # a list of names
set -- $harnesses
while [ $# -gt 0 ]; do
	pids=
	i=0
	while [ $# -gt 0 ] && [ "$i" -lt "$jobs" ]; do
		run1 "$1" &
		pids="$pids $!"
		shift
		i=$((i + 1))
	done
	for p in $pids; do
		wait "$p" || status=1
	done
done
exit $status
